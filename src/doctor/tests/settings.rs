use super::*;
use crate::doctor::settings;

fn gotoolchain(value: Option<&str>) -> Check {
    let mut world = World::new();
    world.disk.sdk(sdk_root("1.21.13"), "go1.21.13");
    if let Some(value) = value {
        world.var("GOTOOLCHAIN", value);
    }
    settings::gotoolchain(&world.snapshot())
}

#[test]
fn gotoolchain_forms() {
    let unset = gotoolchain(None);
    assert_eq!(
        unset.summary,
        "not set: auto (go.mod's toolchain lines are met from the gvx store)"
    );
    assert!(unset.items.is_empty());

    let local = gotoolchain(Some("local"));
    assert_eq!(local.status, Status::Ok);
    assert_eq!(local.summary, "local (this shell's environment)");
    item(&local, "GOTOOLCHAIN=local: go runs go1.22.10 as selected");

    let based = gotoolchain(Some("go1.21.13+path"));
    assert_eq!(based.status, Status::Ok);
    item(
        &based,
        "go runs go1.21.13 unless go.mod needs newer, met from the gvx store (never downloaded by go)",
    );

    let exact = gotoolchain(Some("go1.21.13"));
    let it = item(&exact, "GOTOOLCHAIN=go1.21.13 overrides gvx's selection");
    assert_eq!(it.status, Status::Warn);
    assert!(
        it.detail
            .as_deref()
            .unwrap()
            .starts_with("go runs go1.21.13 from the gvx store everywhere")
    );
    assert_eq!(
        it.fix.as_ref().unwrap().command.as_deref(),
        Some("unset GOTOOLCHAIN")
    );

    let missing = gotoolchain(Some("go1.20.1"));
    let it = item(&missing, "GOTOOLCHAIN=go1.20.1 overrides");
    assert!(
        it.detail
            .as_deref()
            .unwrap()
            .contains("go1.20.1 is not in the gvx store yet")
    );

    let custom = gotoolchain(Some("go1.21.0-bigcorp"));
    assert_eq!(
        item(&custom, "names a custom toolchain").status,
        Status::Warn
    );

    let invalid = gotoolchain(Some("sometimes"));
    assert_eq!(invalid.status, Status::Fail);
    item(&invalid, "GOTOOLCHAIN=sometimes is not a value Go accepts");
}

#[test]
fn gotoolchain_from_the_env_file_is_removed_there() {
    let mut world = World::new();
    world
        .disk
        .file(format!("{HOME}/.config/go/env"), "GOTOOLCHAIN=go1.21.13\n");
    let check = settings::gotoolchain(&world.snapshot());
    assert_eq!(check.summary, "go1.21.13 (~/.config/go/env:1 (go env -w))");
    let it = item(&check, "overrides gvx's selection");
    assert_eq!(
        action(it),
        Some(&Action::UnsetGoEnv {
            path: PathBuf::from(HOME).join(".config/go/env"),
            key: "GOTOOLCHAIN".into()
        })
    );
}

#[test]
fn caches_and_env_file() {
    let check = settings::dirs(&World::new().snapshot());
    assert_eq!(check.status, Status::Ok);
    assert_eq!(check.summary, "writable");

    let mut world = World::new();
    world.var("GOCACHE", "off");
    world.disk.dir(format!("{HOME}/go/pkg/mod"));
    world.disk.read_only.insert(
        PathBuf::from(HOME).join("go/pkg/mod"),
        "permission denied".into(),
    );
    let check = settings::dirs(&world.snapshot());
    assert_eq!(check.summary, "not all writable");
    item(&check, "GOCACHE=off");
    item(
        &check,
        "GOMODCACHE ~/go/pkg/mod is not writable (permission denied at ~/go/pkg/mod)",
    );

    world.var("GOENV", "off");
    let check = settings::dirs(&world.snapshot());
    item(&check, "GOENV=off: `go env -w` is disabled");
}

#[test]
fn proxy_settings() {
    let check = settings::proxy(&World::new().snapshot());
    assert_eq!(check.status, Status::Ok);
    assert_eq!(
        check.summary,
        "GOPROXY=https://proxy.golang.org,direct GOSUMDB=sum.golang.org"
    );

    let mut world = World::new();
    world
        .var("GOPROXY", "goproxy.example,http://plain.example,direct")
        .var("GOSUMDB", "off")
        .var("GOPRIVATE", "https://git.example/*");
    let check = settings::proxy(&world.snapshot());
    assert_eq!(check.status, Status::Fail);
    item(&check, "GOPROXY entry `goproxy.example` is not a URL");
    item(&check, "GOPROXY entry http://plain.example is plain http");
    item(&check, "GOPRIVATE holds a URL");

    let mut world = World::new();
    world.disk.file(
        sdk_root(SELECTED).join("go.env"),
        "GOPROXY=https://goproxy.cn,direct\n",
    );
    world.var("GOSUMDB", "off");
    let check = settings::proxy(&world.snapshot());
    item(
        &check,
        "GOSUMDB=off while downloading from the public proxy https://goproxy.cn",
    );
}

#[test]
fn proxy_probe_online() {
    let mut world = World::new();
    world.disk.urls.insert(
        "https://proxy.golang.org/golang.org/x/mod/@v/list".into(),
        Ok("200 OK".into()),
    );
    let mut s = world.snapshot();
    s.online = true;
    let check = settings::proxy(&s);
    item(&check, "https://proxy.golang.org answers (200 OK)");
    world.var("GOPROXY", "https://down.example");
    let mut s = world.snapshot();
    s.online = true;
    let check = settings::proxy(&s);
    let it = item(
        &check,
        "https://down.example does not answer: connection refused",
    );
    assert_eq!(it.status, Status::Fail);
}
