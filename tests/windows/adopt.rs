//! `gvx adopt` under wine: the real go1.22.10 for windows/amd64 laid out as the Go MSI installs
//! it, in `C:\Program Files\Go` (a directory with a space), proven against a checksum database
//! signed with a test key; the original stays as it was, and a tool added to its `bin\` is
//! refused by name with the store unchanged.

use crate::goproxy::fixture::{GoProxy, Sumdb, ToolchainZip};
use crate::gvx::{go_version_line, gvx, new_store, registry, tree};
use crate::support::{DEFAULT, world};
use std::fs;
use std::path::PathBuf;
use std::process::Command;

/// Removes `C:\Program Files\Go` when dropped (other tests of the run seed it too).
struct Remove(PathBuf);

impl Drop for Remove {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn adopts_the_msi_layout_proven_by_a_checksum_database() {
    let Some(w) = world() else {
        return;
    };
    // `C:\Program Files\Go` is shared with the tests that seed an MSI install.
    let _lock = registry();
    let msi = w.drive_c().join("Program Files/Go");
    let _ = fs::remove_dir_all(&msi);
    let _remove = Remove(msi.clone());
    fs::create_dir_all(msi.parent().unwrap()).unwrap();
    // Hard links to the world's copy of the official zip's tree: adopting only reads it.
    let cp = Command::new("cp")
        .arg("-al")
        .arg(w.sdk(DEFAULT))
        .arg(&msi)
        .status()
        .unwrap();
    assert!(cp.success());

    let root = w.scratch("adopt-fixture");
    let proxy = GoProxy::new(&root.join("proxy"));
    let mut db = Sumdb::new("sumdb.test", 5);
    db.add_fillers(30);
    db.add_toolchain(&ToolchainZip::from_sdk_tree(
        &msi, DEFAULT, "windows", "amd64",
    ));
    proxy.publish_sumdb(&db);
    let url = format!("file:///{}", w.win(&proxy.root).replace('\\', "/"));
    let vkey = db.vkey();
    let run = |store: &PathBuf, args: &[&str]| {
        gvx(w, store)
            .arg("adopt")
            .args(args)
            .env("GOPROXY", &url)
            .env("GOSUMDB", &vkey)
            .run()
    };
    let before = tree(&msi);
    let store = new_store(w, "adopt");
    let out = run(&store, &[r"C:\Program Files\Go"]);
    out.success();
    assert!(
        out.stderr.contains("adopted, proven by sumdb.test"),
        "{out}"
    );
    assert_eq!(tree(&msi), before, "the original is untouched");
    let sdk = store.join("sdk/go1.22.10");
    assert!(sdk.join("src/cmd/_go.mod").is_file() && sdk.join("src/cmd/go.mod").is_file());
    let out = w
        .wine(&w.win(&store.join("bin/go.exe")))
        .arg("version")
        .env("GVX_HOME", w.win(&store))
        .run();
    assert_eq!(out.success(), go_version_line(DEFAULT), "{out}");
    let out = gvx(w, &store).arg("list").run();
    assert!(
        out.success().contains("[adopted, proven by sumdb.test]"),
        "{out}"
    );
    let out = gvx(w, &store).arg("verify").run();
    assert!(out.success().contains("go1.22.10: ok"), "{out}");

    // A tool `go install` wrote into its bin\: refused by name, the store unchanged.
    fs::write(msi.join("bin/gopls.exe"), "MZ not gopls").unwrap();
    let other = new_store(w, "adopt-refused");
    // What the store holds (an empty staging directory aside).
    let kept = || {
        ["sdk", "bin", "manifests"].map(|d| {
            let mut files = tree(&other.join(d));
            files.retain(|(name, _)| name != ".staging");
            files
        })
    };
    let before = kept();
    let out = run(&other, &[r"C:\Program Files\Go"]);
    assert_eq!(out.code(), Some(5), "{out}");
    assert!(out.stderr.contains("bin/gopls.exe in bin/"), "{out}");
    assert_eq!(kept(), before);
    let staging = other.join("sdk/.staging");
    assert!(!staging.exists() || fs::read_dir(&staging).unwrap().next().is_none());

    // --move (golang.org/dl's layout): the original path leads into the store afterwards,
    // through a junction or, where wine cannot make one, a directory symlink; if neither can
    // be made the original is put back, whole, and gvx says so (exit 7).
    fs::remove_file(msi.join("bin/gopls.exe")).unwrap();
    let dl = w.scratch("adopt-move").join("sdk/go1.22.10");
    fs::create_dir_all(dl.parent().unwrap()).unwrap();
    let cp = Command::new("cp")
        .arg("-al")
        .arg(&msi)
        .arg(&dl)
        .status()
        .unwrap();
    assert!(cp.success());
    let moved = new_store(w, "adopt-moved");
    let out = run(&moved, &["--move", &w.win(&dl)]);
    match out.code() {
        Some(0) => {
            assert!(out.stderr.contains("is now a link to"), "{out}");
            let go = w.wine(&w.win(&dl.join("bin/go.exe"))).arg("version").run();
            assert_eq!(go.success(), go_version_line(DEFAULT), "{go}");
        }
        Some(7) => {
            assert!(out.stderr.contains("was not moved"), "{out}");
            assert_eq!(tree(&dl), tree(&msi), "the original is back as it was");
        }
        _ => panic!("{out}"),
    }
    assert!(moved.join("sdk/go1.22.10/bin/go.exe").is_file());
}
