//! `install.sh` without a checkout, against a loopback release server laid out like GitHub's
//! (`<base>/download/v<VERSION>/<asset>`, and `<base>/latest/download/<asset>` redirecting
//! there): run as `curl | sh` users get it, from a directory holding only install.sh, with no
//! cargo on PATH. The releases are (a) the real output of `scripts/release.sh`
//! (`GVX_TEST_RELEASE_DIR`, which `scripts/test.sh` prepares with the test key) and (b) trees
//! built here from the test build's binaries, signed with the test key through the `minisign`
//! crate. Every refusal is checked to leave GVX_HOME and HOME empty.

use super::{SYSTEM_PATH, built_binaries, install_sh, tree};
use crate::support::archive::{RawEntry, tar_gz_bytes};
use crate::support::release::{Release, host_asset, key_line, repo, sign_with, test_pubkey};
use crate::support::{Fault, TestHome, TestServer, lanes, list_tar_gz, list_zip, sha256_hex};
use predicates::prelude::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The test build's gvx and shipped shim packed as this host's archive, and the checkout's
/// install.sh, signed by the test key for `gvx-release <VERSION>`.
fn built() -> Release {
    let bin = built_binaries();
    let archive = tar_gz_bytes(&[
        RawEntry::file("gvx", 0o755, fs::read(bin.join("gvx")).unwrap()),
        RawEntry::file("gvx-shim", 0o755, fs::read(bin.join("gvx-shim")).unwrap()),
    ]);
    let files = BTreeMap::from([
        (host_asset(), archive),
        ("install.sh".to_owned(), fs::read(install_sh()).unwrap()),
    ]);
    Release::signed(VERSION, files)
}

/// The version the test build of gvx reports.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A directory holding a copy of `script` and nothing else: no checkout around it.
fn lone_copy(home: &TestHome, script: &[u8]) -> PathBuf {
    let dir = home.root().join("download");
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("install.sh");
    fs::write(&path, script).unwrap();
    path
}

/// `sh install.sh -y ARGS` from a lone copy of the checkout's install.sh, against `base`, with
/// the test key and the system PATH (no cargo).
fn install(home: &TestHome, base: &str, args: &[&str]) -> assert_cmd::Command {
    let script = lone_copy(home, &fs::read(install_sh()).unwrap());
    install_with(home, &script, base, args, SYSTEM_PATH)
}

fn install_with(
    home: &TestHome,
    script: &Path,
    base: &str,
    args: &[&str],
    path: &str,
) -> assert_cmd::Command {
    assert!(
        lanes::find_in("cargo", std::ffi::OsStr::new(path)).is_none(),
        "cargo is on {path}: the test would not show that install.sh needs no toolchain"
    );
    let mut cmd = home.cmd_path("sh");
    cmd.arg(script)
        .arg("-y")
        .args(args)
        .env("PATH", path)
        .env("GVX_RELEASE_URL", base)
        .env("GVX_RELEASE_PUBKEY", test_pubkey())
        .env_remove("GVX_INSTALL_FROM")
        .env_remove("CARGO_TARGET_DIR")
        .current_dir(home.work());
    cmd
}

/// Whether `minisign` is where the test's PATH finds it; skips the lane if not.
fn have_minisign() -> bool {
    if lanes::find_in("minisign", std::ffi::OsStr::new(SYSTEM_PATH)).is_some() {
        return true;
    }
    lanes::skip(
        "minisign",
        &format!("minisign not found in {SYSTEM_PATH} (Debian's minisign; scripts/deps.sh)"),
    );
    false
}

/// The installed gvx runs, reports VERSION, and `gvx reshim` made the go and gofmt shims.
fn assert_installed(home: &TestHome) {
    let bin = home.gvx_home().join("bin");
    let out = std::process::Command::new(bin.join("gvx"))
        .arg("--version")
        .env("GVX_HOME", home.gvx_home())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("gvx {VERSION}")
    );
    for shim in ["gvx-shim", "go", "gofmt"] {
        assert!(
            bin.join(shim).exists(),
            "{shim} missing in {}",
            bin.display()
        );
    }
}

fn assert_nothing_installed(home: &TestHome, what: &str) {
    assert!(
        tree(&home.gvx_home()).is_empty(),
        "{what}: GVX_HOME not empty"
    );
    assert!(tree(&home.home()).is_empty(), "{what}: HOME not empty");
}

