//! The README's "Exit codes" table, one test per row: each code provoked through the real `gvx`
//! binary, against a loopback server and a temporary GVX_HOME.

use crate::hardening::{assert_no_leftovers, noise, text};
use crate::install::setup;
use crate::support::goproxy::{GoProxy, Sumdb, ToolchainZip};
use crate::support::{FakeSdk, Fault, TestHome, host_os_arch};
use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;

/// `gvx args…` as `sh` runs it after `script` (run in the work directory; `$GVX` is gvx).
fn after(home: &TestHome, script: &str, args: &[&str]) -> Command {
    let mut cmd = home.cmd_path("sh");
    cmd.arg("-c")
        .arg(format!("{script} && exec \"$GVX\" \"$@\""))
        .arg("sh")
        .args(args)
        .env("GVX", assert_cmd::cargo::cargo_bin("gvx"));
    cmd
}

#[test]
fn code_1_failure_doctor_finds_a_problem() {
    let machine = crate::doctor::Machine::new();
    let sdk = machine.home.gvx_home().join("sdk/go1.22.10");
    fs::remove_file(sdk.join("src/bytes/bytes.go")).unwrap();
    machine
        .doctor(&[])
        .code(1)
        .has("FAIL  selected SDK: go1.22.10");
}

#[test]
fn code_1_failure_a_command_gvx_exec_cannot_start() {
    let (_server, home) = setup();
    home.gvx().args(["install", "1.22.10"]).assert().success();
    home.gvx()
        .args(["exec", "1.22", "--", "no-such-command-gvx"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot run `no-such-command-gvx`"));
}

#[test]
fn code_2_usage_a_bad_flag_or_a_bad_flag_value() {
    let (_server, home) = setup();
    home.gvx()
        .args(["install", "--no-such-flag", "1.22"])
        .assert()
        .code(2);
    // gvx's own usage errors: a --sha256 that is no sha256, …
    let file = home.root().join(FakeSdk::new("1.22.10").filename());
    fs::write(&file, FakeSdk::new("1.22.10").archive()).unwrap();
    home.gvx()
        .arg("install")
        .arg("--archive")
        .arg(&file)
        .args(["--sha256", "abc"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--sha256 takes the 64 hexadecimal digits of a sha256, not `abc`",
        ));
    // … an archive whose name says no version, …
    let renamed = home.root().join("go.tar.gz");
    fs::rename(&file, &renamed).unwrap();
    home.gvx()
        .arg("install")
        .arg("--archive")
        .arg(&renamed)
        .args(["--sha256", &"0".repeat(64)])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot tell the Go version from the file name `go.tar.gz`",
        ));
    // … and a version that names several installed SDKs.
    home.gvx()
        .args(["install", "1.22.10", "1.22.3"])
        .assert()
        .success();
    home.gvx()
        .args(["uninstall", "1.22"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`1.22` matches several installed SDKs",
        ));
    assert!(home.gvx_home().join("sdk/go1.22.10").is_dir());
}

