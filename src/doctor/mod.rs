//! `gvx doctor`: diagnoses the Go environment — the selected SDK, every `go` on PATH, GOROOT,
//! GOPATH, GOBIN, Go's own settings, pins, the shells' start-up files and (on Windows) the
//! registry — and repairs what is safe to repair in the user's own scope.
//!
//! Checks are data ([`model`]): each finding carries its evidence (the value and where it
//! comes from) and its fix. The facts are gathered once into a read-only
//! [`Snapshot`](crate::environment::Snapshot); every check is a pure function
//! `check(&Snapshot) -> Check` (one file per group of checks, each unit-tested from data with
//! `environment::fake::FakeDisk`), asking any question about files and programs through the
//! snapshot's `Disk`; [`fix`] applies the automatic fixes; [`render`] prints. Nothing here reads
//! the process or the disk itself, and nothing uses the network unless asked (`--online`).

mod ci;
mod fix;
mod gobin;
mod gopath;
mod goroot;
pub mod model;
mod others;
mod path;
mod pins;
mod rc;
mod render;
mod sdk;
mod settings;
mod shells;
mod sources;
#[cfg(all(test, unix))]
mod tests;
#[cfg(any(windows, test))]
mod windows;

use crate::context::Context;
use crate::environment::{Process, Snapshot};
use gvx_shims::select::Outcome;
use model::{Check, Report, Selected};

pub use crate::environment::snapshot::ROOT_VAR;

/// What one run does.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub fix: bool,
    /// With `fix`: print the plan of edits, write nothing.
    pub dry_run: bool,
    pub online: bool,
    /// Skip what only adds detail (for `--quiet` at shell start-up).
    pub quick: bool,
    /// Only the pre-check a CI job needs (`--ci`).
    pub ci: bool,
}

/// How to print the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Quiet,
    Json,
}

/// Every check, in report order.
fn diagnose(m: &Snapshot) -> Vec<Check> {
    let mut checks = vec![
        sdk::check(m),
        path::check(m),
        goroot::check(m),
        gopath::check_gopath(m),
        gobin::check(m),
        settings::gotoolchain(m),
        settings::dirs(m),
        settings::proxy(m),
        pins::check(m),
        shells::check(m),
    ];
    #[cfg(windows)]
    checks.push(windows::check(m));
    checks.push(others::check(m));
    checks
}

fn selected(m: &Snapshot) -> Option<Selected> {
    let selection = m.selection.as_ref().ok()?;
    let (version, installed, goroot) = match selection.outcome {
        Outcome::Run(v) => (v.to_string(), true, m.sdk().map(|(_, root)| root)),
        Outcome::Install(r) => (r.to_string(), false, None),
    };
    Some(Selected {
        version,
        source: selection.source.to_string(),
        installed,
        goroot,
    })
}

/// This machine, now: the one place the doctor reads the process.
fn capture(cx: &Context, options: Options) -> Snapshot {
    capture_through(cx, options, Box::new(crate::environment::disk::RealDisk))
}

/// This machine with its files read through `disk` (as a plan would leave them).
fn capture_through(
    cx: &Context,
    options: Options,
    disk: Box<dyn crate::environment::Disk>,
) -> Snapshot {
    Snapshot::capture_through(
        Process::capture(),
        cx,
        options.online,
        options.quick,
        &shells::blocks,
        disk,
    )
}

/// Runs the checks (and, with `fix`, the fixes, then the checks again); returns the report
/// and its text.
pub fn run(cx: &Context, options: Options, format: Format) -> (Report, String) {
    let m = capture(cx, options);
    if options.ci {
        let report = Report::new(selected(&m), ci::checks(&m));
        let text = render_as(&m, &report, format);
        return (report, text);
    }
    let report = Report::new(selected(&m), diagnose(&m));
    if !options.fix {
        let text = render_as(&m, &report, format);
        return (report, text);
    }
    // A fix can uncover the next problem (a setting removed, the one below it shows): the
    // checks run again over the machine as the plan so far would leave it, up to three rounds,
    // so that a second `--fix` finds nothing. All of it is planned before anything is written.
    let mut planner = fix::Planner::default();
    let mut planned = report.clone();
    for _ in 0..3 {
        let actions = planned.actions();
        if actions.is_empty() || !planner.round(&m, &actions) {
            break;
        }
        let machine = planner.machine(Box::new(crate::environment::disk::RealDisk));
        let after = capture_through(cx, options, Box::new(machine));
        planned = Report::new(selected(&after), diagnose(&after));
    }
    let plan = planner.finish();
    if options.dry_run {
        let text = format!(
            "{}\n{}",
            fix::describe(&m, &plan),
            render_as(&m, &report, format)
        );
        return (report, text);
    }
    let (applied, errors) = fix::Run::new(&m).apply(&m, plan);
    let m = capture(cx, options);
    let mut report = Report::new(selected(&m), diagnose(&m));
    let mut unique: Vec<String> = Vec::new();
    for error in errors {
        if !unique.contains(&error) {
            unique.push(error);
        }
    }
    report.fixed = Some(applied);
    report.fix_errors = unique;
    let text = render_as(&m, &report, format);
    (report, text)
}

/// `gvx doctor --undo`: takes the last `--fix` back; returns what it restored (empty: there
/// was nothing to undo).
pub fn undo(cx: &Context) -> crate::error::Result<Vec<String>> {
    let options = Options {
        quick: true,
        ..Options::default()
    };
    fix::undo(&capture(cx, options))
}

fn render_as(m: &Snapshot, report: &Report, format: Format) -> String {
    match format {
        Format::Human => render::human(m, report),
        Format::Quiet => render::quiet(report),
        Format::Json => render::json(report),
    }
}
