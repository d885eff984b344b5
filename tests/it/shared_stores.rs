//! Shared stores (`GVX_SHARED_STORES`): read-only stores searched after the user's, prepared by
//! their owner with `gvx install --store DIR`. What the README's "Teams and CI" section
//! promises: another user's shims and `gvx list` read them without writing, a version in one is
//! never downloaded again, a store that cannot serve is skipped with one warning, and
//! `install --store` is locked and atomic like the user's store.

use crate::hardening::shared::{as_nobody_with, can_run_as_nobody, gvx_with_umask, shared_home};
use crate::hardening::{snapshot_of, text};
use crate::support::{FakeSdk, TestHome, TestServer, publish};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;

const ARCHIVE: &str = "/go/go1.22.10.linux-amd64.tar.gz";

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A shared store at `<root>/shared` holding `versions`, installed into it by `gvx install
/// --store` as its owner would.
fn prepared_store(home: &TestHome, versions: &[&str]) -> PathBuf {
    let shared = home.root().join("shared");
    for version in versions {
        let out = home
            .gvx()
            .args(["install", "--store"])
            .arg(&shared)
            .arg(version)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
    }
    shared
}

#[test]
fn install_store_writes_the_sdk_and_its_records_and_nothing_of_a_users() {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10")]);
    let home = TestHome::new().with_server(&server);
    let shared = prepared_store(&home, &["1.22.10"]);
    assert!(shared.join("sdk/go1.22.10/bin/go").is_file());
    assert!(shared.join("manifests/go1.22.10.json").is_file());
    assert!(!shared.join("bin").exists(), "no shims in a shared store");
    assert!(
        !shared.join("default").exists(),
        "no default in a shared store"
    );
    assert!(
        !home.gvx_home().join("sdk").exists(),
        "the user's store is untouched"
    );
    // Installed again: nothing to do, and said so.
    let out = home
        .gvx()
        .args(["install", "--store"])
        .arg(&shared)
        .arg("1.22.10")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(stderr(&out).contains("already installed"), "{}", text(&out));
    assert_eq!(server.request_count(ARCHIVE), 1);
}

