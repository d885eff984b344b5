//! Windows specifics.

use std::io;
use std::path::Path;

/// Points `link` at `target` with a junction (no privilege needed), else a directory symlink
/// (needs Developer Mode); the caller says what to use instead when neither can be made.
pub fn link_dir(target: &Path, link: &Path) -> io::Result<()> {
    if link.symlink_metadata().is_ok() {
        std::fs::remove_dir(link).or_else(|_| std::fs::remove_file(link))?;
    }
    junction::create(target, link).or_else(|_| std::os::windows::fs::symlink_dir(target, link))
}

/// Removes the junction or directory symlink `link` (not what it points at); a missing link is
/// fine.
pub fn remove_link(link: &Path) -> io::Result<()> {
    if link.symlink_metadata().is_err() {
        return Ok(());
    }
    std::fs::remove_dir(link).or_else(|_| std::fs::remove_file(link))
}