/// Runs install.sh from a lone copy against `release` and expects a refusal naming `message`.
fn refused(release: &Release, args: &[&str], message: &str) {
    let server = TestServer::start();
    let base = release.serve(&server);
    let home = TestHome::new();
    install(&home, &base, args)
        .assert()
        .failure()
        .stderr(predicate::str::contains(message));
    assert_nothing_installed(&home, message);
}

#[test]
fn a_signed_release_installs_latest_and_a_named_version() {
    if !have_minisign() {
        return;
    }
    let release = built();
    let server = TestServer::start();
    let base = release.serve(&server);
    for args in [
        &[][..],
        &["--version", VERSION][..],
        &["--version", &format!("v{VERSION}")][..],
    ] {
        let home = TestHome::new();
        install(&home, &base, args)
            .assert()
            .success()
            .stderr(predicate::str::contains(format!(
                "signature by {} verified (gvx-release {VERSION})",
                test_pubkey()
            )))
            .stderr(predicate::str::contains(format!(
                "installing gvx {VERSION}"
            )));
        assert_installed(&home);
    }
    // Piped into sh (`curl -fsSL .../install.sh | sh -s -- -y`), run inside a gvx checkout:
    // the script is not a file there, so it downloads rather than building the checkout.
    let home = TestHome::new();
    let mut piped = home.cmd_path("sh");
    piped
        .args(["-s", "--", "-y"])
        .env("PATH", SYSTEM_PATH)
        .env("GVX_RELEASE_URL", &base)
        .env("GVX_RELEASE_PUBKEY", test_pubkey())
        .env_remove("GVX_INSTALL_FROM")
        .current_dir(repo())
        .write_stdin(fs::read(install_sh()).unwrap())
        .assert()
        .success()
        .stderr(predicate::str::contains("verified (gvx-release"));
    assert_installed(&home);

    let asset = host_asset();
    let latest = server.requests_to(&format!("/go/release/latest/download/{asset}"));
    assert_eq!(latest.len(), 2, "the latest archive was fetched twice");
    let named = server.requests_to(&format!("/go/release/download/v{VERSION}/{asset}"));
    assert_eq!(named.len(), 4, "twice by name, twice through the redirect");
}

#[test]
fn a_tampered_archive_is_refused() {
    let mut release = built();
    let mut archive = release.get(&host_asset()).to_vec();
    let middle = archive.len() / 2;
    archive[middle] ^= 1;
    release.set(&host_asset(), archive);
    refused(&release, &[], "the download does not match its sha256");
}

/// The archive swapped and its SHA256SUMS line changed to match: only the signature tells.
#[test]
fn a_tampered_sha256sums_is_refused_when_minisign_is_there() {
    if !have_minisign() {
        return;
    }
    let mut release = built();
    let evil = tar_gz_bytes(&[
        RawEntry::file("gvx", 0o755, "#!/bin/sh\necho 'gvx 0.1.0'\n"),
        RawEntry::file("gvx-shim", 0o755, "#!/bin/sh\n"),
    ]);
    let sums = String::from_utf8(release.get("SHA256SUMS").to_vec()).unwrap();
    let good = sha256_hex(release.get(&host_asset()));
    release.set("SHA256SUMS", sums.replace(&good, &sha256_hex(&evil)));
    release.set(&host_asset(), evil);
    refused(&release, &[], "is not signed by gvx's release key");
}

#[test]
fn a_signature_by_another_key_is_refused() {
    if !have_minisign() {
        return;
    }
    let mut release = built();
    let other = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let sig = sign_with(
        &other.sk,
        release.get("SHA256SUMS"),
        &format!("gvx-release {VERSION}"),
    );
    release.set("SHA256SUMS.minisig", sig);
    refused(&release, &[], "is not signed by gvx's release key");
}

#[test]
fn a_signature_for_another_version_is_refused() {
    if !have_minisign() {
        return;
    }
    let mut release = built();
    release.resign("gvx-release 9.9.9");
    // Asked for by name: the signature says it is another release.
    refused(
        &release,
        &["--version", VERSION],
        &format!("is signed for gvx 9.9.9, not {VERSION}"),
    );
    // The latest: the binary is not the version the signature names.
    refused(
        &release,
        &[],
        &format!("the release is signed for gvx 9.9.9, but its gvx is {VERSION}"),
    );
    release.resign("timestamp:1700000000");
    refused(
        &release,
        &[],
        "trusted comment is 'timestamp:1700000000', not 'gvx-release <version>'",
    );
}

