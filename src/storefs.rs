//! The store's files as gvx reads and writes them: every error names its path, and every file
//! is created as the umask allows (0644 files, 0755 directories and executables under the
//! usual 022), so a store installed by one user (root, a CI image) is readable by the others.
//! Files are replaced atomically: written beside their target, then renamed over it.

use crate::error::{Error, Exit, Result};
use gvx_shims::{GoVersion, Store};
use std::io::{self, Write};
use std::path::Path;

/// A file created for writing in `dir` (`<prefix>XXXXXX`), mode 0666 less the umask (0777 for
/// an executable), deleted when dropped unless persisted.
pub fn temp_file_in(
    dir: &Path,
    prefix: &str,
    executable: bool,
) -> io::Result<tempfile::NamedTempFile> {
    temp_file_with_suffix(dir, prefix, "", executable)
}

/// [`temp_file_in`], with a name ending in `suffix` (`.exe`, for a program Windows must run).
pub fn temp_file_with_suffix(
    dir: &Path,
    prefix: &str,
    suffix: &str,
    executable: bool,
) -> io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix).suffix(suffix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(if executable {
            0o777
        } else {
            0o666
        }));
    }
    #[cfg(not(unix))]
    let _ = executable;
    builder.tempfile_in(dir)
}

/// A directory created in `dir` (`<prefix>XXXXXX`), mode 0777 less the umask, removed with
/// its contents when dropped.
pub fn temp_dir_in(dir: &Path, prefix: &str) -> io::Result<tempfile::TempDir> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o777));
    }
    builder.tempdir_in(dir)
}

/// A file's new contents, written beside it and not yet in place: [`Staged::commit`] renames
/// it over the target; dropping it removes it.
pub struct Staged {
    temp: tempfile::TempPath,
    target: std::path::PathBuf,
}

impl Staged {
    /// Writes `bytes` to a temporary file in `target`'s directory (created if missing).
    pub fn write(target: &Path, bytes: &[u8]) -> io::Result<Staged> {
        let dir = target.parent().unwrap_or(Path::new("."));
        Staged::write_in(dir, target, bytes)
    }

    /// Writes `bytes` to a temporary file in `scratch` (on the same file system as `target`,
    /// e.g. an install's staging directory, so a killed write leaves nothing beside `target`);
    /// `target`'s directory is created if missing.
    pub fn write_in(scratch: &Path, target: &Path, bytes: &[u8]) -> io::Result<Staged> {
        if let Some(dir) = target.parent() {
            fs_err::create_dir_all(dir)?;
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut file = temp_file_in(scratch, &format!(".new-{name}-"), false)?;
        let path = file.path().to_owned();
        file.as_file_mut()
            .write_all(bytes)
            .and_then(|()| file.as_file_mut().flush())
            .map_err(|e| at(e, &path))?;
        Ok(Staged {
            temp: file.into_temp_path(),
            target: target.to_owned(),
        })
    }

    /// Renames the new contents over the target.
    pub fn commit(self) -> io::Result<()> {
        crate::platform::rename(&self.temp, &self.target)?;
        // Renamed: nothing left to delete.
        let _ = self.temp.keep();
        Ok(())
    }
}

/// Replaces `target` with `bytes` atomically.
pub fn write_file(target: &Path, bytes: &[u8]) -> io::Result<()> {
    Staged::write(target, bytes)?.commit()
}

/// A writer into the store whose errors stay told apart from the reader's through `io::copy`
/// (see [`copy_error`]): a full disk is the store's problem, not the download's.
pub struct StoreWriter<W>(pub W);

impl<W: Write> Write for StoreWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.write(bytes).map_err(marked)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(marked)
    }
}

/// An error of a [`StoreWriter`], as it travels through `io::copy` (kind kept, so
/// `Interrupted` is still retried).
#[derive(Debug)]
struct WriteFailed(io::Error);

impl std::fmt::Display for WriteFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for WriteFailed {}

fn marked(e: io::Error) -> io::Error {
    io::Error::new(e.kind(), WriteFailed(e))
}

/// Which side of an `io::copy` into a [`StoreWriter`] failed.
pub enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

pub fn copy_error(e: io::Error) -> CopyError {
    if !e.get_ref().is_some_and(|inner| inner.is::<WriteFailed>()) {
        return CopyError::Read(e);
    }
    match e.into_inner().map(|inner| inner.downcast::<WriteFailed>()) {
        Some(Ok(failed)) => CopyError::Write(failed.0),
        _ => unreachable!("checked above"),
    }
}

