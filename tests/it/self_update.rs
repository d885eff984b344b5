//! `gvx self update` and `gvx self uninstall`, run by a copy of gvx installed as install.sh
//! installs it (`<GVX_HOME>/bin/gvx` and `gvx-shim`), against releases served on loopback the
//! way GitHub serves them and signed with the test key (tests/fixtures/release-test.key).
//! Updating needs a gvx built to trust the test key: scripts/test.sh builds it so
//! (`GVX_RELEASE_PUBKEY`); other builds skip the lane.

use crate::support::archive::{RawEntry, tar_gz_bytes};
use crate::support::lanes;
use crate::support::release::{Release, host_asset, sign_with, test_pubkey};
use crate::support::server::Fault;
use crate::support::{TestHome, TestServer, shim_bin};
use predicates::prelude::*;
use semver::Version;
use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

fn current() -> Version {
    Version::parse(env!("CARGO_PKG_VERSION")).unwrap()
}

fn newer() -> Version {
    Version::new(current().major, current().minor + 1, 0)
}

/// Whether gvx was built to trust the test key; skips the lane (once) if not.
fn trusts_test_key() -> bool {
    if option_env!("GVX_RELEASE_PUBKEY").map(str::trim) == Some(test_pubkey().trim()) {
        return true;
    }
    lanes::skip(
        "self update",
        "gvx was built without GVX_RELEASE_PUBKEY set to the test key (tests/fixtures/release-test.pub); scripts/test.sh builds it so",
    );
    false
}

/// gvx, its shim and the go/gofmt shims in `<GVX_HOME>/bin`, as install.sh leaves them.
struct Installed {
    home: TestHome,
    server: TestServer,
}

impl Installed {
    fn new() -> Installed {
        let server = TestServer::start();
        let home = TestHome::new().env("GVX_RELEASE_URL", &server.file_url("release"));
        let bin = home.gvx_home().join("bin");
        fs::create_dir_all(&bin).unwrap();
        fs::copy(assert_cmd::cargo::cargo_bin("gvx"), bin.join("gvx")).unwrap();
        fs::copy(shim_bin(), bin.join("gvx-shim")).unwrap();
        let installed = Installed { home, server };
        installed.gvx().arg("reshim").assert().success();
        installed
    }

    fn bin(&self, name: &str) -> PathBuf {
        self.home.gvx_home().join("bin").join(name)
    }

    /// The installed gvx (not cargo's).
    fn gvx(&self) -> assert_cmd::Command {
        self.home.cmd_path(self.bin("gvx"))
    }

    /// Every file in bin/ with its bytes.
    fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<_> = fs::read_dir(self.home.gvx_home().join("bin"))
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    }

    /// Serves `release` under `download/v<version>/`, and as the newest.
    fn publish(&self, release: &Release) {
        release.serve(&self.server);
    }

    fn archive_path(&self, version: &Version) -> String {
        format!("/go/release/download/v{version}/{}", host_asset())
    }
}

fn marked(path: PathBuf, version: &Version) -> Vec<u8> {
    let mut bytes = fs::read(path).unwrap();
    bytes.extend_from_slice(format!("\ngvx-test-release {version}\n").as_bytes());
    bytes
}

/// A signed release of `version`: the archive holds gvx and gvx-shim as built, each with a
/// marker appended so the swap can be seen.
fn release(version: &Version) -> Release {
    let archive = tar_gz_bytes(&[
        RawEntry::file(
            "gvx",
            0o755,
            marked(assert_cmd::cargo::cargo_bin("gvx"), version),
        ),
        RawEntry::file("gvx-shim", 0o755, marked(shim_bin(), version)),
    ]);
    Release::signed(
        &version.to_string(),
        BTreeMap::from([(host_asset(), archive)]),
    )
}

#[test]
fn an_update_is_verified_then_swapped_in_and_the_shims_follow() {
    if !trusts_test_key() {
        return;
    }
    let gvx = Installed::new();
    let release = release(&newer());
    gvx.publish(&release);
    gvx.gvx()
        .args(["self", "update"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "updated gvx {} to {} in",
            current(),
            newer()
        )));
    let marker = format!("gvx-test-release {}\n", newer());
    for name in ["gvx", "gvx-shim", "go", "gofmt"] {
        let bytes = fs::read(gvx.bin(name)).unwrap();
        assert!(
            bytes.ends_with(marker.as_bytes()),
            "{name} was not replaced"
        );
    }
    let leftovers: Vec<_> = gvx
        .snapshot()
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    gvx.gvx().arg("--version").assert().success();
}

