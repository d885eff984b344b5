//! Tests of `support::fixtures` and `support::hostile`.

use std::io::Read;
use std::time::{Duration, Instant};

use tar::EntryType;

use crate::support::{FakeSdk, hostile, list_tar_gz, list_zip};

#[test]
fn fake_sdk_tar_gz_layout() {
    let sdk = FakeSdk::new("1.22.10").os("linux").arch("amd64");
    assert_eq!(sdk.filename(), "go1.22.10.linux-amd64.tar.gz");
    let entries = list_tar_gz(&sdk.tar_gz());
    let find = |n: &str| {
        entries
            .iter()
            .find(|e| e.name == n)
            .unwrap_or_else(|| panic!("{n} missing"))
    };
    assert_eq!(entries[0].name, "go/");
    assert_eq!(
        find("go/VERSION").data,
        b"go1.22.10\ntime 2024-12-03T00:00:00Z\n"
    );
    assert!(String::from_utf8_lossy(&find("go/go.env").data).contains("GOTOOLCHAIN=auto"));
    for exe in [
        "go/bin/go",
        "go/bin/gofmt",
        "go/pkg/tool/linux_amd64/compile",
    ] {
        assert_eq!(find(exe).mode & 0o777, 0o755);
    }
    assert!(find("go/bin/go").data.starts_with(b"#!/bin/sh\n"));
    for f in [
        "go/LICENSE",
        "go/src/runtime/runtime.go",
        "go/src/cmd/go/main.go",
    ] {
        assert_eq!(find(f).mode, 0o644);
    }
    assert_eq!(find("go/pkg/tool/").kind, EntryType::Directory);
    assert!(
        entries
            .iter()
            .position(|e| e.name == "go/bin/")
            .expect("dir")
            < entries
                .iter()
                .position(|e| e.name == "go/bin/go")
                .expect("file")
    );

    let bad = sdk
        .clone()
        .version_file("go1.99.0\n")
        .without("bin/go")
        .file("extra/x", "x", 0o600)
        .prefix("notgo");
    let entries = list_tar_gz(&bad.tar_gz());
    assert!(entries.iter().all(|e| e.name.starts_with("notgo/")));
    assert!(!entries.iter().any(|e| e.name == "notgo/bin/go"));
    assert!(entries.iter().any(|e| e.name == "notgo/bin/gofmt"));
    assert!(
        entries
            .iter()
            .any(|e| e.name == "notgo/extra/x" && e.mode == 0o600)
    );
    assert!(
        entries
            .iter()
            .any(|e| e.name == "notgo/VERSION" && e.data == b"go1.99.0\n")
    );
}

#[test]
fn fake_sdk_zip_reads_with_zip_crate() {
    let sdk = FakeSdk::new("go1.22.10").os("windows").arch("amd64");
    assert_eq!(sdk.filename(), "go1.22.10.windows-amd64.zip");
    let bytes = sdk.archive();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("valid zip");
    let mut names = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let name = f.name().expect("utf-8 name").into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("read entry");
        if name == "go/VERSION" {
            assert_eq!(data, b"go1.22.10\ntime 2024-12-03T00:00:00Z\n");
        }
        if name == "go/bin/go.exe" {
            assert_eq!(f.unix_mode().map(|m| m & 0o777), Some(0o755));
        }
        names.push(name);
    }
    for n in [
        "go/VERSION",
        "go/bin/go.exe",
        "go/bin/gofmt.exe",
        "go/pkg/tool/windows_amd64/compile.exe",
        "go/go.env",
    ] {
        assert!(names.iter().any(|x| x == n), "{n} missing from {names:?}");
    }
}

