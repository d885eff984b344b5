//! Unix specifics.

use std::io;
use std::path::Path;

/// Points `link` at `target` with a symlink, replaced atomically.
pub fn link_dir(target: &Path, link: &Path) -> io::Result<()> {
    let temp = link.with_file_name(format!(".current-{}", std::process::id()));
    let _ = std::fs::remove_file(&temp);
    std::os::unix::fs::symlink(target, &temp)?;
    std::fs::rename(&temp, link).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

/// Replaces this process with `command` (`execvp`), as the shim does, so the pid, signals, job
/// control and the exit status are the command's. Returns only if the exec failed.
pub fn hand_over(mut command: std::process::Command) -> io::Error {
    use std::io::Write;
    use std::os::unix::process::CommandExt;
    // Text still buffered in this process would be lost with it.
    let _ = std::io::stdout().flush();
    command.exec()
}

/// Removes the link `link` (not what it points at); a missing link is fine.
pub fn remove_link(link: &Path) -> io::Result<()> {
    match std::fs::remove_file(link) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}
