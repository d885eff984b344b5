//! Windows hand-over: there is no exec, so the shim spawns `go.exe`, waits, and exits with its
//! full 32-bit exit code.

use std::ffi::{OsStr, OsString};
use std::io;
use std::path::Path;
use std::process::Command;

/// Runs `program` to completion and exits with its exit code. Returns only if spawning failed.
pub fn launch(program: &Path, args: &[OsString], env: &[(&str, &OsStr)]) -> io::Error {
    let mut command = Command::new(program);
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    match command.status() {
        Ok(status) => std::process::exit(status.code().unwrap_or(1)),
        Err(e) => e,
    }
}
