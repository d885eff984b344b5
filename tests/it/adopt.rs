//! `gvx adopt DIR`: an SDK tree on disk, laid out as the official archive unpacks it, taken
//! into the store once a checksum database signed with a test key proves it — and refused,
//! with the store unchanged, when one file was changed or a tool added to its `bin/`.
//! What the database signs comes from `support::goproxy` (distpack's module form of the tree,
//! built independently of gvx), so gvx's mapping of the tree to the module is what is tested.

use crate::proxy::assert_nothing_installed;
use crate::support::goproxy::{ToolchainZip, distpack_mode};
use crate::support::{TestHome, host_os_arch};
use predicates::prelude::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// A home whose GOPROXY carries a checksum database with a record for each of `proven`
/// (distpack's module form of the tree, as `support::goproxy` builds it) and no toolchain zip:
/// adopting downloads nothing.
struct Fixture {
    home: TestHome,
}

impl Fixture {
    fn new(proven: &[&Path]) -> Fixture {
        let (os, arch) = host_os_arch();
        let zips: Vec<ToolchainZip> = proven
            .iter()
            .map(|dir| {
                let version = fs::read_to_string(dir.join("VERSION")).unwrap();
                let version = version.lines().next().unwrap().to_owned();
                ToolchainZip::from_sdk_tree(dir, &version, os, arch)
            })
            .collect();
        let f = crate::proxy::fixture(&zips, 40);
        for zip in &zips {
            fs::remove_file(f.proxy.zip_path(&zip.module_version())).unwrap();
        }
        Fixture { home: f.home }
    }

    fn adopt(&self, args: &[&str]) -> assert_cmd::assert::Assert {
        self.home.gvx().arg("adopt").args(args).assert()
    }

    fn store_sdk(&self, version: &str) -> PathBuf {
        self.home
            .gvx_home()
            .join("sdk")
            .join(format!("go{version}"))
    }
}

/// Writes, in `dir`, an SDK as the official archive unpacks it: the fake toolchain's files
/// (with `go.mod`, not the module's `_go.mod`) and the parts the archive has and the module
/// not (`api/`, `doc/`, `misc/`, `test/`).
fn sdk_tree(dir: &Path, version: &str) -> PathBuf {
    let (os, arch) = host_os_arch();
    let zip = ToolchainZip::fake(version, os, arch);
    let prefix = zip.prefix();
    let mut files: Vec<(String, Vec<u8>)> = zip
        .entries
        .iter()
        .map(|(name, data)| {
            let rel = name.strip_prefix(&prefix).unwrap();
            let rel = match rel.strip_suffix("_go.mod") {
                Some(dir) => format!("{dir}go.mod"),
                None => rel.to_owned(),
            };
            (rel, data.bytes().into_owned())
        })
        .collect();
    for extra in [
        "api/go1.txt",
        "doc/go_spec.html",
        "misc/wasm/wasm_exec.js",
        "test/run.go",
    ] {
        files.push((extra.to_owned(), format!("{extra}\n").into_bytes()));
    }
    for (rel, data) in files {
        write(dir, &rel, &data);
    }
    dir.to_owned()
}

/// `<scratch>/go`, a go1.22.10 tree the fixture's database proves.
fn proven_go() -> (tempfile::TempDir, PathBuf, Fixture) {
    let scratch = tempfile::tempdir().unwrap();
    let dir = sdk_tree(&scratch.path().join("go"), "1.22.10");
    let f = Fixture::new(&[&dir]);
    (scratch, dir, f)
}

fn write(dir: &Path, rel: &str, data: &[u8]) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, data).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(distpack_mode(rel))).unwrap();
}

/// Every file under `dir` with its contents, to show a tree was left as it was.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_owned()];
    while let Some(d) = dirs.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

