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
