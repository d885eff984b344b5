//! Check 8 (Windows): the two halves of PATH in the registry (`HKLM` machine, then `HKCU` user,
//! which is how Windows builds a new process's PATH), their value types, length, duplicates and
//! dead entries; a Go ahead of the shims in the machine half (the MSI's `C:\Program Files\Go\bin`);
//! GOROOT and GOPATH in `HKCU\Environment`, `HKLM\…\Environment` and `HKCU\Volatile Environment`;
//! the MSI's own registration; and a session whose PATH predates the registry.
//!
//! The analysis works on plain data ([`Registry`], [`Facts`]) so it is unit-tested everywhere;
//! only reading and writing the registry is Windows code.

#![cfg_attr(not(windows), allow(dead_code))]

use super::model::{Action, Fix, Item, Scope, Source};
use std::path::{Path, PathBuf};

pub const USER_ENV: &str = r"HKCU\Environment";
pub const MACHINE_ENV: &str = r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment";
pub const VOLATILE_ENV: &str = r"HKCU\Volatile Environment";
pub const MSI_KEY: &str = r"HKCU\Software\GoProgrammingLanguage";
const MACHINE_PS: &str = r"HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Environment";
/// cmd.exe ignores a PATH longer than 8191 characters; warn a little before.
const PATH_LIMIT: usize = 8000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sz,
    ExpandSz,
    Other,
}

/// One registry value, unexpanded.
#[derive(Clone, Debug)]
pub struct RegValue {
    pub key: &'static str,
    pub scope: Scope,
    pub name: String,
    pub kind: Kind,
    pub raw: String,
}

impl RegValue {
    pub fn source(&self) -> Source {
        Source::Registry {
            key: self.key.to_owned(),
            name: self.name.clone(),
            scope: self.scope,
        }
    }
}

/// What the registry holds that the doctor reads.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    pub values: Vec<RegValue>,
    /// `HKCU\Software\GoProgrammingLanguage` `installLocation`, set by the Go MSI.
    pub msi: Option<String>,
}

impl Registry {
    pub fn get(&self, key: &str, name: &str) -> Option<&RegValue> {
        self.values
            .iter()
            .find(|v| v.key == key && v.name.eq_ignore_ascii_case(name))
    }
}