#[test]
fn a_truncated_download_is_refused() {
    let release = built();
    let server = TestServer::start();
    let base = release.serve(&server);
    let asset = host_asset();
    let len = release.get(&asset).len();
    // The connection cut halfway (Content-Length promised the whole archive).
    server.set_file_fault(
        &format!("release/download/v{VERSION}/{asset}"),
        Fault::Truncate { at: len / 2 },
    );
    let home = TestHome::new();
    install(&home, &base, &["--version", VERSION])
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "could not download {base}/download/v{VERSION}/{asset}"
        )));
    assert_nothing_installed(&home, "cut connection");

    // A short file served whole: its sha256 is wrong.
    let mut short = release.clone();
    short.set(&asset, release.get(&asset)[..len / 2].to_vec());
    refused(&short, &[], "the download does not match its sha256");

    // SHA256SUMS itself cut before the archive's line.
    let mut cut = release.clone();
    cut.set("SHA256SUMS", Vec::new());
    cut.resign(&format!("gvx-release {VERSION}"));
    refused(&cut, &[], &format!("has no single line for {asset}"));
}

#[test]
fn missing_files_are_refused() {
    for name in ["SHA256SUMS", "SHA256SUMS.minisig", &host_asset()] {
        if name == "SHA256SUMS.minisig" && !have_minisign() {
            continue;
        }
        let mut release = built();
        release.files.remove(name);
        refused(&release, &[], "could not download");
    }
    // A version that was never released.
    refused(&built(), &["--version", "9.9.9"], "could not download");
}

/// Without minisign the script says once that only the sha256 is checked, installs a good
/// release, and still refuses a tampered archive.
#[test]
fn without_minisign_only_the_sha256_is_checked() {
    let home = TestHome::new();
    // A PATH with every tool install.sh and gvx need, and no minisign (nor cargo).
    let tools = home.root().join("tools");
    fs::create_dir_all(&tools).unwrap();
    for tool in [
        "sh",
        "curl",
        "tar",
        "gzip",
        "sha256sum",
        "cut",
        "tr",
        "sed",
        "awk",
        "mktemp",
        "rm",
        "mkdir",
        "cp",
        "chmod",
        "mv",
        "cat",
        "dirname",
        "uname",
        "grep",
        "head",
        "tail",
    ] {
        if let Some(found) = lanes::find_in(tool, std::ffi::OsStr::new(SYSTEM_PATH)) {
            std::os::unix::fs::symlink(found, tools.join(tool)).unwrap();
        }
    }
    let path = tools.to_str().unwrap().to_owned();
    assert!(lanes::find_in("minisign", std::ffi::OsStr::new(&path)).is_none());

    let mut release = built();
    let server = TestServer::start();
    let base = release.serve(&server);
    let script = lone_copy(&home, release.get("install.sh"));
    install_with(&home, &script, &base, &[], &path)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "minisign not found: checking only the sha256 listed in SHA256SUMS",
        ))
        .stderr(predicate::str::contains("signature").count(1));
    assert_installed(&home);
    assert!(
        server
            .requests_to("/go/release/latest/download/SHA256SUMS.minisig")
            .is_empty(),
        "the signature is not fetched when nothing can check it"
    );

    let mut archive = release.get(&host_asset()).to_vec();
    archive[10] ^= 1;
    release.set(&host_asset(), archive);
    let server = TestServer::start();
    let base = release.serve(&server);
    let home = TestHome::new();
    let script = lone_copy(&home, release.get("install.sh"));
    install_with(&home, &script, &base, &[], &path)
        .assert()
        .failure()
        .stderr(predicate::str::contains("does not match its sha256"));
    assert_nothing_installed(&home, "tampered, no minisign");
}

/// install.sh trusts the project's key: the line of keys/release.pub.
#[test]
fn install_sh_carries_the_release_key() {
    let script = fs::read_to_string(install_sh()).unwrap();
    let line = format!(
        "RELEASE_PUBKEY={}\n",
        key_line(&repo().join("keys/release.pub"))
    );
    assert!(script.contains(&line), "install.sh lacks {line}");
    // And verifies with it when GVX_RELEASE_PUBKEY is unset: the test key is not trusted.
    if !have_minisign() {
        return;
    }
    let release = built();
    let server = TestServer::start();
    let base = release.serve(&server);
    let home = TestHome::new();
    install(&home, &base, &[])
        .env_remove("GVX_RELEASE_PUBKEY")
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "is not signed by gvx's release key (RWSL",
        ));
    assert_nothing_installed(&home, "test key not trusted");
}

