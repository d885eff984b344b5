//! Tests of `support::goproxy`: published vectors, the distpack rules, and the
//! real go1.22.10 `go mod download` as the oracle for the proxy + checksum
//! database fixtures (accepting them, and rejecting tampered copies).

use std::collections::BTreeSet;
use std::fs;

use base64::Engine;
use base64::prelude::BASE64_STANDARD;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use crate::support::goproxy::{
    self, EntryData, GoDownload, GoProxy, Sumdb, TOOLCHAIN_GOMOD_H1, ToolchainZip, distpack_mode,
    hash1, key_hash, merkle_root, new_tiles, node_hash, record_hash, tile_path,
};
use crate::support::list_zip;

/// Worked example B of the reference note (§3.2).
fn two_file_zip() -> ToolchainZip {
    ToolchainZip {
        version: "1.99.0".into(),
        goos: "linux".into(),
        goarch: "amd64".into(),
        entries: Vec::new(),
    }
    .with_entry("bin/go", "#!/bin/sh\necho fake go\n")
    .with_entry("VERSION", "go1.99.0\n")
}

#[test]
fn h1_matches_the_published_vectors() {
    let zip = two_file_zip();
    assert_eq!(
        zip.prefix(),
        "golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64/"
    );
    assert_eq!(zip.h1(), "h1:STKhD+0hZkRN2j9/5r2oWlvc6VwBTo7tvmQA8dqBKzM=");
    // Entry order does not matter; a directory entry does.
    let reversed = ToolchainZip {
        entries: zip.entries.iter().rev().cloned().collect(),
        ..zip.clone()
    };
    assert_eq!(reversed.h1(), zip.h1());
    let with_dir = zip
        .clone()
        .with_raw_entry(&format!("{}bin/", zip.prefix()), "");
    assert_eq!(
        with_dir.h1(),
        "h1:qp/nfXmpZ3VldstKbkADUbhLx2O5ILqvA+e4NgLSRY4="
    );
    assert_eq!(
        hash1(&[
            (format!("{}VERSION", zip.prefix()), "go1.99.0\n"),
            (
                format!("{}bin/go", zip.prefix()),
                "#!/bin/sh\necho fake go\n"
            ),
        ]),
        zip.h1()
    );
    assert_eq!(goproxy::toolchain_gomod_h1(), TOOLCHAIN_GOMOD_H1);
    assert_eq!(
        TOOLCHAIN_GOMOD_H1,
        "h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0="
    );
    // A duplicate name is hashed twice, both times with the last content (HashZip's map).
    let dup = zip
        .clone()
        .with_raw_entry(&format!("{}VERSION", zip.prefix()), "go1.99.1\n");
    let dup_expected = hash1(&[
        (format!("{}VERSION", zip.prefix()), "go1.99.1\n"),
        (format!("{}VERSION", zip.prefix()), "go1.99.1\n"),
        (
            format!("{}bin/go", zip.prefix()),
            "#!/bin/sh\necho fake go\n",
        ),
    ]);
    assert_eq!(dup.h1(), dup_expected);
    assert_eq!(list_zip(&dup.zip_bytes()).len(), 3, "duplicates are kept");
}

