//! Handing over to the SDK's own binary: `exec` on Unix, spawn-and-wait on Windows.

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;

#[cfg(unix)]
pub use unix::{launch, started_by};
#[cfg(windows)]
pub use windows::{ignore_console_ctrl, launch, started_by};