/// The lane of the tests that install what `scripts/release.sh` built.
const RELEASE: &str = "release archives";

fn release_dir() -> Option<PathBuf> {
    lanes::input_dir(
        RELEASE,
        "GVX_TEST_RELEASE_DIR",
        "scripts/release.sh with the test key (scripts/test.sh runs it)",
    )
}

/// scripts/release.sh's output follows the release contract: archives with gvx and gvx-shim
/// (mode 755) at their root, SHA256SUMS over every other asset, sorted, signed by the test key
/// with the trusted comment `gvx-release <VERSION>`.
#[test]
fn release_sh_output_follows_the_contract() {
    let Some(dir) = release_dir() else { return };
    let release = Release::from_dir(&dir, VERSION);
    let sums = String::from_utf8(release.get("SHA256SUMS").to_vec()).unwrap();
    let mut listed = Vec::new();
    for line in sums.lines() {
        let (hash, name) = line.split_once("  ").expect("sha256sum format");
        assert_eq!(hash, sha256_hex(release.get(name)), "{name}");
        listed.push(name.to_owned());
    }
    let mut expected: Vec<String> = release
        .files
        .keys()
        .filter(|n| !n.starts_with("SHA256SUMS"))
        .cloned()
        .collect();
    expected.sort();
    assert_eq!(listed, expected, "SHA256SUMS lists every asset, sorted");
    assert!(
        listed.contains(&"install.sh".to_owned()) && listed.contains(&"install.ps1".to_owned())
    );
    assert_eq!(release.get("install.sh"), fs::read(install_sh()).unwrap());

    let pk = minisign::PublicKey::from_base64(&test_pubkey()).unwrap();
    let sig = minisign::SignatureBox::from_string(
        std::str::from_utf8(release.get("SHA256SUMS.minisig")).unwrap(),
    )
    .unwrap();
    assert!(sig.is_prehashed());
    assert_eq!(
        sig.trusted_comment().unwrap(),
        format!("gvx-release {VERSION}")
    );
    let sums_reader = std::io::Cursor::new(release.get("SHA256SUMS"));
    minisign::verify(&pk, &sig, sums_reader, true, false, false)
        .expect("SHA256SUMS.minisig verifies with the test key");

    assert!(
        release.files.contains_key(&host_asset()),
        "no {} built",
        host_asset()
    );
    for (name, bytes) in &release.files {
        if name.ends_with(".tar.gz") {
            let entries: Vec<_> = list_tar_gz(bytes)
                .into_iter()
                .map(|e| (e.name, e.mode & 0o7777))
                .collect();
            assert_eq!(
                entries,
                [("gvx".to_owned(), 0o755), ("gvx-shim".to_owned(), 0o755)],
                "{name}"
            );
        } else if name.ends_with(".zip") {
            let names: Vec<_> = list_zip(bytes).into_iter().map(|e| e.name).collect();
            assert_eq!(names, ["gvx.exe", "gvx-shim.exe"], "{name}");
        }
    }
}

/// `sh install.sh -y` (the release's own install.sh, alone in a directory, no cargo on PATH)
/// installs what scripts/release.sh built, and refuses it tampered.
#[test]
fn release_sh_output_installs_with_install_sh() {
    let Some(dir) = release_dir() else { return };
    if !have_minisign() {
        return;
    }
    let release = Release::from_dir(&dir, VERSION);
    let server = TestServer::start();
    let base = release.serve(&server);
    for args in [&[][..], &["--version", VERSION][..]] {
        let home = TestHome::new();
        let script = lone_copy(&home, release.get("install.sh"));
        install_with(&home, &script, &base, args, SYSTEM_PATH)
            .assert()
            .success()
            .stderr(predicate::str::contains("verified (gvx-release"));
        assert_installed(&home);
        // The shim works: with no SDK installed it says what to do, from the shipped binary.
        let out = std::process::Command::new(home.gvx_home().join("bin/go"))
            .arg("version")
            .env("GVX_HOME", home.gvx_home())
            .env("GVX_AUTO_INSTALL", "0")
            .current_dir(home.work())
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("gvx"),
            "{out:?}"
        );
    }

    let mut tampered = release.clone();
    let mut archive = tampered.get(&host_asset()).to_vec();
    let at = archive.len() / 3;
    archive[at] ^= 0x20;
    tampered.set(&host_asset(), archive);
    refused(&tampered, &[], "the download does not match its sha256");
}

