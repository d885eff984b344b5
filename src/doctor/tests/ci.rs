use super::*;
use crate::doctor::ci;

fn go_version(world: &mut World, answer: Result<String, String>) {
    world
        .disk
        .program(Path::new(BIN).join("go"), "version", answer);
}

#[test]
fn a_good_runner_passes() {
    let mut world = World::new();
    go_version(&mut world, Ok("go version go1.22.10 linux/amd64\n".into()));
    let check = ci::go_runs(&world.snapshot());
    assert_eq!(check.status, Status::Ok, "{check:?}");
    assert_eq!(check.summary, "go version go1.22.10 linux/amd64");
    let all = ci::checks(&world.snapshot());
    assert!(all.iter().all(|c| c.status != Status::Fail), "{all:#?}");
}

#[test]
fn a_shim_that_fails_or_runs_another_go_fails() {
    let mut world = World::new();
    go_version(&mut world, Err("exec format error".into()));
    let check = ci::go_runs(&world.snapshot());
    assert_eq!(check.status, Status::Fail);
    item(
        &check,
        "`go version` through the shim failed: exec format error",
    );
    go_version(&mut world, Ok("go version go1.21.0 linux/amd64".into()));
    let check = ci::go_runs(&world.snapshot());
    item(
        &check,
        "printed `go version go1.21.0 linux/amd64`, not go1.22.10",
    );
}

#[test]
fn another_go_first_or_none_at_all_fails() {
    let mut world = World::new();
    world.disk.sdk("/usr/local/go", "go1.21.0");
    world.var("PATH", &format!("/usr/local/go/bin:{BIN}"));
    let check = ci::go_runs(&world.snapshot());
    item(&check, "`go` is /usr/local/go/bin/go, not the gvx shim");
    world.var("PATH", "/usr/bin");
    let check = ci::go_runs(&world.snapshot());
    item(&check, "no `go` on PATH");
}