#[test]
fn code_3_not_found_no_such_release_or_not_installed() {
    let (_server, home) = setup();
    home.gvx()
        .args(["install", "9.99"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("no Go release matches `9.99`"));
    home.gvx().args(["verify", "1.21"]).assert().code(3);
    // Selected by a pin, but not installed.
    fs::write(home.work().join(".go-version"), "1.21.13\n").unwrap();
    home.gvx()
        .args(["which"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("selected"));
}

#[test]
fn code_4_network_the_index_cannot_be_reached() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let home = TestHome::new()
        .env("GVX_GO_INDEX", &format!("http://127.0.0.1:{closed}/dl/"))
        .env("GVX_HTTP_TIMEOUT", "1");
    home.gvx()
        .args(["install", "1.22"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(format!("127.0.0.1:{closed}")));
}

#[test]
fn code_5_verification_an_archive_that_does_not_match_the_index() {
    let (server, home) = setup();
    server.set_file_fault(&FakeSdk::new("1.22.10").filename(), Fault::Corrupt);
    home.gvx()
        .args(["install", "1.22.10"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("sha256 mismatch"));
    assert!(!home.gvx_home().join("sdk/go1.22.10").exists());
}

#[test]
fn code_6_store_gvx_home_is_a_file() {
    let (_server, home) = setup();
    let file = home.root().join("a-file");
    fs::write(&file, "not a directory").unwrap();
    home.gvx()
        .env("GVX_HOME", &file)
        .args(["install", "1.22.10"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("is not writable"));
    home.gvx()
        .env("GVX_HOME", &file)
        .arg("list")
        .assert()
        .code(6)
        .stderr(predicate::str::contains(format!(
            "cannot read {}",
            file.join("sdk").display()
        )));
}

#[test]
fn code_6_store_a_full_disk_while_a_module_zip_downloads() {
    // Before, a write error into the store while copying the download was told as the
    // download's failure (exit 4), and `--source auto` would have tried another source.
    let home = TestHome::new();
    let (os, arch) = host_os_arch();
    let zip = ToolchainZip::fake("1.22.10", os, arch).with_entry("pkg/big.a", noise(3, 6 << 20));
    let proxy = GoProxy::new(&home.root().join("proxy"));
    let mut db = Sumdb::new("sumdb.test", 7);
    proxy.publish(&zip);
    db.add_toolchain(&zip);
    proxy.publish_sumdb(&db);
    let home = home.env("GOPROXY", &proxy.url()).env("GOSUMDB", &db.vkey());
    // `ulimit -f` with SIGXFSZ ignored: write(2) fails with EFBIG once a file reaches
    // 1-2 MiB, as on a nearly full disk.
    let out = after(
        &home,
        "trap '' XFSZ; ulimit -f 2048",
        &["install", "--source", "proxy", "1.22.10"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", text(&out));
    assert!(text(&out).contains("File too large"), "{}", text(&out));
    // Nothing installed (the checksum database's verified state is kept, as `go` keeps it).
    assert!(!home.gvx_home().join("sdk/go1.22.10").exists());
    assert_no_leftovers(&home);
}

#[test]
fn code_7_environment_a_deleted_working_directory() {
    let (_server, home) = setup();
    after(
        &home,
        "mkdir gone && cd gone && rmdir ../gone",
        &["current"],
    )
    .assert()
    .code(7)
    .stderr(predicate::str::contains(
        "cannot read the working directory",
    ));
}

#[test]
fn code_7_environment_a_pin_the_selection_refuses() {
    let (_server, home) = setup();
    fs::write(home.work().join(".go-version"), "banana\n").unwrap();
    home.gvx()
        .arg("current")
        .assert()
        .code(7)
        .stderr(predicate::str::contains(".go-version"));
}

#[test]
fn code_7_environment_settings_gvx_refuses() {
    let (_server, home) = setup();
    // No home directory to put the store in.
    home.gvx()
        .env_remove("HOME")
        .env_remove("GVX_HOME")
        .arg("list")
        .assert()
        .code(7)
        .stderr(predicate::str::contains("cannot find the gvx store"));
    // A store inside GOPATH.
    let gopath = home.root().join("gopath");
    home.gvx()
        .env("GOPATH", &gopath)
        .env("GVX_HOME", gopath.join("pkg/gvx"))
        .args(["install", "1.22.10"])
        .assert()
        .code(7)
        .stderr(predicate::str::contains("the gvx store cannot live there"));
    // A variable that is not what gvx needs.
    home.gvx()
        .env("GVX_HTTP_TIMEOUT", "soon")
        .args(["list", "--remote", "--refresh"])
        .assert()
        .code(7)
        .stderr(predicate::str::contains("GVX_HTTP_TIMEOUT is `soon`"));
    home.gvx()
        .env("GOPROXY", "off")
        .args(["install", "--source", "proxy", "1.22.10"])
        .assert()
        .code(7)
        .stderr(predicate::str::contains("GOPROXY=off"));
    // A start-up file gvx setup cannot write.
    let bashrc = home.home().join(".bashrc");
    fs::write(&bashrc, "alias ll='ls -l'\n").unwrap();
    let mut read_only = fs::metadata(&bashrc).unwrap().permissions();
    read_only.set_readonly(true);
    fs::set_permissions(&bashrc, read_only).unwrap();
    home.gvx()
        .env("SHELL", "/bin/bash")
        .arg("setup")
        .assert()
        .code(7)
        .stderr(predicate::str::contains(".bashrc"));
}
