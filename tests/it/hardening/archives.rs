//! Hostile archives that `install.rs` does not already cover, end to end: zip archives (on
//! Unix they reach the zip extractor through `gvx install --archive <file>.zip`, which picks
//! the extractor by file name), more tar.gz tricks, setuid bits, and bombs. Each refusal must
//! leave the store byte for byte as it was, with nothing written outside it.

use super::{assert_complete, assert_no_leftovers, snapshot, text};
use crate::support::archive::{RawEntry, gzip_with_zeros, tar_bytes, tar_gz_bytes};
use crate::support::{FakeSdk, IndexRelease, TestHome, TestServer, hostile, sha256_hex};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Instant;

/// A home that has no index or mirror at all (`--archive` with `--sha256` needs none), with
/// go1.21.13 already installed from a zip, so "unchanged" covers a real SDK.
fn offline_home() -> TestHome {
    let home = TestHome::new()
        .env("GVX_GO_INDEX", "http://127.0.0.1:9/dl/")
        .env("GVX_GO_MIRROR", "http://127.0.0.1:9/go");
    let old = FakeSdk::new("1.21.13");
    install_zip(&home, "go1.21.13.linux-amd64.zip", &old.zip())
        .assert()
        .success();
    assert_complete(&home.gvx_home().join("sdk/go1.21.13"), &old);
    home
}

fn install_zip(home: &TestHome, name: &str, bytes: &[u8]) -> assert_cmd::Command {
    let dir = home.root().join("archives");
    fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    fs::write(&file, bytes).unwrap();
    let mut cmd = home.gvx();
    cmd.arg("install")
        .arg("--archive")
        .arg(&file)
        .args(["--sha256", &sha256_hex(bytes)]);
    cmd
}

/// No file named like the payloads exists anywhere under the test's temp dir but in the
/// archives themselves, and nothing at the absolute paths they name.
fn assert_nothing_escaped(home: &TestHome, what: &str) {
    fn walk(dir: &Path, what: &str) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == "archives" {
                continue;
            }
            assert!(
                !(name.contains("evil") || name.contains('\\') || name.contains(':')),
                "{what}: wrote {}",
                entry.path().display()
            );
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), what);
            }
        }
    }
    walk(home.root(), what);
    assert!(!Path::new("/abs/evil").exists(), "{what}: wrote /abs/evil");
}

#[test]
fn a_zip_installs_with_modes_normalised_and_setuid_dropped() {
    let home = offline_home();
    let sdk = FakeSdk::new("1.22.10")
        .mode("bin/gofmt", 0o6755)
        .mode("VERSION", 0o4644)
        .mode("src/bytes/bytes.go", 0o666);
    install_zip(&home, "go1.22.10.linux-amd64.zip", &sdk.zip())
        .assert()
        .success();
    let dir = home.gvx_home().join("sdk/go1.22.10");
    assert_complete(&dir, &sdk);
    assert_no_special_bits(&dir);
    assert_no_leftovers(&home);
}

/// No file or directory of the tree has setuid, setgid, sticky or group/other write bits.
fn assert_no_special_bits(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let meta = fs::symlink_metadata(&path).unwrap();
        let mode = meta.permissions().mode() & 0o7777;
        assert!(
            mode == 0o755 || (mode == 0o644 && meta.is_file()),
            "{} has mode {mode:o}",
            path.display()
        );
        if meta.is_dir() {
            assert_no_special_bits(&path);
        }
    }
}

#[test]
fn hostile_zips_are_refused_through_install_archive() {
    let home = offline_home();
    let before = snapshot(&home);
    let sdk = FakeSdk::new("1.22.10");
    let evil = |name: &str| RawEntry::file(name, 0o644, "evil\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "..\\evil",
            hostile::zip_backslash_dotdot(&sdk),
            "refusing archive entry",
        ),
        (
            "go/../evil",
            hostile::zip_dotdot(&sdk),
            "refusing archive entry",
        ),
        (
            "C:\\evil",
            hostile::zip_drive_letter(&sdk),
            "refusing archive entry",
        ),
        (
            "UNC path",
            hostile::zip_unc_path(&sdk),
            "refusing archive entry",
        ),
        (
            "/abs/evil",
            hostile::zip_absolute(&sdk),
            "refusing archive entry",
        ),
        ("symlink", hostile::zip_symlink(&sdk), "symbolic link"),
        (
            "file where a directory is expected",
            hostile::zip_with(&sdk, vec![evil("go/src").into()]),
            "both as a file and as a directory",
        ),
        (
            "duplicate",
            hostile::zip_with(
                &sdk,
                vec![RawEntry::file("go/bin/go", 0o755, "evil\n").into()],
            ),
            "appears twice",
        ),
        (
            "bomb: declares 1 KiB, inflates to 64 MiB",
            hostile::zip_bomb(&sdk, 64 << 20),
            "does not match its declared size",
        ),
        (
            "one entry over the 1 GiB file cap",
            hostile::zip_large_entry(&sdk, (1 << 30) + 1),
            "byte limit for one file",
        ),
    ];
    for (what, bytes, message) in cases {
        let started = Instant::now();
        let out = install_zip(&home, "go1.22.10.linux-amd64.zip", &bytes)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(5), "{what}: {}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{what}: {stderr}");
        assert!(stderr.contains("hint:"), "{what}: {stderr}");
        assert!(
            started.elapsed().as_secs() < 10,
            "{what}: refused only after {:?}",
            started.elapsed()
        );
        assert_eq!(snapshot(&home), before, "{what}: the store changed");
        assert_no_leftovers(&home);
        assert_nothing_escaped(&home, what);
    }
}

