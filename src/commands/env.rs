//! `gvx env`: the shell code that puts the gvx shims first on PATH, for users who write
//! `eval "$(gvx env)"` in their own start-up files instead of running `gvx setup`.

use crate::context::Context;
use crate::error::Result;
use crate::shell::{self, Shell};
use std::process::ExitCode;

/// Print the shell code that puts the gvx shims first on PATH, for `eval "$(gvx env)"`.
///
/// The code is constant (no directory scans), safe to run twice, and sets no GOROOT.
#[derive(Debug, clap::Args)]
pub struct Env {
    /// The shell to print for (default: from $SHELL, or powershell on Windows).
    #[arg(long, value_enum)]
    pub shell: Option<Shell>,
}

impl Env {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let shell = self.shell.unwrap_or_else(Shell::detect);
        let home = shell::user_home();
        crate::report::out(&shell.env_snippet(&cx.store, home.as_deref()));
        Ok(ExitCode::SUCCESS)
    }
}
