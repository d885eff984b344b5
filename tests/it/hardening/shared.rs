//! A store shared between users (root installs, `nobody` reads), the umask, and the store
//! lock: what the README promises about each.

use super::text;
use crate::support::{FakeSdk, TestHome, TestServer, lanes, publish};
use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `gvx <args>` under `umask <mask>`, as a user's shell would start it.
pub(crate) fn gvx_with_umask(home: &TestHome, mask: &str, args: &[&str]) -> Output {
    home.cmd_path("/bin/sh")
        .arg("-c")
        .arg(format!("umask {mask} && exec \"$0\" \"$@\""))
        .arg(assert_cmd::cargo::cargo_bin("gvx"))
        .args(args)
        .output()
        .unwrap()
}

fn mode(path: &Path) -> u32 {
    fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

/// The index cache file (one per index URL).
fn index_cache(home: &TestHome) -> PathBuf {
    fs::read_dir(home.gvx_home().join("cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("index-")
        })
        .expect("the index is cached")
}

#[test]
fn everything_gvx_writes_into_the_store_follows_the_umask() {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10"), FakeSdk::new("1.22.3")]);
    for (mask, file, dir) in [("022", 0o644, 0o755), ("077", 0o600, 0o700)] {
        let home = TestHome::new().with_server(&server);
        for args in [
            &["install", "1.22.10"][..],
            &["install", "1.22.3"],
            &["use", "1.22.3"],
        ] {
            let out = gvx_with_umask(&home, mask, args);
            assert!(out.status.success(), "umask {mask}: {}", text(&out));
        }
        let store = home.gvx_home();
        let files = [
            store.join("default"),
            store.join("gvx.lock"),
            store.join("manifests/go1.22.10.txt"),
            store.join("manifests/go1.22.10.json"),
            store.join("manifests/go1.22.3.txt"),
            index_cache(&home),
        ];
        for path in &files {
            assert_eq!(mode(path), file, "umask {mask}: {}", path.display());
        }
        let dirs_and_programs = [
            store.join("sdk"),
            store.join("sdk/go1.22.10"),
            store.join("manifests"),
            store.join("cache"),
            store.join("bin"),
            store.join("bin/go"),
            store.join("bin/gofmt"),
            store.join("bin/go1.22.10"),
        ];
        for path in &dirs_and_programs {
            assert_eq!(mode(path), dir, "umask {mask}: {}", path.display());
        }
    }
}

/// `runuser -u nobody -- env -i … <program> <args>` in `cwd`, with the store and the server.
fn as_nobody(
    store: &Path,
    server: &TestServer,
    cwd: &Path,
    program: &Path,
    args: &[&str],
) -> Output {
    as_nobody_with(store, server, cwd, program, args, &[])
}

/// [`as_nobody`] with `extra` `KEY=VALUE` variables.
pub(crate) fn as_nobody_with(
    store: &Path,
    server: &TestServer,
    cwd: &Path,
    program: &Path,
    args: &[&str],
    extra: &[String],
) -> Output {
    Command::new("runuser")
        .current_dir(cwd)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .args(["-u", "nobody", "--", "env", "-i", "PATH=/usr/bin:/bin"])
        .arg(format!("HOME={}", cwd.display()))
        .arg(format!("GVX_HOME={}", store.display()))
        .arg(format!("GVX_GO_INDEX={}", server.index_url()))
        .arg(format!("GVX_GO_MIRROR={}", server.mirror_url()))
        .arg("GVX_GO_SOURCE=dl")
        .arg("GVX_AUTO_INSTALL=0")
        .arg("NO_COLOR=1")
        .args(extra)
        .arg(program)
        .args(args)
        .output()
        .unwrap()
}

/// Whether `runuser -u nobody` works here (root, util-linux); says why not otherwise.
pub(crate) fn can_run_as_nobody() -> bool {
    let ok = Command::new("runuser")
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .args(["-u", "nobody", "--", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        lanes::skip(
            "shared store (runuser, root)",
            "`runuser -u nobody` does not work here (not root, or no util-linux)",
        );
    }
    ok
}

/// A test home whose directories others may enter (the temp dir itself is 0700), with gvx and
/// gvx-shim copied into the store's bin/ (the cargo target dir may not be readable by others).
pub(crate) fn shared_home(server: &TestServer) -> TestHome {
    let home = TestHome::new().with_server(server);
    fs::set_permissions(home.root(), fs::Permissions::from_mode(0o755)).unwrap();
    for dir in [home.gvx_home(), home.work(), home.home()] {
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let bin = home.gvx_home().join("bin");
    fs::create_dir_all(&bin).unwrap();
    fs::copy(assert_cmd::cargo::cargo_bin("gvx"), bin.join("gvx")).unwrap();
    fs::copy(crate::support::shim_bin(), bin.join("gvx-shim")).unwrap();
    home
}

#[test]
fn a_store_root_installed_works_read_only_for_another_user() {
    if !can_run_as_nobody() {
        return;
    }
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10"), FakeSdk::new("1.21.13")]);
    let home = shared_home(&server);
    let out = gvx_with_umask(&home, "022", &["install", "1.22.10"]);
    assert!(out.status.success(), "{}", text(&out));
    let store = home.gvx_home();
    let work = home.work();
    let run = |program: &Path, args: &[&str]| as_nobody(&store, &server, &work, program, args);
    let gvx = store.join("bin/gvx");

    let out = run(&store.join("bin/go"), &["version"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "go version go1.22.10 linux/amd64\n",
        "{}",
        text(&out)
    );
    for args in [
        &["list"][..],
        &["list", "--json"],
        &["current"],
        &["which"],
        &["which", "--goroot"],
        &["verify"],
    ] {
        let out = run(&gvx, args);
        assert!(
            out.status.success(),
            "gvx {args:?} as nobody: {}",
            text(&out)
        );
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("waiting"),
            "{}",
            text(&out)
        );
    }
    let out = run(&gvx, &["list"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("* 1.22.10  (global default"),
        "{}",
        text(&out)
    );

    // A command that must write says which path it needs, and why.
    let out = run(&gvx, &["install", "1.21.13"]);
    assert_eq!(out.status.code(), Some(6), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is not writable"), "{stderr}");
    assert!(
        stderr.contains(&store.join("gvx.lock").display().to_string()),
        "{stderr}"
    );
    assert!(!store.join("sdk/go1.21.13").exists());
}

#[test]
fn an_unreadable_store_file_is_an_error_that_names_it() {
    if !can_run_as_nobody() {
        return;
    }
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10")]);
    let home = shared_home(&server);
    let out = gvx_with_umask(&home, "022", &["install", "1.22.10"]);
    assert!(out.status.success(), "{}", text(&out));
    let store = home.gvx_home();
    let default = store.join("default");
    fs::set_permissions(&default, fs::Permissions::from_mode(0o600)).unwrap();
    let out = as_nobody(
        &store,
        &server,
        &home.work(),
        &store.join("bin/gvx"),
        &["list"],
    );
    assert_eq!(out.status.code(), Some(6), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot read {}", default.display())),
        "{stderr}"
    );
    assert!(stderr.contains("hint:"), "{stderr}");
}

#[test]
fn an_install_that_cannot_rename_into_sdk_leaves_no_trace() {
    if !can_run_as_nobody() {
        return;
    }
    // The store is nobody's except sdk/ (root's, 0755): nobody can stage an install in
    // sdk/.staging (its own) but not rename the result into sdk/.
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10")]);
    let home = shared_home(&server);
    let store = home.gvx_home();
    fs::create_dir_all(store.join("sdk/.staging")).unwrap();
    fs::set_permissions(store.join("sdk"), fs::Permissions::from_mode(0o755)).unwrap();
    let chown = |path: &Path| {
        let ok = Command::new("chown")
            .args(["-R", "nobody"])
            .arg(path)
            .status()
            .unwrap();
        assert!(ok.success());
    };
    chown(&store.join("bin"));
    chown(&store.join("sdk/.staging"));
    Command::new("chown")
        .arg("nobody")
        .arg(&store)
        .status()
        .unwrap();
    let before = super::snapshot_of(&store);
    let out = as_nobody(
        &store,
        &server,
        &home.work(),
        &store.join("bin/gvx"),
        &["install", "1.22.10"],
    );
    assert_eq!(out.status.code(), Some(6), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("installed go1.22.10"), "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert!(
        stderr.contains(&store.join("sdk/go1.22.10").display().to_string()),
        "the error names the path: {stderr}"
    );
    let mut after = super::snapshot_of(&store);
    // An empty manifests/ directory may be left; no file in it.
    if after.get("manifests").is_some_and(|k| k.starts_with("dir")) {
        after.remove("manifests");
    }
    assert_eq!(after, before, "the failed install left a trace");
    assert_eq!(
        fs::read_dir(store.join("sdk/.staging")).unwrap().count(),
        0,
        "staging cleaned up"
    );
}

/// Holds `<store>/gvx.lock` as another gvx would, until dropped.
fn hold_lock(home: &TestHome) -> fs::File {
    fs::create_dir_all(home.gvx_home()).unwrap();
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(home.gvx_home().join("gvx.lock"))
        .unwrap();
    file.lock().unwrap();
    file
}

#[test]
fn a_second_install_waits_for_the_lock_and_says_so() {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10")]);
    let home = TestHome::new().with_server(&server);
    let lock = hold_lock(&home);
    let mut child = home
        .gvx_std()
        .args(["install", "1.22.10"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    // It says it is waiting (naming the lock) while the lock is held ...
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            panic!("gvx ended without waiting: {seen}");
        }
        seen.push_str(&line);
        if line.contains("waiting for another gvx process") {
            assert!(
                line.contains(&home.gvx_home().join("gvx.lock").display().to_string()),
                "{line}"
            );
            break;
        }
    }
    assert!(!home.gvx_home().join("sdk/go1.22.10").exists());
    // ... and goes on once it is released.
    drop(lock);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{seen}{rest}");
    assert!(rest.contains("installed go1.22.10"), "{rest}");
}

#[test]
fn list_current_which_verify_and_the_shims_never_wait_for_the_lock() {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10")]);
    // A lock taken would end these with an error after a second.
    let home = TestHome::new()
        .with_server(&server)
        .env("GVX_LOCK_TIMEOUT", "1")
        .env("GVX_AUTO_INSTALL", "0");
    home.gvx().args(["install", "1.22.10"]).assert().success();
    let _lock = hold_lock(&home);
    for args in [
        &["list"][..],
        &["list", "--json"],
        &["current"],
        &["which"],
        &["verify"],
    ] {
        let out = home.gvx().args(args).output().unwrap();
        assert!(out.status.success(), "gvx {args:?}: {}", text(&out));
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("waiting"),
            "gvx {args:?}: {}",
            text(&out)
        );
    }
    for shim in ["go", "go1.22.10"] {
        let out = home
            .cmd_path(home.gvx_home().join("bin").join(shim))
            .arg("version")
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "go version go1.22.10 linux/amd64\n",
            "{}",
            text(&out)
        );
        assert!(out.stderr.is_empty(), "{}", text(&out));
    }
}

#[test]
fn the_lock_timeout_is_a_clear_error_naming_the_lock_file() {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10")]);
    let home = TestHome::new()
        .with_server(&server)
        .env("GVX_LOCK_TIMEOUT", "1");
    let _lock = hold_lock(&home);
    for args in [&["install", "1.22.10"][..], &["use", "1.22.10"]] {
        let out = home.gvx().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(6), "{}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let lock = home.gvx_home().join("gvx.lock").display().to_string();
        assert!(
            stderr.contains("waiting for another gvx process"),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("another gvx process has held {lock} for over 1 s")),
            "{stderr}"
        );
        assert!(stderr.contains("GVX_LOCK_TIMEOUT"), "{stderr}");
        assert!(!home.gvx_home().join("sdk/go1.22.10").exists());
    }
}
