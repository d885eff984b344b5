use super::*;
use crate::doctor::windows::{self, Kind, RegValue, Registry, USER_ENV};
use crate::environment::Scope;

#[test]
fn the_user_path_lacks_the_shims() {
    let mut s = World::new().snapshot();
    s.registry = Registry {
        values: vec![RegValue {
            key: USER_ENV,
            scope: Scope::User,
            name: "Path".into(),
            kind: Kind::ExpandSz,
            raw: "/usr/bin".into(),
        }],
        msi: None,
    };
    let check = windows::check(&s);
    assert_eq!(check.status, Status::Fail);
    let it = item(
        &check,
        "your user Path (HKCU\\Environment) lacks /home/u/.gvx/bin",
    );
    assert_eq!(
        action(it),
        Some(&Action::UserPath {
            front: Some(PathBuf::from(BIN)),
            back: None
        })
    );
    assert_eq!(check.summary, "1 problem(s) in the registry environment");
}

#[test]
fn the_registry_puts_the_shims_first() {
    let mut s = World::new().snapshot();
    s.registry.values.push(RegValue {
        key: USER_ENV,
        scope: Scope::User,
        name: "Path".into(),
        kind: Kind::ExpandSz,
        raw: format!("{BIN};/usr/bin"),
    });
    s.registry.msi = Some("C:\\Program Files\\Go".into());
    let check = windows::check(&s);
    assert_eq!(
        check.summary,
        "user and machine PATH put the gvx shims first"
    );
    item(&check, "the Go MSI is installed in C:\\Program Files\\Go");
}
