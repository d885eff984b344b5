use super::*;
use crate::doctor::pins;

fn pinned(version: &str) -> Snapshot {
    let mut s = World::new().snapshot();
    let file = PathBuf::from(HOME).join("project/.go-version");
    s.selection = Ok(Selection {
        source: Why::GoVersionFile(file, 1),
        request: Some(VersionRequest::parse(version).unwrap()),
        raised: None,
        policy: Policy::parse(None),
        outcome: Outcome::Install(VersionRequest::parse(version).unwrap()),
    });
    s
}

#[test]
fn a_pin_for_a_release_that_does_not_exist() {
    let mut s = pinned("1.99.1");
    s.pin_exists = Some(false);
    let check = pins::check(&s);
    assert_eq!(check.status, Status::Fail);
    assert_eq!(check.summary, "go1.99.1 pinned by ~/project/.go-version");
    let it = item(
        &check,
        "~/project/.go-version:1 asks for go1.99.1, which is not a Go release for linux/amd64",
    );
    assert_eq!(
        it.fix.as_ref().unwrap().command.as_deref(),
        Some("gvx use <version> --project")
    );
}

#[test]
fn a_pin_not_installed_and_not_checked_offline() {
    let check = pins::check(&pinned("1.23.4"));
    assert_eq!(check.status, Status::Ok);
    item(
        &check,
        "asks for go1.23.4, not installed (not checked against the index offline)",
    );
    let mut s = pinned("1.23.4");
    s.pin_exists = Some(true);
    assert!(pins::check(&s).items.is_empty());
}

#[test]
fn gotoolchain_local_below_the_module() {
    let mut world = World::new();
    world.var("GOTOOLCHAIN", "local");
    world
        .disk
        .file(format!("{HOME}/project/go.mod"), "module x\n\ngo 1.23.0\n");
    let s = world.snapshot();
    let check = pins::check(&s);
    let it = item(
        &check,
        "needs go1.23.0 but GOTOOLCHAIN=local keeps go at go1.22.10",
    );
    assert_eq!(it.status, Status::Fail);
    assert_eq!(
        it.fix.as_ref().unwrap().command.as_deref(),
        Some("go env -u GOTOOLCHAIN")
    );
}

#[test]
fn no_pin() {
    let check = pins::check(&World::new().snapshot());
    assert_eq!(check.status, Status::Ok);
    assert_eq!(
        check.summary,
        "no pin here (global default (/home/u/.gvx/default))"
    );
}