#[test]
fn fake_toolchain_zip_has_the_module_layout() {
    let zip = ToolchainZip::fake("1.22.10", "linux", "amd64");
    assert_eq!(zip.module_version(), "v0.0.1-go1.22.10.linux-amd64");
    assert_eq!(
        zip.module_at_version(),
        "golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64"
    );
    let p = zip.prefix();
    let expected: Vec<String> = [
        "VERSION",
        "bin/go",
        "bin/gofmt",
        "go.env",
        "pkg/tool/linux_amd64/compile",
        "src/_go.mod",
        "src/cmd/_go.mod",
        "src/cmd/go/main.go",
    ]
    .iter()
    .map(|r| format!("{p}{r}"))
    .collect();
    assert_eq!(zip.names(), expected);
    assert_eq!(
        zip.get("VERSION").expect("VERSION"),
        b"go1.22.10\ntime 2024-12-03T00:00:00Z\n"
    );
    assert_eq!(
        zip.get("src/_go.mod").expect("_go.mod"),
        b"module std\n\ngo 1.22\n"
    );
    assert!(zip.get("bin/go").expect("go").starts_with(b"#!/bin/sh\n"));
    assert_eq!(
        zip.info_json(),
        "{\"Version\":\"v0.0.1-go1.22.10.linux-amd64\", \"Time\":\"2024-12-03T00:00:00Z\"}\n"
    );

    let listed = list_zip(&zip.zip_bytes());
    let names: Vec<&str> = listed.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, expected, "sorted, no directory entries");
    for e in &listed {
        assert_eq!(e.method, 8, "{} deflated", e.name);
        let rel = &e.name[p.len()..];
        let mode = if rel.starts_with("bin/") || rel.starts_with("pkg/tool/") {
            0o755
        } else {
            0o644
        };
        assert_eq!(e.unix_mode, 0o100_000 | mode, "{}", e.name);
        let mut data = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::DeflateDecoder::new(&e.stored[..]),
            &mut data,
        )
        .expect("inflate");
        assert_eq!(Some(data), zip.get(rel), "{}", e.name);
    }

    let win = ToolchainZip::fake("1.23rc2", "windows", "arm64");
    assert_eq!(win.module_version(), "v0.0.1-go1.23rc2.windows-arm64");
    assert!(win.get("bin/go.exe").is_some() && win.get("bin/go").is_none());
    assert!(win.get("pkg/tool/windows_arm64/compile.exe").is_some());
    assert_eq!(
        win.get("src/cmd/_go.mod").expect("_go.mod"),
        b"module cmd\n\ngo 1.23\n"
    );

    let flipped = zip.clone().with_flipped_byte("bin/go", 3);
    assert_ne!(flipped.h1(), zip.h1());
    assert_eq!(
        flipped.get("bin/go").map(|d| d.len()),
        zip.get("bin/go").map(|d| d.len())
    );
    let fewer = zip.clone().without_entry("go.env");
    assert_eq!(fewer.entries.len(), zip.entries.len() - 1);
}

#[test]
fn distpack_mode_rule() {
    for (rel, mode) in [
        ("bin/go", 0o755),
        ("pkg/tool/linux_amd64/compile", 0o755),
        ("src/make.bash", 0o755),
        ("src/cmd/x/run.sh", 0o755),
        ("src/regexp/syntax/make_perl_groups.pl", 0o755),
        ("src/make.rc", 0o755),
        ("misc/wasm/go_js_wasm_exec", 0o755),
        ("lib/go_a_b_exec", 0o755),
        ("lib/go_ios_exec", 0o644),
        ("lib/go__b_exec", 0o644),
        ("go_exec", 0o644),
        ("VERSION", 0o644),
        ("src/cmd/go/main.go", 0o644),
        ("pkg/include/textflag.h", 0o644),
    ] {
        assert_eq!(distpack_mode(rel), mode, "{rel}");
    }
}

