//! Check 8 (Windows): the two halves of PATH in the registry (`HKLM` machine, then `HKCU` user,
//! which is how Windows builds a new process's PATH), their value types, length, duplicates and
//! dead entries; a Go ahead of the shims in the machine half (the MSI's `C:\Program Files\Go\bin`);
//! GOROOT and GOPATH in `HKCU\Environment`, `HKLM\…\Environment` and `HKCU\Volatile Environment`;
//! the MSI's own registration; and a session whose PATH predates the registry.
//!
//! The check works on plain data (the snapshot's [`Registry`], [`Facts`]) so it is unit-tested
//! everywhere; reading the registry is the snapshot's (`environment::registry`), writing it
//! Windows code in [`os`].

#![cfg_attr(not(windows), allow(dead_code))]

use super::goroot::Sighting;
use super::model::{Action, Check, Fix, Item, Scope, Source};
use crate::environment::Snapshot;
use std::path::{Path, PathBuf};

pub use crate::environment::registry::{
    Kind, MACHINE_ENV, MSI_KEY, RegValue, Registry, USER_ENV, VOLATILE_ENV,
};
pub use crate::platform::windows_env::{entries, expand};
use crate::platform::windows_env::{
    remove_machine_entry_command as remove_machine_entry,
    retype_machine_path_command as retype_machine_path, same_dir as same,
};

/// cmd.exe ignores a PATH longer than 8191 characters; warn a little before.
const PATH_LIMIT: usize = 8000;

impl RegValue {
    pub fn source(&self) -> Source {
        Source::Registry {
            key: self.key.to_owned(),
            name: self.name.clone(),
            scope: self.scope,
        }
    }
}

/// Everything the analysis reads besides the registry.
pub struct Facts<'a> {
    pub registry: &'a Registry,
    pub session: &'a [PathBuf],
    pub bin: &'a Path,
    pub lookup: &'a dyn Fn(&str) -> Option<String>,
    pub exists: &'a dyn Fn(&Path) -> bool,
    pub has_go: &'a dyn Fn(&Path) -> bool,
}

fn front_fix(bin: &Path) -> Fix {
    Fix::auto(
        format!(
            "move {} to the front of your user Path ({USER_ENV})",
            bin.display()
        ),
        Action::UserPath {
            front: Some(bin.to_owned()),
            back: None,
        },
    )
}

/// The findings about PATH, GOPATH and the MSI.
pub fn analyze(f: &Facts) -> Vec<Item> {
    let mut items = Vec::new();
    let user = f.registry.get(USER_ENV, "Path");
    let machine = f.registry.get(MACHINE_ENV, "Path");
    for value in [machine, user].into_iter().flatten() {
        path_value(f, value, &mut items);
    }
    let machine_dirs = expand_all(f, machine);
    let user_dirs = expand_all(f, user);
    let length = machine_dirs.join(";").len() + 1 + user_dirs.join(";").len();
    if length > PATH_LIMIT {
        items.push(
            Item::warn(format!("PATH is {length} characters long"))
                .detail("cmd.exe ignores PATH beyond 8191 characters, so entries at the end stop working; remove entries that do not exist or repeat"),
        );
    }
    let bin = f.bin.display().to_string();
    let gvx_in_machine = machine_go(f, machine, &machine_dirs, &mut items);
    match user_dirs.iter().position(|d| same(d, &bin)) {
        None if gvx_in_machine.is_none() => items.push(
            Item::fail(format!("your user Path ({USER_ENV}) lacks {bin}"))
                .detail("new terminals and editors do not find the gvx shims")
                .fix(front_fix(f.bin)),
        ),
        Some(at) => {
            for dir in user_dirs[..at].iter().filter(|d| (f.has_go)(Path::new(d))) {
                items.push(
                    Item::fail(format!(
                        "{dir} has a go.exe and comes before {bin} in your user Path"
                    ))
                    .evidence(
                        dir.clone(),
                        user.map(RegValue::source).unwrap_or(Source::Default),
                    )
                    .fix(front_fix(f.bin)),
                );
            }
        }
        None => {}
    }
    let stale: Vec<&String> = machine_dirs
        .iter()
        .chain(&user_dirs)
        .filter(|d| !f.session.iter().any(|s| same(&s.display().to_string(), d)))
        .collect();
    if !stale.is_empty() {
        let mut item = Item::warn(format!(
            "this terminal's PATH lacks {} entries the registry has",
            stale.len()
        ))
        .detail("it was started before the registry changed: open a new terminal (restart editors fully)");
        for dir in stale.iter().take(5) {
            item = item.evidence((*dir).clone(), Source::Environment);
        }
        items.push(item);
    }
    if let (Some(user), Some(machine)) = (
        f.registry.get(USER_ENV, "GOPATH"),
        f.registry.get(MACHINE_ENV, "GOPATH"),
    ) && !same(
        &expand(&user.raw, f.lookup),
        &expand(&machine.raw, f.lookup),
    ) {
        items.push(
            Item::warn("GOPATH is set differently for you and for the machine")
                .evidence(user.raw.clone(), user.source())
                .evidence(machine.raw.clone(), machine.source())
                .detail(
                    "your value wins in your programs; services and other users get the machine's",
                ),
        );
    }
    if let Some(location) = &f.registry.msi {
        items.push(
            Item::ok(format!("the Go MSI is installed in {location}"))
                .evidence(location.clone(), Source::Registry { key: MSI_KEY.into(), name: "installLocation".into(), scope: Scope::User })
                .detail("gvx replaces it; uninstall it from Settings > Apps (Go Programming Language) once nothing needs it"),
        );
    }
    items
}