#[test]
fn the_same_release_is_up_to_date_and_check_only_tells() {
    if !trusts_test_key() {
        return;
    }
    let gvx = Installed::new();
    gvx.publish(&release(&current()));
    gvx.gvx()
        .args(["self", "update"])
        .assert()
        .success()
        .stdout(format!("gvx {} is up to date\n", current()));
    gvx.publish(&release(&newer()));
    let before = gvx.snapshot();
    gvx.gvx()
        .args(["self", "update", "--check"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "gvx {} is available",
            newer()
        )));
    assert!(gvx.snapshot() == before, "--check changed bin/");
    assert_eq!(gvx.server.request_count(&gvx.archive_path(&newer())), 0);
}

#[test]
fn an_older_release_served_as_the_newest_is_refused() {
    if !trusts_test_key() {
        return;
    }
    let gvx = Installed::new();
    let older = Version::new(0, 0, 1);
    gvx.publish(&release(&older));
    let before = gvx.snapshot();
    gvx.gvx()
        .args(["self", "update"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!(
            "the newest release at {} is gvx {older}, older than this gvx {}: refusing to downgrade",
            gvx.server.file_url("release"),
            current()
        )))
        .stderr(predicate::str::contains(format!(
            "gvx self update --version {older}"
        )));
    assert!(gvx.snapshot() == before);
    assert_eq!(gvx.server.request_count(&gvx.archive_path(&older)), 0);
    // Asked for by name, going back is the user's choice.
    gvx.gvx()
        .args(["self", "update", "--version", &older.to_string()])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("to {older} in")));
}

#[test]
fn a_release_replayed_under_another_version_is_refused() {
    if !trusts_test_key() {
        return;
    }
    let gvx = Installed::new();
    let asked = Version::new(current().major, current().minor + 2, 0);
    // The genuine, signed files of `newer()` served where `asked` should be.
    let mut replayed = release(&newer());
    replayed.version = asked.to_string();
    gvx.publish(&replayed);
    let before = gvx.snapshot();
    gvx.gvx()
        .args(["self", "update", "--version", &asked.to_string()])
        .assert()
        .code(5)
        .stderr(predicate::str::contains(format!(
            "/release/download/v{asked}/SHA256SUMS is signed as the list of gvx {}, not of gvx {asked}",
            newer()
        )));
    assert!(gvx.snapshot() == before);
}

#[test]
fn tampered_truncated_or_foreign_releases_change_nothing() {
    if !trusts_test_key() {
        return;
    }
    let gvx = Installed::new();
    let before = gvx.snapshot();
    let comment = format!("gvx-release {}", newer());
    let asset = host_asset();
    let good = release(&newer());
    let tampered_archive = || {
        let mut bytes = good.get(&asset).to_vec();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 1;
        bytes
    };

    // One byte of the archive changed.
    let mut changed = release(&newer());
    changed.set(&asset, tampered_archive());
    // And SHA256SUMS changed to match it, under the old signature.
    let mut sums_too = release(&newer());
    sums_too.set(&asset, tampered_archive());
    sums_too.resum();
    // Properly signed, by a key that is not gvx's.
    let mut foreign = release(&newer());
    let other = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    let signature = sign_with(&other.sk, foreign.get("SHA256SUMS"), &comment);
    foreign.set("SHA256SUMS.minisig", signature);
    // The archive cut short (served whole: its sha256 is wrong).
    let mut short = release(&newer());
    let cut = good.get(&asset)[..good.get(&asset).len() / 3].to_vec();
    short.set(&asset, cut);

    let cases = [
        (
            changed,
            "does not match its sha256 in the signed SHA256SUMS",
        ),
        (
            sums_too,
            "the signature does not verify with the gvx release key 083D7DEDCC99035C",
        ),
        (
            foreign,
            "the signature does not verify with the gvx release key 083D7DEDCC99035C",
        ),
        (short, "does not match its sha256 in the signed SHA256SUMS"),
    ];
    for (release, expected) in cases {
        gvx.publish(&release);
        gvx.gvx()
            .args(["self", "update"])
            .assert()
            .code(5)
            .stderr(predicate::str::contains(expected))
            .stderr(predicate::str::contains("nothing was changed"));
        assert!(gvx.snapshot() == before, "bin/ changed after: {expected}");
    }

    // The connection dropped part-way on every attempt.
    gvx.publish(&good);
    let archive = gvx.archive_path(&newer());
    gvx.server.set_fault(&archive, Fault::Truncate { at: 1000 });
    gvx.gvx()
        .args(["self", "update"])
        .env("GVX_HTTP_TIMEOUT", "2")
        .assert()
        .code(4)
        .stderr(predicate::str::contains("cut off"));
    assert!(gvx.snapshot() == before);
}