#[test]
fn from_sdk_tree_applies_the_distpack_module_rules() {
    let tmp = TempDir::new().expect("tmp");
    let root = tmp.path().join("go");
    let files = [
        "VERSION",
        "VERSION.cache",
        ".gitignore",
        ".github/x.yml",
        "go.env",
        "LICENSE",
        "api/go1.txt",
        "doc/go_spec.html",
        "misc/wasm/wasm_exec.js",
        "test/a.go",
        "lib/time/zoneinfo.zip",
        "bin/go",
        "bin/gofmt",
        "bin/extra",
        "pkg/include/textflag.h",
        "pkg/tool/linux_amd64/compile",
        "pkg/tool/linux_amd64/dist",
        "pkg/tool/linux_amd64/api",
        "pkg/tool/linux_amd64/distpack",
        "pkg/tool/linux_amd64/metadata",
        "pkg/tool/linux_arm64/compile",
        "pkg/linux_amd64/runtime.a",
        "src/go.mod",
        "src/cmd/go.mod",
        "src/cmd/go/main.go",
        "src/cmd/go/testdata/mod/go.mod",
        "src/cmd/dist/dist",
        "src/cmd/dist/build.go",
        "src/make.bash",
        "src/x/.DS_Store",
        "src/x/y.exe~",
    ];
    for f in files {
        let path = root.join(f);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, format!("content of {f}\n")).expect("write");
    }
    let zip = ToolchainZip::from_sdk_tree(&root, "1.22.10", "linux", "amd64");
    let p = zip.prefix();
    let rels: Vec<String> = zip
        .names()
        .iter()
        .map(|n| n.strip_prefix(p.as_str()).expect("prefixed").to_owned())
        .collect();
    assert_eq!(
        rels,
        [
            "LICENSE",
            "VERSION",
            "bin/go",
            "bin/gofmt",
            "go.env",
            "lib/time/zoneinfo.zip",
            "pkg/include/textflag.h",
            "pkg/tool/linux_amd64/compile",
            "src/_go.mod",
            "src/cmd/_go.mod",
            "src/cmd/dist/build.go",
            "src/cmd/go/main.go",
            "src/cmd/go/testdata/mod/_go.mod",
            "src/make.bash",
        ]
    );
    assert!(matches!(zip.entries[0].1, EntryData::File(_)));
    assert_eq!(
        zip.get("src/cmd/_go.mod").expect("renamed"),
        b"content of src/cmd/go.mod\n"
    );
    let listed = list_zip(&zip.zip_bytes());
    let mode_of = |rel: &str| {
        listed
            .iter()
            .find(|e| e.name == format!("{p}{rel}"))
            .expect(rel)
            .unix_mode
            & 0o777
    };
    assert_eq!(mode_of("src/make.bash"), 0o755);
    assert_eq!(mode_of("pkg/tool/linux_amd64/compile"), 0o755);
    assert_eq!(mode_of("lib/time/zoneinfo.zip"), 0o644);
}

