//! Check 7: the pins (`.go-version`, `.tool-versions`) and the module's `go`/`toolchain`
//! lines, read through the one selection: a pin naming no Go release, a pin older than go.mod
//! needs, and GOTOOLCHAIN settings under which go refuses the module.

use super::model::{Check, Fix, Item, Source};
use crate::environment::Snapshot;
use gvx_shims::GoVersion;
use gvx_shims::select::{Outcome, Policy, Selection, Source as Why};
use std::path::PathBuf;

/// GOTOOLCHAIN=local or an exact release that keeps go below what the module needs.
fn forced(m: &Snapshot, selection: &Selection, check: &mut Check) {
    let source_of = |path: &PathBuf, line: usize| Source::File {
        path: path.clone(),
        line,
        scope: super::model::Scope::User,
    };
    let selected: Option<GoVersion> = match selection.outcome {
        Outcome::Run(v) => Some(v),
        Outcome::Install(_) => None,
    };
    let forced = match selection.policy {
        Policy::Local => selected.map(|v| (v, "local".to_owned())),
        Policy::Exact(v) => Some((v, v.name())),
        _ => None,
    };
    if let Some((running, gotoolchain)) = forced {
        match &m.module {
            Some(Ok(requirement)) => {
                if let Some((minimum, line)) = requirement.minimum()
                    && minimum > running
                {
                    check.push(
                        Item::fail(format!(
                            "{} needs {} but GOTOOLCHAIN={gotoolchain} keeps go at {}",
                            m.show(&requirement.file),
                            minimum.name(),
                            running.name()
                        ))
                        .evidence(format!("line {line}"), source_of(&requirement.file, line))
                        .detail(format!(
                            "go fails here: `go: {} requires go >= {minimum} (running go {running}; GOTOOLCHAIN={gotoolchain})`",
                            requirement.file.display()
                        ))
                        .fix(Fix::manual("let go.mod raise the version (gvx serves it from its store)", Some("go env -u GOTOOLCHAIN".into()))),
                    );
                }
            }
            Some(Err(e)) => check.push(Item::warn(e.clone()).detail("go rejects this file too")),
            None => {}
        }
    }
}

pub fn check(m: &Snapshot) -> Check {
    let mut check = Check::new("pins", "version pins and go.mod");
    let Ok(selection) = &m.selection else {
        return check.summary("no selection (see selected SDK)");
    };
    let pin = match &selection.source {
        Why::GoVersionFile(path, line) | Why::ToolVersions(path, line) => {
            Some((path.clone(), *line))
        }
        _ => None,
    };
    let source_of = |path: &PathBuf, line: usize| Source::File {
        path: path.clone(),
        line,
        scope: super::model::Scope::User,
    };
    if let (Some((path, line)), Some(request), Outcome::Install(_)) =
        (&pin, &selection.request, selection.outcome)
    {
        match m.pin_exists {
            Some(false) => check.push(
                Item::fail(format!("{}:{line} asks for go{request}, which is not a Go release for {}", m.show(path), m.host))
                    .evidence(format!("go{request}"), source_of(path, *line))
                    .detail("the go shim fails here: nothing can be installed for it")
                    .fix(Fix::manual("pin a release that exists (`gvx list --remote` lists them)", Some("gvx use <version> --project".into()))),
            ),
            Some(true) => {}
            None => check.push(
                Item::ok(format!("{}:{line} asks for go{request}, not installed (not checked against the index offline)", m.show(path))),
            ),
        }
    }
    if let Some(raise) = &selection.raised
        && let Some(request) = &selection.request
    {
        let runs = match selection.outcome {
            Outcome::Run(v) => format!("gvx runs {} instead", v.name()),
            Outcome::Install(r) => format!("the shim installs go{r} on first use and runs that"),
        };
        let item = if let Some((path, line)) = &pin {
            Item::warn(format!(
                "{}:{line} pins go{request}, older than the module needs: {raise}",
                m.show(path)
            ))
            .evidence(format!("go{request}"), source_of(path, *line))
            .detail(format!("{runs}, so the pin is not what runs here"))
            .fix(Fix::manual(
                "raise the pin to what the module needs",
                Some(format!("gvx use {} --project", raise.minimum)),
            ))
        } else {
            Item::ok(format!("{raise}: {runs} (as Go itself would)"))
        };
        check.push(item);
    }
    forced(m, selection, &mut check);
    let summary = match (&pin, &selection.request) {
        (Some((path, _)), Some(request)) => format!("go{request} pinned by {}", m.show(path)),
        _ => format!("no pin here ({})", selection.source),
    };
    check.summary(summary)
}
