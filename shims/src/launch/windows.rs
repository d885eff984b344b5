//! Windows hand-over: there is no exec, so the shim spawns `go.exe`, waits, and exits with its
//! full 32-bit exit code. Around that:
//!
//! - Ctrl+C / Ctrl+Break reach every process on the console; the shim ignores them and lets the
//!   child decide (it exits, and the shim passes its code on).
//! - The shim puts itself in a kill-on-close job before spawning, so killing the shim
//!   (`TerminateProcess` from an IDE's stop button or a CI timeout) takes `go` and everything it
//!   started with it. Before a normal exit the limit is cleared, so processes that were meant to
//!   outlive `go` do (rustup's `src/cli/job.rs` does the same).
//! - The arguments are the raw tail of the shim's own command line, so they reach `go` exactly as
//!   the caller wrote them: nothing is parsed and quoted again.
#![allow(unsafe_code)]

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::windows::ffi::OsStringExt;
use std::os::windows::process::CommandExt;
use std::path::Path;
use std::process::Command;
use std::{mem, ptr};
use windows_sys::Win32::Foundation::{HANDLE, TRUE};
use windows_sys::Win32::System::Console::SetConsoleCtrlHandler;
use windows_sys::Win32::System::Environment::GetCommandLineW;
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION, JobObjectExtendedLimitInformation,
    SetInformationJobObject,
};
use windows_sys::Win32::System::Threading::GetCurrentProcess;
use windows_sys::core::BOOL;

/// Runs `program` to completion and exits with its exit code. Returns only if spawning failed.
///
/// `args` are used only if the shim's command line cannot be read; `env` is set on the child
/// (Windows compares variable names case-insensitively, and so does `Command`: an inherited
/// `Path` or `GoRoot` is replaced or kept under its own spelling, never duplicated).
pub fn launch(program: &Path, args: &[OsString], env: &[(&str, &OsStr)]) -> io::Error {
    ignore_console_ctrl();
    let job = KillOnCloseJob::join();
    let mut command = Command::new(program);
    match own_command_line().as_deref().map(arguments_tail) {
        Some(tail) if tail.is_empty() => {}
        Some(tail) => {
            command.raw_arg(tail);
        }
        None => {
            command.args(args);
        }
    }
    for (key, value) in env {
        command.env(key, value);
    }
    let status = match command.status() {
        Ok(status) => status,
        Err(e) => return e,
    };
    if let Some(job) = job {
        job.release();
    }
    // `code()` is always `Some` on Windows; `exit` hands all 32 bits to `ExitProcess`, so
    // NTSTATUS codes such as 0xC000013A (STATUS_CONTROL_C_EXIT) survive.
    std::process::exit(status.code().unwrap_or(1))
}

unsafe extern "system" fn ignore_ctrl_event(_ctrl_type: u32) -> BOOL {
    // Handled: the child on the same console got the same event and decides what to do.
    TRUE
}

/// Keeps the shim alive through Ctrl+C and Ctrl+Break. A handler, not
/// `SetConsoleCtrlHandler(NULL, TRUE)`: that form is inherited and would make `go` ignore
/// Ctrl+C as well.
pub fn ignore_console_ctrl() {
    // SAFETY: registers a handler that is a plain `extern "system"` function with the signature
    // `PHANDLER_ROUTINE` requires; it touches no state and lives for the whole process.
    unsafe {
        SetConsoleCtrlHandler(Some(ignore_ctrl_event), TRUE);
    }
}

/// The job the shim put itself in. Its handle stays open until the process ends: closing the
/// last handle is what kills the job's processes.
struct KillOnCloseJob(HANDLE);

impl KillOnCloseJob {
    /// Creates a kill-on-close job and assigns this process (and so every child) to it. `None`
    /// when that fails, e.g. inside a job that forbids nesting or breakaway: the shim still runs.
    fn join() -> Option<KillOnCloseJob> {
        // SAFETY: null attributes and name are allowed (an unnamed job whose handle is not
        // inherited); the returned handle is checked before use.
        let job = unsafe { CreateJobObjectW(ptr::null(), ptr::null()) };
        if job.is_null() {
            return None;
        }
        let job = KillOnCloseJob(job);
        job.set_limits(JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE)
            .then_some(())?;
        // SAFETY: `job.0` is a valid job handle; `GetCurrentProcess` returns a pseudo-handle that
        // needs no closing.
        let assigned = unsafe { AssignProcessToJobObject(job.0, GetCurrentProcess()) };
        (assigned != 0).then_some(job)
    }

