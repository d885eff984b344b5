use super::*;
use crate::doctor::gopath;

#[test]
fn default_gopath_is_fine() {
    let check = gopath::check_gopath(&World::new().snapshot());
    assert_eq!(check.status, Status::Ok, "{:#?}", items(&check));
    assert_eq!(check.summary, "/home/u/go (Go's default)");
}

#[test]
fn gopath_inside_an_sdk() {
    let mut world = World::new();
    world.disk.sdk("/usr/local/go", "go1.21.0");
    world.var("GOPATH", "/usr/local/go/src/x");
    let check = gopath::check_gopath(&world.snapshot());
    assert_eq!(check.status, Status::Fail);
    let it = item(&check, "lies inside the Go SDK (/usr/local/go)");
    assert!(
        it.message
            .starts_with("GOPATH (/usr/local/go/src/x) lies inside")
    );
    assert_eq!(
        it.fix.as_ref().unwrap().command.as_deref(),
        Some("unset GOPATH")
    );
}

#[test]
fn gopath_relative_missing_and_read_only() {
    let mut world = World::new();
    world.var("GOPATH", "~/go");
    let check = gopath::check_gopath(&world.snapshot());
    item(&check, "GOPATH entry `~/go` is not an absolute path");
    world.var("GOPATH", "/home/u/work");
    let check = gopath::check_gopath(&world.snapshot());
    let it = item(&check, "GOPATH ~/work does not exist");
    assert_eq!(
        action(it),
        Some(&Action::CreateDir {
            path: PathBuf::from("/home/u/work")
        })
    );
    world.disk.dir("/home/u/work");
    world
        .disk
        .read_only
        .insert("/home/u/work".into(), "permission denied".into());
    let check = gopath::check_gopath(&world.snapshot());
    item(
        &check,
        "GOPATH ~/work is not writable (permission denied at ~/work)",
    );
}

#[test]
fn gopath_set_differently_for_the_user_and_the_system() {
    let mut world = World::new();
    world
        .disk
        .file(format!("{HOME}/.profile"), "export GOPATH=$HOME/mine\n")
        .file("/etc/profile", "export GOPATH=/srv/go\n");
    let check = gopath::check_gopath(&world.snapshot());
    let it = item(&check, "GOPATH is set differently for you and system-wide");
    assert_eq!(it.evidence.len(), 2);
}

#[test]
fn gopath_that_is_an_sdk_through_a_symlink() {
    let mut world = World::new();
    world.disk.sdk("/usr/local/go", "go1.21.0");
    world.disk.links.insert(
        PathBuf::from(HOME).join("gp"),
        PathBuf::from("/usr/local/go"),
    );
    world.var("GOPATH", "/home/u/gp");
    let check = gopath::check_gopath(&world.snapshot());
    item(
        &check,
        "GOPATH (/home/u/gp, really /usr/local/go) is the Go SDK itself; GOPATH comes from the environment",
    );
    item(&check, "GOPATH ~/gp holds a Go SDK");
}
