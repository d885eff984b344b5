//! `gvx doctor`: what is wrong with this machine's Go environment, where each setting comes
//! from, and (with `--fix`) the safe repairs.

use crate::context::Context;
use crate::doctor::{self, Format, Options};
use crate::error::{Exit, Result};
use crate::report;
use std::process::ExitCode;

/// Diagnose the Go environment: the selected SDK, every go on PATH, GOROOT, GOPATH, GOBIN,
/// GOTOOLCHAIN and the module proxy, pins, and each shell's start-up files.
///
/// Each check prints OK, WARN or FAIL with the value, where it comes from (environment, file
/// and line, go env file, registry) and the fix. Exits 1 when anything FAILs. No network
/// unless --online. With the global --quiet it prints only problems (nothing when all is
/// well), fast enough for a shell profile.
#[derive(Debug, clap::Args)]
pub struct Doctor {
    /// Apply the safe fixes in your own scope (start-up files, go env file, user registry),
    /// backing files up first; system-wide fixes are printed with their elevated command.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: print the exact edits (files and registry values) and write nothing.
    #[arg(long, requires = "fix")]
    pub dry_run: bool,
    /// The pre-check for a CI job, as JSON: `go version` runs through the gvx shim, GOROOT is
    /// left to the shim, GOPATH/GOBIN/the caches are writable and clear of every SDK. Exits 1
    /// when one fails.
    #[arg(long, conflicts_with_all = ["fix", "undo"])]
    pub ci: bool,
    /// Take back the last `gvx doctor --fix`: every file and registry value it changed is put
    /// back as it was (refused for a file changed since).
    #[arg(long, conflicts_with_all = ["fix", "json", "online"])]
    pub undo: bool,
    /// Machine-readable report (a CI gate: `gvx doctor --json`).
    #[arg(long)]
    pub json: bool,
    /// Also use the network: check that the module proxy answers; with --fix, reinstall tools
    /// left in an SDK's bin/ with `go install`.
    #[arg(long)]
    pub online: bool,
}

impl Doctor {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        if self.undo {
            let restored = doctor::undo(cx)?;
            if restored.is_empty() {
                cx.status(
                    "gvx doctor --undo: nothing to undo (no `gvx doctor --fix` run is recorded)",
                );
            }
            for line in restored {
                cx.status(&line);
            }
            return Ok(ExitCode::SUCCESS);
        }
        let format = if self.json || self.ci {
            Format::Json
        } else if cx.quiet {
            Format::Quiet
        } else {
            Format::Human
        };
        let options = Options {
            fix: self.fix,
            dry_run: self.dry_run,
            ci: self.ci,
            online: self.online,
            quick: format == Format::Quiet,
        };
        let (report, text) = doctor::run(cx, options, format);
        if !text.is_empty() {
            report::out(&text);
        }
        let failed = report.status == doctor::model::Status::Fail || !report.fix_errors.is_empty();
        Ok(if failed {
            Exit::Failure.into()
        } else {
            ExitCode::SUCCESS
        })
    }
}
