//! The global default version (`<GVX_HOME>/default`) and the `current` link IDEs point at.

use crate::error::Result;
use gvx_shims::{GoVersion, Store};

/// Sets the global default and points `current` at its SDK.
pub fn set(store: &Store, version: &GoVersion) -> Result<()> {
    fs_err::create_dir_all(store.home())?;
    let mut temp = tempfile::NamedTempFile::new_in(store.home())?;
    std::io::Write::write_all(&mut temp, format!("{version}\n").as_bytes())?;
    temp.persist(store.default_file()).map_err(|e| e.error)?;
    if let Err(e) = crate::platform::link_dir(&store.sdk(version), &store.current_link()) {
        crate::report::warn(&format!(
            "could not point {} at the default SDK ({e}); IDEs can use `gvx which --goroot` instead",
            store.current_link().display()
        ));
    }
    Ok(())
}
