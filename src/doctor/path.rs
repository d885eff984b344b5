//! Check 1: every `go` on PATH, in order, with its version and origin; the first must be the
//! gvx shim. This is about the running session; the start-up files that make the next one
//! are the `shells` check's, the Windows registry halves the `windows` check's.

use super::model::{Action, Check, Fix, Item, Source};
use super::others;
use crate::environment::Snapshot;
use crate::shell::Shell;
use std::path::PathBuf;

/// A `go` found on PATH.
#[derive(Clone, Debug)]
pub struct Found {
    /// 1-based PATH entry.
    pub index: usize,
    pub dir: PathBuf,
    pub exe: PathBuf,
    pub shim: bool,
    pub version: Option<String>,
    pub origin: String,
}

/// Every `go` on this process's PATH, in order.
pub fn found(m: &Snapshot) -> Vec<Found> {
    let bin = m.store().bin_dir();
    let mut found = Vec::new();
    for (i, dir) in m.path.iter().enumerate() {
        if dir.as_os_str().is_empty() || dir.is_relative() {
            continue;
        }
        let exe = Snapshot::go_in(dir);
        if !m.disk.is_executable(&exe) {
            continue;
        }
        let shim = m.disk.same_dir(dir, &bin);
        let version = if shim {
            m.selected_name()
        } else {
            m.disk.binary_version(&exe)
        };
        found.push(Found {
            index: i + 1,
            origin: others::origin(m, dir, &exe),
            dir: dir.clone(),
            exe,
            shim,
            version,
        });
    }
    found
}

/// The start-up file lines that put `dir` on PATH: lines naming it, and lines that put a Go
/// ahead of the shims through `$GOROOT/bin` (with a GOROOT set to that SDK) or `$HOME/…`.
fn put_there(m: &Snapshot, dir: &std::path::Path) -> Vec<(String, Source)> {
    let wanted = m.unroot(dir);
    let mut found: Vec<(String, Source)> = super::rc::path_mentions(m, dir)
        .into_iter()
        .map(|s| (format!("puts {} on PATH", wanted.display()), s))
        .collect();
    #[cfg(windows)]
    found.extend(super::windows::path_sources(m, dir));
    let mut goroots: Vec<String> =
        m.rc.assignments("GOROOT")
            .into_iter()
            .map(|a| a.value)
            .collect();
    goroots.extend(m.process.var("GOROOT"));
    for conflict in &m.rc.conflicts {
        let super::rc::Kind::PathAhead(token) = &conflict.kind else {
            continue;
        };
        let mut candidates = vec![token.clone()];
        for root in &goroots {
            for var in ["${GOROOT}", "$GOROOT"] {
                if token.contains(var) {
                    candidates.push(token.replace(var, root));
                }
            }
        }
        let names = candidates
            .iter()
            .filter_map(|c| m.expand(c))
            .any(|p| m.disk.same_dir(&m.on_machine(&p), dir) || m.disk.same_dir(&p, &wanted));
        let source = conflict.source();
        if names && !found.iter().any(|(_, s)| *s == source) {
            found.push((conflict.text.clone(), source));
        }
    }
    found
}

/// The line that puts the shims first in this shell.
pub fn session_command(shell: Shell) -> String {
    match shell {
        Shell::Fish => "gvx env --shell fish | source".into(),
        Shell::Powershell => "gvx env --shell powershell | Out-String | Invoke-Expression".into(),
        Shell::Nu => "gvx env --shell nu | save -f ~/.gvx-env.nu; source ~/.gvx-env.nu".into(),
        _ => "eval \"$(gvx env)\"".into(),
    }
}

fn describe(f: &Found) -> String {
    format!(
        "{} ({}, {})",
        f.exe.display(),
        f.version.as_deref().unwrap_or("version unknown"),
        f.origin
    )
}

/// A `go` that comes before the shim, with the lines that put it there.
fn ahead_item(m: &Snapshot, go: &Found) -> Item {
    let mut item = Item::fail(format!(
        "{} comes before the gvx shim on PATH",
        go.exe.display()
    ))
    .evidence(describe(go), Source::PathEntry { index: go.index })
    .detail(format!(
        "`go` runs {} here, not the SDK gvx selects ({})",
        go.version.as_deref().unwrap_or("another Go"),
        m.selected_name().as_deref().unwrap_or("none")
    ));
    for (text, source) in put_there(m, &go.dir) {
        item = item.evidence(text, source);
    }
    item
}

/// The other `go`s after the shim: never run as `go`, shown for the record.
fn behind(gos: &[Found], shim: usize, check: &mut Check) {
    for go in gos.iter().filter(|g| !g.shim && g.index > gos[shim].index) {
        check.push(
            Item::ok(format!(
                "{} comes after the shim (never run as `go`)",
                go.exe.display()
            ))
            .evidence(describe(go), Source::PathEntry { index: go.index }),
        );
    }
}

pub fn check(m: &Snapshot) -> Check {
    let mut check = Check::new("path", "go on PATH");
    let gos = found(m);
    let bin = m.store().bin_dir();
    let shown_bin = m.show(&bin);
    let on_path = m.on_path(&bin);
    let shim_file = m.disk.is_executable(&Snapshot::go_in(&bin));
    let first_shim = gos.iter().position(|g| g.shim);
    let files_ok = m.rc.files.iter().any(|f| f.block.is_some())
        && !m.rc.conflicts.iter().any(|c| {
            matches!(c.kind, super::rc::Kind::PathAhead(_))
                && super::rc::runs_late(m, &c.path, c.line)
        });
    let session_fix = Fix::manual(
        if files_ok {
            "your start-up files put the shims first: open a new terminal, or run this in this one"
        } else {
            "make this shell use the shims now; fix the start-up files (see `shell start-up files`) for new ones"
        },
        Some(session_command(m.shell)),
    );

    let summary = match (on_path, shim_file, first_shim) {
        (Some(_), false, _) => {
            check.push(
                Item::fail(format!("{shown_bin} is on PATH but holds no go shim"))
                    .evidence(
                        shown_bin.clone(),
                        Source::PathEntry {
                            index: on_path.unwrap_or(0),
                        },
                    )
                    .detail("`go` runs whatever comes next on PATH, or is not found at all")
                    .fix(
                        Fix::auto("recreate the go and gofmt shims", Action::Reshim)
                            .command("gvx reshim"),
                    ),
            );
            format!("no go shim in {shown_bin}")
        }
        (None, _, _) => {
            let mut item = Item::fail(format!("{shown_bin} is not on PATH"))
                .detail(match gos.first() {
                    Some(first) => format!(
                        "`go` is {}, not the gvx shim, so pins and the default are ignored",
                        describe(first)
                    ),
                    None => "`go` is not found at all".into(),
                })
                .fix(session_fix.clone());
            for go in &gos {
                item = item.evidence(describe(go), Source::PathEntry { index: go.index });
            }
            check.push(item);
            format!("{shown_bin} is not on PATH")
        }
        (Some(_), true, Some(0)) => {
            format!(
                "the gvx shim comes first ({})",
                gos[0].version.as_deref().unwrap_or("no SDK selected")
            )
        }
        (Some(_), true, at) => {
            let ahead = &gos[..at.unwrap_or(gos.len())];
            for go in ahead {
                check.push(ahead_item(m, go).fix(session_fix.clone()));
            }
            format!("{} go ahead of the gvx shim", ahead.len())
        }
    };
    if let Some(at) = first_shim {
        behind(&gos, at, &mut check);
    }
    check.summary(summary)
}
