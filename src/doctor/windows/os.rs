//! Reading and writing the registry: Windows only.

use super::super::goroot::Sighting;
use super::super::machine::Machine;
use super::super::model::{Action, Applied, Check, Fix, Item, Scope, Source};
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

/// The registry Path values (machine, user) that list `dir`.
pub fn path_sources(dir: &Path) -> Vec<(String, Source)> {
    let registry = read();
    let wanted = dir.display().to_string();
    let mut found = Vec::new();
    for key in [MACHINE_ENV, USER_ENV] {
        let Some(value) = registry.get(key, "Path") else {
            continue;
        };
        for entry in super::entries(&value.raw) {
            if super::same(&super::expand(entry, &lookup), &wanted) {
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

pub fn apply_registry(key: &str, name: &str, value: Option<&str>) -> Result<Vec<Applied>, String> {
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

pub fn apply_user_path(front: Option<&Path>, back: Option<&Path>) -> Result<Vec<Applied>, String> {
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