#[test]
fn adopts_a_tree_the_checksum_database_proves_and_leaves_the_original() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = sdk_tree(&scratch.path().join("local/go"), "1.22.10");
    let f = Fixture::new(&[&dir]);
    let before = snapshot(&dir);
    let shown = dir.display().to_string();
    f.adopt(&[&shown])
        .success()
        .stderr(
            predicate::str::contains("adopted go1.22.10")
                .and(predicate::str::contains("adopted, proven by sumdb.test")),
        )
        .stderr(predicate::str::contains(
            "left out 4 files of api/, doc/, misc/ and test/",
        ));
    assert_eq!(snapshot(&dir), before, "the original is untouched");

    // The store holds the module form: `_go.mod` with its `go.mod` copy, no archive-only parts.
    let sdk = f.store_sdk("1.22.10");
    for d in ["src", "src/cmd"] {
        assert_eq!(
            fs::read(sdk.join(d).join("_go.mod")).unwrap(),
            fs::read(dir.join(d).join("go.mod")).unwrap()
        );
        assert!(sdk.join(d).join("go.mod").is_file());
    }
    assert!(!sdk.join("api").exists() && !sdk.join("misc").exists());
    assert_eq!(
        fs::metadata(sdk.join("bin/go"))
            .unwrap()
            .permissions()
            .mode()
            & 0o111,
        0o111
    );

    f.home.gvx().arg("list").assert().success().stdout(
        predicate::str::contains("1.22.10")
            .and(predicate::str::contains("[adopted, proven by sumdb.test]")),
    );
    let json: serde_json::Value = serde_json::from_slice(
        &f.home
            .gvx()
            .args(["list", "--json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(json[0]["source"], "adopted");
    f.home
        .gvx()
        .args(["verify", "1.22.10"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("go1.22.10: ok").and(predicate::str::contains(format!(
                "from {shown}: adopted, proven by sumdb.test: h1:"
            ))),
        );
    // The shims run the store's copy, not the original.
    let goroot = f
        .home
        .cmd_path(f.home.gvx_home().join("bin/go"))
        .args(["env", "GOROOT"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&goroot.stdout).trim(),
        sdk.display().to_string()
    );

    // Adopting it again does nothing.
    f.adopt(&[&shown])
        .success()
        .stderr(predicate::str::contains("go1.22.10 is already installed"));

    // `gvx verify` re-checks the adopted tree.
    fs::remove_file(sdk.join("bin/gofmt")).unwrap();
    let out = f.home.gvx().arg("verify").output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("go1.22.10: FAILED: files 1 missing (bin/gofmt)"),
        "{stdout}"
    );
}

#[test]
fn refuses_a_tree_with_one_changed_file() {
    let (_scratch, dir, f) = proven_go();
    write(&dir, "src/cmd/go/main.go", b"package main // changed\n");
    let assert = f.adopt(&[&dir.display().to_string()]).code(5);
    let stderr = stderr_of(&assert);
    assert!(
        stderr.contains("is not Go 1.22.10 as the checksum database sumdb.test proves it")
            && stderr.contains("its toolchain files hash as h1:")
            && stderr.contains("--unverified"),
        "{stderr}"
    );
    assert_nothing_installed(&f.home);
}

#[test]
fn refuses_a_tool_added_to_bin_naming_it_and_unverified_takes_it_as_found() {
    let (_scratch, dir, f) = proven_go();
    write(&dir, "bin/gopls", b"#!/bin/sh\necho gopls\n");
    let shown = dir.display().to_string();
    let assert = f.adopt(&[&shown]).code(5);
    let stderr = stderr_of(&assert);
    assert!(
        stderr.contains("bin/gopls in bin/ not part of Go's distribution")
            && stderr.contains("the rest of its files are the release")
            && stderr.contains("hint: remove the files named above"),
        "{stderr}"
    );
    assert_nothing_installed(&f.home);

    f.adopt(&["--unverified", &shown])
        .success()
        .stderr(predicate::str::contains("adopted, unverified"));
    assert!(
        f.store_sdk("1.22.10").join("bin/gopls").is_file(),
        "taken as found"
    );
    f.home
        .gvx()
        .arg("list")
        .assert()
        .success()
        .stdout(predicate::str::contains("[adopted, unverified]"));
    f.home
        .gvx()
        .arg("verify")
        .assert()
        .success()
        .stdout(predicate::str::contains("adopted, unverified"));
}

#[test]
fn go_before_1_21_is_adopted_only_unverified() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = sdk_tree(&scratch.path().join("go1.20.14"), "1.20.14");
    let f = Fixture::new(&[]);
    let shown = dir.display().to_string();
    let assert = f.adopt(&[&shown]).code(5);
    let stderr = stderr_of(&assert);
    assert!(
        stderr.contains(
            "releases before Go 1.21 were not published as the golang.org/toolchain module"
        ) && stderr.contains(&format!("gvx adopt --unverified {shown}")),
        "{stderr}"
    );
    assert_nothing_installed(&f.home);
    f.adopt(&["--unverified", &shown]).success();
    assert!(f.store_sdk("1.20.14").join("api/go1.txt").is_file());
}

#[test]
fn a_version_the_database_does_not_know_is_refused() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = sdk_tree(&scratch.path().join("go"), "1.22.10");
    let f = Fixture::new(&[]);
    let assert = f.adopt(&[&dir.display().to_string()]).code(3);
    assert!(stderr_of(&assert).contains("--unverified"));
    assert_nothing_installed(&f.home);
}