    fn set_limits(&self, flags: u32) -> bool {
        // SAFETY: the all-zero bit pattern is a valid value of this plain C struct.
        let mut info: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = unsafe { mem::zeroed() };
        info.BasicLimitInformation.LimitFlags = flags;
        // SAFETY: `self.0` is a valid job handle, and the pointer and size describe `info`, the
        // structure `JobObjectExtendedLimitInformation` expects; it is only read during the call.
        let ok = unsafe {
            SetInformationJobObject(
                self.0,
                JobObjectExtendedLimitInformation,
                (&raw const info).cast(),
                mem::size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
            )
        };
        ok != 0
    }

    /// Clears the kill-on-close limit: after a normal exit, whatever `go` left running on
    /// purpose may live on. (Best effort; the handle is closed by the exit itself.)
    fn release(self) {
        self.set_limits(0);
    }
}

/// True when this process is the direct child of the shim with pid `pid`: a shim spawning
/// itself, with no Go SDK `go.exe` in between. Costs one `NtQueryInformationProcess`, asked
/// only when an outer shim set `GVX_SHIM_PID`.
pub fn started_by(pid: u32) -> bool {
    use windows_sys::Wdk::System::Threading::{NtQueryInformationProcess, ProcessBasicInformation};
    use windows_sys::Win32::System::Threading::PROCESS_BASIC_INFORMATION;
    // SAFETY: a zeroed PROCESS_BASIC_INFORMATION is a valid out-buffer of exactly the size
    // passed; the pseudo-handle of the current process needs no closing.
    let parent = unsafe {
        let mut info: PROCESS_BASIC_INFORMATION = mem::zeroed();
        let status = NtQueryInformationProcess(
            GetCurrentProcess(),
            ProcessBasicInformation,
            (&raw mut info).cast(),
            mem::size_of::<PROCESS_BASIC_INFORMATION>() as u32,
            ptr::null_mut(),
        );
        if status < 0 {
            return false;
        }
        info.InheritedFromUniqueProcessId
    };
    parent == pid as usize
}

/// `GetCommandLineW()`, the command line exactly as the caller passed it.
fn own_command_line() -> Option<OsString> {
    // SAFETY: `GetCommandLineW` returns a pointer to the process's NUL-terminated command line,
    // owned by the system and valid (and not modified by this program) for the process's life;
    // reading stops at the terminating NUL.
    unsafe {
        let line = GetCommandLineW();
        if line.is_null() {
            return None;
        }
        let mut len = 0;
        while *line.add(len) != 0 {
            len += 1;
        }
        Some(OsString::from_wide(std::slice::from_raw_parts(line, len)))
    }
}

/// What follows argv\[0\] on a command line, untouched except for the blanks after argv\[0\].
///
/// argv\[0\] ends, as in the MSVC runtime's `parse_command_line`, at the first space or tab
/// outside double quotes; quotes only toggle (no backslash escapes in the program name).
fn arguments_tail(line: &OsStr) -> OsString {
    let wide: Vec<u16> = std::os::windows::ffi::OsStrExt::encode_wide(line).collect();
    let (space, tab, quote) = (u16::from(b' '), u16::from(b'\t'), u16::from(b'"'));
    let mut in_quotes = false;
    let mut end = 0;
    while end < wide.len() {
        let c = wide[end];
        if c == quote {
            in_quotes = !in_quotes;
        } else if !in_quotes && (c == space || c == tab) {
            break;
        }
        end += 1;
    }
    while end < wide.len() && (wide[end] == space || wide[end] == tab) {
        end += 1;
    }
    OsString::from_wide(&wide[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tail(line: &str) -> String {
        arguments_tail(OsStr::new(line)).into_string().unwrap()
    }

    #[test]
    fn argv0_is_skipped_like_the_msvc_runtime() {
        assert_eq!(tail(r#""C:\Program Files\gvx\go.exe" version"#), "version");
        assert_eq!(
            tail(r#"C:\gvx\go.exe  run . "a b" c\"d """#),
            r#"run . "a b" c\"d """#
        );
        assert_eq!(tail("go\tenv\t GOROOT"), "env\t GOROOT");
        assert_eq!(tail(r#"C:\"with space"\go.exe x"#), "x");
        assert_eq!(tail(r#""C:\a b\go.exe""#), "");
        assert_eq!(tail("go.exe   "), "");
        assert_eq!(tail(""), "");
        assert_eq!(tail("gö.exe ü &^%<>"), "ü &^%<>");
    }
}
