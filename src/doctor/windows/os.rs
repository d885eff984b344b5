//! Reading and writing the registry: Windows only.

use super::super::goroot::Sighting;
use super::super::machine::Machine;
use super::super::model::{Action, Check, Fix, Item, Scope, Source};
use super::{Facts, MACHINE_ENV, RegValue, Registry, USER_ENV, VOLATILE_ENV};
use crate::platform::windows_env::{self as env, Hive, MACHINE_ENV_KEY, USER_ENV_KEY};
use std::path::Path;

fn read_key(hive: Hive, path: &str, key: &'static str, scope: Scope, out: &mut Vec<RegValue>) {
    for (name, value) in env::read_values(hive, path) {
        out.push(RegValue {
            key,
            scope,
            name,
            kind: value.kind,
            raw: value.text,
        });
    }
}

/// Reads the environment keys (values unexpanded) and the MSI's registration.
pub fn read() -> Registry {
    let mut values = Vec::new();
    read_key(Hive::User, USER_ENV_KEY, USER_ENV, Scope::User, &mut values);
    read_key(
        Hive::User,
        "Volatile Environment",
        VOLATILE_ENV,
        Scope::Session,
        &mut values,
    );
    read_key(
        Hive::Machine,
        MACHINE_ENV_KEY,
        MACHINE_ENV,
        Scope::System,
        &mut values,
    );
    Registry {
        values,
        msi: env::go_msi_location(),
    }
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
