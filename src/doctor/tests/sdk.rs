use super::*;
use crate::doctor::sdk;

#[test]
fn installed_sdk_that_runs_and_is_intact() {
    let check = sdk::check(&World::new().snapshot());
    assert_eq!(check.status, Status::Ok, "{:#?}", items(&check));
    assert_eq!(
        check.summary,
        "go1.22.10 (global default (/home/u/.gvx/default))"
    );
    item(&check, "`go version` says go1.22.10");
    item(&check, "all 3 files recorded at install time are intact");
}

#[test]
fn version_file_that_names_another_release_and_a_damaged_tree() {
    let mut world = World::new();
    world
        .disk
        .file(sdk_root(SELECTED).join("VERSION"), "go1.21.0\n");
    world.disk.damaged = Some((10, vec!["bin/gofmt".into()], vec![]));
    let check = sdk::check(&world.snapshot());
    assert_eq!(check.status, Status::Fail);
    let version = item(&check, "/VERSION says go1.21.0, not go1.22.10");
    assert_eq!(
        version.fix.as_ref().unwrap().command.as_deref(),
        Some("gvx install --force 1.22.10")
    );
    let damaged = item(&check, "1 of 10 files are missing or changed since install");
    assert_eq!(damaged.evidence[0].value, "missing: bin/gofmt");
}

#[test]
fn go_that_does_not_run() {
    let mut world = World::new();
    let go = sdk_root(SELECTED).join("bin/go");
    world
        .disk
        .program(&go, "version", Err("exec format error".into()));
    let check = sdk::check(&world.snapshot());
    let it = item(&check, "does not run: exec format error");
    assert_eq!(it.status, Status::Fail);
    assert_eq!(it.detail.as_deref(), Some("every go command fails"));
}

#[test]
fn selected_but_not_installed() {
    let mut s = World::new().snapshot();
    if let Ok(selection) = &mut s.selection {
        selection.outcome = Outcome::Install(VersionRequest::parse("1.23.4").unwrap());
    }
    let check = sdk::check(&s);
    assert_eq!(check.status, Status::Warn);
    assert_eq!(check.summary, "go1.23.4, not installed");
    let it = item(&check, "go1.23.4 is selected");
    assert_eq!(
        it.fix.as_ref().unwrap().command.as_deref(),
        Some("gvx install 1.23.4")
    );
}

#[test]
fn nothing_selected() {
    let mut s = World::new().snapshot();
    s.selection =
        Err(crate::error::Error::new(crate::error::Exit::Failure, "broken pin").hint("fix it"));
    let check = sdk::check(&s);
    assert_eq!(check.status, Status::Fail);
    assert_eq!(
        items(&check),
        vec![(
            Status::Fail,
            "no Go version can be selected here: broken pin".into()
        )]
    );
    assert_eq!(check.items[0].fix.as_ref().unwrap().description, "fix it");
}

#[test]
fn an_sdk_in_a_shared_store_is_checked_where_it_is_and_a_broken_store_is_a_warning() {
    let mut world = World::new();
    world.disk.sdk("/opt/gvx/sdk/go1.21.13", "go1.21.13");
    world.disk.installed.push(v("1.21.13"));
    let mut snapshot = world.snapshot();
    snapshot.store = snapshot
        .store
        .clone()
        .with_shared(["/mnt/gone".into(), "/opt/gvx".into()]);
    snapshot.skipped_stores = vec![gvx_shims::store::Skipped {
        path: "/mnt/gone".into(),
        reason: "it does not exist".into(),
    }];
    if let Ok(selection) = snapshot.selection.as_mut() {
        selection.outcome = Outcome::Run(v("1.21.13"));
    }
    let check = sdk::check(&snapshot);
    assert_eq!(check.status, Status::Warn, "{:#?}", items(&check));
    item(&check, "`go version` says go1.21.13");
    let skipped = item(
        &check,
        "the shared store /mnt/gone (GVX_SHARED_STORES) is skipped: it does not exist",
    );
    assert!(skipped.fix.is_some());
    assert_eq!(
        snapshot.sdk().map(|(_, root)| root),
        Some("/opt/gvx/sdk/go1.21.13".into())
    );
}
