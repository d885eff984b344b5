//! Check 3: GOPATH (writable, one entry, clear of every SDK and the store the way the
//! shims insist, the same in every scope, cgo-friendly on Windows).

use super::goroot::{line_fix, unset_command};
use super::model::{Action, Check, Fix, Item, Scope, Source};
use super::others;
use super::rc::Kind;
use crate::environment::Snapshot;
use crate::environment::disk::Writable;
use crate::environment::snapshot::split_list;
use gvx_shims::goenv::{Origin, Setting};
use gvx_shims::guard;
use std::path::{Path, PathBuf};

/// Where a Go setting is set, as evidence, and how to take it away.
pub fn setting_fix(
    m: &Snapshot,
    var: &str,
    setting: &Setting,
) -> (Vec<(String, Source)>, Option<Fix>) {
    let mut evidence = vec![(
        format!("{var}={}", setting.value),
        m.origin_source(&setting.origin),
    )];
    let fix = match &setting.origin {
        Origin::EnvFile(path, _) => Some(
            Fix::auto(
                format!("remove {var} from {}", m.show(path)),
                Action::UnsetGoEnv {
                    path: path.clone(),
                    key: var.to_owned(),
                },
            )
            .command(format!("go env -u {var}")),
        ),
        Origin::Environment => {
            let all = m.rc.assignments(var);
            let same: Vec<_> = all
                .iter()
                .filter(|a| {
                    a.value == setting.value
                        || m.expand(&a.value)
                            .is_some_and(|p| p == Path::new(&setting.value))
                })
                .collect();
            let setters = if same.is_empty() {
                all.iter().collect()
            } else {
                same
            };
            for setter in &setters {
                evidence.push((setter.text.clone(), setter.source()));
            }
            match setters
                .iter()
                .find(|s| s.scope == Scope::User)
                .or(setters.first())
            {
                Some(s) => Some(line_fix(m, &s.path, s.line, &s.text, s.scope)),
                None => Some(Fix::manual(
                    format!("no start-up file sets {var}: unset it where this shell got it"),
                    Some(unset_command(m.shell, var)),
                )),
            }
        }
        Origin::Default => None,
    };
    (evidence, fix)
}

pub fn with_evidence(mut item: Item, evidence: Vec<(String, Source)>) -> Item {
    for (value, source) in evidence {
        item = item.evidence(value, source);
    }
    item
}

/// GOPATH's first entry (where `go install` and the module cache write): writable, not an SDK.
fn first_entry(
    m: &Snapshot,
    check: &mut Check,
    first: &Path,
    gopath: &Setting,
    (evidence, fix): (&[(String, Source)], Option<&Fix>),
) {
    let shown = |p: &Path| m.show(p);
    let evidence = evidence.to_vec();
    let fix = fix.cloned();
    match m.disk.writable(first) {
        Writable::Yes => {}
        Writable::Creatable if gopath.origin == Origin::Default => {}
        Writable::Creatable => check.push(with_evidence(
            Item::warn(format!("GOPATH {} does not exist", shown(first)))
                .detail("go creates it on first use; a typo here sends tools and modules somewhere unexpected"),
            evidence.clone(),
        ).fix(Fix::auto(format!("create {}", shown(first)), Action::CreateDir { path: first.to_owned() }))),
        Writable::No { at, why } => check.push(with_evidence(
            Item::fail(format!("GOPATH {} is not writable ({why} at {})", shown(first), shown(&at)))
                .detail("`go get` and `go install` fail"),
            evidence.clone(),
        ).maybe_fix(fix.clone())),
    }
    if m.disk.is_go_root(first) {
        check.push(with_evidence(
            Item::fail(format!("GOPATH {} holds a Go SDK", shown(first)))
                .detail("go warns `both GOPATH and GOROOT are the same directory` and `go install` writes into that SDK"),
            evidence.clone(),
        ).maybe_fix(fix.clone()));
    }
}

