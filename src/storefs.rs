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
    let mut builder = tempfile::Builder::new();
    builder.prefix(prefix);
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
