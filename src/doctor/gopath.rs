//! Checks 3 and 4: GOPATH (writable, one entry, clear of every SDK and the store the way the
//! shims insist, the same in every scope) and GOBIN (on PATH; tools left in an SDK's `bin/`).

use super::goroot::{line_fix, unset_command};
use super::machine::{self, Machine, Writable};
use super::model::{Action, Check, Fix, Item, Scope, Source};
use super::others;
use super::rc::Kind;
use gvx_shims::goenv::{Origin, Setting};
use gvx_shims::guard;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where a Go setting is set, as evidence, and how to take it away.
pub fn setting_fix(
    m: &Machine,
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
                    Some(unset_command(var)),
                )),
            }
        }
        Origin::Default => None,
    };
    (evidence, fix)
}

fn with_evidence(mut item: Item, evidence: Vec<(String, Source)>) -> Item {
    for (value, source) in evidence {
        item = item.evidence(value, source);
    }
    item
}

pub fn check_gopath(m: &Machine) -> Check {
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
    let entries: Vec<PathBuf> = std::env::split_paths(&gopath.value)
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
        match machine::writable(first) {
            Writable::Yes => {}
            Writable::Creatable if gopath.origin == Origin::Default => {}
            Writable::Creatable => check.push(with_evidence(
                Item::warn(format!("GOPATH {} does not exist", shown(first)))
                    .detail("go creates it on first use; a typo here sends tools and modules somewhere unexpected"),
                evidence.clone(),
            ).fix(Fix::auto(format!("create {}", shown(first)), Action::CreateDir { path: first.clone() }))),
            Writable::No { at, why } => check.push(with_evidence(
                Item::fail(format!("GOPATH {} is not writable ({why} at {})", shown(first), shown(&at)))
                    .detail("`go get` and `go install` fail"),
                evidence.clone(),
            ).maybe_fix(fix.clone())),
        }
        if machine::is_go_root(first) {
            check.push(with_evidence(
                Item::fail(format!("GOPATH {} holds a Go SDK", shown(first)))
                    .detail("go warns `both GOPATH and GOROOT are the same directory` and `go install` writes into that SDK"),
                evidence.clone(),
            ).maybe_fix(fix.clone()));
        }
    }
    for entry in entries
        .iter()
        .skip(1)
        .filter(|e| e.is_absolute() && !e.exists())
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
fn overlaps(m: &Machine, check: &mut Check) {
    let dirs = guard::go_dirs(&m.goenv);
    let store = m.store();
    let sdk_root = m.sdk().map_or_else(|| store.sdk_dir(), |(_, root)| root);
    let mut found = Vec::new();
    if let Err(overlap) = guard::check(&dirs, store.home(), &sdk_root) {
        found.push(overlap);
    }
    for other in others::candidates(m) {
        if let Err(overlap) = guard::check(&dirs, &other, &other) {
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
fn scopes(m: &Machine, check: &mut Check) {
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

/// Where `go install` puts tools: GOBIN, else the first GOPATH entry's `bin`.
pub fn gobin(m: &Machine) -> Option<(PathBuf, Option<Setting>)> {
    if let Some(setting) = m.setting("GOBIN") {
        return Some((PathBuf::from(&setting.value), Some(setting)));
    }
    let gopath = m.goenv.gopath()?;
    let first = std::env::split_paths(&gopath.value).find(|p| !p.as_os_str().is_empty())?;
    Some((first.join("bin"), None))
}

/// The marker `--fix` writes on the PATH lines it adds.
pub const APPEND_MARK: &str = "# added by gvx doctor --fix";

pub fn check_gobin(m: &Machine) -> Check {
    let mut check = Check::new("gobin", "GOBIN and installed tools");
    let Some((bin, setting)) = gobin(m) else {
        return check.summary("no GOBIN (no GOPATH)");
    };
    let shown = m.show(&bin);
    if bin.is_relative() {
        let mut item = Item::fail(format!("GOBIN `{}` is not an absolute path", bin.display()))
            .detail("`go install` fails: `cannot install, GOBIN must be an absolute path`");
        if let Some(s) = &setting {
            let (evidence, fix) = setting_fix(m, "GOBIN", s);
            item = with_evidence(item, evidence).maybe_fix(fix);
        }
        check.push(item);
        return check.summary(format!("GOBIN {} is relative", bin.display()));
    }
    let tools = machine::executables(&bin);
    let listed = list(&tools);
    let summary = match m.on_path(&bin) {
        Some(index) => {
            check.push(
                Item::ok(format!("{shown} is on PATH"))
                    .evidence(shown.clone(), Source::PathEntry { index }),
            );
            format!("{shown} is on PATH ({} tools)", tools.len())
        }
        None => {
            let added = m.rc.files.iter().any(|f| {
                f.lines
                    .iter()
                    .any(|l| l.contains(APPEND_MARK) && l.contains(&bin.display().to_string()))
            });
            if added {
                check.push(
                    Item::warn(format!("{shown} is not on this shell's PATH")).detail(
                        "your start-up files add it (gvx doctor --fix did): open a new terminal",
                    ),
                );
            } else if tools.is_empty() {
                check.push(
                    Item::ok(format!("{shown} is not on PATH (no tools installed yet)"))
                        .detail("tools you `go install` will not be found by name until it is"),
                );
            } else {
                check.push(
                    Item::warn(format!("{shown} holds {listed} but is not on PATH"))
                        .detail("installed tools fail with `command not found`")
                        .fix(append_fix(m, &bin)),
                );
            }
            format!("{shown} is not on PATH")
        }
    };
    sdk_tools(m, &mut check, &bin);
    check.summary(summary)
}

#[cfg(not(windows))]
fn append_fix(m: &Machine, bin: &Path) -> Fix {
    Fix::auto(
        format!(
            "add {} to the end of PATH in the start-up files with the gvx block",
            m.show(bin)
        ),
        Action::AppendPath {
            dir: bin.to_owned(),
        },
    )
}

#[cfg(windows)]
fn append_fix(m: &Machine, bin: &Path) -> Fix {
    super::windows::append_user_path_fix(m, bin)
}

fn list(names: &[String]) -> String {
    match names.len() {
        0 => "no tools".into(),
        1..=4 => names.join(", "),
        n => format!("{} and {} more", names[..3].join(", "), n - 3),
    }
}

/// Tools an earlier setup (or a GOBIN inside the SDK) left in an SDK's `bin/`.
fn sdk_tools(m: &Machine, check: &mut Check, gobin: &Path) {
    let store = m.store();
    let mut roots: Vec<PathBuf> = store
        .installed()
        .unwrap_or_default()
        .iter()
        .map(|v| store.sdk(v))
        .collect();
    roots.extend(others::candidates(m));
    let go_names = ["go", "gofmt", "go.exe", "gofmt.exe"];
    let mut left: Vec<(PathBuf, PathBuf)> = Vec::new();
    for root in &roots {
        for name in machine::executables(&root.join("bin")) {
            if !go_names.contains(&name.as_str()) {
                left.push((root.clone(), root.join("bin").join(name)));
            }
        }
    }
    if left.is_empty() {
        return;
    }
    let modules = if m.quick {
        Vec::new()
    } else {
        module_info(m, &left)
    };
    let gobin_ok = guard::check(&guard::go_dirs(&m.goenv), store.home(), &store.sdk_dir()).is_ok();
    for (root, tool) in &left {
        let name = tool
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let module = modules.iter().find(|(t, _, _)| t == tool);
        let mut item = Item::warn(format!(
            "{name} was left in {}",
            m.show(&m.unroot(&root.join("bin")))
        ))
        .evidence(
            tool.display().to_string(),
            Source::Disk { path: tool.clone() },
        )
        .detail("nothing runs it from there (it is not on PATH), and it goes away with the SDK");
        let Some((_, package, version)) = module else {
            check.push(item.fix(Fix::manual(
                format!("reinstall it into {} with `go install <package>@<version>`, then delete it from the SDK", m.show(gobin)),
                None,
            )));
            continue;
        };
        let spec = format!("{package}@{version}");
        item = item.evidence(
            spec.clone(),
            Source::Command {
                command: format!("go version -m {}", tool.display()),
            },
        );
        let in_store = root.starts_with(store.home());
        let fix = if version == "(devel)" {
            Fix::manual(
                "built from a local checkout: rebuild it with `go install` there",
                None,
            )
        } else if !in_store {
            Fix::elevated(
                format!(
                    "reinstall {spec} into {} and remove the SDK's copy",
                    m.show(gobin)
                ),
                format!("go install {spec} && sudo rm {}", tool.display()),
            )
        } else if !gobin_ok {
            Fix::manual(
                "fix GOBIN/GOPATH first (see GOPATH), then run `gvx doctor --fix --online`",
                None,
            )
        } else if m.online {
            Fix::auto(
                format!(
                    "reinstall {spec} into {} and move the SDK's copy to the backups",
                    m.show(gobin)
                ),
                Action::ReinstallTool {
                    tool: tool.clone(),
                    package: package.clone(),
                    version: version.clone(),
                    gobin: gobin.to_owned(),
                },
            )
            .command(format!("go install {spec}"))
        } else {
            Fix::manual(
                format!(
                    "reinstall it into {} (`gvx doctor --fix --online` does it)",
                    m.show(gobin)
                ),
                Some(format!("go install {spec}")),
            )
        };
        check.push(item.fix(fix));
    }
}

/// `go version -m` on the tools: (tool, package, module version).
fn module_info(m: &Machine, tools: &[(PathBuf, PathBuf)]) -> Vec<(PathBuf, String, String)> {
    let Some((_, root)) = m.sdk() else {
        return Vec::new();
    };
    let go = Machine::go_in(&root.join("bin"));
    let mut args: Vec<String> = vec!["version".into(), "-m".into()];
    args.extend(tools.iter().map(|(_, t)| t.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let Ok(out) = machine::run(&go, &args, &[("GOROOT", &root)], Duration::from_secs(10)) else {
        return Vec::new();
    };
    parse_version_m(&out)
}

/// Parses `go version -m` output: `file: go1.X`, then tab-indented `path` and `mod` lines.
pub fn parse_version_m(out: &str) -> Vec<(PathBuf, String, String)> {
    let mut found = Vec::new();
    let mut file: Option<PathBuf> = None;
    let mut package: Option<String> = None;
    for line in out.lines() {
        if !line.starts_with('\t') {
            file = line.rsplit_once(": ").map(|(f, _)| PathBuf::from(f));
            package = None;
            continue;
        }
        let fields: Vec<&str> = line.trim().split('\t').collect();
        match fields.as_slice() {
            ["path", p, ..] => package = Some((*p).to_owned()),
            ["mod", _, version, ..] => {
                if let (Some(f), Some(p)) = (&file, &package) {
                    found.push((f.clone(), p.clone(), (*version).to_owned()));
                }
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_m() {
        let out = "/s/bin/gopls: go1.22.10\n\tpath\tgolang.org/x/tools/gopls\n\tmod\tgolang.org/x/tools/gopls\tv0.15.3\th1:abc=\n\tdep\tx\tv1\n/s/bin/dlv: go1.22.10\n\tpath\tgithub.com/go-delve/delve/cmd/dlv\n\tmod\tgithub.com/go-delve/delve\tv1.22.1\th1:x=\n";
        let found = parse_version_m(out);
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[0],
            (
                PathBuf::from("/s/bin/gopls"),
                "golang.org/x/tools/gopls".into(),
                "v0.15.3".into()
            )
        );
        assert_eq!(found[1].1, "github.com/go-delve/delve/cmd/dlv");
        assert_eq!(found[1].2, "v1.22.1");
    }

    #[test]
    fn cgo_paths() {
        assert!(cgo_unfriendly(r"C:\Users\Jane Doe\go"));
        assert!(cgo_unfriendly(r"C:\Users\José\go"));
        assert!(!cgo_unfriendly(r"C:\Users\jane\go"));
    }
}
