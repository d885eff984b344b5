//! `gvx install --source proxy`: toolchains as the `golang.org/toolchain` module from a
//! `file://` GOPROXY, proven by a checksum database signed with a test key — the happy path,
//! version discovery, `auto`'s fallback, `gvx verify`, and a tamper matrix in which every case
//! is refused with the store unchanged. The fixtures (`support::goproxy`) are an independent
//! implementation, checked against the real `go` in `support_selftest::goproxy`.

use crate::support::goproxy::{GoProxy, Sumdb, ToolchainZip, flip_signature_byte, record_hash};
use crate::support::{FakeSdk, Fault, TestHome, TestServer, host_os_arch, publish, success_json};
use predicates::prelude::*;
use serde_json::Value;
use std::fs;
use std::path::Path;

const DB: &str = "sumdb.test";

/// A proxy in the home's temp dir serving `zips`, with a database of `fillers` made-up
/// records plus one record per zip; `GOPROXY`/`GOSUMDB` point at them.
pub struct Fixture {
    pub home: TestHome,
    pub proxy: GoProxy,
    pub db: Sumdb,
}

fn host_zip(version: &str) -> ToolchainZip {
    let (os, arch) = host_os_arch();
    ToolchainZip::fake(version, os, arch)
}

pub fn fixture(zips: &[ToolchainZip], fillers: usize) -> Fixture {
    let home = TestHome::new();
    let proxy = GoProxy::new(&home.root().join("proxy"));
    let mut db = Sumdb::new(DB, 7);
    db.add_fillers(fillers);
    for zip in zips {
        proxy.publish(zip);
        db.add_toolchain(zip);
    }
    proxy.publish_sumdb(&db);
    let home = home
        .env("GOPROXY", &proxy.url())
        .env("GOSUMDB", &db.vkey())
        // No index or mirror: a proxy install must not need them.
        .env("GVX_GO_INDEX", "http://127.0.0.1:9/unreachable-index.json")
        .env("GVX_GO_MIRROR", "http://127.0.0.1:9/unreachable");
    Fixture { home, proxy, db }
}

fn install_json(home: &TestHome, args: &[&str]) -> Value {
    success_json(
        home.gvx()
            .args(["install", "--source", "proxy", "--json"])
            .args(args),
    )
}

