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

/// Runs `command` to completion and exits with its exit code, all 32 bits of it (Windows has no
/// exec): `std::process::exit` hands the `i32` to `ExitProcess` unchanged, so NTSTATUS codes
/// such as 0xC000013A (Ctrl+C) reach the caller as they are, as the shim passes them on.
/// Returns only if the command could not be started or waited for.
pub fn hand_over(mut command: std::process::Command) -> io::Error {
    use std::io::Write;
    // Ctrl+C reaches every process on the console: the command decides, gvx passes its code on.
    gvx_shims::ignore_console_ctrl();
    match command.status() {
        Ok(status) => {
            let _ = std::io::stdout().flush();
            // `code()` is always `Some` on Windows.
            std::process::exit(status.code().unwrap_or(1))
        }
        Err(e) => e,
    }
}

/// Removes the junction or directory symlink `link` (not what it points at); a missing link is
/// fine.
pub fn remove_link(link: &Path) -> io::Result<()> {
    if link.symlink_metadata().is_err() {
        return Ok(());
    }
    std::fs::remove_dir(link).or_else(|_| std::fs::remove_file(link))
}