/// A Path value's entries, expanded.
fn expand_all(f: &Facts, v: Option<&RegValue>) -> Vec<String> {
    v.map(|v| {
        entries(&v.raw)
            .iter()
            .map(|e| expand(e, f.lookup))
            .collect()
    })
    .unwrap_or_default()
}

/// One Path value: its type, dead entries and duplicates.
fn path_value(f: &Facts, value: &RegValue, items: &mut Vec<Item>) {
    let is_user = value.scope == Scope::User;
    if value.kind == Kind::Sz && value.raw.contains('%') {
        let item = Item::warn(format!("{} Path is REG_SZ but holds %VARIABLE% entries", value.key))
            .evidence(value.raw.clone(), value.source())
            .detail("Windows expands %…% only in REG_EXPAND_SZ values, so those entries name directories that do not exist");
        items.push(if is_user {
            item.fix(Fix::auto(
                "store your user Path as REG_EXPAND_SZ",
                Action::UserPath {
                    front: None,
                    back: None,
                },
            ))
        } else {
            item.fix(Fix::elevated(
                "store the machine Path as REG_EXPAND_SZ (Administrator PowerShell)",
                retype_machine_path(),
            ))
        });
    }
    if matches!(value.kind, Kind::Other(_)) {
        items.push(
            Item::warn(format!("{} Path is not a string value", value.key))
                .evidence(value.kind.name(), value.source())
                .detail("Windows ignores it; gvx does not edit it"),
        );
    }
    let dirs = expand_all(f, Some(value));
    let missing: Vec<&String> = dirs.iter().filter(|d| !(f.exists)(Path::new(d))).collect();
    if !missing.is_empty() {
        let mut item = Item::warn(format!(
            "{} Path has {} entries that do not exist",
            value.key,
            missing.len()
        ))
        .detail("harmless, but every command lookup tries them; remove them in System Properties > Environment Variables");
        for dir in missing.iter().take(5) {
            item = item.evidence((*dir).clone(), value.source());
        }
        items.push(item);
    }
    let mut dups: Vec<&String> = Vec::new();
    for (i, dir) in dirs.iter().enumerate() {
        if dirs[..i].iter().any(|d| same(d, dir)) && !dups.iter().any(|d| same(d, dir)) {
            dups.push(dir);
        }
    }
    if !dups.is_empty() {
        let mut item = Item::warn(format!(
            "{} Path lists {} entries twice",
            value.key,
            dups.len()
        ))
        .detail("only the first copy counts; the rest make PATH longer");
        for dir in dups.iter().take(5) {
            item = item.evidence((*dir).clone(), value.source());
        }
        items.push(item);
    }
}

/// Entries of the machine Path with a go.exe ahead of the shims; returns where the shims are in
/// the machine Path, if they are.
fn machine_go(
    f: &Facts,
    machine: Option<&RegValue>,
    machine_dirs: &[String],
    items: &mut Vec<Item>,
) -> Option<usize> {
    let bin = f.bin.display().to_string();
    let gvx_in_machine = machine_dirs.iter().position(|d| same(d, &bin));
    for (i, dir) in machine_dirs.iter().enumerate() {
        if gvx_in_machine.is_some_and(|g| g < i) {
            break;
        }
        if (f.has_go)(Path::new(dir)) {
            let written = machine
                .and_then(|m| entries(&m.raw).get(i).map(|s| (*s).to_owned()))
                .unwrap_or_else(|| dir.clone());
            items.push(
                Item::fail(format!("the machine Path holds {dir}, which has a go.exe and comes before your user Path"))
                    .evidence(written.clone(), machine.map(RegValue::source).unwrap_or(Source::Default))
                    .detail("Windows builds PATH as the machine half, then the user half, so `go` is that Go in every new program; no user-scope change can beat it (uninstalling the Go MSI from Settings > Apps also removes it)")
                    .fix(Fix::elevated(
                        format!("remove {written} from the machine Path (Administrator PowerShell)"),
                        remove_machine_entry(&written),
                    )),
            );
        }
    }
    gvx_in_machine
}