/// No SDK, no partial tree, no manifest: the store as a failed install must leave it.
pub fn assert_nothing_installed(home: &TestHome) {
    let sdk = home.gvx_home().join("sdk");
    let left: Vec<String> = fs::read_dir(&sdk)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n != ".staging")
                .collect()
        })
        .unwrap_or_default();
    assert!(left.is_empty(), "sdk/ holds {left:?}");
    let staging = sdk.join(".staging");
    if staging.is_dir() {
        assert_eq!(
            fs::read_dir(staging).unwrap().count(),
            0,
            "staging left behind"
        );
    }
    assert!(
        !home.gvx_home().join("manifests").exists()
            || fs::read_dir(home.gvx_home().join("manifests"))
                .unwrap()
                .count()
                == 0
    );
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn installs_a_toolchain_proven_by_the_checksum_database() {
    let zip = host_zip("1.22.10");
    let f = fixture(std::slice::from_ref(&zip), 300);
    let json = install_json(&f.home, &["1.22.10"]);
    let item = &json[0];
    assert_eq!(item["version"], "1.22.10");
    assert_eq!(item["new"], true);
    assert_eq!(item["source"], "proxy");
    assert_eq!(item["provenance"]["h1"], zip.h1().as_str());
    assert_eq!(item["provenance"]["proxy"], f.proxy.url().as_str());
    assert_eq!(item["provenance"]["sumdb"]["name"], DB);
    assert_eq!(item["provenance"]["sumdb"]["record_id"], 300);
    assert_eq!(item["provenance"]["sumdb"]["tree_size"], 301);
    let verification = item["verification"].as_str().unwrap();
    assert!(
        verification.contains("proven by the checksum database sumdb.test"),
        "{verification}"
    );

    let sdk = f.home.gvx_home().join("sdk/go1.22.10");
    assert_eq!(
        fs::read_to_string(sdk.join("VERSION"))
            .unwrap()
            .lines()
            .next(),
        Some("go1.22.10")
    );
    // `_go.mod` files are kept and copied back to `go.mod`, as `go` does on first use.
    for dir in ["src", "src/cmd"] {
        let original = fs::read(sdk.join(dir).join("_go.mod")).unwrap();
        assert_eq!(
            fs::read(sdk.join(dir).join("go.mod")).unwrap(),
            original,
            "{dir}"
        );
    }
    #[cfg(unix)]
    {
        let (os, arch) = host_os_arch();
        assert_eq!(mode(&sdk.join("bin/go")), 0o755);
        assert_eq!(
            mode(&sdk.join(format!("pkg/tool/{os}_{arch}/compile"))),
            0o755
        );
        assert_eq!(mode(&sdk.join("VERSION")), 0o644);
    }
    // The signed tree gvx saw is remembered for the next consistency proof.
    let latest =
        fs::read_to_string(f.home.gvx_home().join("sumdb").join(DB).join("latest")).unwrap();
    assert_eq!(latest, f.db.signed_tree());

    f.home.gvx().arg("list").assert().success().stdout(
        predicate::str::starts_with("* 1.22.10  (global default").and(predicate::str::contains(
            format!("  [from proxy {}]\n", f.proxy.url()),
        )),
    );
    f.home
        .gvx()
        .args(["verify", "1.22.10"])
        .assert()
        .success()
        .stdout(predicate::str::contains("go1.22.10: ok").and(predicate::str::contains(zip.h1())));
    // Through the shim, the module-form SDK runs like any other.
    f.home
        .cmd_path(f.home.gvx_home().join("bin/go"))
        .arg("version")
        .assert()
        .success()
        .stdout(predicate::str::contains("go1.22.10"));

    // A changed file is found by `gvx verify` (exit 5), and named.
    fs::write(sdk.join("src/cmd/go/main.go"), "package main // changed\n").unwrap();
    f.home
        .gvx()
        .arg("verify")
        .assert()
        .code(5)
        .stdout(predicate::str::contains(
            "go1.22.10: FAILED: files 1 changed (src/cmd/go/main.go)",
        ));
}

