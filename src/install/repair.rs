//! Finishing what a killed install left: an SDK renamed into place without its shims or the
//! first default, and the staging directories and records of killed installs and uninstalls.

use crate::context::Context;
use crate::error::Result;
use crate::{lock, shimfarm};
use gvx_shims::{GoVersion, Store};

/// Completes an install killed after its rename: the shims, and the global default when there
/// is none yet. Callers hold the lock.
pub(super) fn finish(cx: &Context, version: GoVersion) -> Result<()> {
    let store = &cx.store;
    clear_staging(store)?;
    shimfarm::refresh(store)?;
    if crate::default::read(store)?.is_none() {
        crate::default::set(store, &version)?;
        cx.status(&format!(
            "{} is now the global default (`gvx use <version>` changes it)",
            version.name()
        ));
    }
    Ok(())
}

/// Whether an install killed between its rename and [`finish`] left shims or the default out.
pub(super) fn needs_repair(store: &Store, version: &GoVersion) -> Result<bool> {
    let bin = store.bin_dir();
    let missing_shim = ["go", "gofmt", &version.name()].iter().any(|name| {
        !bin.join(format!("{name}{}", gvx_shims::store::EXE_SUFFIX))
            .is_file()
    });
    Ok(missing_shim || crate::default::read(store)?.is_none())
}

/// Completes an already installed SDK whose install was killed after its rename, and sweeps
/// what a killed install or uninstall left in `sdk/.staging` when nobody else is changing the
/// store (a busy lock means the next change sweeps it).
pub(super) fn repair(cx: &Context, version: GoVersion) -> Result<()> {
    if needs_repair(&cx.store, &version)? {
        let _lock = lock::lock(&cx.store)?;
        if needs_repair(&cx.store, &version)? {
            finish(cx, version)?;
        }
    } else if has_leftovers(&cx.store)
        && let Some(_lock) = lock::try_lock(&cx.store)
    {
        clear_staging(&cx.store)?;
    }
    Ok(())
}

fn has_leftovers(store: &Store) -> bool {
    fs_err::read_dir(store.staging_dir()).is_ok_and(|mut entries| entries.next().is_some())
}

/// Removes what killed installs and uninstalls left behind: staging directories, and records
/// of SDKs that are not installed. Callers hold the lock.
pub fn clear_staging(store: &Store) -> Result<()> {
    let dir = store.staging_dir();
    fs_err::create_dir_all(&dir)
        .map_err(|e| crate::storefs::write_error(e, "changing the store"))?;
    for entry in fs_err::read_dir(&dir)
        .map_err(|e| crate::storefs::read_error(&dir, e))?
        .flatten()
    {
        let path = entry.path();
        let _ = if path.is_dir() {
            fs_err::remove_dir_all(&path)
        } else {
            fs_err::remove_file(&path)
        };
    }
    crate::manifest::sweep_orphans(store);
    // Defaults half-written by a killed `gvx use` or uninstall.
    if let Ok(entries) = fs_err::read_dir(store.home()) {
        for entry in entries.flatten() {
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with(".new-default-")
            {
                let _ = fs_err::remove_file(entry.path());
            }
        }
    }
    Ok(())
}
