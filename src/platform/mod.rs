//! What differs between operating systems, behind one set of names. Callers never use `cfg`.

use std::io;
use std::path::Path;

/// This machine as the Go download index names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Host {
    /// GOOS: `linux`, `darwin`, `windows`, …
    pub os: &'static str,
    /// The index's arch: GOARCH, except `armv6l` for linux/arm.
    pub dl_arch: &'static str,
    /// `.zip` on Windows, `.tar.gz` elsewhere.
    pub archive_ext: &'static str,
}

impl Host {
    pub fn current() -> Host {
        let os = match std::env::consts::OS {
            "macos" => "darwin",
            other => other,
        };
        let dl_arch = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "x86" => "386",
            "arm" if os == "linux" => "armv6l",
            "loongarch64" => "loong64",
            "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
            other => other,
        };
        let archive_ext = if os == "windows" { ".zip" } else { ".tar.gz" };
        Host {
            os,
            dl_arch,
            archive_ext,
        }
    }

    /// GOARCH (`arm`, where the download index says `armv6l`).
    pub fn goarch(&self) -> &'static str {
        match self.dl_arch {
            "armv6l" => "arm",
            other => other,
        }
    }

    /// `linux/amd64`, for messages.
    pub fn describe(&self) -> String {
        format!("{}/{}", self.os, self.dl_arch)
    }
}

/// Renames, retrying briefly on Windows where antivirus scanners and indexers hold new files
/// open for a moment (sharing violations surface as `PermissionDenied`).
pub fn rename(from: &Path, to: &Path) -> io::Result<()> {
    let mut delay = std::time::Duration::from_millis(50);
    for _ in 0..if cfg!(windows) { 8 } else { 1 } {
        match fs_err::rename(from, to) {
            Err(e) if cfg!(windows) && e.kind() == io::ErrorKind::PermissionDenied => {
                std::thread::sleep(delay);
                delay *= 2;
            }
            result => return result,
        }
    }
    fs_err::rename(from, to)
}

/// Other processes running a program from `dir` or holding a file in it open, as
/// `pid (command)`, so an SDK in use is not deleted under them. Linux reads `/proc` (processes
/// it may not inspect are skipped); elsewhere the list is empty (on Windows the rename of a
/// directory holding a running program fails by itself).
pub fn processes_using(dir: &Path) -> Vec<String> {
    #[cfg(target_os = "linux")]
    {
        let Ok(dir) = fs_err::canonicalize(dir) else {
            return Vec::new();
        };
        let Ok(procs) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        let me = std::process::id().to_string();
        let mut users = Vec::new();
        for proc in procs.flatten() {
            let pid = proc.file_name().to_string_lossy().into_owned();
            if pid == me || !pid.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let base = proc.path();
            let inside = |link: &Path| std::fs::read_link(link).is_ok_and(|t| t.starts_with(&dir));
            let open_file = || {
                std::fs::read_dir(base.join("fd"))
                    .map(|fds| fds.flatten().any(|fd| inside(&fd.path())))
                    .unwrap_or(false)
            };
            if inside(&base.join("exe")) || open_file() {
                let comm = std::fs::read_to_string(base.join("comm")).unwrap_or_default();
                users.push(format!("{pid} ({})", comm.trim()));
            }
        }
        users
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        Vec::new()
    }
}

pub mod windows_env;

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

#[cfg(unix)]
pub use unix::{link_dir, remove_link};
#[cfg(windows)]
pub use windows::{link_dir, remove_link};

/// Runs the command in place of gvx (`gvx exec`): returns only if it could not be started.
#[cfg(unix)]
pub use unix::hand_over;
#[cfg(windows)]
pub use windows::hand_over;
