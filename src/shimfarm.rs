//! Places the shims in `<GVX_HOME>/bin`: `go` and `gofmt`, plus `go1.X.Y` for every installed
//! SDK (Go's own toolchain switch looks those up on PATH before downloading). Each is a real
//! executable, a copy of the `gvx-shim` binary installed beside gvx, replaced atomically, mode
//! 0777 less the umask.

use crate::error::{Error, Exit, Result};
use crate::storefs::write_error;
use gvx_shims::Store;
use gvx_shims::store::EXE_SUFFIX;
use std::path::{Path, PathBuf};

/// The shim binary shipped next to the running gvx.
pub fn shim_source() -> Result<PathBuf> {
    let exe = std::env::current_exe().map_err(|e| {
        Error::new(
            Exit::Environment,
            format!("cannot tell where gvx itself is: {e}"),
        )
        .source(e)
    })?;
    let source = exe.with_file_name(format!("gvx-shim{EXE_SUFFIX}"));
    if source.is_file() {
        return Ok(source);
    }
    Err(Error::new(
        Exit::Environment,
        format!("the shim binary {} is missing", source.display()),
    )
    .hint(
        "reinstall gvx with install.sh (or install.ps1), which puts gvx and gvx-shim side by side",
    ))
}

/// Creates or updates every shim so that `bin/` matches the installed SDKs.
pub fn refresh(store: &Store) -> Result<()> {
    let installed = crate::storefs::installed(store)?;
    prepare(store, &installed)?.commit()
}

/// The shims for a set of SDKs, written beside their places but not yet in place:
/// [`Prepared::commit`] renames them into place and removes the shims of other versions;
/// dropping it deletes what was written. Everything that needs disk space happens in
/// [`prepare`], so a full disk fails before anything in the store has changed.
pub struct Prepared {
    bin: PathBuf,
    /// Temporary files and the shim name each becomes.
    place: Vec<(tempfile::TempPath, String)>,
    /// `go1.X.Y` shims of SDKs not in the set.
    remove: Vec<PathBuf>,
}

/// Writes the `go`, `gofmt` and `go1.X.Y` shims for `versions` that are missing or differ.
/// Callers hold the lock.
pub fn prepare(store: &Store, versions: &[gvx_shims::GoVersion]) -> Result<Prepared> {
    let source = shim_source()?;
    let shim =
        fs_err::read(&source).map_err(|e| Error::io(Exit::Environment, "read", &source, e))?;
    let bin = store.bin_dir();
    fs_err::create_dir_all(&bin).map_err(|e| write_error(e, "writing the shims"))?;
    sweep_replaced(&bin);
    let mut wanted = vec!["go".to_owned(), "gofmt".to_owned()];
    wanted.extend(versions.iter().map(gvx_shims::GoVersion::name));
    let mut prepared = Prepared {
        bin: bin.clone(),
        place: Vec::new(),
        remove: Vec::new(),
    };
    for name in &wanted {
        let name = format!("{name}{EXE_SUFFIX}");
        if fs_err::read(bin.join(&name)).is_ok_and(|existing| existing == shim) {
            continue;
        }
        // On error the temporary file is deleted with `prepared` (and `file`).
        let mut file = crate::storefs::temp_file_in(&bin, &format!(".new-{name}-"), true)
            .map_err(|e| write_error(e, "writing the shims"))?;
        let path = file.path().to_owned();
        std::io::Write::write_all(file.as_file_mut(), &shim)
            .and_then(|()| file.as_file_mut().sync_all())
            .map_err(|e| write_error(crate::storefs::at(e, &path), "writing the shims"))?;
        prepared.place.push((file.into_temp_path(), name));
    }
    for entry in fs_err::read_dir(&bin)
        .map_err(|e| crate::storefs::read_error(&bin, e))?
        .flatten()
    {
        let file_name = entry.file_name();
        let Some(name) = file_name.to_str() else {
            continue;
        };
        let stem = name.strip_suffix(EXE_SUFFIX).unwrap_or(name);
        let is_version_shim =
            stem.starts_with("go1") && gvx_shims::module::from_toolchain(stem).is_some();
        if is_version_shim && !wanted.iter().any(|w| w == stem) {
            prepared.remove.push(entry.path());
        }
    }
    Ok(prepared)
}

impl Prepared {
    /// Renames the new shims into place and removes the ones no longer wanted.
    pub fn commit(self) -> Result<()> {
        for (temp, name) in self.place {
            put_in_place(&temp, &self.bin.join(&name))
                .map_err(|e| write_error(e, "writing the shims"))?;
            let _ = temp.keep();
        }
        for path in &self.remove {
            remove(path);
        }
        Ok(())
    }
}

/// Renames `new` over `dest`. On Windows, where a running program cannot be replaced but can
/// be renamed, `dest` is first renamed aside to `.replaced-…` in its directory (deleted by the
/// next [`sweep_replaced`]) and put back if `new` cannot take its place.
pub fn put_in_place(new: &Path, dest: &Path) -> std::io::Result<()> {
    let dir = dest.parent().unwrap_or(Path::new("."));
    let name = dest.file_name().unwrap_or_default().to_string_lossy();
    let aside = replaced_name(dir, &name);
    let moved_aside = cfg!(windows) && crate::platform::rename(dest, &aside).is_ok();
    let result = crate::platform::rename(new, dest);
    if result.is_err() && moved_aside {
        let _ = crate::platform::rename(&aside, dest);
    }
    result
}

fn replaced_name(bin: &Path, name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    bin.join(format!(".replaced-{nanos}-{name}"))
}

/// Deletes programs renamed aside earlier (those still running stay until next time) and
/// files half-written by a killed refresh or self update.
pub fn sweep_replaced(bin: &Path) {
    let Ok(entries) = fs_err::read_dir(bin) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // `.new-*`: a shim half-written by a killed refresh; `.update-*`: a binary staged by a
        // killed `gvx self update` (both hold the lock while their files exist).
        if [".replaced-", ".new-", ".update-"]
            .iter()
            .any(|prefix| name.starts_with(prefix))
        {
            let _ = fs_err::remove_file(entry.path());
        }
    }
}

fn remove(path: &Path) {
    if fs_err::remove_file(path).is_err() && cfg!(windows) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(bin) = path.parent() {
            let _ = crate::platform::rename(path, &replaced_name(bin, &name));
        }
    }
}