#[test]
fn partial_versions_resolve_from_the_proxy_list_for_this_platform() {
    let (os, arch) = host_os_arch();
    let other_arch = if arch == "amd64" { "arm64" } else { "amd64" };
    let zips = [
        host_zip("1.22.9"),
        host_zip("1.22.10"),
        host_zip("1.23rc1"),
        ToolchainZip::fake("1.22.11", os, other_arch),
    ];
    let f = fixture(&zips, 3);
    let json = install_json(&f.home, &["1.22"]);
    assert_eq!(
        json[0]["version"], "1.22.10",
        "newest stable 1.22.x built for this host"
    );
    let json = install_json(&f.home, &["latest"]);
    assert_eq!(
        json[0]["version"], "1.22.10",
        "rc releases are not `latest`"
    );
    f.home
        .gvx()
        .args(["install", "--source", "proxy", "1.21"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("no Go release matches `1.21`")
                .and(predicate::str::contains("@v/list")),
        );
}

#[test]
fn auto_falls_back_to_the_proxy_only_when_the_download_site_is_unreachable() {
    let mut f = fixture(&[host_zip("1.22.10")], 3);
    f.home.set_env("GVX_GO_SOURCE", "auto");
    // GVX_GO_INDEX points at a closed port: a network failure, so auto moves to the proxy.
    f.home
        .gvx()
        .args(["install", "1.22.10"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "trying the Go module proxy (GOPROXY=file://",
        ));

    // A download that does not match the index is a verification failure: no fallback.
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.21.13")]);
    let (os, arch) = host_os_arch();
    server.set_file_fault(&format!("go1.21.13.{os}-{arch}.tar.gz"), Fault::Corrupt);
    let mut home = TestHome::new()
        .with_server(&server)
        .env("GVX_GO_SOURCE", "auto");
    home.set_env("GOPROXY", &f.proxy.url());
    home.set_env("GOSUMDB", &f.db.vkey());
    home.gvx()
        .args(["install", "1.21.13"])
        .assert()
        .code(5)
        .stderr(
            predicate::str::contains("sha256 mismatch")
                .and(predicate::str::contains("GOPROXY").not()),
        );
    assert_nothing_installed(&home);
    // When the proxy cannot help either, the download site's failure is the error (exit 4),
    // and what the proxy said follows it.
    f.home
        .gvx()
        .args(["install", "1.21.13"])
        .assert()
        .code(4)
        .stderr(
            predicate::str::contains(
                "error: cannot fetch http://127.0.0.1:9/unreachable-index.json",
            )
            .and(predicate::str::contains(
                "also: the Go module proxy failed too: go1.21.13",
            )),
        );
    // And `--source dl` never falls back, not even on a network failure.
    f.home
        .gvx()
        .args(["install", "--source", "dl", "1.21.13"])
        .assert()
        .code(4);
}

/// Runs a proxy install of 1.22.10 that must be refused with `code` and a message holding
/// every one of `words`, leaving the store as it was.
fn refused(f: &Fixture, code: i32, words: &[&str]) {
    let out = f
        .home
        .gvx()
        .args(["install", "--source", "proxy", "1.22.10"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    for word in words {
        assert!(stderr.contains(word), "missing {word:?} in:\n{stderr}");
    }
    assert_nothing_installed(&f.home);
}

#[test]
fn a_zip_that_is_not_the_one_the_database_proves_is_refused() {
    let zip = host_zip("1.22.10");
    let f = fixture(std::slice::from_ref(&zip), 5);
    let served = f.proxy.zip_path(&zip.module_version());
    let swap = |other: ToolchainZip| fs::write(&served, other.zip_bytes()).unwrap();

    swap(zip.clone().with_flipped_byte("bin/go", 3));
    refused(&f, 5, &["checksum mismatch", "SECURITY ERROR", &zip.h1()]);
    swap(zip.clone().with_entry("bin/extra", "#!/bin/sh\n"));
    refused(&f, 5, &["checksum mismatch", "SECURITY ERROR"]);
    swap(zip.clone().without_entry("src/cmd/go/main.go"));
    refused(&f, 5, &["checksum mismatch"]);
    // Structure is checked before the hash: a wrong prefix, a nested go.mod, a duplicate.
    let other_version = host_zip("1.22.9");
    swap(other_version);
    refused(&f, 5, &["does not have prefix"]);
    swap(zip.clone().with_entry("src/cmd/go.mod", "module cmd\n"));
    refused(&f, 5, &["go.mod file not in module root directory"]);
    swap(
        zip.clone()
            .with_raw_entry(&format!("{}bin/go", zip.prefix()), "again"),
    );
    refused(&f, 5, &["multiple entries"]);
    fs::write(&served, b"not a zip").unwrap();
    refused(&f, 5, &["not a readable zip file"]);
}

#[test]
fn a_database_that_does_not_prove_the_record_is_refused() {
    let zip = host_zip("1.22.10");
    let f = fixture(std::slice::from_ref(&zip), 700);
    let lookup = f.proxy.lookup_path(DB, &zip.module_at_version());
    let original = fs::read_to_string(&lookup).unwrap();

    // A signature altered: either the key hash (no verifiable signature) or the signature.
    fs::write(&lookup, flip_signature_byte(&original, 1)).unwrap();
    refused(&f, 5, &["note has no verifiable signatures"]);
    fs::write(&lookup, flip_signature_byte(&original, 20)).unwrap();
    refused(&f, 5, &["signature"]);
    // A record id past the signed tree's size.
    let (_, rest) = original.split_once('\n').unwrap();
    fs::write(&lookup, format!("{}\n{rest}", f.db.size() + 5)).unwrap();
    refused(&f, 5, &["verifying golang.org/toolchain"]);
    // The record text altered (another h1 under the same signed tree).
    fs::write(
        &lookup,
        original.replacen(
            &zip.h1(),
            "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            1,
        ),
    )
    .unwrap();
    refused(&f, 5, &["verifying golang.org/toolchain"]);
    fs::write(&lookup, &original).unwrap();

    // An inconsistent tile: every tile's first hash flipped.
    let tiles = f.proxy.sumdb_dir(DB).join("tile");
    let mut saved = Vec::new();
    for path in walk_files(&tiles) {
        let mut data = fs::read(&path).unwrap();
        saved.push((path.clone(), data.clone()));
        data[0] ^= 1;
        fs::write(&path, data).unwrap();
    }
    refused(&f, 5, &["verifying golang.org/toolchain"]);
    for (path, data) in saved {
        fs::write(path, data).unwrap();
    }

    // A key the database did not sign with.
    let mut home_key = Sumdb::new(DB, 8);
    home_key.add_fillers(1);
    let mut f = f;
    f.home.set_env("GOSUMDB", &home_key.vkey());
    refused(&f, 5, &["note has no verifiable signatures"]);
    // Only the genuine signed tree may have been remembered (a record that fails its proof
    // does not make the tree it came with any less signed).
    let latest = f.home.gvx_home().join("sumdb").join(DB).join("latest");
    if latest.exists() {
        assert_eq!(fs::read_to_string(latest).unwrap(), f.db.signed_tree());
    }
}

#[test]
fn a_database_that_forks_from_the_tree_gvx_saw_is_refused() {
    let first = host_zip("1.22.10");
    let f = fixture(std::slice::from_ref(&first), 40);
    install_json(&f.home, &["1.22.10"]);
    let latest = f.home.gvx_home().join("sumdb").join(DB).join("latest");
    let seen = fs::read_to_string(&latest).unwrap();

    // The same database name and key, but a history that does not extend the one seen.
    let second = host_zip("1.21.13");
    let mut forked = Sumdb::new(DB, 7);
    forked.add_fillers(41);
    forked.add_toolchain(&second);
    f.proxy.publish(&second);
    f.proxy.publish_sumdb(&forked);
    let out = f
        .home
        .gvx()
        .args(["install", "--source", "proxy", "1.21.13"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("SECURITY ERROR")
            && stderr.contains("go.sum database server misbehavior detected!"),
        "{stderr}"
    );
    assert!(
        stderr.contains(seen.lines().nth(2).unwrap()),
        "the old tree's hash is shown:\n{stderr}"
    );
    assert_eq!(
        fs::read_to_string(&latest).unwrap(),
        seen,
        "the remembered tree is kept"
    );
    assert!(!f.home.gvx_home().join("sdk/go1.21.13").exists());
}

#[test]
fn gosumdb_off_and_gonosumdb_do_not_turn_the_database_off() {
    let zip = host_zip("1.22.10");
    let mut f = fixture(std::slice::from_ref(&zip), 3);
    let served = f.proxy.zip_path(&zip.module_version());
    fs::write(
        &served,
        zip.clone().with_flipped_byte("VERSION", 0).zip_bytes(),
    )
    .unwrap();
    let two = format!("{},off", f.proxy.url());
    f.home.set_env("GOPROXY", &two);
    f.home.set_env("GOSUMDB", "off");
    refused(
        &f,
        5,
        &["checksum database disabled by GOSUMDB=off", "--source dl"],
    );
    f.home.set_env("GOSUMDB", &f.db.vkey());
    f.home.set_env("GONOSUMDB", "golang.org");
    refused(&f, 5, &["checksum mismatch"]);

    // Go's one exception: a single file:// GOPROXY, where GOSUMDB=off means off.
    fs::write(&served, zip.zip_bytes()).unwrap();
    f.home.set_env("GOPROXY", &f.proxy.url());
    f.home.set_env("GOSUMDB", "off");
    let json = install_json(&f.home, &["1.22.10"]);
    assert_eq!(json[0]["provenance"]["sumdb"], Value::Null);
    assert!(
        json[0]["verification"]
            .as_str()
            .unwrap()
            .contains("unproven")
    );
}

#[test]
fn a_version_the_proxy_or_database_lacks_is_not_found() {
    let f = fixture(&[host_zip("1.22.10")], 3);
    f.home
        .gvx()
        .args(["install", "--source", "proxy", "1.22.99"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("go1.22.99").and(predicate::str::contains(
                "not in the checksum database sumdb.test",
            )),
        );
    assert_nothing_installed(&f.home);
    let mut f = f;
    f.home.set_env("GOPROXY", "off");
    f.home
        .gvx()
        .args(["install", "--source", "proxy", "1.22.10"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("GOPROXY=off"));
}

/// Where the download index cannot be reached, `gvx list --remote` lists what the proxy has
/// for this platform, newest first, and says so.
#[test]
fn list_remote_falls_back_to_the_proxy_list() {
    let f = fixture(
        &[
            host_zip("1.21.13"),
            host_zip("1.22.10"),
            host_zip("1.23rc1"),
        ],
        1,
    );
    f.home
        .gvx()
        .args(["list", "--remote"])
        .assert()
        .success()
        .stdout("1.22.10\n1.21.13\n")
        .stderr(predicate::str::contains(
            "listing what the Go module proxy has instead",
        ));
    f.home
        .gvx()
        .args(["list", "--remote", "--all", "1.23rc1"])
        .assert()
        .success()
        .stdout("1.23rc1\n");
}

/// `a|b`: a proxy whose transfer keeps being cut off hands over to the next one, which starts
/// from an empty file (the cut-off bytes must not mix into the zip).
#[test]
fn a_cut_off_proxy_falls_through_with_a_pipe() {
    let zip = host_zip("1.22.10");
    let mut f = fixture(std::slice::from_ref(&zip), 3);
    let server = TestServer::start();
    let path = format!("/golang.org/toolchain/@v/{}.zip", zip.module_version());
    server.set_raw(&path, 200, zip.zip_bytes());
    server.set_fault(&path, Fault::Truncate { at: 100 });
    let goproxy = format!("{}|{}", server.url(), f.proxy.url());
    f.home.set_env("GOPROXY", &goproxy);
    let json = install_json(&f.home, &["1.22.10"]);
    assert_eq!(json[0]["provenance"]["proxy"], f.proxy.url().as_str());
    assert!(
        server.request_count(&path) >= 1,
        "the first proxy was tried"
    );

    // With `,` a cut-off transfer is an error that does not fall through.
    let goproxy = format!("{},{}", server.url(), f.proxy.url());
    f.home.set_env("GOPROXY", &goproxy);
    f.home
        .gvx()
        .args(["install", "--source", "proxy", "--force", "1.22.10"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(&path));
}

fn walk_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A record forged together with its own leaf in a tile that only the record's proof reads
/// (record 5 of 701: its tile `tile/8/0/000` is not among the tiles that hash to the signed
/// root). Every tile gvx reads is authenticated up to the signed root, so this is refused.
#[test]
fn a_forged_record_with_a_matching_leaf_is_refused() {
    let zip = host_zip("1.22.10");
    let home = TestHome::new();
    let proxy = GoProxy::new(&home.root().join("proxy"));
    let mut db = Sumdb::new(DB, 7);
    db.add_fillers(5);
    assert_eq!(db.add_toolchain(&zip), 5);
    db.add_fillers(695);
    proxy.publish_sumdb(&db);
    let forged_zip = zip.clone().with_entry("bin/backdoor", "#!/bin/sh\n");
    proxy.publish(&forged_zip);
    let forged = forged_zip.record();
    fs::write(
        proxy.lookup_path(DB, &zip.module_at_version()),
        format!("5\n{forged}\n{}", db.signed_tree()),
    )
    .unwrap();
    let tile = proxy.sumdb_dir(DB).join("tile/8/0/000");
    let mut data = fs::read(&tile).unwrap();
    data[5 * 32..6 * 32].copy_from_slice(&record_hash(forged.as_bytes()));
    fs::write(&tile, data).unwrap();

    let home = home.env("GOPROXY", &proxy.url()).env("GOSUMDB", &db.vkey());
    home.gvx()
        .args(["install", "--source", "proxy", "1.22.10"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("downloaded inconsistent tile"));
    assert_nothing_installed(&home);
}

/// The oracle: the real go1.22.10 SDK in module form, served by the fixture proxy. gvx
/// installs it, and the real go1.21.13 switches to it with `GOTOOLCHAIN=go1.22.10` (which
/// downloads and verifies it through the same proxy and database, as `go` always does).
/// Both must accept the same `h1:` and unpack the same tree: the same files with the same
/// bytes, and the tools (`bin/`, `pkg/tool/`) executable in both.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
#[test]
fn gvx_and_a_gotoolchain_switch_land_on_the_same_sdk() {
    use crate::support::goproxy::{go_command, real_goroot};
    use std::process::Command;
    let (Some(new_goroot), Some(old_goroot)) = (real_goroot("1.22.10"), real_goroot("1.21.13"))
    else {
        return;
    };
    let zip = ToolchainZip::from_sdk_tree(&new_goroot, "1.22.10", "linux", "amd64");
    let f = fixture(std::slice::from_ref(&zip), 20);
    let json = install_json(&f.home, &["1.22.10"]);
    assert_eq!(json[0]["provenance"]["h1"], zip.h1().as_str());
    let ours = f.home.gvx_home().join("sdk/go1.22.10");

    let t = f.home.root().join("go-switch");
    let old_go = old_goroot.join("bin/go");
    let out = go_command(&old_go, &t, &f.proxy, &f.db.vkey())
        .args(["env", "GOROOT", "GOVERSION"])
        .env("GOTOOLCHAIN", "go1.22.10")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines = stdout.lines();
    let theirs = std::path::PathBuf::from(lines.next().unwrap());
    assert_eq!(lines.next(), Some("go1.22.10"));
    assert!(
        theirs.starts_with(t.join("modcache")),
        "{}",
        theirs.display()
    );

    let files = |root: &Path| {
        let mut out = std::collections::BTreeMap::new();
        for path in walk_files(root) {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.insert(rel, path);
        }
        out
    };
    let (a, b) = (files(&ours), files(&theirs));
    let only_gvx: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_go: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_gvx.is_empty() && only_go.is_empty(),
        "only gvx: {only_gvx:?}\nonly go: {only_go:?}"
    );
    assert!(a.contains_key("src/cmd/go.mod") && a.contains_key("src/cmd/_go.mod"));
    for (rel, path) in &a {
        assert!(
            fs::read(path).unwrap() == fs::read(&b[rel]).unwrap(),
            "{rel} differs"
        );
        if rel.starts_with("bin/") || rel.starts_with("pkg/tool/") {
            assert_eq!(mode(path) & 0o111, 0o111, "{rel} (gvx)");
            assert_eq!(mode(&b[rel]) & 0o111, 0o111, "{rel} (go)");
        }
    }
    // Go's module cache is read-only; let the temp dir go.
    Command::new("chmod")
        .args(["-R", "u+w"])
        .arg(&t)
        .status()
        .unwrap();
}

#[test]
fn verbose_names_every_url_and_proof_as_auto_falls_back_to_the_proxy() {
    let mut f = fixture(&[host_zip("1.22.10")], 3);
    f.home.set_env("GVX_GO_SOURCE", "auto");
    let quiet = f.home.gvx().args(["install", "1.22.10"]).output().unwrap();
    assert!(quiet.status.success());
    assert!(
        !String::from_utf8_lossy(&quiet.stderr).contains("gvx ["),
        "nothing verbose unless asked"
    );
    let (os, arch) = host_os_arch();
    let module = format!("golang.org/toolchain@v0.0.1-go1.22.10.{os}-{arch}");
    for verbose in [&["-v"][..], &[]] {
        let home = TestHome::new()
            .env("GOPROXY", &f.proxy.url())
            .env("GOSUMDB", &f.db.vkey())
            .env("GVX_GO_INDEX", "http://127.0.0.1:9/unreachable-index.json")
            .env("GVX_GO_SOURCE", "auto");
        let home = if verbose.is_empty() {
            home.env("GVX_VERBOSE", "1")
        } else {
            home
        };
        let out = home
            .gvx()
            .args(verbose)
            .args(["install", "1.22.10"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("gvx [")).collect();
        let position = |text: &str| {
            lines
                .iter()
                .position(|l| l.contains(text))
                .unwrap_or_else(|| panic!("no verbose line with {text:?} in:\n{stderr}"))
        };
        let steps = [
            position("index cache "),
            position("GET http://127.0.0.1:9/unreachable-index.json → failed after "),
            position("staging go1.22.10 in "),
            position(&format!("reading {}", f.proxy.url())),
            position(&format!("checksum database {DB}: {module} is record ")),
            position("is proven in the tree of size"),
            position(&format!("{module}: the zip hashes as h1:")),
            position("renamed the verified tree into "),
        ];
        assert!(
            steps.windows(2).all(|w| w[0] < w[1]),
            "in this order: {steps:?}\n{stderr}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.contains("unreachable-index.json") && l.contains(" ms")),
            "the time each URL took: {stderr}"
        );
        assert!(
            lines.iter().any(|l| l.contains("Connection refused")),
            "why a URL failed: {stderr}"
        );
    }
}
