use crate::context::Context;
use crate::error::Result;
use crate::shell::Shell;
use std::process::ExitCode;

/// Print the shell code that puts the gvx shims first on PATH, for `eval "$(gvx env)"`.
#[derive(Debug, clap::Args)]
pub struct Env {
    /// The shell to print for (default: from $SHELL, or powershell on Windows).
    #[arg(long, value_enum)]
    pub shell: Option<Shell>,
}

impl Env {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let shell = self.shell.unwrap_or_else(Shell::detect);
        crate::report::out(&shell.env_snippet(&cx.store.bin_dir()));
        Ok(ExitCode::SUCCESS)
    }
}
