//! `gvx completions <shell>`: tab completion scripts generated from the CLI definition.

use crate::context::Context;
use crate::error::Result;
use clap::CommandFactory;
use std::process::ExitCode;

/// Print the tab-completion script for a shell (`gvx setup` installs it for you).
#[derive(Debug, clap::Args)]
pub struct Completions {
    /// bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

impl Completions {
    pub fn run(self, _cx: &Context) -> Result<ExitCode> {
        crate::report::out(&script(self.shell));
        Ok(ExitCode::SUCCESS)
    }
}

/// The completion script for `shell`, as `gvx completions` prints it.
pub fn script(shell: clap_complete::Shell) -> String {
    let mut command = crate::cli::Cli::command();
    let mut bytes = Vec::new();
    clap_complete::generate(shell, &mut command, "gvx", &mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}
