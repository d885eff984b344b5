use super::*;
use crate::doctor::others;

#[test]
fn sdks_gvx_does_not_manage() {
    let check = others::check(&World::new().snapshot());
    assert_eq!(check.summary, "none besides gvx's");
    let mut world = World::new();
    world
        .disk
        .sdk("/usr/local/go", "go1.21.0")
        .sdk(format!("{HOME}/sdk/go1.20.5"), "go1.20.5");
    let check = others::check(&world.snapshot());
    assert_eq!(
        items(&check),
        vec![
            (
                Status::Ok,
                "go1.21.0 in /usr/local/go (official tarball or macOS package)".into()
            ),
            (
                Status::Ok,
                "go1.20.5 in ~/sdk/go1.20.5 (golang.org/dl)".into()
            ),
        ]
    );
    assert!(check.summary.starts_with("2 found"));
    // Each is offered to `gvx adopt`, as advice: proven from Go 1.21 on, else unverified.
    let commands: Vec<_> = check
        .items
        .iter()
        .map(|i| {
            let fix = i.fix.as_ref().unwrap();
            assert!(!fix.automatic && !fix.elevated);
            fix.command.clone().unwrap()
        })
        .collect();
    assert_eq!(
        commands,
        [
            "gvx adopt /usr/local/go".to_owned(),
            format!("gvx adopt --unverified {HOME}/sdk/go1.20.5")
        ]
    );
    // Not for a version the store holds already (the world's selected go1.22.10).
    let mut world = World::new();
    world.disk.sdk("/usr/local/go", "go1.22.10");
    let check = others::check(&world.snapshot());
    assert!(check.items[0].fix.is_none(), "{:?}", check.items[0]);
}

#[test]
fn origin_of_a_go_on_path() {
    let mut world = World::new();
    world.disk.sdk("/opt/custom", "go1.21.0");
    let s = world.snapshot();
    assert_eq!(
        others::origin(
            &s,
            Path::new("/opt/custom/bin"),
            Path::new("/opt/custom/bin/go")
        ),
        "the Go SDK in /opt/custom"
    );
    assert_eq!(
        others::origin(&s, Path::new(BIN), &PathBuf::from(BIN).join("go")),
        "the gvx shim"
    );
}