#[test]
fn move_leaves_a_link_that_keeps_the_original_path_working() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = sdk_tree(&scratch.path().join("sdk/go1.22.10"), "1.22.10");
    let f = Fixture::new(&[&dir]);
    f.adopt(&["--move", &dir.display().to_string()])
        .success()
        .stderr(predicate::str::contains("is now a link to"));
    let sdk = f.store_sdk("1.22.10");
    assert_eq!(fs::read_link(&dir).unwrap(), sdk);
    f.home
        .cmd_path(dir.join("bin/go"))
        .arg("version")
        .assert()
        .success()
        .stdout(predicate::str::contains("go1.22.10"));
    // Nothing is left beside it.
    let left: Vec<_> = fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["go1.22.10"]);
    assert!(!fs::symlink_metadata(&sdk).unwrap().file_type().is_symlink());
}

#[test]
fn what_is_not_an_sdk_is_said() {
    let scratch = tempfile::tempdir().unwrap();
    let f = Fixture::new(&[]);
    let empty = scratch.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    let assert = f.adopt(&[&empty.display().to_string()]).code(7);
    assert!(
        stderr_of(&assert).contains("is not a Go SDK: its VERSION file cannot be read"),
        "{}",
        stderr_of(&assert)
    );
    f.adopt(&[&scratch.path().join("missing").display().to_string()])
        .code(3);
    // A tree without bin/go is not a complete SDK.
    let dir = sdk_tree(&scratch.path().join("go"), "1.22.10");
    fs::remove_file(dir.join("bin/go")).unwrap();
    let assert = f.adopt(&[&dir.display().to_string()]).code(5);
    assert!(stderr_of(&assert).contains("has no bin/go"));
    assert_nothing_installed(&f.home);
}

/// A real SDK (go1.22.10 for linux/amd64, unpacked from its archive), proven against a
/// database that signed distpack's module form of it: every real file lands where the module
/// puts it, and the adopted `go` runs.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
#[test]
fn adopts_a_real_sdk() {
    let Some(goroot) = crate::support::goproxy::real_goroot("1.22.10") else {
        return;
    };
    let f = Fixture::new(&[&goroot]);
    f.adopt(&[&goroot.display().to_string()])
        .success()
        .stderr(predicate::str::contains("adopted, proven by sumdb.test"));
    f.home
        .cmd_path(f.home.gvx_home().join("bin/go"))
        .args(["env", "GOROOT", "GOVERSION"])
        .assert()
        .success()
        .stdout(format!("{}\ngo1.22.10\n", f.store_sdk("1.22.10").display()));
    f.home.gvx().arg("verify").assert().success();
}

#[test]
fn prune_and_upgrade_prune_leave_an_adopted_sdk_alone() {
    let scratch = tempfile::tempdir().unwrap();
    let newer = sdk_tree(&scratch.path().join("go1.22.8"), "1.22.8");
    let older = sdk_tree(&scratch.path().join("go1.22.3"), "1.22.3");
    let f = Fixture::new(&[]);
    for dir in [&newer, &older] {
        f.adopt(&["--unverified", &dir.display().to_string()])
            .success();
    }
    let out = f.home.gvx().args(["prune"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "nothing to prune\nkept:\n  \
         1.22.8  the global default\n  \
         1.22.3  adopted; `gvx uninstall` removes it\n"
    );
    assert!(f.store_sdk("1.22.3").join("bin").is_dir());
}
