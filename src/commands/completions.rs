//! `gvx completions <shell>`: the script that registers gvx's tab completion in a shell.

use crate::context::Context;
use crate::error::Result;
use std::process::ExitCode;

/// Print the tab-completion script for a shell (`gvx setup` installs it for you).
#[derive(Debug, clap::Args)]
pub struct Completions {
    /// bash, zsh, fish, powershell, elvish or nu.
    #[arg(value_enum)]
    pub shell: crate::completion::Shell,
}

impl Completions {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        crate::report::out(&(cx.completions)(self.shell));
        Ok(ExitCode::SUCCESS)
    }
}