#[test]
fn keys_notes_and_tiles() {
    // The real sum.golang.org verifier key and two of its signed tree heads (reference §4.1).
    let b64 = "Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
    let key = BASE64_STANDARD.decode(b64).expect("key");
    assert_eq!(key_hash("sum.golang.org", &key), 0x033d_e0ae);
    let vk = VerifyingKey::from_bytes(key[1..].try_into().expect("32 bytes")).expect("key");
    for (text, sig) in [
        (
            "go.sum database tree\n28905453\nf3f8U0MoQmXkWAgAEKDtXcaI3c2y6N9+55KNSRefF/w=\n",
            "Az3grr4J9x4SApup87osjthKONInbYdbN37ZskrLF12HIbhDuxOBTzt8Z2jUKbCvxYWrw0yNgshddOzt7pZEl7aSCw8=",
        ),
        (
            "go.sum database tree\n28891140\n++pUIeKTwGvykMUkmM3AT97PwQipMT6H/p7t86E0Sp0=\n",
            "Az3grqNvOILDz7xwAKugtVFZwd+I9IyB/mHrUYzcVaS9zKsRVdRLNGLFpnAcLhyoBBkdIYEzK/+7Eu4wanYttLrPsQo=",
        ),
    ] {
        let blob = BASE64_STANDARD.decode(sig).expect("sig");
        assert_eq!(blob[..4], 0x033d_e0ae_u32.to_be_bytes());
        let sig = Signature::from_slice(&blob[4..]).expect("64 bytes");
        vk.verify_strict(text.as_bytes(), &sig)
            .expect("real tree head verifies");
    }

    // Our notes have the same shape and verify the same way.
    let mut db = Sumdb::new("sumdb.test", 7);
    let vkey = db.vkey();
    let fields: Vec<&str> = vkey.split('+').collect();
    assert_eq!(fields.len(), 3);
    assert_eq!(fields[0], "sumdb.test");
    let pubkey = BASE64_STANDARD.decode(fields[2]).expect("vkey base64");
    assert_eq!((pubkey.len(), pubkey[0]), (33, 1));
    assert_eq!(
        fields[1],
        format!("{:08x}", key_hash("sumdb.test", &pubkey))
    );
    db.add_fillers(3);
    let zip = ToolchainZip::fake("1.22.99", "linux", "amd64");
    let id = db.add_toolchain(&zip);
    assert_eq!((id, db.size()), (3, 4));
    assert_eq!(
        db.record(id),
        format!(
            "golang.org/toolchain v0.0.1-go1.22.99.linux-amd64 {}\ngolang.org/toolchain v0.0.1-go1.22.99.linux-amd64/go.mod {TOOLCHAIN_GOMOD_H1}\n",
            zip.h1()
        )
    );
    let note = db.signed_tree();
    let root = merkle_root(
        &(0..4)
            .map(|i| record_hash(db.record(i).as_bytes()))
            .collect::<Vec<_>>(),
    );
    let text = format!(
        "go.sum database tree\n4\n{}\n",
        BASE64_STANDARD.encode(root)
    );
    let (head, sigline) = note.split_once("\n\n").expect("blank line");
    assert_eq!(format!("{head}\n"), text);
    let b64sig = sigline
        .strip_prefix("\u{2014} sumdb.test ")
        .and_then(|s| s.strip_suffix('\n'))
        .expect("signature line");
    let blob = BASE64_STANDARD.decode(b64sig).expect("sig");
    assert_eq!(blob[..4], db.key_hash().to_be_bytes());
    let vk = VerifyingKey::from_bytes(pubkey[1..].try_into().expect("32")).expect("key");
    vk.verify_strict(
        text.as_bytes(),
        &Signature::from_slice(&blob[4..]).expect("64"),
    )
    .expect("our note verifies");
    assert_eq!(
        db.lookup_body(&zip.module_at_version()).expect("lookup"),
        format!("3\n{}\n{note}", db.record(3))
    );
    assert!(db.lookup_body("example.com/filler/m0@v1.0.0").is_none());
    for i in [0, 3, 4 + 35] {
        let bad = goproxy::flip_signature_byte(&note, i);
        assert_ne!(bad, note);
        assert_eq!(bad.len(), note.len());
    }

    // RFC 6962 shapes.
    let l: Vec<[u8; 32]> = (0..5u8).map(|i| record_hash(&[i])).collect();
    assert_eq!(
        record_hash(b"x"),
        <[u8; 32]>::from(Sha256::digest(b"\x00x"))
    );
    assert_eq!(merkle_root(&l[..1]), l[0]);
    assert_eq!(
        merkle_root(&l[..3]),
        node_hash(&node_hash(&l[0], &l[1]), &l[2])
    );
    assert_eq!(
        merkle_root(&l[..5]),
        node_hash(
            &node_hash(&node_hash(&l[0], &l[1]), &node_hash(&l[2], &l[3])),
            &l[4]
        )
    );

    // Tile names and the tile set of a 701-record tree (reference §5.1).
    assert_eq!(tile_path(0, 1_234_067, 256), "tile/8/0/x001/x234/067");
    assert_eq!(tile_path(2, 5, 3), "tile/8/2/005.p/3");
    assert_eq!(tile_path(1, 1000, 256), "tile/8/1/x001/000");
    let mut expected: Vec<String> = vec!["tile/8/0/000".into(), "tile/8/0/001".into()];
    expected.extend((1..=189).map(|w| format!("tile/8/0/002.p/{w}")));
    expected.extend(["tile/8/1/000.p/1".into(), "tile/8/1/000.p/2".into()]);
    let got: Vec<String> = new_tiles(701)
        .into_iter()
        .map(|(l, n, w)| tile_path(l, n, w))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(
        new_tiles(65_541).iter().filter(|t| t.2 == 256).count(),
        256 + 1
    );
    assert!(new_tiles(0).is_empty());

    // Tile data: stored hashes of complete subtrees of height 8·L.
    let mut big = Sumdb::new("sumdb.test", 7);
    big.add_fillers(701);
    let tiles = big.tiles();
    let tile = |p: &str| &tiles.iter().find(|t| t.0 == p).expect(p).1;
    let t0 = tile("tile/8/0/002.p/189");
    assert_eq!(t0.len(), 189 * 32);
    assert_eq!(t0[..32], record_hash(big.record(512).as_bytes()));
    assert_eq!(t0[188 * 32..], record_hash(big.record(700).as_bytes()));
    assert_eq!(tile("tile/8/0/002.p/5")[..], t0[..5 * 32]);
    let t1 = tile("tile/8/1/000.p/2");
    assert_eq!(t1[..32], big.root_hash_at(256));
    assert_eq!(
        big.root_hash_at(512),
        node_hash(
            t1[..32].try_into().expect("32"),
            t1[32..].try_into().expect("32")
        )
    );
}

