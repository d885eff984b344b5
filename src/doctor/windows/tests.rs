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
    let long: Vec<String> = (0..600).map(|i| format!(r"C:\tools\t{i:03}\bin")).collect();
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