/// `scripts/release.sh` with `--targets none` (nothing built, so this is quick): it refuses a
/// VERSION that is not Cargo.toml's and a secret key that is not the public key's, and signs
/// whatever archives the output directory already holds (as the release workflow's last job
/// does with the other runners' archives), with install.sh and install.ps1 beside them.
#[test]
fn release_sh_checks_version_and_key_and_signs_what_it_holds() {
    if !have_minisign() {
        return;
    }
    let home = TestHome::new();
    let out = home.root().join("dist");
    let release_sh = |args: &[&str]| {
        let mut cmd = assert_cmd::Command::new("bash");
        cmd.arg(repo().join("scripts/release.sh"))
            .args(args)
            .env(
                "GVX_RELEASE_KEY",
                repo().join("tests/fixtures/release-test.key"),
            )
            .env("GVX_RELEASE_PUBKEY", test_pubkey())
            .env_remove("CARGO_TARGET_DIR");
        cmd
    };
    release_sh(&["9.9.9", "--targets", "none", "--out", out.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicate::str::contains(format!(
            "VERSION 9.9.9 is not Cargo.toml's workspace version {VERSION}"
        )));
    release_sh(&[VERSION, "--targets", "none", "--out", out.to_str().unwrap()])
        .env_remove("GVX_RELEASE_PUBKEY")
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "is not the secret key of the public key from keys/release.pub",
        ));
    release_sh(&[VERSION, "--targets", "x86_64-linux,nope"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("unknown target 'nope'"));
    assert!(!out.exists(), "nothing written by a refused run");

    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("gvx-aarch64-macos.tar.gz"), "from the macos job").unwrap();
    fs::write(out.join("notes.txt"), "not a release asset").unwrap();
    let stdout = release_sh(&[
        &format!("v{VERSION}"),
        "--targets",
        "none",
        "--out",
        out.to_str().unwrap(),
    ])
    .assert()
    .success()
    .get_output()
    .stdout
    .clone();
    let printed = String::from_utf8(stdout).unwrap();
    assert_eq!(printed.lines().last(), Some(out.to_str().unwrap()));
    let release = Release::from_dir(&out, VERSION);
    let sums = String::from_utf8(release.get("SHA256SUMS").to_vec()).unwrap();
    let names: Vec<&str> = sums
        .lines()
        .map(|l| l.split_once("  ").unwrap().1)
        .collect();
    assert_eq!(
        names,
        ["gvx-aarch64-macos.tar.gz", "install.ps1", "install.sh"]
    );
    let pk = minisign::PublicKey::from_base64(&test_pubkey()).unwrap();
    let sig = minisign::SignatureBox::from_string(
        std::str::from_utf8(release.get("SHA256SUMS.minisig")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        sig.trusted_comment().unwrap(),
        format!("gvx-release {VERSION}")
    );
    let sums_reader = std::io::Cursor::new(release.get("SHA256SUMS"));
    minisign::verify(&pk, &sig, sums_reader, true, false, false).unwrap();
}

/// install.ps1 cannot run here (no PowerShell): at least it asks for what the release contract
/// names — the same base URL and layout as install.sh, SHA256SUMS, the Windows zips — and, like
/// install.sh, does everything from one function called on its last line.
#[test]
fn install_ps1_follows_the_release_layout() {
    let ps1 = fs::read_to_string(repo().join("install.ps1")).unwrap();
    for needle in [
        "'https://github.com/gvx-dev/gvx/releases'",
        "$env:GVX_RELEASE_URL",
        "\"$base/download/v$version\"",
        "\"$base/latest/download\"",
        "\"$dir/SHA256SUMS\"",
        "\"gvx-$arch-windows.zip\"",
        "{ 'x86_64' }",
        "{ 'aarch64' }",
        "Get-FileHash -Algorithm SHA256",
    ] {
        assert!(ps1.contains(needle), "install.ps1 lacks {needle}");
    }
    let script = fs::read_to_string(install_sh()).unwrap();
    assert!(script.contains("RELEASES=https://github.com/gvx-dev/gvx/releases\n"));
    assert_eq!(ps1.trim_end().lines().last(), Some("Install-Gvx"));
}
