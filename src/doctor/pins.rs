//! Check 7: the pins (`.go-version`, `.tool-versions`) and the module's `go`/`toolchain`
//! lines, read through the one selection: a pin naming no Go release, a pin older than go.mod
//! needs, and GOTOOLCHAIN settings under which go refuses the module.

use super::machine::Machine;
use super::model::{Check, Fix, Item, Source};
use crate::index::Index;
use gvx_shims::module::Requirement;
use gvx_shims::select::{Outcome, Policy, Source as Why};
use gvx_shims::{GoVersion, VersionRequest};
use std::path::PathBuf;

/// Whether any Go release matches `request`: from the cached index, or (with `--online`) a
/// fresh one. `None` when no index is at hand.
fn exists(m: &Machine, request: &VersionRequest) -> Option<bool> {
    if m.online
        && let Ok(index) = m.cx.index()
    {
        return Some(index.resolve(request).is_some());
    }
    let dir = m.store().cache_dir();
    let mut cached: Vec<(std::time::SystemTime, PathBuf)> = fs_err::read_dir(&dir)
        .ok()?
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("index-") && name.ends_with(".json")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    cached.sort();
    let (_, newest) = cached.pop()?;
    let bytes = fs_err::read(&newest).ok()?;
    let index = Index::parse("the cached index", &bytes, &m.cx.host).ok()?;
    Some(index.resolve(request).is_some())
}

/// The nearest go.work (unless GOWORK says otherwise), else go.mod, as Go finds them.
fn module(m: &Machine) -> Option<Result<Requirement, String>> {
    let cwd = std::env::current_dir().ok()?;
    let gowork = m.setting("GOWORK").map(|s| s.value);
    let mut file: Option<PathBuf> = match gowork.as_deref() {
        Some("off") | None => None,
        Some(path) => Some(PathBuf::from(path)),
    };
    if file.is_none() {
        for dir in cwd.ancestors() {
            if gowork.is_none() && dir.join("go.work").is_file() {
                file = Some(dir.join("go.work"));
                break;
            }
            if dir.join("go.mod").is_file() {
                file = Some(dir.join("go.mod"));
                break;
            }
        }
    }
    let file = file?;
    let text = fs_err::read_to_string(&file).ok()?;
    Some(Requirement::parse(&file, &text).map_err(|e| e.to_string()))
}

pub fn check(m: &Machine) -> Check {
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
        match exists(m, request) {
            Some(false) => check.push(
                Item::fail(format!("{}:{line} asks for go{request}, which is not a Go release for {}", m.show(path), m.cx.host.describe()))
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
        match module(m) {
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
            Some(Err(e)) => check.push(Item::warn(e).detail("go rejects this file too")),
            None => {}
        }
    }
    let summary = match (&pin, &selection.request) {
        (Some((path, _)), Some(request)) => format!("go{request} pinned by {}", m.show(path)),
        _ => format!("no pin here ({})", selection.source),
    };
    check.summary(summary)
}