#[cfg(unix)]
#[test]
fn fake_go_script_behaves() {
    let (os, arch) = crate::support::host_os_arch();
    let sdk = FakeSdk::new("1.22.10");
    let dir = tempfile::tempdir().expect("tempdir");
    tar::Archive::new(flate2::read::GzDecoder::new(&sdk.tar_gz()[..]))
        .unpack(dir.path())
        .expect("unpack");
    let root = dir.path().join("go");
    let go = root.join("bin/go");
    let run = |args: &[&str], env: &[(&str, &str)], stdin: &str| {
        let mut cmd = assert_cmd::Command::new(&go);
        cmd.args(args)
            .env_remove("GOROOT")
            .env_remove("GOPATH")
            .env_remove("GOTOOLCHAIN")
            .env_remove("FAKE_GO_EXIT");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.write_stdin(stdin).output().expect("run fake go")
    };
    let out = run(&["version"], &[], "");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("go version go1.22.10 {os}/{arch}\n")
    );
    let out = run(&["env", "GOROOT"], &[], "");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        root.to_str().expect("utf-8")
    );
    let out = run(
        &["env", "GOROOT", "GOPATH", "GOVERSION"],
        &[("GOROOT", "/x/y"), ("GOPATH", "/gp")],
        "",
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "/x/y\n/gp\ngo1.22.10\n"
    );
    let out = run(
        &["build", "-o", "a b", "./..."],
        &[("GOPATH", "/gp"), ("GOTOOLCHAIN", "local")],
        "",
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "fake-go go1.22.10 args:build|-o|a b|./... GOROOT= GOPATH=/gp GOTOOLCHAIN=local\n"
    );
    assert_eq!(out.status.code(), Some(0));
    let out = run(&["cat"], &[("FAKE_GO_EXIT", "7")], "hello\nworld\n");
    assert_eq!(out.status.code(), Some(7));
    assert!(String::from_utf8_lossy(&out.stdout).ends_with("GOTOOLCHAIN=\nhello\nworld\n"));
    let out = assert_cmd::Command::new(root.join("bin/gofmt"))
        .arg("-l")
        .output()
        .expect("run gofmt");
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("fake-gofmt go1.22.10 args:-l GOROOT=")
    );

    let tree = tempfile::tempdir().expect("tempdir");
    sdk.write_tree(tree.path());
    let out = std::process::Command::new(tree.path().join("bin/go"))
        .arg("version")
        .output()
        .expect("run");
    assert!(out.status.success());
}

#[test]
fn hostile_tars_contain_the_hostile_entries() {
    let sdk = FakeSdk::new("1.22.10").os("linux").arch("amd64");
    let has = |bytes: Vec<u8>, name: &str, kind: EntryType, link: Option<&str>| {
        let entries = list_tar_gz(&bytes);
        assert!(
            entries.iter().any(|e| e.name == "go/bin/go"),
            "base SDK present"
        );
        assert!(
            entries
                .iter()
                .any(|e| e.name == name && e.kind == kind && e.link.as_deref() == link),
            "{name} {kind:?} {link:?} not in {:?}",
            entries.iter().map(|e| &e.name).collect::<Vec<_>>()
        );
        entries
    };
    has(
        hostile::tar_dotdot(&sdk),
        "go/../evil",
        EntryType::Regular,
        None,
    );
    has(
        hostile::tar_absolute(&sdk),
        "/abs/evil",
        EntryType::Regular,
        None,
    );
    has(
        hostile::tar_nested_dotdot(&sdk),
        "go/bin/../../evil",
        EntryType::Regular,
        None,
    );
    has(
        hostile::tar_backslash(&sdk),
        "go/bin\\..\\..\\evil",
        EntryType::Regular,
        None,
    );
    has(
        hostile::tar_symlink_absolute(&sdk),
        "go/link",
        EntryType::Symlink,
        Some("/etc"),
    );
    has(
        hostile::tar_symlink_escape(&sdk),
        "go/link",
        EntryType::Symlink,
        Some("../../x"),
    );
    let e = has(
        hostile::tar_symlink_write_through(&sdk, "/tmp/t"),
        "go/link",
        EntryType::Symlink,
        Some("/tmp/t"),
    );
    assert_eq!(e.last().expect("entry").name, "go/link/evil");
    has(
        hostile::tar_hardlink_outside(&sdk),
        "go/hardlink",
        EntryType::Link,
        Some("/etc/passwd"),
    );
    has(
        hostile::tar_hardlink_escape(&sdk),
        "go/hardlink",
        EntryType::Link,
        Some("../../outside"),
    );
    has(
        hostile::tar_char_device(&sdk),
        "go/dev/null",
        EntryType::Char,
        None,
    );
    has(hostile::tar_fifo(&sdk), "go/fifo", EntryType::Fifo, None);
    let e = has(
        hostile::tar_duplicate_entries(&sdk),
        "go/bin/go",
        EntryType::Regular,
        None,
    );
    assert_eq!(e.iter().filter(|x| x.name == "go/bin/go").count(), 2);
    let e = has(
        hostile::tar_file_where_dir_expected(&sdk),
        "go/src",
        EntryType::Regular,
        None,
    );
    assert!(
        e.iter().position(|x| x.name == "go/src").expect("file")
            < e.iter().position(|x| x.name == "go/src/").expect("dir")
    );
    let e = has(
        hostile::tar_setuid(&sdk),
        "go/bin/gofmt",
        EntryType::Regular,
        None,
    );
    assert_eq!(
        e.iter()
            .find(|x| x.name == "go/bin/gofmt")
            .expect("gofmt")
            .mode,
        0o6755
    );
    let big = hostile::tar_gz_large_entry(&sdk, 3 << 20);
    assert!(big.len() < 100_000);
    // The whole gzip stream (CRC and length trailer included) is valid.
    let total = std::io::copy(
        &mut flate2::read::GzDecoder::new(&big[..]),
        &mut std::io::sink(),
    )
    .expect("gunzip");
    assert_eq!(total % 512, 0);
    let e = has(big, "go/big", EntryType::Regular, None);
    assert_eq!(e.last().expect("entry").data.len(), 3 << 20);
}