#[test]
fn go_proxy_layout() {
    let tmp = TempDir::new().expect("tmp");
    let proxy = GoProxy::new(&tmp.path().join("proxy"));
    assert_eq!(
        proxy.url(),
        format!("file://{}", tmp.path().join("proxy").display())
    );
    let a = ToolchainZip::fake("1.22.99", "linux", "amd64");
    let b = ToolchainZip::fake("1.22.99", "darwin", "arm64");
    proxy.publish(&a);
    proxy.publish(&b);
    proxy.publish(&a);
    let dir = proxy.module_dir();
    assert_eq!(
        fs::read_to_string(dir.join("list")).expect("list"),
        "v0.0.1-go1.22.99.linux-amd64\nv0.0.1-go1.22.99.darwin-arm64\n"
    );
    assert_eq!(
        fs::read_to_string(dir.join("v0.0.1-go1.22.99.linux-amd64.mod")).expect("mod"),
        "module golang.org/toolchain\n"
    );
    assert_eq!(
        fs::read_to_string(dir.join("v0.0.1-go1.22.99.linux-amd64.info")).expect("info"),
        a.info_json()
    );
    assert_eq!(
        fs::read(proxy.zip_path(&a.module_version())).expect("zip"),
        a.zip_bytes()
    );
    let mut db = Sumdb::new("sumdb.test", 1);
    db.add_toolchain(&a);
    db.add_record("Example.com/M v1.0.0 h1:AAAA\n");
    proxy.publish_sumdb(&db);
    let s = proxy.sumdb_dir("sumdb.test");
    assert_eq!(fs::read(s.join("supported")).expect("supported"), b"");
    assert_eq!(
        fs::read_to_string(s.join("latest")).expect("latest"),
        db.signed_tree()
    );
    assert_eq!(
        fs::read_to_string(proxy.lookup_path("sumdb.test", &a.module_at_version()))
            .expect("lookup"),
        db.lookup_body(&a.module_at_version()).expect("body")
    );
    assert!(s.join("lookup/!example.com/!m@v1.0.0").is_file());
    assert!(s.join("tile/8/0/000.p/2").is_file() && s.join("tile/8/0/000.p/1").is_file());
}

// ---------------------------------------------------------------------------
// The real `go` as the oracle.
// ---------------------------------------------------------------------------

/// A proxy serving the fake go1.22.99 and a sumdb whose record for it has id
/// `before`, in a tree of `before + 1 + after` records, and the real `go` to ask.
struct Setup {
    go: std::path::PathBuf,
    _tmp: TempDir,
    proxy: GoProxy,
    db: Sumdb,
    zip: ToolchainZip,
}

/// `None` (the lane skipped) without the real SDKs.
fn setup(before: usize, after: usize) -> Option<Setup> {
    let go = goproxy::real_go()?;
    let tmp = TempDir::new().expect("tmp");
    let proxy = GoProxy::new(&tmp.path().join("proxy"));
    let zip = ToolchainZip::fake("1.22.99", "linux", "amd64");
    let mut db = Sumdb::new("sumdb.test", 42);
    db.add_fillers(before);
    assert_eq!(db.add_toolchain(&zip), before as u64);
    db.add_fillers(after);
    proxy.publish(&zip);
    proxy.publish_sumdb(&db);
    Some(Setup {
        go,
        _tmp: tmp,
        proxy,
        db,
        zip,
    })
}