pub fn check_gopath(m: &Snapshot) -> Check {
    let mut check = Check::new("gopath", "GOPATH");
    let Some(gopath) = m.goenv.gopath() else {
        check.push(
            Item::fail("GOPATH is not set and there is no home directory for Go's default (~/go)")
                .detail("`go get` and `go install` fail with `GOPATH not set`")
                .fix(Fix::manual(
                    "set HOME (USERPROFILE on Windows), or GOPATH",
                    None,
                )),
        );
        return check.summary("no GOPATH");
    };
    let (evidence, fix) = setting_fix(m, "GOPATH", &gopath);
    let entries: Vec<PathBuf> = split_list(&gopath.value)
        .into_iter()
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    let shown = |p: &Path| m.show(p);
    for entry in &entries {
        let text = entry.display().to_string();
        if text.starts_with('~') || entry.is_relative() {
            check.push(with_evidence(
                Item::fail(format!("GOPATH entry `{text}` is not an absolute path"))
                    .detail("go refuses to run: `GOPATH entry is relative; must be absolute path` (a `~` is not expanded)"),
                evidence.clone(),
            ).maybe_fix(fix.clone()));
        }
    }
    if entries.len() > 1 {
        check.push(with_evidence(
            Item::warn(format!("GOPATH has {} entries", entries.len())).detail(format!(
                "`go install` and the module cache use only the first ({}); the others matter only in GOPATH mode",
                shown(&entries[0])
            )),
            evidence.clone(),
        ));
    }
    if let Some(first) = entries.first().filter(|e| e.is_absolute()) {
        first_entry(m, &mut check, first, &gopath, (&evidence, fix.as_ref()));
    }
    for entry in entries
        .iter()
        .skip(1)
        .filter(|e| e.is_absolute() && !m.disk.exists(e))
    {
        check.push(with_evidence(
            Item::warn(format!("GOPATH entry {} does not exist", shown(entry))),
            evidence.clone(),
        ));
    }
    overlaps(m, &mut check);
    scopes(m, &mut check);
    if cfg!(windows) && cgo_unfriendly(&gopath.value) {
        check.push(with_evidence(
            Item::warn("GOPATH holds spaces or non-ASCII characters").detail(
                "cgo builds (gcc, MinGW) often fail on such paths; move GOPATH if you use cgo",
            ),
            evidence.clone(),
        ));
    }
    let summary = format!(
        "{} ({})",
        gopath.value,
        m.describe(&m.origin_source(&gopath.origin))
    );
    check.summary(summary)
}

/// GOPATH, GOBIN and GOMODCACHE against every SDK and the store, as the shims check them.
fn overlaps(m: &Snapshot, check: &mut Check) {
    let dirs = guard::go_dirs(&m.goenv);
    let store = m.store();
    let sdk_root = m.sdk().map_or_else(|| store.sdk_dir(), |(_, root)| root);
    let mut found = Vec::new();
    let resolve = |p: &Path| m.disk.resolve(p);
    if let Err(overlap) = guard::check_with(&dirs, store.home(), &sdk_root, &resolve) {
        found.push(overlap);
    }
    for other in others::candidates(m) {
        if let Err(overlap) = guard::check_with(&dirs, &other, &other, &resolve) {
            found.push(overlap);
        }
    }
    let mut rc_fixed = false;
    for overlap in found {
        let (var, setting) = match m.setting(overlap.dir.var) {
            Some(s) => (overlap.dir.var, Some(s)),
            None => ("GOPATH", m.goenv.gopath()),
        };
        let (evidence, fix) = match &setting {
            Some(s) => setting_fix(m, var, s),
            None => (Vec::new(), None),
        };
        rc_fixed |= fix.as_ref().is_some_and(|f| f.automatic);
        let fix = fix.unwrap_or_else(|| Fix::manual(overlap.fix(), None));
        check.push(with_evidence(
            Item::fail(overlap.to_string())
                .detail("the go shim refuses to run until this is fixed: `go install` and `go get` would write into an SDK or the gvx store"),
            evidence,
        ).fix(fix));
    }
    if rc_fixed {
        return;
    }
    for conflict in m.rc.conflicts.iter().filter(|c| c.kind == Kind::Gopath) {
        check.push(
            Item::fail(format!(
                "{} ({})",
                conflict.problem,
                m.describe(&conflict.source())
            ))
            .evidence(conflict.text.clone(), conflict.source())
            .fix(line_fix(
                m,
                &conflict.path,
                conflict.line,
                &conflict.text,
                conflict.scope,
            )),
        );
    }
}

/// GOPATH set differently for this user and for everyone.
fn scopes(m: &Snapshot, check: &mut Check) {
    let all = m.rc.assignments("GOPATH");
    let user = all.iter().find(|a| a.scope == Scope::User);
    let system = all.iter().find(|a| a.scope == Scope::System);
    if let (Some(user), Some(system)) = (user, system)
        && user.value != system.value
    {
        check.push(
            Item::warn("GOPATH is set differently for you and system-wide")
                .evidence(user.text.clone(), user.source())
                .evidence(system.text.clone(), system.source())
                .detail("shells, services and IDEs that read only one of them put modules and tools in different places"),
        );
    }
}

/// Paths cgo toolchains on Windows trip over.
pub fn cgo_unfriendly(path: &str) -> bool {
    path.contains(' ') || !path.is_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cgo_paths() {
        assert!(cgo_unfriendly(r"C:\Users\Jane Doe\go"));
        assert!(cgo_unfriendly(r"C:\Users\José\go"));
        assert!(!cgo_unfriendly(r"C:\Users\jane\go"));
    }
}
