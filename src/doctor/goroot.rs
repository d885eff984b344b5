//! Check 2: GOROOT set anywhere — this process, the user's and the system's start-up files,
//! Go's env file, the Windows registry — pointing at something other than the selected SDK.

use super::model::{Action, Check, Fix, Item, Scope, Source, Status};
use super::rc::Kind;
use crate::environment::Snapshot;
use crate::shell::Shell;

/// Why a GOROOT setting hurts although the shim overrides it.
pub const WHY: &str = "The go shim sets GOROOT for every command it runs, so `go` itself is \
fine; but IDEs, scripts and tools that run $GOROOT/bin/go or read GOROOT directly get this \
tree, and mixing two releases fails with `compile: version \"go1.X\" does not match go tool \
version \"go1.Y\"`.";

/// One place that sets GOROOT.
pub struct Sighting {
    pub value: String,
    pub source: Source,
    pub fix: Option<Fix>,
}

/// The fix for a line of a start-up file: comment it out (user), or the elevated command.
pub fn line_fix(
    m: &Snapshot,
    path: &std::path::Path,
    line: usize,
    text: &str,
    scope: Scope,
) -> Fix {
    let shown = m.unroot(path);
    match scope {
        Scope::System => Fix::elevated(
            format!(
                "comment out line {line} of {} (a system file: run this in an elevated shell)",
                shown.display()
            ),
            format!(
                "sudo sed -i '{line}s/^/# /' {}",
                crate::shell::sh_quote(&shown.display().to_string())
            ),
        ),
        _ => Fix::auto(
            format!("comment out line {line} of {}", m.show(path)),
            Action::CommentLine {
                path: path.to_owned(),
                line,
                text: text.to_owned(),
            },
        ),
    }
}

/// Every place GOROOT is set.
fn sightings(m: &Snapshot) -> Vec<Sighting> {
    let mut found = Vec::new();
    if let Some(value) = m.process.var("GOROOT") {
        found.push(Sighting {
            value,
            source: Source::Environment,
            fix: Some(Fix::manual(
                "unset it in this shell; remove it where it is set (below) so new shells do not get it",
                Some(unset_command(m.shell, "GOROOT")),
            )),
        });
    }
    if let Some(file) = &m.env_file {
        for (key, value, line) in &m.env_lines {
            if key == "GOROOT" && !value.is_empty() {
                found.push(Sighting {
                    value: value.clone(),
                    source: Source::GoEnvFile {
                        path: file.clone(),
                        line: *line,
                    },
                    fix: Some(
                        Fix::auto(
                            format!("remove GOROOT from {}", m.show(file)),
                            Action::UnsetGoEnv {
                                path: file.clone(),
                                key: "GOROOT".into(),
                            },
                        )
                        .command("go env -u GOROOT"),
                    ),
                });
            }
        }
    }
    for conflict in &m.rc.conflicts {
        let (value, fish) = match &conflict.kind {
            Kind::Goroot(v) => (v.clone(), false),
            Kind::FishGoroot(v) => (v.clone(), true),
            _ => continue,
        };
        let fix = if fish {
            Fix::manual(
                "erase fish's universal GOROOT",
                Some("set -Ue GOROOT".into()),
            )
        } else {
            line_fix(
                m,
                &conflict.path,
                conflict.line,
                &conflict.text,
                conflict.scope,
            )
        };
        found.push(Sighting {
            value,
            source: conflict.source(),
            fix: Some(fix),
        });
    }
    #[cfg(windows)]
    found.extend(super::windows::goroot_sightings(m));
    found
}

/// `unset NAME` in the user's shell.
pub fn unset_command(shell: Shell, name: &str) -> String {
    match shell {
        Shell::Fish => format!("set -e {name}"),
        Shell::Powershell => format!("Remove-Item Env:{name}"),
        Shell::Nu => format!("hide-env {name}"),
        Shell::Cmd => format!("set {name}="),
        _ => format!("unset {name}"),
    }
}

/// How bad a GOROOT value is, and why.
fn assess(m: &Snapshot, value: &str) -> (Status, String) {
    let Some(path) = m.expand(value).map(|p| m.on_machine(&p)) else {
        return (Status::Warn, format!("GOROOT is set to `{value}`"));
    };
    let selected = m.sdk();
    let want = m.selected_name().unwrap_or_else(|| "no SDK".into());
    if !m.disk.is_go_root(&path) {
        return (
            Status::Fail,
            format!("GOROOT={value} is not a Go SDK (no bin/go, src/runtime or VERSION there)"),
        );
    }
    if let Some((_, root)) = &selected
        && m.disk.same_dir(&path, root)
    {
        return (
            Status::Warn,
            format!(
                "GOROOT={value} is the SDK gvx selects here, but goes stale as soon as a project or the default selects another"
            ),
        );
    }
    let version = m
        .disk
        .sdk_version(&path)
        .unwrap_or_else(|| "an unknown version".into());
    if selected.is_some() && version != want {
        (
            Status::Fail,
            format!("GOROOT={value} is {version}, but gvx selects {want}"),
        )
    } else {
        (
            Status::Warn,
            format!("GOROOT={value} is {version}, outside gvx's store"),
        )
    }
}

pub fn check(m: &Snapshot) -> Check {
    let mut check = Check::new("goroot", "GOROOT");
    let found = sightings(m);
    if found.is_empty() {
        return check.summary("not set anywhere (the shim sets it for each command)");
    }
    for (n, sighting) in found.iter().enumerate() {
        let (status, message) = assess(m, &sighting.value);
        let why = if n == 0 { WHY } else { "" };
        let mut item = Item::new(
            status,
            format!("{message} ({})", m.describe(&sighting.source)),
        )
        .evidence(
            format!("GOROOT={}", sighting.value),
            sighting.source.clone(),
        )
        .maybe_fix(sighting.fix.clone());
        if n == 0 {
            item = item.detail(WHY);
        }
        if sighting.source == Source::Environment {
            let setters: Vec<&Sighting> = found
                .iter()
                .filter(|s| s.source != Source::Environment && s.value == sighting.value)
                .collect();
            if setters.is_empty() {
                item = item.detail(format!(
                    "{why} No start-up file or go env file sets it (any more): this shell inherited it from whatever started it (an older terminal, a terminal profile, an IDE or CI runner setting)."
                ));
            }
            for setter in setters {
                item = item.evidence(format!("GOROOT={}", setter.value), setter.source.clone());
            }
        }
        check.push(item);
    }
    let places = found.len();
    check.summary(format!(
        "set in {places} place{}",
        if places == 1 { "" } else { "s" }
    ))
}
