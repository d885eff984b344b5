//! The global default version (`<GVX_HOME>/default`) and the `current` link IDEs point at.
//!
//! The default always names an installed SDK: uninstalling it moves the default to the newest
//! installed SDK of the same line (`1.22.x`), or clears it when there is none ([`successor`]);
//! `current` follows, or is removed with it.

use crate::error::Result;
use crate::storefs::{self, Staged};
use gvx_shims::{GoVersion, Store};
use std::path::Path;

/// Sets the global default and points `current` at its SDK.
pub fn set(store: &Store, version: &GoVersion) -> Result<()> {
    stage(store, version, None)?.commit(store)
}

/// The default's new contents, written beside it; [`Pending::commit`] puts it in place and
/// points `current` at the SDK (which must be in place by then).
pub struct Pending {
    staged: Staged,
    version: GoVersion,
}

/// Writes `version` as the next default without changing the current one, into `scratch`
/// (a directory on the store's file system; `None`: beside the default).
pub fn stage(store: &Store, version: &GoVersion, scratch: Option<&Path>) -> Result<Pending> {
    let target = store.default_file();
    let bytes = format!("{version}\n");
    match scratch {
        Some(dir) => Staged::write_in(dir, &target, bytes.as_bytes()),
        None => Staged::write(&target, bytes.as_bytes()),
    }
    .map(|staged| Pending {
        staged,
        version: *version,
    })
    .map_err(|e| storefs::write_error(e, "setting the global default"))
}

impl Pending {
    pub fn commit(self, store: &Store) -> Result<()> {
        self.staged
            .commit()
            .map_err(|e| storefs::write_error(e, "setting the global default"))?;
        link_current(store, &self.version);
        Ok(())
    }
}

/// Points `current` at `version`'s SDK; a link that cannot be made is a warning.
pub fn link_current(store: &Store, version: &GoVersion) {
    let root = store
        .find(version)
        .map_or_else(|| store.sdk(version), |sdk| sdk.root);
    if let Err(e) = crate::platform::link_dir(&root, &store.current_link()) {
        crate::report::warn(&format!(
            "could not point {} at the default SDK ({e}); IDEs can use `gvx which --goroot` instead",
            store.current_link().display()
        ));
    }
}

/// Removes the default and the `current` link: no global default.
pub fn clear(store: &Store) -> Result<()> {
    match fs_err::remove_file(store.default_file()) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(storefs::write_error(e, "clearing the global default"));
        }
        _ => {}
    }
    if let Err(e) = crate::platform::remove_link(&store.current_link()) {
        crate::report::warn(&format!(
            "could not remove {} ({e}); it points at an SDK that is no longer installed",
            store.current_link().display()
        ));
    }
    Ok(())
}

/// The global default as written, if any.
pub fn read(store: &Store) -> Result<Option<String>> {
    storefs::read_default(store)
}

/// The global default when it names one installed version exactly.
pub fn read_version(store: &Store) -> Result<Option<GoVersion>> {
    Ok(read(store)?.and_then(|text| GoVersion::parse(&text).ok()))
}

/// What becomes the default when `removed` (the default) is uninstalled and `remaining` stay:
/// the newest of the same line, else none (the default is cleared). Another line is never
/// chosen silently: a 1.21 project must not start building with 1.22 because 1.22.10 went.
pub fn successor(removed: &GoVersion, remaining: &[GoVersion]) -> Option<GoVersion> {
    remaining
        .iter()
        .filter(|v| v.line() == removed.line() && *v != removed && v.is_toolchain())
        .max()
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_moves_within_its_line_or_is_cleared() {
        let v = |s: &str| GoVersion::parse(s).unwrap();
        let removed = v("1.22.10");
        assert_eq!(
            successor(&removed, &[v("1.21.13"), v("1.22.3"), v("1.22.8")]),
            Some(v("1.22.8"))
        );
        assert_eq!(successor(&removed, &[v("1.21.13"), v("1.23.1")]), None);
        assert_eq!(successor(&removed, &[]), None);
    }
}