impl Setup {
    fn download(&self) -> GoDownload {
        goproxy::go_mod_download(
            &self.go,
            &self.proxy,
            &self.db.vkey(),
            &self.zip.module_at_version(),
        )
    }

    fn lookup_file(&self) -> std::path::PathBuf {
        self.proxy
            .lookup_path(self.db.name(), &self.zip.module_at_version())
    }
}

/// go accepts the fixture and reports the same sums.
fn assert_go_accepts(s: &Setup, tiles: &[&str]) {
    let sumdb = s.proxy.sumdb_dir(s.db.name());
    for t in tiles {
        assert!(sumdb.join(t).is_file(), "{t} is served");
    }
    let d = s.download();
    assert!(d.success, "go mod download failed:\n{}", d.output);
    assert_eq!(d.json["Sum"], s.zip.h1().as_str(), "{}", d.output);
    assert_eq!(d.json["GoModSum"], goproxy::toolchain_gomod_h1().as_str());
    assert_eq!(
        d.json["Version"], "v0.0.1-go1.22.99.linux-amd64",
        "{}",
        d.output
    );
    let dir = d.json["Dir"].as_str().expect("Dir");
    assert!(dir.ends_with("golang.org/toolchain@v0.0.1-go1.22.99.linux-amd64"));
}

/// A [`setup`] of record 700 in a tree of 701 that go accepts, to tamper with.
fn accepted_setup() -> Option<Setup> {
    let s = setup(700, 0)?;
    assert_go_accepts(&s, &[]);
    Some(s)
}

/// go rejects it, saying all of `messages`.
fn assert_go_rejects(s: &Setup, messages: &[&str]) {
    let d = s.download();
    assert!(!d.success, "go accepted a tampered fixture:\n{}", d.output);
    for m in messages {
        assert!(d.output.contains(m), "expected {m:?} in:\n{}", d.output);
    }
}

#[test]
fn oracle_record_alone_in_a_partial_tile() {
    let Some(s) = setup(0, 0) else {
        return;
    };
    assert_go_accepts(&s, &["tile/8/0/000.p/1"]);
}

#[test]
fn oracle_record_first_of_a_new_tile() {
    let Some(s) = setup(256, 0) else {
        return;
    };
    assert_go_accepts(&s, &["tile/8/0/001.p/1", "tile/8/1/000.p/1"]);
}

#[test]
fn oracle_record_needs_a_partial_level_1_tile() {
    let Some(s) = setup(700, 0) else {
        return;
    };
    assert_go_accepts(&s, &["tile/8/0/002.p/189", "tile/8/1/000.p/2"]);
}

#[test]
fn oracle_record_in_a_full_tile_under_a_partial_level_1_tile() {
    let Some(s) = setup(100, 199) else {
        return;
    };
    assert_go_accepts(&s, &["tile/8/0/000", "tile/8/1/000.p/1"]);
}

#[test]
fn oracle_record_in_a_full_tile_under_full_level_1_and_partial_level_2_tiles() {
    let Some(s) = setup(1000, 64_540) else {
        return;
    };
    assert_go_accepts(&s, &["tile/8/0/003", "tile/8/1/000", "tile/8/2/000.p/1"]);
}

#[test]
fn oracle_record_in_a_tile_with_an_x_path() {
    // Record 256002 is in level-0 tile 1000, named x001/000.
    let Some(s) = setup(256_002, 0) else {
        return;
    };
    assert_go_accepts(
        &s,
        &[
            "tile/8/0/x001/000.p/3",
            "tile/8/1/003.p/232",
            "tile/8/2/000.p/3",
        ],
    );
}

#[test]
fn oracle_rejects_a_zip_changed_after_signing() {
    let Some(s) = accepted_setup() else {
        return;
    };
    let tampered = s.zip.clone().with_flipped_byte("bin/go", 20);
    s.proxy.publish(&tampered);
    assert_go_rejects(&s, &["checksum mismatch", "SECURITY ERROR", &s.zip.h1()]);
}