/// `e` with `path` in its message, for errors from calls that do not name it.
pub fn at(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Reading the store failed at `path`.
pub fn read_error(path: &Path, e: io::Error) -> Error {
    let denied = e.kind() == io::ErrorKind::PermissionDenied;
    let mut error = Error::io(Exit::Store, "read", path, e);
    if denied {
        error = error.hint(
            "the gvx store must be readable by you; whoever installed it can fix that with `chmod -R a+rX` on it",
        );
    }
    error
}

/// Writing the store failed: the error as it is (it names its path), with what to do next.
pub fn write_error(e: io::Error, why: &str) -> Error {
    let hint = match e.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::FileTooLarge | io::ErrorKind::QuotaExceeded => {
            Some("free space on that disk (or raise the quota), then try again".to_owned())
        }
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => Some(format!(
            "{why} needs write access to the gvx store; run it as the store's owner, or set {} to a directory you own",
            crate::env::GVX_HOME
        )),
        _ => None,
    };
    let error = Error::new(Exit::Store, e.to_string()).source(e);
    match hint {
        Some(hint) => error.hint(hint),
        None => error,
    }
}

/// Installed SDKs, oldest first; an unreadable `sdk/` is an error naming it.
pub fn installed(store: &Store) -> Result<Vec<GoVersion>> {
    store
        .installed()
        .map_err(|e| read_error(&store.sdk_dir(), e))
}

/// Installed SDKs with the store each is taken from, oldest first.
pub fn sdks(store: &Store) -> Result<Vec<gvx_shims::store::Sdk>> {
    store.sdks().map_err(|e| read_error(&store.sdk_dir(), e))
}

/// The global default, if any; an unreadable `default` is an error naming it.
pub fn read_default(store: &Store) -> Result<Option<String>> {
    store
        .read_default()
        .map_err(|e| read_error(&store.default_file(), e))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    struct Failing(io::ErrorKind);

    impl io::Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::new(self.0, "the reader failed"))
        }
    }

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(self.0, "the disk is full"))
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_copy_tells_the_store_writer_failing_from_the_reader_failing() {
        let full = io::ErrorKind::StorageFull;
        let e = io::copy(&mut &b"bytes"[..], &mut StoreWriter(Failing(full))).unwrap_err();
        match copy_error(e) {
            CopyError::Write(e) => {
                assert_eq!(e.kind(), full);
                assert_eq!(e.to_string(), "the disk is full");
                assert_eq!(write_error(e, "installing").exit(), Exit::Store);
            }
            CopyError::Read(e) => panic!("the writer failed, not the reader: {e}"),
        }
        let reset = io::ErrorKind::ConnectionReset;
        let e = io::copy(&mut Failing(reset), &mut StoreWriter(Vec::new())).unwrap_err();
        match copy_error(e) {
            CopyError::Read(e) => assert_eq!(e.to_string(), "the reader failed"),
            CopyError::Write(e) => panic!("the reader failed, not the writer: {e}"),
        }
    }

    fn umask() -> u32 {
        // The test cannot set the umask without libc; it reads what a new directory gets.
        let dir = tempfile::tempdir().unwrap();
        let probe = dir.path().join("probe");
        fs_err::create_dir(&probe).unwrap();
        0o777 & !(fs_err::metadata(&probe).unwrap().permissions().mode() & 0o777)
    }

    #[test]
    fn files_are_created_as_the_umask_allows() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sub/default");
        write_file(&target, b"1.22.10\n").unwrap();
        assert_eq!(fs_err::read_to_string(&target).unwrap(), "1.22.10\n");
        let mode = fs_err::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !umask());
        let exe = temp_file_in(dir.path(), ".x-", true).unwrap();
        let mode = exe.as_file().metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o777 & !umask());
        let temp = temp_dir_in(dir.path(), ".d-").unwrap();
        let mode = fs_err::metadata(temp.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o777 & !umask());
        let left: Vec<_> = fs_err::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["default"], "no temporary left beside it");
    }

    #[test]
    fn a_dropped_stage_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("f");
        fs_err::write(&target, "old").unwrap();
        drop(Staged::write(&target, b"new").unwrap());
        assert_eq!(fs_err::read_to_string(&target).unwrap(), "old");
        assert_eq!(fs_err::read_dir(dir.path()).unwrap().count(), 1);
    }
}