/// A server with go1.21.13 (fine) and go1.22.10 served as `bytes`; a home with 1.21.13
/// installed. Returns the snapshot taken before anything else.
fn served(bytes: Vec<u8>) -> (TestServer, TestHome) {
    let server = TestServer::start();
    let old = FakeSdk::new("1.21.13");
    let old_bytes = old.archive();
    server.put_file(&old.filename(), old_bytes.clone());
    let sdk = FakeSdk::new("1.22.10");
    server.put_file(&sdk.filename(), bytes.clone());
    server.set_index(&[
        IndexRelease::new("1.22.10").sdk(&sdk, &bytes),
        IndexRelease::new("1.21.13").sdk(&old, &old_bytes),
    ]);
    let home = TestHome::new().with_server(&server);
    home.gvx().args(["install", "1.21.13"]).assert().success();
    (server, home)
}

/// A regular file `go/src` right after `go/`, then the SDK's `go/src/` directory and files.
/// (`hostile::tar_file_where_dir_expected` repeats `go/` too, so it is refused as a
/// duplicate before the clash is reached.)
fn file_where_dir_expected(sdk: &FakeSdk) -> Vec<u8> {
    let mut entries = sdk.entries();
    entries.insert(1, RawEntry::file("go/src", 0o644, "evil\n"));
    tar_gz_bytes(&entries)
}

#[test]
fn more_hostile_tarballs_are_refused_and_the_store_is_unchanged() {
    let sdk = FakeSdk::new("1.22.10");
    let outside = tempfile::tempdir().unwrap();
    let outside_path = outside.path().to_str().unwrap().to_owned();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "file where a directory is expected",
            file_where_dir_expected(&sdk),
            "both as a file and as a directory",
        ),
        (
            "backslashes",
            hostile::tar_backslash(&sdk),
            "refusing archive entry",
        ),
        (
            "symlink then a write through it",
            hostile::tar_symlink_write_through(&sdk, &outside_path),
            "symbolic link",
        ),
        (
            "relative hard link",
            hostile::tar_hardlink_escape(&sdk),
            "hard link",
        ),
        ("fifo", hostile::tar_fifo(&sdk), "named pipe"),
        (
            "bomb: one entry over the 1 GiB file cap",
            hostile::tar_gz_large_entry(&sdk, (1 << 30) + 1),
            "byte limit for one file",
        ),
    ];
    for (what, bytes, message) in cases {
        let (_server, home) = served(bytes);
        let before = snapshot(&home);
        let started = Instant::now();
        let out = home.gvx().args(["install", "1.22.10"]).output().unwrap();
        assert_eq!(out.status.code(), Some(5), "{what}: {}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{what}: {stderr}");
        assert!(
            started.elapsed().as_secs() < 10,
            "{what}: refused only after {:?}",
            started.elapsed()
        );
        assert_eq!(snapshot(&home), before, "{what}: the store changed");
        assert_no_leftovers(&home);
        assert_nothing_escaped(&home, what);
        assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0, "{what}");
    }
}

#[test]
fn a_gzip_bomb_after_the_end_of_the_tar_is_cut_off_at_the_stream_cap() {
    // A valid SDK tar, then 3 GiB of zeros inside the same gzip member (3 MiB on the wire):
    // the decompressed stream is capped (2 GiB + per-entry slack), not read to the end.
    let sdk = FakeSdk::new("1.22.10");
    let bytes = gzip_with_zeros(&tar_bytes(&sdk.entries()), 3 << 30);
    let (_server, home) = served(bytes);
    let before = snapshot(&home);
    let started = Instant::now();
    let out = home.gvx().args(["install", "1.22.10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("exceed the 2147483648-byte limit"),
        "{}",
        text(&out)
    );
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    assert_eq!(snapshot(&home), before);
    assert_no_leftovers(&home);
}

#[test]
fn setuid_bits_in_a_tarball_are_neutralised() {
    let sdk = FakeSdk::new("1.22.10")
        .mode("bin/gofmt", 0o6755)
        .mode("bin/go", 0o4755)
        .mode("go.env", 0o2644);
    let (_server, home) = served(hostile::tar_setuid(&sdk));
    home.gvx().args(["install", "1.22.10"]).assert().success();
    let dir = home.gvx_home().join("sdk/go1.22.10");
    let mode = |p: &str| fs::metadata(dir.join(p)).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode("bin/gofmt"), 0o755, "not 6755");
    assert_eq!(mode("bin/go"), 0o755, "not 4755");
    assert_eq!(mode("go.env"), 0o644, "not 2644");
    assert_complete(&dir, &sdk);
    assert_no_special_bits(&dir);
}