#[test]
fn oracle_rejects_a_record_with_another_h1() {
    let Some(mut s) = accepted_setup() else {
        return;
    };
    let other = s.zip.clone().with_entry("extra", "x");
    let record = s.zip.record().replace(&s.zip.h1(), &other.h1());
    s.db.add_record(&record);
    s.proxy.publish_sumdb(&s.db);
    assert_go_rejects(&s, &["checksum mismatch", "SECURITY ERROR", &other.h1()]);
}

#[test]
fn oracle_rejects_an_unknown_key_hash() {
    let Some(s) = accepted_setup() else {
        return;
    };
    let body = fs::read_to_string(s.lookup_file()).expect("lookup");
    fs::write(s.lookup_file(), goproxy::flip_signature_byte(&body, 1)).expect("write");
    assert_go_rejects(&s, &["note has no verifiable signatures"]);
}

#[test]
fn oracle_rejects_a_bad_signature() {
    let Some(s) = accepted_setup() else {
        return;
    };
    let body = fs::read_to_string(s.lookup_file()).expect("lookup");
    fs::write(s.lookup_file(), goproxy::flip_signature_byte(&body, 40)).expect("write");
    assert_go_rejects(&s, &["invalid signature for key sumdb.test+"]);
}

#[test]
fn oracle_rejects_a_wrong_record_id() {
    let Some(s) = accepted_setup() else {
        return;
    };
    let body = fs::read_to_string(s.lookup_file()).expect("lookup");
    let body = body.replacen("700\n", "699\n", 1);
    fs::write(s.lookup_file(), body).expect("write");
    assert_go_rejects(&s, &["cannot authenticate record data"]);
}

#[test]
fn oracle_rejects_a_tampered_tile() {
    let Some(s) = accepted_setup() else {
        return;
    };
    let sumdb = s.proxy.sumdb_dir(s.db.name());
    for t in ["tile/8/1/000.p/1", "tile/8/1/000.p/2"] {
        let mut data = fs::read(sumdb.join(t)).expect("tile");
        data[0] ^= 1;
        fs::write(sumdb.join(t), data).expect("write");
    }
    assert_go_rejects(&s, &["inconsistent"]);
}

/// The module form of the real go1.22.10 SDK (`$GVX_TEST_SDKS`).
fn real_sdk_module_zip() -> Option<ToolchainZip> {
    let goroot = goproxy::real_goroot("1.22.10")?;
    Some(ToolchainZip::from_sdk_tree(
        &goroot, "1.22.10", "linux", "amd64",
    ))
}

/// The module form of the real go1.22.10 SDK follows distpack's rules, and its
/// `h1:` is the one x/mod's `HashZip` gave for a zip made from the same tree
/// (reference note §5.2, experiment B).
#[test]
fn real_sdk_tree_module_form() {
    let Some(zip) = real_sdk_module_zip() else {
        return;
    };
    let p = zip.prefix();
    let names: BTreeSet<String> = zip
        .names()
        .iter()
        .map(|n| n.strip_prefix(p.as_str()).expect("prefixed").to_owned())
        .collect();
    assert!(names.len() > 9000, "{} entries", names.len());
    for must in [
        "VERSION",
        "bin/go",
        "bin/gofmt",
        "go.env",
        "pkg/tool/linux_amd64/compile",
        "src/_go.mod",
        "src/cmd/_go.mod",
        "src/cmd/go/main.go",
    ] {
        assert!(names.contains(must), "{must} missing");
    }
    assert!(
        names
            .iter()
            .all(|n| !n.ends_with("go.mod") || n.ends_with("_go.mod"))
    );
    assert!(names.iter().all(|n| {
        !["api/", "doc/", "misc/", "test/"]
            .iter()
            .any(|d| n.starts_with(d))
    }));
    assert!(names.iter().all(|n| !n.starts_with("pkg/")
        || n.starts_with("pkg/include/")
        || n.starts_with("pkg/tool/linux_amd64/")));
    assert!(!names.contains("pkg/tool/linux_amd64/dist"));
    assert!(zip.time().starts_with("2024-"), "{}", zip.time());
    assert_eq!(zip.h1(), "h1:ttD1CsXyYufuNSYb6KtxfrbGcMokn8nxkNJU7VscZYw=");
}
