//! Unix hand-over: `execv` replaces the shim, so the pid, signals, job control and the exit
//! status all belong to `go` with no forwarding code.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

/// Replaces this process with `program`. Returns only if the exec failed.
pub fn launch(program: &Path, args: &[OsString], env: &[(&str, &OsStr)]) -> io::Error {
    let mut command = Command::new(program);
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.exec()
}

/// True when the shim that launched with pid `pid` exec'd straight into this process: `exec`
/// keeps the pid, while a program in between (a tool `go` runs) forks a new one. (Go's own
/// toolchain switch execs too; the caller tells that case by `GOTOOLCHAIN_INTERNAL_SWITCH_VERSION`.)
pub fn started_by(pid: u32) -> bool {
    pid == std::process::id()
}