#[test]
fn hostile_zips_contain_the_hostile_entries() {
    let sdk = FakeSdk::new("1.22.10").os("windows").arch("amd64");
    for (bytes, name) in [
        (hostile::zip_backslash_dotdot(&sdk), "..\\evil"),
        (hostile::zip_dotdot(&sdk), "go/../evil"),
        (hostile::zip_drive_letter(&sdk), "C:\\evil"),
        (hostile::zip_unc_path(&sdk), "\\\\server\\share\\x"),
        (hostile::zip_absolute(&sdk), "/abs/evil"),
    ] {
        let entries = list_zip(&bytes);
        assert!(entries.iter().any(|e| e.name == "go/bin/go.exe"));
        assert!(entries.iter().any(|e| e.name == name), "{name} missing");
    }
    let link = list_zip(&hostile::zip_symlink(&sdk))
        .into_iter()
        .find(|e| e.name == "go/link")
        .expect("link");
    assert_eq!(
        (link.unix_mode & 0o170_000, link.stored.as_slice()),
        (0o120_000, &b"/etc"[..])
    );

    let start = Instant::now();
    let bomb = hostile::zip_bomb(&sdk, 64 << 20);
    let built = start.elapsed();
    assert!(bomb.len() < 1 << 20, "bomb is {} bytes", bomb.len());
    let entry = list_zip(&bomb)
        .into_iter()
        .find(|e| e.name == "go/bomb")
        .expect("bomb entry");
    assert_eq!(entry.declared_size, 1024);
    assert_eq!(entry.actual_size(), 64 << 20);
    assert!(built < Duration::from_secs(2), "{built:?}");
    let huge = hostile::zip_bomb(&sdk, 4 << 30);
    assert!(huge.len() < 8 << 20, "4 GiB bomb is {} bytes", huge.len());
    // The zip crate accepts it as a zip (the lie is only in the sizes).
    assert!(zip::ZipArchive::new(std::io::Cursor::new(bomb)).is_ok());

    let large = hostile::zip_large_entry(&sdk, 5 << 20);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&large[..])).expect("zip");
    let mut f = zip.by_name("go/big").expect("go/big");
    // Reading through the zip crate also verifies the CRC.
    assert_eq!(
        std::io::copy(&mut f, &mut std::io::sink()).expect("read"),
        5 << 20
    );
    drop(f);
    let honest = list_zip(&hostile::zip_large_entry(&sdk, 5 << 20))
        .into_iter()
        .find(|e| e.name == "go/big")
        .expect("big");
    assert_eq!(
        (honest.declared_size, honest.actual_size()),
        (5 << 20, 5 << 20)
    );
}