#[test]
fn a_release_without_this_platform_says_what_it_has() {
    if !trusts_test_key() {
        return;
    }
    let gvx = Installed::new();
    let mut other = release(&newer());
    let archive = other.files.remove(&host_asset()).unwrap();
    other.set("gvx-riscv64-plan9.tar.gz", archive);
    other.resum();
    other.resign(&format!("gvx-release {}", newer()));
    gvx.publish(&other);
    gvx.gvx()
        .args(["self", "update"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "gvx {} has no archive {} for this platform",
            newer(),
            host_asset()
        )))
        .stderr(predicate::str::contains(
            "the release has: gvx-riscv64-plan9.tar.gz",
        ));
    // A release the server does not have.
    gvx.gvx()
        .args(["self", "update", "--version", "42.0.0"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "/release/download/v42.0.0/SHA256SUMS answered 404 Not Found: there is no such gvx release file",
        ))
        .stderr(predicate::str::contains("and GVX_RELEASE_URL"));
}

#[test]
fn uninstall_lists_asks_then_undoes_setup_and_deletes_the_store() {
    let gvx = Installed::new();
    let bashrc = gvx.home.home().join(".bashrc");
    fs::write(&bashrc, "# mine\nalias ll='ls -l'\n").unwrap();
    let before = fs::read(&bashrc).unwrap();
    gvx.gvx().arg("setup").assert().success();
    assert_ne!(fs::read(&bashrc).unwrap(), before);
    // A shared store is not gvx's to delete.
    let shared = gvx.home.root().join("shared");
    fs::create_dir_all(shared.join("sdk")).unwrap();
    let uninstall = || {
        let mut cmd = gvx.gvx();
        cmd.args(["self", "uninstall"])
            .env("GVX_SHARED_STORES", &shared);
        cmd
    };

    uninstall()
        .arg("--dry-run")
        .assert()
        .success()
        .stdout(predicate::str::contains("gvx self uninstall would:"))
        .stdout(predicate::str::contains(
            "remove the gvx block from ~/.bashrc",
        ))
        .stdout(predicate::str::contains(
            "(GVX_HOME: no SDKs, the go/gofmt shims, gvx itself, caches)",
        ))
        .stdout(predicate::str::contains("keep the shared stores"));
    uninstall()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("there is no terminal to ask on"))
        .stderr(predicate::str::contains("gvx self uninstall -y"));
    assert!(gvx.bin("gvx").is_file());

    uninstall()
        .arg("-y")
        .assert()
        .success()
        .stdout(predicate::str::contains("gvx is uninstalled"));
    assert_eq!(fs::read(&bashrc).unwrap(), before, "~/.bashrc not restored");
    assert!(!gvx.home.gvx_home().exists(), "GVX_HOME left behind");
    assert!(shared.join("sdk").is_dir(), "the shared store was touched");
}

#[test]
fn reshim_sweeps_what_a_killed_update_staged() {
    let gvx = Installed::new();
    let staged = gvx.bin(".update-gvx-Ab12Cd");
    fs::write(&staged, "half a binary").unwrap();
    gvx.gvx().arg("reshim").assert().success();
    assert!(
        !staged.exists(),
        "the staged file of a killed update is still there"
    );
    assert!(gvx.bin("gvx").is_file() && gvx.bin("go").is_file());
}
