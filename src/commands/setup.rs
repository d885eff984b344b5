//! `gvx setup`: the one command that makes `go` the gvx shim in every new shell.

use crate::context::Context;
use crate::environment::Process;
use crate::error::{Error, Exit, Result};
use crate::report;
use crate::setup::{self, Plan, Site, ci};
use std::process::ExitCode;

/// Put the gvx shims first on PATH in every shell you use, and install tab completions.
///
/// Keeps one marked block per start-up file (bash, zsh, fish, nushell, POSIX .profile), backs a
/// file up before its first edit, sets no GOROOT, and reports lines elsewhere that fight gvx.
/// Running it again changes nothing; --undo removes it all.
#[derive(Debug, clap::Args)]
pub struct Setup {
    /// Print the exact edits and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Remove every block and file gvx setup added.
    #[arg(long)]
    pub undo: bool,
}

impl Setup {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let site = Site::new(&Process::capture(), &cx.store, cx.completions).ok_or_else(|| {
            Error::new(Exit::Environment, "cannot find your home directory")
                .hint("set HOME (USERPROFILE on Windows) and run `gvx setup` again")
        })?;
        let plan = setup::plan(&site, self.undo)?;
        for (path, why) in &plan.skipped {
            report::warn(&format!("{}: {why}", site.show(path)));
        }
        if self.dry_run {
            report::out(&setup::describe(&site, &plan));
        } else {
            let _lock = crate::lock::lock(&cx.store)?;
            let applied = setup::apply(&site, &plan)?;
            say_done(cx, &site, &plan, &applied.backups);
            for line in &applied.registry {
                cx.status(line);
            }
        }
        if !self.undo {
            runner(cx, &site, self.dry_run)?;
            report_conflicts(&site);
        }
        for note in &plan.notes {
            report::warn(note);
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// On a CI runner, the lines that make later steps of the job find the shims first.
fn runner(cx: &Context, site: &Site, dry_run: bool) -> Result<()> {
    let Some(runner) = ci::Runner::detect(&site.process) else {
        return Ok(());
    };
    let setup = ci::plan(site, &runner)?;
    let show = |p: &std::path::Path| site.show(p);
    if dry_run {
        report::out(&crate::environment::edit::describe(&setup.edits, &show));
        for line in &setup.stdout {
            report::out(&format!("print {line}"));
        }
        return Ok(());
    }
    let writer = crate::environment::Writer {
        name: "gvx setup",
        show: &show,
    };
    crate::environment::apply(&setup.edits, None, &writer)?;
    for line in &setup.stdout {
        report::out(line);
    }
    for line in &setup.said {
        cx.status(line);
    }
    Ok(())
}

fn say_done(
    cx: &Context,
    site: &Site,
    plan: &Plan,
    backups: &[(std::path::PathBuf, std::path::PathBuf)],
) {
    for change in &plan.changes {
        let shown = site.show(&change.path);
        let verb = match (&change.before, &change.after, plan.undo) {
            (None, _, _) => "created",
            (Some(_), None, _) => "deleted",
            (Some(_), Some(_), true) => "removed the gvx block from",
            (Some(_), Some(_), false) => "edited",
        };
        let mut line = format!("{verb} {shown} ({})", change.target.reader);
        if let Some((_, backup)) = backups.iter().find(|(p, _)| *p == change.path) {
            line.push_str(&format!("; backup in {}", site.show(backup)));
        }
        cx.status(&line);
    }
    let bin = site.show(&site.store.bin_dir());
    if plan.undo {
        cx.status(&format!(
            "new shells no longer put {bin} on PATH; open terminals keep theirs"
        ));
        return;
    }
    if !plan.unchanged.is_empty() {
        let files: Vec<String> = plan.unchanged.iter().map(|t| site.show(&t.path)).collect();
        cx.status(&format!("already set up: {}", files.join(", ")));
    }
    if plan.changes.is_empty() && plan.path_edit.is_none() {
        cx.status(&format!(
            "nothing to change: new shells put {bin} first on PATH"
        ));
    } else {
        cx.status(&format!(
            "new shells put {bin} first on PATH; open a new terminal (or log in again for editors) to use it"
        ));
    }
    if !site
        .store
        .bin_dir()
        .join(format!("go{}", std::env::consts::EXE_SUFFIX))
        .exists()
    {
        report::warn(&format!(
            "there is no go shim in {bin} yet; run `gvx reshim`"
        ));
    }
}

fn report_conflicts(site: &Site) {
    let conflicts = setup::find_conflicts(site);
    for conflict in &conflicts {
        report::warn(&format!(
            "{}:{}: {}\n  {}\n  fix: {}",
            site.show(&conflict.path),
            conflict.line,
            gvx_shims::text::untrusted(&conflict.text),
            conflict.problem,
            conflict.fix
        ));
    }
    if !conflicts.is_empty() {
        report::status("`gvx doctor --fix` applies these fixes (backing up each file first)");
    }
}
