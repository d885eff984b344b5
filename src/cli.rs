//! The command line: global flags and one subcommand per file in `commands/`.

use crate::commands;
use crate::completion;
use crate::context::Context;
use crate::error::{Error, Exit, Result};
use clap::{Parser, Subcommand};
use clap_complete::engine::{ArgValueCandidates, ArgValueCompleter};
use gvx_shims::Store;
use std::process::ExitCode;

/// gvx: install Go SDKs, verified, and run the right one for every project.
#[derive(Debug, Parser)]
#[command(
    name = "gvx",
    version,
    about,
    propagate_version = true,
    arg_required_else_help = true
)]
pub struct Cli {
    /// No progress bars or status messages on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Say what gvx decides and why, on stderr: the selection, cache hits, every URL with its
    /// status and time, each verification step (`-vv`: more detail). GVX_VERBOSE=1 does the
    /// same for scripts, and makes the shim say which SDK it runs.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Install(commands::install::Install),
    Adopt(commands::adopt::Adopt),
    Uninstall(commands::uninstall::Uninstall),
    Upgrade(commands::upgrade::Upgrade),
    Prune(commands::prune::Prune),
    List(commands::list::List),
    Use(commands::use_::Use),
    Current(commands::current::Current),
    Which(commands::which::Which),
    Exec(commands::exec::Exec),
    Env(commands::env::Env),
    Reshim(commands::reshim::Reshim),
    Setup(commands::setup::Setup),
    Completions(commands::completions::Completions),
    Doctor(commands::doctor::Doctor),
    Verify(commands::verify::Verify),
    #[command(name = "self")]
    SelfCmd(commands::self_::SelfCommand),
}

pub fn main() -> ExitCode {
    // A TAB in a shell that sourced `gvx completions`: print the candidates and exit.
    clap_complete::CompleteEnv::with_factory(completion_command)
        .var(completion::VAR)
        .shells(completion::SHELLS)
        .complete();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => error.report(),
    }
}

/// The completion script for `shell`, as `gvx completions` prints it; handed down to the
/// library as [`Context::completions`].
pub fn completion_script(shell: completion::Shell) -> String {
    completion::script(shell)
}

/// The command line as tab completion sees it: the definition, plus the values each
/// argument takes (installed versions, the cached index's releases). Shell names come from
/// the value enums.
pub fn completion_command() -> clap::Command {
    let installed = || ArgValueCandidates::new(completion::installed);
    <Cli as clap::CommandFactory>::command()
        .mut_subcommand("use", |c| c.mut_arg("spec", |a| a.add(installed())))
        // clap numbers `exec`'s `last` argument first; the completion engine goes by number.
        .mut_subcommand("exec", |c| {
            c.mut_arg("spec", |a| a.index(1).add(installed()))
                .mut_arg("command", |a| a.index(2))
        })
        .mut_subcommand("uninstall", |c| {
            c.mut_arg("versions", |a| a.add(installed()))
        })
        .mut_subcommand("verify", |c| c.mut_arg("versions", |a| a.add(installed())))
        .mut_subcommand("upgrade", |c| {
            c.mut_arg("lines", |a| {
                a.add(ArgValueCandidates::new(completion::installed_lines))
            })
        })
        .mut_subcommand("install", |c| {
            c.mut_arg("versions", |a| {
                a.add(ArgValueCompleter::new(completion::cached_releases))
            })
        })
        .mut_subcommand("list", |c| {
            c.mut_arg("filter", |a| {
                a.add(ArgValueCompleter::new(completion::cached_releases))
            })
        })
}

fn run(cli: Cli) -> Result<ExitCode> {
    let from_env = gvx_shims::shim::verbosity(crate::env::var(crate::env::GVX_VERBOSE).as_deref());
    crate::report::verbose(cli.verbose.max(from_env));
    let store = Store::from_env().map_err(|e| {
        Error::new(Exit::Environment, e.to_string())
            .hint("set GVX_HOME to the directory gvx should use")
    })?;
    let refresh = matches!(&cli.command, Command::Install(i) if i.refresh)
        || matches!(&cli.command, Command::List(l) if l.refresh);
    // The commands that read SDKs say once which shared store they skip (doctor reports it as
    // a finding; the shell start-up commands stay silent).
    let reads_sdks = !matches!(
        &cli.command,
        Command::Doctor(_)
            | Command::Completions(_)
            | Command::Env(_)
            | Command::Setup(_)
            | Command::SelfCmd(_)
    );
    if reads_sdks {
        for skipped in store.skipped_shared() {
            crate::report::warn(&skipped.to_string());
        }
    }
    let cx = Context::new(store, cli.quiet, refresh, completion_script);
    match cli.command {
        Command::Install(c) => c.run(&cx),
        Command::Adopt(c) => c.run(&cx),
        Command::Uninstall(c) => c.run(&cx),
        Command::Upgrade(c) => c.run(&cx),
        Command::Prune(c) => c.run(&cx),
        Command::List(c) => c.run(&cx),
        Command::Use(c) => c.run(&cx),
        Command::Current(c) => c.run(&cx),
        Command::Which(c) => c.run(&cx),
        Command::Exec(c) => c.run(&cx),
        Command::Env(c) => c.run(&cx),
        Command::Reshim(c) => c.run(&cx),
        Command::Setup(c) => c.run(&cx),
        Command::Completions(c) => c.run(&cx),
        Command::Doctor(c) => c.run(&cx),
        Command::Verify(c) => c.run(&cx),
        Command::SelfCmd(c) => c.run(&cx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_command_names_real_arguments() {
        // `mut_arg` on a renamed argument would panic here, not at the user's TAB.
        completion_command().debug_assert();
    }

    #[test]
    fn clap_usage_errors_exit_with_the_usage_code() {
        let error = Cli::try_parse_from(["gvx", "install", "--no-such-flag"]).unwrap_err();
        assert_eq!(error.exit_code(), i32::from(Exit::Usage.code()));
    }
}