/// `%VAR%` replaced from `lookup`; unknown variables stay as written, as Windows leaves them.
pub fn expand(raw: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(start) = rest.find('%') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('%') {
            Some(end) if end > 0 => {
                let name = &after[..end];
                match lookup(name) {
                    Some(value) => out.push_str(&value),
                    None => out.push_str(&format!("%{name}%")),
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('%');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

pub fn entries(value: &str) -> Vec<&str> {
    value
        .split(';')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect()
}

fn same(a: &str, b: &str) -> bool {
    let key = |s: &str| {
        s.trim_end_matches(['\\', '/'])
            .replace('/', "\\")
            .to_lowercase()
    };
    key(a) == key(b)
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

/// The elevated PowerShell that rewrites the machine Path without `old`.
fn remove_machine_entry(old: &str) -> String {
    let old = old.replace('\'', "''");
    format!(
        "$k = '{MACHINE_PS}'; $p = (Get-Item $k).GetValue('Path', '', 'DoNotExpandEnvironmentNames'); Set-ItemProperty $k -Name Path -Type ExpandString -Value (($p -split ';' | Where-Object {{ $_ -and $_ -ne '{old}' }}) -join ';')"
    )
}

fn retype_machine_path() -> String {
    format!(
        "$k = '{MACHINE_PS}'; $p = (Get-Item $k).GetValue('Path', '', 'DoNotExpandEnvironmentNames'); Set-ItemProperty $k -Name Path -Type ExpandString -Value $p"
    )
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
    let expand_all = |v: Option<&RegValue>| -> Vec<String> {
        v.map(|v| {
            entries(&v.raw)
                .iter()
                .map(|e| expand(e, f.lookup))
                .collect()
        })
        .unwrap_or_default()
    };
    let user = f.registry.get(USER_ENV, "Path");
    let machine = f.registry.get(MACHINE_ENV, "Path");
    for value in [machine, user].into_iter().flatten() {
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
        if value.kind == Kind::Other {
            items.push(
                Item::warn(format!("{} Path is not a string value", value.key))
                    .evidence(value.raw.clone(), value.source())
                    .detail("Windows ignores it; gvx does not edit it"),
            );
        }
        let dirs = expand_all(Some(value));
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
    let machine_dirs = expand_all(machine);
    let user_dirs = expand_all(user);
    let length = machine_dirs.join(";").len() + 1 + user_dirs.join(";").len();
    if length > PATH_LIMIT {
        items.push(
            Item::warn(format!("PATH is {length} characters long"))
                .detail("cmd.exe ignores PATH beyond 8191 characters, so entries at the end stop working; remove entries that do not exist or repeat"),
        );
    }
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
                "[Environment]::SetEnvironmentVariable('GOROOT', $null, 'Machine')",
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

#[cfg(windows)]
pub use os::*;

#[cfg(windows)]
mod os {
    use super::super::goroot::Sighting;
    use super::super::machine::Machine;
    use super::super::model::{Action, Applied, Check, Fix, Item, Scope};
    use super::{Facts, Kind, MACHINE_ENV, RegValue, Registry, USER_ENV, VOLATILE_ENV};
    use std::path::Path;
    use windows_registry::{CURRENT_USER, Key, LOCAL_MACHINE, Type};

    fn read_key(root: &Key, path: &str, key: &'static str, scope: Scope, out: &mut Vec<RegValue>) {
        let Ok(opened) = root.open(path) else {
            return;
        };
        let Ok(values) = opened.values() else {
            return;
        };
        for (name, value) in values {
            let kind = match value.ty() {
                Type::String => Kind::Sz,
                Type::ExpandString => Kind::ExpandSz,
                _ => Kind::Other,
            };
            let raw = String::try_from(value).unwrap_or_default();
            out.push(RegValue {
                key,
                scope,
                name,
                kind,
                raw,
            });
        }
    }

    /// Reads the environment keys (values unexpanded) and the MSI's registration.
    pub fn read() -> Registry {
        let mut values = Vec::new();
        read_key(
            CURRENT_USER,
            "Environment",
            USER_ENV,
            Scope::User,
            &mut values,
        );
        read_key(
            CURRENT_USER,
            "Volatile Environment",
            VOLATILE_ENV,
            Scope::Session,
            &mut values,
        );
        read_key(
            LOCAL_MACHINE,
            r"SYSTEM\CurrentControlSet\Control\Session Manager\Environment",
            MACHINE_ENV,
            Scope::System,
            &mut values,
        );
        let msi = CURRENT_USER
            .open(r"Software\GoProgrammingLanguage")
            .and_then(|k| k.get_string("installLocation"))
            .ok();
        Registry { values, msi }
    }

    fn lookup(name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    pub fn check(m: &Machine) -> Check {
        let registry = read();
        let bin = m.store().bin_dir();
        let has_go = |dir: &Path| Machine::go_in(dir).is_file();
        let exists = |dir: &Path| dir.exists();
        let facts = Facts {
            registry: &registry,
            session: &m.path,
            bin: &bin,
            lookup: &lookup,
            exists: &exists,
            has_go: &has_go,
        };
        let mut check = Check::new("windows", "Windows PATH and registry");
        for item in super::analyze(&facts) {
            check.push(item);
        }
        if let Some(choco) = std::env::var_os("ChocolateyInstall")
            && Path::new(&choco).join("lib").join("golang").is_dir()
        {
            check.push(
                Item::ok("Chocolatey's golang package is installed").fix(Fix::elevated(
                    "remove it once nothing needs it",
                    "choco uninstall golang",
                )),
            );
        }
        if let Some(home) = &m.home
            && home.join("scoop").join("apps").join("go").is_dir()
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

    pub fn goroot_sightings(_m: &Machine) -> Vec<Sighting> {
        super::goroot_values(&read())
            .into_iter()
            .map(|(value, fix)| Sighting {
                value: value.raw.clone(),
                source: value.source(),
                fix: Some(fix),
            })
            .collect()
    }

    pub fn append_user_path_fix(m: &Machine, bin: &Path) -> Fix {
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

    pub fn apply_registry(
        key: &str,
        name: &str,
        value: Option<&str>,
    ) -> Result<Vec<Applied>, String> {
        let sub = match key {
            USER_ENV => "Environment",
            VOLATILE_ENV => "Volatile Environment",
            other => return Err(format!("{other} is not a user-scope key")),
        };
        let opened = CURRENT_USER
            .options()
            .read()
            .write()
            .open(sub)
            .map_err(|e| e.to_string())?;
        let change = match value {
            None => {
                if opened.get_type(name).is_err() {
                    return Ok(Vec::new());
                }
                opened.remove_value(name).map_err(|e| e.to_string())?;
                format!("deleted {name} from {key}")
            }
            Some(value) => {
                opened
                    .set_expand_string(name, value)
                    .map_err(|e| e.to_string())?;
                format!("set {name} in {key}")
            }
        };
        broadcast();
        Ok(vec![Applied {
            change,
            backup: None,
        }])
    }

    pub fn apply_user_path(
        front: Option<&Path>,
        back: Option<&Path>,
    ) -> Result<Vec<Applied>, String> {
        let opened = CURRENT_USER
            .options()
            .read()
            .write()
            .open("Environment")
            .map_err(|e| e.to_string())?;
        let (raw, kind) = match opened.get_value("Path") {
            Ok(value) => {
                let kind = value.ty();
                if !matches!(kind, Type::String | Type::ExpandString) {
                    return Err(format!("{USER_ENV} Path is not a string; not modifying it"));
                }
                (String::try_from(value).unwrap_or_default(), Some(kind))
            }
            Err(_) => (String::new(), None),
        };
        let mut dirs: Vec<String> = super::entries(&raw)
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let expanded = |d: &str| super::expand(d, &lookup);
        if let Some(front) = front {
            let front = front.display().to_string();
            dirs.retain(|d| !super::same(&expanded(d), &front));
            dirs.insert(0, front);
        }
        if let Some(back) = back {
            let back = back.display().to_string();
            if !dirs.iter().any(|d| super::same(&expanded(d), &back)) {
                dirs.push(back);
            }
        }
        let new = dirs.join(";");
        if new == raw && kind == Some(Type::ExpandString) {
            return Ok(Vec::new());
        }
        opened
            .set_expand_string("Path", &new)
            .map_err(|e| e.to_string())?;
        broadcast();
        Ok(vec![Applied {
            change: format!("set your user Path ({USER_ENV}) to {new}"),
            backup: None,
        }])
    }

    /// Tells Explorer (and so programs started from now on) that the environment changed.
    #[allow(unsafe_code)]
    fn broadcast() {
        use windows_sys::Win32::UI::WindowsAndMessaging::{
            HWND_BROADCAST, SMTO_ABORTIFHUNG, SendMessageTimeoutW, WM_SETTINGCHANGE,
        };
        let name: Vec<u16> = "Environment".encode_utf16().chain(Some(0)).collect();
        let mut result = 0usize;
        // SAFETY: `name` is a NUL-terminated UTF-16 string that outlives the call, and
        // `result` is a valid out pointer.
        unsafe {
            SendMessageTimeoutW(
                HWND_BROADCAST,
                WM_SETTINGCHANGE,
                0,
                name.as_ptr() as isize,
                SMTO_ABORTIFHUNG,
                5000,
                &mut result,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::model::Status;

    fn value(key: &'static str, scope: Scope, name: &str, kind: Kind, raw: &str) -> RegValue {
        RegValue {
            key,
            scope,
            name: name.into(),
            kind,
            raw: raw.into(),
        }
    }

    fn lookup(name: &str) -> Option<String> {
        match name {
            "USERPROFILE" => Some(r"C:\Users\jo".into()),
            "SystemRoot" => Some(r"C:\Windows".into()),
            _ => None,
        }
    }

    fn run(registry: &Registry, session: &[&str]) -> Vec<Item> {
        let session: Vec<PathBuf> = session.iter().map(PathBuf::from).collect();
        let bin = PathBuf::from(r"C:\Users\jo\.gvx\bin");
        let exists = |p: &Path| !p.display().to_string().contains("gone");
        let has_go = |p: &Path| {
            let s = p.display().to_string().to_lowercase();
            s.ends_with(r"program files\go\bin")
                || s.ends_with(r"scoop\shims")
                || s.ends_with(r".gvx\bin")
        };
        analyze(&Facts {
            registry,
            session: &session,
            bin: &bin,
            lookup: &lookup,
            exists: &exists,
            has_go: &has_go,
        })
    }

    fn messages(items: &[Item]) -> Vec<(Status, String)> {
        items
            .iter()
            .map(|i| (i.status, i.message.clone()))
            .collect()
    }

    #[test]
    fn expansion() {
        assert_eq!(
            expand(r"%USERPROFILE%\go\bin", &lookup),
            r"C:\Users\jo\go\bin"
        );
        assert_eq!(expand(r"%NOPE%\x;100%", &lookup), r"%NOPE%\x;100%");
    }

    #[test]
    fn msi_go_in_the_machine_path_beats_the_user_path() {
        let registry = Registry {
            values: vec![
                value(
                    MACHINE_ENV,
                    Scope::System,
                    "Path",
                    Kind::ExpandSz,
                    r"%SystemRoot%\system32;C:\Program Files\Go\bin",
                ),
                value(
                    USER_ENV,
                    Scope::User,
                    "Path",
                    Kind::ExpandSz,
                    r"%USERPROFILE%\.gvx\bin;%USERPROFILE%\go\bin",
                ),
            ],
            msi: Some(r"C:\Program Files\Go\".into()),
        };
        let session = [
            r"C:\Windows\system32",
            r"C:\Program Files\Go\bin",
            r"C:\Users\jo\.gvx\bin",
            r"C:\Users\jo\go\bin",
        ];
        let items = run(&registry, &session);
        let found = messages(&items);
        assert_eq!(found[0].0, Status::Fail, "{found:?}");
        assert!(
            found[0]
                .1
                .contains(r"machine Path holds C:\Program Files\Go\bin"),
            "{found:?}"
        );
        let fix = items[0].fix.as_ref().unwrap();
        assert!(fix.elevated && !fix.automatic);
        assert!(
            fix.command
                .as_deref()
                .unwrap()
                .contains(r"$_ -ne 'C:\Program Files\Go\bin'")
        );
        assert!(
            found
                .iter()
                .any(|(s, m)| *s == Status::Ok && m.contains("Go MSI is installed"))
        );
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn user_path_problems() {
        let registry = Registry {
            values: vec![
                value(
                    MACHINE_ENV,
                    Scope::System,
                    "Path",
                    Kind::ExpandSz,
                    r"C:\Windows",
                ),
                value(
                    USER_ENV,
                    Scope::User,
                    "Path",
                    Kind::Sz,
                    r"%USERPROFILE%\scoop\shims;C:\gone;%USERPROFILE%\.gvx\bin;C:\gone\",
                ),
                value(USER_ENV, Scope::User, "GOPATH", Kind::Sz, r"D:\go"),
                value(MACHINE_ENV, Scope::System, "GOPATH", Kind::Sz, r"C:\go"),
            ],
            msi: None,
        };
        let items = run(&registry, &[r"C:\Windows"]);
        let found = messages(&items);
        let has = |text: &str| found.iter().any(|(_, m)| m.contains(text));
        assert!(has("REG_SZ but holds %VARIABLE%"), "{found:?}");
        assert!(
            has("1 entries that do not exist") || has("2 entries that do not exist"),
            "{found:?}"
        );
        assert!(has("lists 1 entries twice"), "{found:?}");
        assert!(
            has(r"scoop\shims has a go.exe and comes before"),
            "{found:?}"
        );
        assert!(has("terminal's PATH lacks"), "{found:?}");
        assert!(has("GOPATH is set differently"), "{found:?}");
        let front = items.iter().find(|i| i.message.contains("scoop")).unwrap();
        assert!(matches!(
            front.fix.as_ref().unwrap().action,
            Some(Action::UserPath { front: Some(_), .. })
        ));
    }

    #[test]
    fn missing_gvx_and_long_paths() {
        let long: Vec<String> = (0..400).map(|i| format!(r"C:\tools\t{i:03}\bin")).collect();
        let registry = Registry {
            values: vec![value(
                MACHINE_ENV,
                Scope::System,
                "Path",
                Kind::ExpandSz,
                &long.join(";"),
            )],
            msi: None,
        };
        let session: Vec<&str> = long.iter().map(String::as_str).collect();
        let found = messages(&run(&registry, &session));
        assert!(
            found
                .iter()
                .any(|(s, m)| *s == Status::Fail && m.contains("lacks")),
            "{found:?}"
        );
        assert!(
            found.iter().any(|(_, m)| m.starts_with("PATH is ")),
            "{found:?}"
        );
    }

    #[test]
    fn goroot_in_each_scope() {
        let registry = Registry {
            values: vec![
                value(USER_ENV, Scope::User, "GOROOT", Kind::Sz, r"C:\Go"),
                value(MACHINE_ENV, Scope::System, "GOROOT", Kind::Sz, r"C:\Go"),
                value(VOLATILE_ENV, Scope::Session, "GOROOT", Kind::Sz, r"C:\Go"),
            ],
            msi: None,
        };
        let found = goroot_values(&registry);
        assert_eq!(found.len(), 3);
        assert!(found[0].1.automatic && found[1].1.automatic);
        assert!(found[2].1.elevated);
    }
}
