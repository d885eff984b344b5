//! Check 4: GOBIN (or GOPATH's `bin`) on PATH, and tools an earlier setup left in an SDK's
//! `bin/`, with the `module@version` `go version -m` reports so `--fix --online` can reinstall
//! them into GOBIN. A GOBIN inside an SDK or the gvx store is never offered for PATH: the
//! GOPATH check's fix comes first.

use super::gopath::{setting_fix, with_evidence};
use super::model::{Action, Check, Fix, Item, Source};
use super::others;
use crate::environment::Snapshot;
use crate::environment::lines::APPEND_MARK;
use crate::environment::snapshot::split_list;
use gvx_shims::goenv::Setting;
use gvx_shims::guard;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where `go install` puts tools: GOBIN, else the first GOPATH entry's `bin`.
pub fn gobin(m: &Snapshot) -> Option<(PathBuf, Option<Setting>)> {
    if let Some(setting) = m.setting("GOBIN") {
        return Some((PathBuf::from(&setting.value), Some(setting)));
    }
    let gopath = m.goenv.gopath()?;
    let first = split_list(&gopath.value)
        .into_iter()
        .find(|p| !p.as_os_str().is_empty())?;
    Some((first.join("bin"), None))
}

pub fn check(m: &Snapshot) -> Check {
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
    let summary = match m.on_path(&bin) {
        Some(index) => {
            check.push(
                Item::ok(format!("{shown} is on PATH"))
                    .evidence(shown.clone(), Source::PathEntry { index }),
            );
            let tools = m.disk.executables(&bin).len();
            format!("{shown} is on PATH ({tools} tools)")
        }
        None => {
            check.push(off_path(m, &bin, setting.is_some()));
            format!("{shown} is not on PATH")
        }
    };
    sdk_tools(m, &mut check, &bin);
    check.summary(summary)
}

/// GOBIN (or GOPATH's `bin`) is not on PATH: say so, and how to add it — unless it lies inside
/// an SDK or the store, which must never go on PATH (the GOPATH check's fix comes first).
fn off_path(m: &Snapshot, bin: &Path, gobin_set: bool) -> Item {
    let shown = m.show(bin);
    let tools = m.disk.executables(bin);
    let added = m.rc.files.iter().any(|f| {
        f.lines
            .iter()
            .any(|l| l.contains(APPEND_MARK) && l.contains(&bin.display().to_string()))
    });
    if added {
        return Item::warn(format!("{shown} is not on this shell's PATH"))
            .detail("your start-up files add it (gvx doctor --fix did): open a new terminal");
    }
    if tools.is_empty() {
        return Item::ok(format!("{shown} is not on PATH (no tools installed yet)"))
            .detail("tools you `go install` will not be found by name until it is");
    }
    let item = Item::warn(format!("{shown} holds {} but is not on PATH", list(&tools)))
        .detail("installed tools fail with `command not found`");
    match owner(m, bin) {
        None => item.fix(append_fix(m, bin)),
        Some(owner) => {
            let var = if gobin_set { "GOBIN" } else { "GOPATH" };
            item.fix(Fix::manual(
                format!(
                    "fix {var} first (see GOPATH): {shown} lies inside {owner}, which must never be on PATH"
                ),
                None,
            ))
        }
    }
}

/// The SDK or store `dir` lies inside (or is), in words, if any.
fn owner(m: &Snapshot, dir: &Path) -> Option<String> {
    let store = m.store().home();
    let real = m.disk.canonicalize(dir);
    let inside = |owned: &Path| {
        dir.starts_with(owned)
            || real.as_ref().is_some_and(|r| {
                r.starts_with(
                    m.disk
                        .canonicalize(owned)
                        .unwrap_or_else(|| owned.to_owned()),
                )
            })
    };
    if inside(store) {
        return Some(format!("the gvx store ({})", m.show(store)));
    }
    let candidates = others::candidates(m);
    let sdk = dir
        .ancestors()
        .find(|a| m.disk.is_go_root(a))
        .map(Path::to_owned)
        .or_else(|| candidates.into_iter().find(|c| inside(c)))?;
    Some(format!("the Go SDK in {}", m.show(&m.unroot(&sdk))))
}

#[cfg(not(windows))]
fn append_fix(m: &Snapshot, bin: &Path) -> Fix {
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
fn append_fix(m: &Snapshot, bin: &Path) -> Fix {
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
fn sdk_tools(m: &Snapshot, check: &mut Check, gobin: &Path) {
    let store = m.store();
    let mut roots: Vec<PathBuf> = m
        .disk
        .installed(store)
        .iter()
        .map(|v| m.find(v).map_or_else(|| store.sdk(v), |s| s.root))
        .collect();
    roots.extend(others::candidates(m));
    let go_names = ["go", "gofmt", "go.exe", "gofmt.exe"];
    let mut left: Vec<(PathBuf, PathBuf)> = Vec::new();
    for root in &roots {
        for name in m.disk.executables(&root.join("bin")) {
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
    let resolve = |p: &Path| m.disk.resolve(p);
    let dirs = guard::go_dirs(&m.goenv);
    let gobin_ok = guard::check_with(&dirs, store.home(), &store.sdk_dir(), &resolve).is_ok();
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
        let reinstall = Reinstall {
            tool,
            package,
            version,
            gobin,
        };
        let fix = reinstall_fix(m, &reinstall, in_store, gobin_ok);
        check.push(item.fix(fix));
    }
}

/// A tool left in an SDK and what `go version -m` says built it.
struct Reinstall<'a> {
    tool: &'a PathBuf,
    package: &'a String,
    version: &'a String,
    gobin: &'a Path,
}

/// How to move a tool out of an SDK: by `--fix --online` when the SDK is gvx's and GOBIN is
/// clear of every SDK, else by hand.
fn reinstall_fix(m: &Snapshot, r: &Reinstall, in_store: bool, gobin_ok: bool) -> Fix {
    let Reinstall {
        tool,
        package,
        version,
        gobin,
    } = *r;
    let spec = format!("{package}@{version}");
    if version == "(devel)" {
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
    }
}

/// `go version -m` on the tools: (tool, package, module version).
fn module_info(m: &Snapshot, tools: &[(PathBuf, PathBuf)]) -> Vec<(PathBuf, String, String)> {
    let Some((_, root)) = m.sdk() else {
        return Vec::new();
    };
    let go = Snapshot::go_in(&root.join("bin"));
    let mut args: Vec<String> = vec!["version".into(), "-m".into()];
    args.extend(tools.iter().map(|(_, t)| t.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let Ok(out) = m
        .disk
        .run(&go, &args, &[("GOROOT", &root)], Duration::from_secs(10))
    else {
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
}