/// GOROOT values in the registry: user and volatile ones `--fix` deletes; the machine's needs
/// an elevated prompt.
pub fn goroot_values(registry: &Registry) -> Vec<(RegValue, Fix)> {
    let mut found = Vec::new();
    for key in [USER_ENV, VOLATILE_ENV, MACHINE_ENV] {
        let Some(value) = registry.get(key, "GOROOT") else {
            continue;
        };
        let fix = if key == MACHINE_ENV {
            Fix::elevated(
                "delete the machine GOROOT (Administrator PowerShell)",
                "[Environment]::SetEnvironmentVariable('GOROOT', $null, 'Snapshot')",
            )
        } else {
            Fix::auto(
                format!("delete GOROOT from {key}"),
                Action::Registry {
                    key: key.to_owned(),
                    name: value.name.clone(),
                    value: None,
                },
            )
        };
        found.push((value.clone(), fix));
    }
    found
}

/// The Windows check: the registry's PATH halves and Go settings, and the package managers'
/// Go installs.
pub fn check(m: &Snapshot) -> Check {
    let bin = m.store().bin_dir();
    let has_go = |dir: &Path| m.disk.is_file(&Snapshot::go_in(dir));
    let exists = |dir: &Path| m.disk.exists(dir);
    let lookup = |name: &str| m.process.var(name);
    let facts = Facts {
        registry: &m.registry,
        session: &m.path,
        bin: &bin,
        lookup: &lookup,
        exists: &exists,
        has_go: &has_go,
    };
    let mut check = Check::new("windows", "Windows PATH and registry");
    for item in analyze(&facts) {
        check.push(item);
    }
    if let Some(choco) = m.process.var_os("ChocolateyInstall")
        && m.disk.is_dir(&Path::new(choco).join("lib").join("golang"))
    {
        check.push(
            Item::ok("Chocolatey's golang package is installed").fix(Fix::elevated(
                "remove it once nothing needs it",
                "choco uninstall golang",
            )),
        );
    }
    if let Some(home) = &m.home
        && m.disk.is_dir(&home.join("scoop").join("apps").join("go"))
    {
        check.push(Item::ok("scoop's go is installed").fix(Fix::manual(
            "remove it once nothing needs it",
            Some("scoop uninstall go".into()),
        )));
    }
    let summary = match check.problems().count() {
        0 => "user and machine PATH put the gvx shims first".to_owned(),
        n => format!("{n} problem(s) in the registry environment"),
    };
    check.summary(summary)
}

/// The registry Path values (machine, user) that list `dir`.
pub fn path_sources(m: &Snapshot, dir: &Path) -> Vec<(String, Source)> {
    let lookup = |name: &str| m.process.var(name);
    let wanted = dir.display().to_string();
    let mut found = Vec::new();
    for key in [MACHINE_ENV, USER_ENV] {
        let Some(value) = m.registry.get(key, "Path") else {
            continue;
        };
        for entry in entries(&value.raw) {
            if same(&expand(entry, &lookup), &wanted) {
                let half = if key == MACHINE_ENV {
                    "the machine Path"
                } else {
                    "your user Path"
                };
                found.push((format!("{entry} in {half}"), value.source()));
            }
        }
    }
    found
}

/// GOROOT in the registry, as the goroot check's sightings.
pub fn goroot_sightings(m: &Snapshot) -> Vec<Sighting> {
    goroot_values(&m.registry)
        .into_iter()
        .map(|(value, fix)| Sighting {
            value: value.raw.clone(),
            source: value.source(),
            fix: Some(fix),
        })
        .collect()
}

/// Adds `bin` at the end of the user Path.
pub fn append_user_path_fix(m: &Snapshot, bin: &Path) -> Fix {
    Fix::auto(
        format!(
            "add {} to the end of your user Path ({USER_ENV})",
            m.show(bin)
        ),
        Action::UserPath {
            front: None,
            back: Some(bin.to_owned()),
        },
    )
}

#[cfg(test)]
mod tests;