#[test]
fn a_version_in_a_shared_store_is_never_downloaded_again() {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10")]);
    let owner = TestHome::new().with_server(&server);
    let shared = prepared_store(&owner, &["1.22.10"]);
    let before = snapshot_of(&shared);
    server.clear_requests();

    let home = TestHome::new()
        .with_server(&server)
        .env("GVX_SHARED_STORES", &shared.display().to_string());
    let out = home.gvx().args(["install", "1.22.10"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        stderr(&out).contains(&format!(
            "go1.22.10 is already installed in the shared store {}",
            shared.display()
        )),
        "{}",
        text(&out)
    );
    assert_eq!(server.request_count(ARCHIVE), 0, "nothing downloaded");
    // The user's store got the shims and the default, pointing at the shared SDK.
    let go = home.gvx_home().join("bin/go");
    let out = home.cmd_path(&go).arg("version").output().unwrap();
    assert_eq!(
        stdout(&out),
        "go version go1.22.10 linux/amd64\n",
        "{}",
        text(&out)
    );
    let out = home.gvx().args(["which", "--goroot"]).output().unwrap();
    assert_eq!(
        stdout(&out).trim(),
        shared.join("sdk/go1.22.10").display().to_string()
    );
    let out = home.cmd_path(&go).args(["env", "GOROOT"]).output().unwrap();
    assert_eq!(
        stdout(&out).trim(),
        shared.join("sdk/go1.22.10").display().to_string(),
        "the shim sets GOROOT to the shared SDK"
    );
    let out = home.gvx().args(["current"]).output().unwrap();
    assert!(
        stdout(&out).contains(&format!("from:   the shared store {}", shared.display())),
        "{}",
        text(&out)
    );
    let out = home.gvx().args(["verify"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(stdout(&out).contains("go1.22.10: ok"), "{}", text(&out));

    // Uninstalling it is refused: gvx never writes into a shared store it reads.
    let out = home.gvx().args(["uninstall", "1.22.10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", text(&out));
    assert!(
        stderr(&out).contains("which gvx only reads"),
        "{}",
        text(&out)
    );
    assert!(stderr(&out).contains("--store"), "{}", text(&out));
    assert_eq!(
        snapshot_of(&shared),
        before,
        "the shared store is untouched"
    );
    assert_eq!(server.request_count(ARCHIVE), 0, "nothing downloaded");

    // --force installs the user's own copy, which then wins.
    let out = home
        .gvx()
        .args(["install", "--force", "1.22.10"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = home.gvx().args(["which", "--goroot"]).output().unwrap();
    assert_eq!(
        stdout(&out).trim(),
        home.gvx_home().join("sdk/go1.22.10").display().to_string()
    );
    assert_eq!(
        snapshot_of(&shared),
        before,
        "the shared store is untouched"
    );
}

#[test]
fn list_shows_which_store_each_sdk_is_in_and_the_users_wins_a_tie() {
    let server = TestServer::start();
    publish(
        &server,
        &[
            FakeSdk::new("1.22.10"),
            FakeSdk::new("1.21.13"),
            FakeSdk::new("1.23.9"),
        ],
    );
    let owner = TestHome::new().with_server(&server);
    let first = prepared_store(&owner, &["1.22.10", "1.21.13"]);
    let second = owner.root().join("second");
    for version in ["1.21.13", "1.23.9"] {
        let out = owner
            .gvx()
            .args(["install", "--store"])
            .arg(&second)
            .arg(version)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
    }
    let home = TestHome::new().with_server(&server).env(
        "GVX_SHARED_STORES",
        &format!("{}:{}", first.display(), second.display()),
    );
    home.gvx()
        .args(["install", "1.22.10", "--force"])
        .assert()
        .success();
    let out = home.gvx().args(["list"]).output().unwrap();
    assert_eq!(
        stdout(&out),
        format!(
            "  1.23.9  [shared store {second}]\n* 1.22.10  (global default ({default}))\n  1.21.13  [shared store {first}]\n",
            first = first.display(),
            second = second.display(),
            default = home.gvx_home().join("default").display()
        ),
        "{}",
        text(&out)
    );
    let out = home.gvx().args(["list", "--json"]).output().unwrap();
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(items[0]["shared_store"], second.display().to_string());
    assert_eq!(items[1]["shared_store"], serde_json::Value::Null);
    assert_eq!(
        items[2]["path"],
        first.join("sdk/go1.21.13").display().to_string()
    );
    // A pin to 1.23 runs the second store's SDK through the shim.
    fs::write(home.work().join(".go-version"), "1.23\n").unwrap();
    let out = home
        .cmd_path(home.gvx_home().join("bin/go"))
        .arg("version")
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "go version go1.23.9 linux/amd64\n",
        "{}",
        text(&out)
    );
}

#[test]
fn a_shared_store_that_cannot_serve_is_skipped_with_one_warning() {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10"), FakeSdk::new("1.21.13")]);
    let owner = TestHome::new().with_server(&server);
    let good = prepared_store(&owner, &["1.21.13"]);
    // Half-written: a tree copied in by hand and interrupted before bin/go.
    fs::create_dir_all(good.join("sdk/go1.20.14/src")).unwrap();
    let missing = owner.root().join("missing");
    let file = owner.root().join("a-file");
    fs::write(&file, "").unwrap();
    let no_sdk = owner.root().join("no-sdk");
    fs::create_dir_all(&no_sdk).unwrap();
    let list = [&missing, &good, &file, &no_sdk]
        .map(|p| p.display().to_string())
        .join(":");
    let home = TestHome::new()
        .with_server(&server)
        .env("GVX_SHARED_STORES", &list)
        .env("GVX_AUTO_INSTALL", "0");
    home.gvx().args(["install", "1.22.10"]).assert().success();

    let out = home.gvx().args(["list"]).output().unwrap();
    assert!(out.status.success(), "never fatal: {}", text(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "* 1.22.10  (global default ({}))\n  1.21.13  [shared store {}]\n",
            home.gvx_home().join("default").display(),
            good.display()
        ),
        "the half-written go1.20.14 is not listed"
    );
    let warnings: Vec<&str> = std::str::from_utf8(&out.stderr)
        .unwrap()
        .lines()
        .filter(|l| l.contains("is skipped"))
        .collect();
    assert_eq!(
        warnings.len(),
        3,
        "one warning per broken store: {warnings:?}"
    );
    assert!(
        warnings[0].contains(&format!(
            "{} (GVX_SHARED_STORES) is skipped: it does not exist",
            missing.display()
        )),
        "{warnings:?}"
    );
    assert!(
        warnings[1].contains("it is not a directory"),
        "{warnings:?}"
    );
    assert!(
        warnings[2].contains("it has no sdk/ directory"),
        "{warnings:?}"
    );

    // The shims run what the good store has, and say nothing of the others on the way.
    fs::write(home.work().join(".go-version"), "1.21.13\n").unwrap();
    let go = home.gvx_home().join("bin/go");
    let out = home.cmd_path(&go).arg("version").output().unwrap();
    assert_eq!(
        stdout(&out),
        "go version go1.21.13 linux/amd64\n",
        "{}",
        text(&out)
    );
    assert_eq!(stderr(&out), "", "a working shim stays quiet");
    // When nothing serves the selection, the shim says which stores it skipped.
    fs::write(home.work().join(".go-version"), "1.20.14\n").unwrap();
    let out = home.cmd_path(&go).arg("version").output().unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("it does not exist"), "{}", text(&out));
    assert!(
        stderr(&out).contains("no matching SDK is installed"),
        "{}",
        text(&out)
    );

    // doctor reports each as a finding.
    fs::write(home.work().join(".go-version"), "1.21.13\n").unwrap();
    let out = home.gvx().args(["doctor", "--json"]).output().unwrap();
    let report = stdout(&out);
    assert!(
        report.contains(&format!(
            "the shared store {} (GVX_SHARED_STORES) is skipped",
            missing.display()
        )),
        "{}",
        text(&out)
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_shared_store_is_skipped_for_a_user_who_cannot_read_it() {
    if !can_run_as_nobody() {
        return;
    }
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10"), FakeSdk::new("1.21.13")]);
    let home = shared_home(&server);
    let out = gvx_with_umask(&home, "022", &["install", "1.22.10"]);
    assert!(out.status.success(), "{}", text(&out));
    let shared = home.root().join("shared");
    let out = gvx_with_umask(
        &home,
        "077",
        &[
            "install",
            "--store",
            &shared.display().to_string(),
            "1.21.13",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let store = home.gvx_home();
    let out = as_nobody_with(
        &store,
        &server,
        &home.work(),
        &store.join("bin/gvx"),
        &["list"],
        &[format!("GVX_SHARED_STORES={}", shared.display())],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        stderr(&out).contains("is skipped: cannot read"),
        "{}",
        text(&out)
    );
    assert!(stdout(&out).contains("1.22.10") && !stdout(&out).contains("1.21.13"));
}

#[cfg(unix)]
#[test]
fn a_store_prepared_by_root_serves_another_users_shims_and_list_read_only() {
    if !can_run_as_nobody() {
        return;
    }
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10"), FakeSdk::new("1.21.13")]);
    // root prepares /opt/gvx-like store under umask 022.
    let admin = shared_home(&server);
    let shared = admin.root().join("opt gvx");
    let out = gvx_with_umask(
        &admin,
        "022",
        &[
            "install",
            "--store",
            &shared.display().to_string(),
            "1.22.10",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    for path in [
        &shared,
        &shared.join("sdk"),
        &shared.join("sdk/go1.22.10/bin/go"),
    ] {
        let mode = fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o755, "{}", path.display());
    }
    let before = snapshot_of(&shared);
    server.clear_requests();

    // nobody's own store: empty but for gvx and the shim, and nobody's to write.
    let user = admin.root().join("nobody");
    fs::create_dir_all(user.join("bin")).unwrap();
    fs::copy(admin.gvx_home().join("bin/gvx"), user.join("bin/gvx")).unwrap();
    fs::copy(
        admin.gvx_home().join("bin/gvx-shim"),
        user.join("bin/gvx-shim"),
    )
    .unwrap();
    let chown = std::process::Command::new("chown")
        .args(["-R", "nobody"])
        .arg(&user)
        .status()
        .unwrap();
    assert!(chown.success());
    let work = admin.work();
    fs::write(work.join(".go-version"), "1.22.10\n").unwrap();
    let shared_var = format!("GVX_SHARED_STORES={}", shared.display());
    let run = |program: &Path, args: &[&str]| {
        as_nobody_with(
            &user,
            &server,
            &work,
            program,
            args,
            std::slice::from_ref(&shared_var),
        )
    };
    let gvx = user.join("bin/gvx");
    let out = run(&gvx, &["reshim"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&user.join("bin/go"), &["version"]);
    assert_eq!(
        stdout(&out),
        "go version go1.22.10 linux/amd64\n",
        "{}",
        text(&out)
    );
    let out = run(&user.join("bin/go1.22.10"), &["version"]);
    assert_eq!(
        stdout(&out),
        "go version go1.22.10 linux/amd64\n",
        "{}",
        text(&out)
    );
    let out = run(&gvx, &["list"]);
    assert_eq!(
        stdout(&out),
        format!(
            "* 1.22.10  (pinned by {})  [shared store {}]\n",
            work.join(".go-version").display(),
            shared.display()
        ),
        "{}",
        text(&out)
    );
    for args in [
        &["verify"][..],
        &["current"],
        &["which"],
        &["install", "1.22.10"],
    ] {
        let out = run(&gvx, args);
        assert!(out.status.success(), "gvx {args:?}: {}", text(&out));
    }
    let out = run(&gvx, &["uninstall", "1.22.10"]);
    assert_eq!(out.status.code(), Some(6), "{}", text(&out));
    assert_eq!(
        snapshot_of(&shared),
        before,
        "nobody wrote into the shared store"
    );
    assert_eq!(server.request_count(ARCHIVE), 0, "nothing downloaded");
}

#[test]
fn install_store_is_locked_and_atomic_like_the_users_store() {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10"), FakeSdk::new("1.21.13")]);
    let home = TestHome::new()
        .with_server(&server)
        .env("GVX_LOCK_TIMEOUT", "1");
    let shared = prepared_store(&home, &["1.21.13"]);
    let before = snapshot_of(&shared);
    let install = |home: &TestHome| {
        home.gvx()
            .args(["install", "--store"])
            .arg(&shared)
            .arg("1.22.10")
            .output()
            .unwrap()
    };

    // Its lock is held by another gvx: it waits, then gives up naming the lock.
    let lock = fs::OpenOptions::new()
        .write(true)
        .open(shared.join("gvx.lock"))
        .unwrap();
    lock.lock().unwrap();
    let out = install(&home);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        stderr(&out).contains(&shared.join("gvx.lock").display().to_string()),
        "{}",
        text(&out)
    );
    assert_eq!(snapshot_of(&shared), before);
    drop(lock);

    // A corrupt download leaves the shared store as it was.
    server.set_file_fault(
        "go1.22.10.linux-amd64.tar.gz",
        crate::support::Fault::Corrupt,
    );
    let out = install(&home);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));
    assert_eq!(snapshot_of(&shared), before);
    assert_eq!(
        fs::read_dir(shared.join("sdk/.staging")).map_or(0, |d| d.count()),
        0,
        "no staging left"
    );
    server.clear_fault(ARCHIVE);
    let out = install(&home);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        stderr(&out).contains(&format!(
            "others use it with GVX_SHARED_STORES={}",
            shared.display()
        )),
        "{}",
        text(&out)
    );
}

/// `dir` bind-mounted read-only onto itself until dropped (root only).
struct ReadOnly(PathBuf);

impl ReadOnly {
    fn mount(dir: &Path) -> Option<ReadOnly> {
        let run = |args: &[&str]| {
            std::process::Command::new("mount")
                .args(args)
                .arg(dir)
                .arg(dir)
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if !run(&["--bind"]) {
            return None;
        }
        let guard = ReadOnly(dir.to_owned());
        let ok = std::process::Command::new("mount")
            .args(["-o", "remount,bind,ro"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(guard)
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_shared_store_on_a_read_only_file_system_serves_and_is_never_written() {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10"), FakeSdk::new("1.21.13")]);
    let owner = TestHome::new().with_server(&server);
    let shared = prepared_store(&owner, &["1.22.10"]);
    let Some(_ro) = ReadOnly::mount(&shared) else {
        crate::support::lanes::skip(
            "read-only mount (mount --bind, root)",
            "cannot bind-mount read-only here (not root?)",
        );
        return;
    };
    let home = TestHome::new()
        .with_server(&server)
        .env("GVX_SHARED_STORES", &shared.display().to_string());
    for args in [
        &["install", "1.22.10"][..],
        &["list"],
        &["verify"],
        &["prune"],
    ] {
        let out = home.gvx().args(args).output().unwrap();
        assert!(out.status.success(), "gvx {args:?}: {}", text(&out));
        assert!(!stderr(&out).contains("skipped"), "{}", text(&out));
    }
    let out = home
        .cmd_path(home.gvx_home().join("bin/go"))
        .arg("version")
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "go version go1.22.10 linux/amd64\n",
        "{}",
        text(&out)
    );
    // Its owner cannot add to it while it is read-only, and is told why.
    let out = owner
        .gvx()
        .args(["install", "--store"])
        .arg(&shared)
        .arg("1.21.13")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", text(&out));
    assert!(
        stderr(&out).contains("Read-only file system"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_shared_store_reached_through_a_symlink_with_a_non_ascii_name_serves() {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10")]);
    let owner = TestHome::new().with_server(&server);
    let real = prepared_store(&owner, &["1.22.10"]);
    let link = owner.root().join("Gemeinsamer Speicher ü");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let home = TestHome::new()
        .with_server(&server)
        .env("GVX_SHARED_STORES", &link.display().to_string())
        .env("GVX_AUTO_INSTALL", "0");
    home.gvx().args(["install", "1.22.10"]).assert().success();
    let go = home.gvx_home().join("bin/go");
    let out = home.cmd_path(&go).args(["env", "GOROOT"]).output().unwrap();
    assert_eq!(
        stdout(&out).trim(),
        link.join("sdk/go1.22.10").display().to_string(),
        "{}",
        text(&out)
    );
    let out = home.gvx().args(["list"]).output().unwrap();
    assert!(
        stdout(&out).contains(&format!("[shared store {}]", link.display())),
        "{}",
        text(&out)
    );
    let out = home.gvx().args(["verify"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    // GOPATH inside the shared SDK (through the link or not) is refused like one in any SDK.
    let out = home
        .cmd_path(&go)
        .arg("version")
        .env("GOPATH", real.join("sdk/go1.22.10/gopath"))
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        stderr(&out).contains("refusing to run go"),
        "{}",
        text(&out)
    );
}
