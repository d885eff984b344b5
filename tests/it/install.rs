//! `gvx install`, `uninstall`, `list`: the verified, atomic install pipeline against a loopback
//! server speaking the official index format, with every fault leaving the store as it was.

use crate::support::{
    FakeSdk, Fault, IndexRelease, TestHome, TestServer, hostile, publish, success_json,
};
use predicates::prelude::*;
use std::fs;
use std::path::Path;

/// A server publishing fake SDKs 1.22.10, 1.22.3 and 1.21.13, and a home using it.
pub fn setup() -> (TestServer, TestHome) {
    let server = TestServer::start();
    publish(
        &server,
        &[
            FakeSdk::new("1.22.10"),
            FakeSdk::new("1.22.3"),
            FakeSdk::new("1.21.13"),
        ],
    );
    let home = TestHome::new().with_server(&server);
    (server, home)
}

/// Every entry of `sdk/` that a reader would see: no SDK and no leftovers but the scratch dir.
fn sdk_entries(home: &TestHome) -> Vec<String> {
    let Ok(entries) = fs::read_dir(home.gvx_home().join("sdk")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The store holds no SDK and no partial tree.
fn assert_store_empty(home: &TestHome) {
    for name in sdk_entries(home) {
        assert_eq!(name, ".staging", "unexpected entry in sdk/");
    }
    let staging = home.gvx_home().join("sdk/.staging");
    if staging.exists() {
        assert_eq!(
            fs::read_dir(&staging).unwrap().count(),
            0,
            "staging must be cleaned up"
        );
    }
}

fn read(path: impl AsRef<Path>) -> String {
    fs::read_to_string(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

#[test]
fn installs_the_newest_patch_verified_with_shims_and_default() {
    let (server, home) = setup();
    home.gvx()
        .args(["install", "1.22"])
        .assert()
        .success()
        .stderr(predicate::str::contains("installed go1.22.10"))
        .stderr(predicate::str::contains("is now the global default"));
    let sdk = home.gvx_home().join("sdk/go1.22.10");
    assert!(sdk.join("bin/go").is_file());
    assert_eq!(read(sdk.join("VERSION")).lines().next(), Some("go1.22.10"));
    assert_eq!(read(home.gvx_home().join("default")).trim(), "1.22.10");
    for shim in ["go", "gofmt", "go1.22.10"] {
        assert!(
            home.gvx_home().join("bin").join(shim).is_file(),
            "missing shim {shim}"
        );
    }
    let archive = server.requests_to("/go/go1.22.10.linux-amd64.tar.gz");
    assert_eq!(archive.len(), 1);
    let agent = archive[0]
        .header("user-agent")
        .unwrap_or_default()
        .to_owned();
    assert!(agent.starts_with("gvx/"), "User-Agent was {agent:?}");
    assert_store_empty_but(&home, &["go1.22.10"]);
}

/// An archive install records where it came from and what proved it; `gvx verify` re-hashes
/// the tree against the manifest and names what changed, was removed or was added.
#[test]
fn the_provenance_is_recorded_and_verify_finds_changes() {
    let (server, home) = setup();
    let json = success_json(home.gvx().args(["install", "1.21.13", "--json"]));
    let item = &json[0];
    assert_eq!(item["source"], "dl");
    assert_eq!(item["new"], true);
    assert_eq!(item["provenance"]["index"], server.index_url().as_str());
    let sha = item["provenance"]["sha256"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    assert!(item["verification"].as_str().unwrap().contains(sha));
    home.gvx()
        .args(["install", "1.21.13", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"new\": false"));

    home.gvx().arg("verify").assert().success().stdout(
        predicate::str::contains("go1.21.13: ok").and(predicate::str::contains("from dl: sha256")),
    );
    let sdk = home.gvx_home().join("sdk/go1.21.13");
    fs::write(sdk.join("VERSION"), "go1.21.13\nchanged\n").unwrap();
    fs::write(sdk.join("bin/extra"), "added").unwrap();
    home.gvx()
        .args(["verify", "1.21", "--json"])
        .assert()
        .code(5)
        .stdout(predicate::str::contains(
            "files 1 changed (VERSION), 1 added (bin/extra)",
        ))
        .stderr(predicate::str::contains("gvx install --force"));
    home.gvx().args(["verify", "1.19"]).assert().code(3);
}

fn assert_store_empty_but(home: &TestHome, sdks: &[&str]) {
    let names: Vec<String> = sdk_entries(home)
        .into_iter()
        .filter(|n| n != ".staging")
        .collect();
    assert_eq!(names, sdks);
}

#[test]
fn already_installed_is_success_and_downloads_nothing() {
    let (server, home) = setup();
    home.gvx().args(["install", "1.22.10"]).assert().success();
    server.clear_requests();
    home.gvx()
        .args(["install", "1.22.10"])
        .assert()
        .success()
        .stderr(predicate::str::contains("already installed"));
    home.gvx()
        .args(["install", "1.22"])
        .assert()
        .success()
        .stderr(predicate::str::contains("already installed"));
    assert_eq!(server.request_count("/go/go1.22.10.linux-amd64.tar.gz"), 0);
    home.gvx()
        .args(["install", "--force", "1.22.10"])
        .assert()
        .success()
        .stderr(predicate::str::contains("installed go1.22.10"));
    assert_eq!(server.request_count("/go/go1.22.10.linux-amd64.tar.gz"), 1);
    assert_store_empty_but(&home, &["go1.22.10"]);
}

#[test]
fn sha256_mismatch_is_refused_with_both_digests_and_the_url() {
    let (server, home) = setup();
    server.set_file_fault("go1.22.10.linux-amd64.tar.gz", Fault::Corrupt);
    home.gvx()
        .args(["install", "1.22.10"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(
            "sha256 mismatch for http://127.0.0.1",
        ))
        .stderr(predicate::str::contains("expected: "))
        .stderr(predicate::str::contains("actual:   "))
        .stderr(predicate::str::contains("nothing was installed"));
    assert_store_empty(&home);
    assert!(!home.gvx_home().join("default").exists());
}

#[test]
fn a_truncated_or_reset_download_is_retried() {
    let (server, home) = setup();
    let name = "go1.22.10.linux-amd64.tar.gz";
    server.set_file_fault(name, Fault::fail_first(1, Fault::Truncate { at: 1000 }));
    home.gvx().args(["install", "1.22.10"]).assert().success();
    let resumed = server.requests_to(&format!("/go/{name}"));
    assert!(
        resumed.iter().any(|r| r.header("range").is_some()),
        "the retry resumes with Range"
    );

    let (server, home) = setup();
    server.set_file_fault(name, Fault::fail_first(2, Fault::Reset));
    home.gvx().args(["install", "1.22.10"]).assert().success();
    assert_store_empty_but(&home, &["go1.22.10"]);
}

#[test]
fn a_download_that_keeps_failing_leaves_the_store_as_it_was() {
    let (server, home) = setup();
    let name = "go1.22.10.linux-amd64.tar.gz";
    server.disable_range();
    server.set_file_fault(name, Fault::Truncate { at: 1000 });
    home.gvx()
        .args(["install", "1.22.10"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(format!(
            "{name} was cut off after"
        )));
    assert_store_empty(&home);

    server.set_file_fault(name, Fault::Status(500));
    home.gvx()
        .args(["install", "1.22.10"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("answered 500"));
    assert!(
        server.request_count(&format!("/go/{name}")) > 1,
        "5xx is retried"
    );

    server.set_file_fault(name, Fault::Status(404));
    home.gvx()
        .args(["install", "1.22.10"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("answered 404"))
        .stderr(predicate::str::contains("check GVX_GO_MIRROR"));
    assert_store_empty(&home);
}

#[test]
fn a_broken_index_is_a_clear_error() {
    let server = TestServer::start();
    let home = TestHome::new().with_server(&server);
    server.set_index_json("{ this is not json");
    home.gvx()
        .args(["install", "1.22"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("is not a Go download index"));
    server.set_raw("/dl/", 500, "oops");
    home.gvx()
        .args(["install", "1.22"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("answered 500"));
    assert_store_empty(&home);
}

#[test]
fn an_index_without_this_platform_names_the_platform() {
    let server = TestServer::start();
    let other = FakeSdk::new("1.22.10").os("plan9").arch("386");
    let bytes = other.archive();
    server.put_file(&other.filename(), bytes.clone());
    server.set_index(&[IndexRelease::new("1.22.10").sdk(&other, &bytes)]);
    let home = TestHome::new().with_server(&server);
    home.gvx()
        .args(["install", "1.22"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "no Go release matches `1.22` for linux/amd64",
        ));
}

#[test]
fn specs_that_match_nothing_say_what_would() {
    let (_server, home) = setup();
    home.gvx()
        .args(["install", "1.99"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("no Go release matches `1.99`"))
        .stderr(predicate::str::contains("available nearby: 1.22.10"));
    home.gvx()
        .args(["install", "1.22.99"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "available nearby: 1.22.10, 1.22.3",
        ));
    for bad in ["banana", "1.2.3.4", ""] {
        home.gvx()
            .args(["install", bad])
            .assert()
            .code(3)
            .stderr(predicate::str::contains("a Go version looks like `1.22`"));
    }
    assert_store_empty(&home);
}

#[test]
fn hostile_archives_are_refused_and_nothing_escapes() {
    type Build = fn(&FakeSdk) -> Vec<u8>;
    let cases: [(&str, Build); 8] = [
        ("../", hostile::tar_dotdot),
        ("absolute", hostile::tar_absolute),
        ("nested ..", hostile::tar_nested_dotdot),
        ("symlink", hostile::tar_symlink_escape),
        ("absolute symlink", hostile::tar_symlink_absolute),
        ("hardlink", hostile::tar_hardlink_outside),
        ("device", hostile::tar_char_device),
        ("duplicate", hostile::tar_duplicate_entries),
    ];
    for (what, build) in cases {
        let server = TestServer::start();
        let sdk = FakeSdk::new("1.22.10");
        let bytes = build(&sdk);
        server.put_file(&sdk.filename(), bytes.clone());
        server.set_index(&[IndexRelease::new("1.22.10").sdk(&sdk, &bytes)]);
        let home = TestHome::new().with_server(&server);
        let output = home.gvx().args(["install", "1.22.10"]).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(5),
            "{what}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("refusing archive entry"),
            "{what}"
        );
        assert_store_empty(&home);
        for escaped in ["evil", "x", "outside"] {
            assert!(
                !home.root().join(escaped).exists() && !home.gvx_home().join(escaped).exists(),
                "{what} wrote {escaped}"
            );
        }
    }
}

#[test]
fn an_archive_with_the_wrong_version_or_no_go_binary_is_refused() {
    for (sdk, message) in [
        (
            FakeSdk::new("1.22.10").version_file("go1.21.0\n"),
            "says it is `go1.21.0`",
        ),
        (FakeSdk::new("1.22.10").without("bin/go"), "has no bin/go"),
    ] {
        let server = TestServer::start();
        publish(&server, &[sdk]);
        let home = TestHome::new().with_server(&server);
        home.gvx()
            .args(["install", "1.22.10"])
            .assert()
            .code(5)
            .stderr(predicate::str::contains(message));
        assert_store_empty(&home);
    }
}

#[test]
fn an_unwritable_store_is_a_clear_error() {
    let (_server, home) = setup();
    let blocker = home.root().join("a-file");
    fs::write(&blocker, "not a directory").unwrap();
    home.gvx()
        .env("GVX_HOME", blocker.join("store"))
        .args(["install", "1.22.10"])
        .assert()
        .code(6)
        .stderr(predicate::str::contains("is not writable"))
        .stderr(predicate::str::contains("GVX_HOME"));
}

#[test]
fn a_store_inside_a_go_directory_is_refused() {
    let (_server, home) = setup();
    let gopath = home.root().join("gopath");
    home.gvx()
        .env("GOPATH", &gopath)
        .env("GVX_HOME", gopath.join("pkg/gvx"))
        .args(["install", "1.22.10"])
        .assert()
        // GVX_HOME and GOPATH overlap: the user's environment (exit 7), not the store.
        .code(7)
        .stderr(predicate::str::contains("the gvx store cannot live there"))
        .stderr(predicate::str::contains("GOPATH"));
    // GOPATH=$HOME with the store at ~/.gvx is fine.
    home.gvx()
        .env("GOPATH", home.home())
        .env("GVX_HOME", home.home().join(".gvx"))
        .args(["install", "1.22.10"])
        .assert()
        .success();
}

#[test]
fn a_killed_install_leaves_no_partial_sdk_and_the_next_one_succeeds() {
    let (server, home) = setup();
    server.set_file_fault("go1.22.10.linux-amd64.tar.gz", Fault::Stall { ms: 8000 });
    let mut child = home.gvx_std().args(["install", "1.22.10"]).spawn().unwrap();
    let staging = home.gvx_home().join("sdk/.staging");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !staging.exists() || fs::read_dir(&staging).unwrap().count() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "install never started staging"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    home.gvx()
        .args(["list"])
        .assert()
        .success()
        .stderr(predicate::str::contains("no Go SDKs installed"));
    assert!(!home.gvx_home().join("sdk/go1.22.10").exists());
    server.clear_fault("/go/go1.22.10.linux-amd64.tar.gz");
    home.gvx().args(["install", "1.22.10"]).assert().success();
    assert_store_empty_but(&home, &["go1.22.10"]);
}

#[test]
fn two_concurrent_installs_both_succeed_with_one_sdk() {
    let (server, home) = setup();
    server.set_file_fault(
        "go1.22.10.linux-amd64.tar.gz",
        Fault::Slow {
            bytes_per_sec: 20_000,
        },
    );
    let spawn = || home.gvx_std().args(["install", "1.22"]).output();
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
    });
    assert!(a.status.success() && b.status.success(), "{a:?}\n{b:?}");
    let both = format!(
        "{}{}",
        String::from_utf8_lossy(&a.stderr),
        String::from_utf8_lossy(&b.stderr)
    );
    assert!(
        both.contains("already installed"),
        "the second waits and finds it installed: {both}"
    );
    assert_store_empty_but(&home, &["go1.22.10"]);
}

#[test]
fn offline_install_from_an_archive_file() {
    let (server, home) = setup();
    let sdk = FakeSdk::new("1.22.10");
    let file = home.root().join(sdk.filename());
    fs::write(&file, sdk.archive()).unwrap();
    home.gvx()
        .arg("install")
        .arg("--archive")
        .arg(&file)
        .assert()
        .success();
    assert_store_empty_but(&home, &["go1.22.10"]);

    // No index at all: --sha256 names the expected digest, and a wrong one is refused.
    let offline = TestHome::new()
        .env("GVX_GO_INDEX", "http://127.0.0.1:9/dl/")
        .env("GVX_GO_MIRROR", "http://127.0.0.1:9/go");
    let sha = crate::support::sha256_hex(&sdk.archive());
    offline
        .gvx()
        .arg("install")
        .arg("--archive")
        .arg(&file)
        .args(["--sha256", &"0".repeat(64)])
        .assert()
        .code(5);
    assert_store_empty(&offline);
    offline
        .gvx()
        .arg("install")
        .arg("--archive")
        .arg(&file)
        .args(["--sha256", &sha])
        .assert()
        .success();
    drop(server);
}

#[test]
fn the_index_cache_serves_while_fresh_and_when_offline() {
    let (server, home) = setup();
    home.gvx()
        .args(["list", "--remote"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1.22.10"));
    server.clear_requests();
    home.gvx().args(["list", "--remote"]).assert().success();
    assert_eq!(server.request_count("/dl/"), 0, "a fresh cache is used");
    server.set_raw("/dl/", 503, "down");
    home.gvx()
        .env("GVX_INDEX_TTL", "0")
        .args(["list", "--remote"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1.22.10"))
        .stderr(predicate::str::contains("using the cached index from"));
}

#[test]
fn list_remote_and_json() {
    let (server, home) = setup();
    let mut releases = publish(
        &server,
        &[
            FakeSdk::new("1.23rc1"),
            FakeSdk::new("1.22.10"),
            FakeSdk::new("1.21.13"),
        ],
    );
    releases.push(IndexRelease::legacy("1.4.2"));
    server.set_index(&releases);
    home.gvx()
        .args(["list", "--remote"])
        .assert()
        .success()
        .stdout("1.22.10\n1.21.13\n1.4.2\n");
    home.gvx()
        .args(["list", "--remote", "--all", "1.23rc1"])
        .assert()
        .success()
        .stdout("1.23rc1\n");
    home.gvx().args(["install", "1.21"]).assert().success();
    let json = home
        .gvx()
        .args(["list", "--remote", "--json", "--all"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value[0]["version"], "1.23rc1");
    assert_eq!(value[0]["stable"], false);
    assert_eq!(value[2]["installed"], true);
    let json = home.gvx().args(["list", "--json"]).output().unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value[0]["version"], "1.21.13");
    assert_eq!(value[0]["default"], true);
    assert_eq!(value[0]["active"], true);
}

#[test]
fn the_old_releases_without_sha256_are_not_installed_unverified() {
    let server = TestServer::start();
    let old = FakeSdk::new("1.4.2");
    let bytes = old.archive();
    server.put_file(&old.filename(), bytes.clone());
    let mut release = IndexRelease::new("1.4.2").sdk(&old, &bytes);
    release.files.iter_mut().for_each(|f| f.sha256.clear());
    server.set_index(&[release]);
    let home = TestHome::new().with_server(&server);
    home.gvx()
        .args(["install", "1.4.2"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("lists no sha256"))
        .stderr(predicate::str::contains("--sha256"));
}

#[test]
fn uninstall_removes_whole_sdks_and_explains_unknown_versions() {
    let (_server, home) = setup();
    home.gvx()
        .args(["install", "1.22.10", "1.21.13"])
        .assert()
        .success();
    assert!(home.gvx_home().join("bin/go1.21.13").is_file());
    home.gvx()
        .args(["uninstall", "1.21.13"])
        .assert()
        .success()
        .stderr(predicate::str::contains("removed go1.21.13"));
    assert_store_empty_but(&home, &["go1.22.10"]);
    assert!(
        !home.gvx_home().join("bin/go1.21.13").exists(),
        "its go1.X.Y shim goes too"
    );
    home.gvx()
        .args(["uninstall", "1.20.1"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "Go 1.20.1 is not installed (installed: 1.22.10)",
        ));
    home.gvx()
        .args(["uninstall", "1.22.10"])
        .assert()
        .success()
        .stderr(predicate::str::contains("was the global default"));
    assert_store_empty(&home);
}

#[test]
fn messages_name_where_the_expected_hash_came_from_and_what_did_not_match() {
    let (server, home) = setup();
    let sdk = FakeSdk::new("1.22.10");
    let file = home.root().join(sdk.filename());
    fs::write(&file, sdk.archive()).unwrap();

    // --archive with --sha256: the checksum came from the flag, not from any index.
    let wrong = "0".repeat(64);
    let out = home
        .gvx()
        .arg("install")
        .arg("--archive")
        .arg(&file)
        .args(["--sha256", &wrong])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("expected: {wrong} (given with --sha256)"))
            && !stderr.contains("from the index")
            && !stderr.contains("GVX_GO_MIRROR"),
        "{stderr}"
    );

    // The index gives the right sha256 but another size: a size mismatch, said as such.
    let bytes = sdk.archive();
    let mut release = IndexRelease::new("1.22.10").sdk(&sdk, &bytes);
    release.files[0].size += 7;
    server.set_index(&[release]);
    let out = home
        .gvx()
        .args(["install", "--refresh", "1.22.10"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "size mismatch for {}: the index lists {} bytes, {} bytes arrived",
            server.file_url(&sdk.filename()),
            bytes.len() + 7,
            bytes.len()
        )) && !stderr.contains("sha256 mismatch"),
        "{stderr}"
    );
    assert_store_empty(&home);
}

#[test]
fn an_offline_archive_install_without_an_index_suggests_sha256() {
    let sdk = FakeSdk::new("1.22.10");
    let offline = TestHome::new()
        .env("GVX_GO_INDEX", "http://127.0.0.1:9/dl/")
        .env("GVX_GO_MIRROR", "http://127.0.0.1:9/go");
    let file = offline.root().join(sdk.filename());
    fs::write(&file, sdk.archive()).unwrap();
    let out = offline
        .gvx()
        .arg("install")
        .arg("--archive")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let hint = stderr
        .lines()
        .find(|l| l.starts_with("hint:"))
        .unwrap_or("");
    assert!(
        hint.contains("--sha256") && !hint.contains("check your network"),
        "{stderr}"
    );
    assert_store_empty(&offline);
}

/// A home whose https requests all go to a proxy on a closed loopback port: every official
/// host is unreachable, without any real network.
fn unreachable_official_hosts(home: &TestHome) -> assert_cmd::Command {
    let mut cmd = home.gvx();
    for var in [
        "http_proxy",
        "HTTP_PROXY",
        "all_proxy",
        "ALL_PROXY",
        "no_proxy",
        "https_proxy",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("GVX_HTTP_TIMEOUT", "2");
    cmd
}

#[test]
fn when_every_host_fails_each_one_is_named() {
    // The index: go.dev, then its fallback.
    let home = TestHome::new();
    let out = unreachable_official_hosts(&home)
        .args(["list", "--remote"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("https://go.dev/dl/") && stderr.contains("https://golang.google.cn/dl/"),
        "{stderr}"
    );

    // Archives: dl.google.com, then the host the fallback index links its downloads to,
    // because GVX_GO_MIRROR is not set.
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10")]);
    let home = TestHome::new().env("GVX_GO_INDEX", &server.index_url());
    let out = unreachable_official_hosts(&home)
        .args(["install", "1.22.10"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("https://dl.google.com/go/go1.22.10.linux-amd64.tar.gz")
            && stderr.contains("https://golang.google.cn/dl/go1.22.10.linux-amd64.tar.gz")
            && stderr.contains("instead"),
        "{stderr}"
    );
    assert_store_empty(&home);

    // A mirror the user chose is the only one used.
    let home = home.env("GVX_GO_MIRROR", "https://mirror.invalid/go");
    let out = unreachable_official_hosts(&home)
        .args(["install", "1.22.10"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("golang.google.cn"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Puts gvx and gvx-shim into `<GVX_HOME>/bin`, as install.sh does, so the shims can install.
fn install_gvx(home: &TestHome) {
    let bin = home.gvx_home().join("bin");
    fs::create_dir_all(&bin).unwrap();
    fs::copy(assert_cmd::cargo::cargo_bin("gvx"), bin.join("gvx")).unwrap();
    fs::copy(crate::support::shim_bin(), bin.join("gvx-shim")).unwrap();
}

/// `go version` through the store's shim in `dir`.
fn go_version(home: &TestHome, dir: &Path) -> std::process::Output {
    home.cmd_path(home.gvx_home().join("bin/go"))
        .current_dir(dir)
        .arg("version")
        .output()
        .unwrap()
}

/// Where `<GVX_HOME>/current` points, if it is a link.
fn current_link(home: &TestHome) -> Option<std::path::PathBuf> {
    fs::read_link(home.gvx_home().join("current")).ok()
}

#[test]
fn uninstalling_the_default_moves_it_within_its_line_or_clears_it_and_nothing_is_downloaded() {
    let (server, home) = setup();
    install_gvx(&home);
    home.gvx()
        .args(["install", "1.22.10", "1.22.3", "1.21.13"])
        .assert()
        .success();
    assert_eq!(read(home.gvx_home().join("default")).trim(), "1.22.10");
    server.clear_requests();

    // Another 1.22.x is installed: the default moves to the newest of them.
    home.gvx()
        .args(["uninstall", "1.22.10"])
        .assert()
        .success()
        .stderr(predicate::str::contains("removed go1.22.10"))
        .stderr(predicate::str::contains(
            "go1.22.10 was the global default; the default is now go1.22.3",
        ));
    assert_eq!(read(home.gvx_home().join("default")).trim(), "1.22.3");
    let link = current_link(&home).expect("current is a link");
    assert_eq!(link, home.gvx_home().join("sdk/go1.22.3"));
    assert!(home.gvx_home().join("current/bin/go").is_file());
    let out = go_version(&home, &home.work());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "go version go1.22.3 linux/amd64\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // No other 1.22.x: the default is cleared (never moved to another line), `current` goes,
    // and `go` outside a project says to choose a version instead of installing one.
    home.gvx()
        .args(["uninstall", "1.22.3"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "go1.22.3 was the global default; no other 1.22.x is installed, so there is no global default now",
        ))
        .stderr(predicate::str::contains("gvx use 1.21.13"));
    assert!(!home.gvx_home().join("default").exists());
    assert!(
        home.gvx_home().join("current").symlink_metadata().is_err(),
        "current must not dangle"
    );
    let out = go_version(&home, &home.work());
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no Go version is selected"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(server.requests().len(), 0, "nothing is downloaded");
    home.gvx()
        .args(["list"])
        .assert()
        .success()
        .stdout("  1.21.13\n");
}

#[test]
fn uninstalling_what_a_pin_selects_says_what_runs_instead() {
    let (server, home) = setup();
    home.gvx()
        .args(["install", "1.22.10", "1.22.3", "1.21.13"])
        .assert()
        .success();
    let line = home.work().join("line");
    fs::create_dir_all(&line).unwrap();
    fs::write(line.join(".go-version"), "1.22\n").unwrap();
    home.gvx()
        .current_dir(&line)
        .args(["uninstall", "1.22.10"])
        .assert()
        .success()
        .stderr(predicate::str::contains("here `go` now runs go1.22.3"));
    let exact = home.work().join("exact");
    fs::create_dir_all(&exact).unwrap();
    fs::write(exact.join(".go-version"), "1.21.13\n").unwrap();
    home.gvx()
        .current_dir(&exact)
        .args(["uninstall", "1.21.13"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "here Go 1.21.13 is still selected (pinned by",
        ))
        .stderr(predicate::str::contains(
            "the next `go` here installs it again",
        ));
    assert_eq!(server.request_count("/go/go1.21.13.linux-amd64.tar.gz"), 1);
}

#[test]
fn uninstall_json_says_what_was_removed_and_what_became_of_the_default() {
    let (_server, home) = setup();
    home.gvx()
        .args(["install", "1.22.10", "1.22.3", "1.21.13"])
        .assert()
        .success();
    let json = success_json(
        home.gvx()
            .args(["uninstall", "1.22.10", "1.21.13", "--json"]),
    );
    assert_eq!(
        json,
        serde_json::json!([
            {
                "version": "1.22.10",
                "path": home.gvx_home().join("sdk/go1.22.10"),
                "was_default": true,
                "default": "1.22.3",
            },
            {
                "version": "1.21.13",
                "path": home.gvx_home().join("sdk/go1.21.13"),
                "was_default": false,
                "default": null,
            },
        ])
    );
    let json = success_json(home.gvx().args(["uninstall", "1.22.3", "--json"]));
    assert_eq!(json[0]["was_default"], true);
    assert_eq!(json[0]["default"], serde_json::Value::Null);
    assert_store_empty(&home);
}

#[test]
fn an_install_for_a_pin_keeps_the_global_default_and_says_so() {
    let (_server, home) = setup();
    install_gvx(&home);
    home.gvx()
        .args(["install", "1.22.10"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "go1.22.10 is now the global default",
        ));
    let dir = home.work().join("p");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(".go-version"), "1.21.13\n").unwrap();
    // The shim runs `gvx install 1.21.13` for the pin.
    let out = go_version(&home, &dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "go version go1.21.13 linux/amd64\n",
        "{stderr}"
    );
    assert!(
        stderr.contains("the global default stays go1.22.10"),
        "{stderr}"
    );
    assert!(!stderr.contains("is now the global default"), "{stderr}");
    assert_eq!(read(home.gvx_home().join("default")).trim(), "1.22.10");
    assert_eq!(
        current_link(&home),
        Some(home.gvx_home().join("sdk/go1.22.10"))
    );
}
