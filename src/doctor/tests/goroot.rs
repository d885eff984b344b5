use super::*;
use crate::doctor::goroot;
use crate::doctor::model::Source;

#[test]
fn not_set_anywhere() {
    let check = goroot::check(&World::new().snapshot());
    assert_eq!(check.status, Status::Ok);
    assert_eq!(
        check.summary,
        "not set anywhere (the shim sets it for each command)"
    );
}

#[test]
fn goroot_pointing_at_another_version() {
    let mut world = World::new();
    world.disk.sdk("/usr/local/go", "go1.21.0");
    world.var("GOROOT", "/usr/local/go");
    let check = goroot::check(&world.snapshot());
    assert_eq!(check.status, Status::Fail);
    assert_eq!(check.summary, "set in 1 place");
    let it = item(
        &check,
        "GOROOT=/usr/local/go is go1.21.0, but gvx selects go1.22.10",
    );
    assert_eq!(
        it.message,
        "GOROOT=/usr/local/go is go1.21.0, but gvx selects go1.22.10 (this shell's environment)"
    );
    assert!(it.detail.as_deref().unwrap().contains("inherited it"));
    assert_eq!(
        it.fix.as_ref().unwrap().command.as_deref(),
        Some("unset GOROOT")
    );
}

#[test]
fn goroot_set_in_a_start_up_file_and_the_env_file() {
    let mut world = World::new();
    world
        .disk
        .sdk("/usr/local/go", "go1.21.0")
        .file(format!("{HOME}/.profile"), "export GOROOT=/usr/local/go\n")
        .file(format!("{HOME}/.config/go/env"), "GOROOT=/usr/local/go\n");
    world.var("GOROOT", "/usr/local/go");
    let check = goroot::check(&world.snapshot());
    assert_eq!(check.summary, "set in 3 places");
    let profile = PathBuf::from(HOME).join(".profile");
    let env = &check.items[0];
    assert_eq!(env.evidence.len(), 3, "{:#?}", env.evidence);
    let line = check
        .items
        .iter()
        .find(|i| i.message.ends_with("(~/.profile:1)"))
        .unwrap();
    assert_eq!(
        action(line),
        Some(&Action::CommentLine {
            path: profile,
            line: 1,
            text: "export GOROOT=/usr/local/go".into()
        })
    );
    let file = check
        .items
        .iter()
        .find(|i| matches!(i.evidence[0].source, Source::GoEnvFile { .. }))
        .unwrap();
    assert_eq!(
        action(file),
        Some(&Action::UnsetGoEnv {
            path: PathBuf::from(HOME).join(".config/go/env"),
            key: "GOROOT".into()
        })
    );
}

#[test]
fn goroot_at_the_selected_sdk_or_at_no_sdk() {
    let mut world = World::new();
    world.var("GOROOT", &sdk_root(SELECTED).display().to_string());
    let check = goroot::check(&world.snapshot());
    assert_eq!(
        item(&check, "is the SDK gvx selects here").status,
        Status::Warn
    );
    world.var("GOROOT", "/nowhere");
    let check = goroot::check(&world.snapshot());
    assert_eq!(
        item(&check, "GOROOT=/nowhere is not a Go SDK").status,
        Status::Fail
    );
}
