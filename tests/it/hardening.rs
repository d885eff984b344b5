//! Hardening, end to end through the real binaries: hostile or broken indexes and redirects
//! (`index`), hostile archives that `install.rs` does not already cover (`archives`), and the
//! store under concurrent shims, `kill -9`, an uninstall of an SDK in use, and a full disk
//! (`store`), and a store shared between users and the store lock (`shared`). Every failure
//! must be a clear error that leaves the store as it was.

mod archives;
mod index;
mod network;
pub(crate) mod shared;
mod store;

use crate::support::{FakeSdk, TestHome};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Everything a reader of the store sees, as `relative path → kind, mode, content digest`.
/// Left out: `cache/` (the index cache is rewritten by design), `gvx.lock`, and the scratch
/// directory `sdk/.staging` (see [`assert_no_leftovers`]).
pub fn snapshot(home: &TestHome) -> BTreeMap<String, String> {
    snapshot_of(&home.gvx_home())
}

/// [`snapshot`] of the store at `store`.
pub fn snapshot_of(store: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if matches!(rel.as_str(), "cache" | "gvx.lock" | "sdk/.staging") {
                continue;
            }
            let meta = fs::symlink_metadata(&path).unwrap();
            let mode = meta.permissions().mode() & 0o7777;
            let what = if meta.file_type().is_symlink() {
                format!("link -> {}", fs::read_link(&path).unwrap().display())
            } else if meta.is_dir() {
                walk(root, &path, out);
                format!("dir {mode:o}")
            } else {
                let digest = Sha256::digest(fs::read(&path).unwrap());
                format!("file {mode:o} {:x}", digest)
            };
            out.insert(rel, what);
        }
    }
    let mut out = BTreeMap::new();
    walk(store, store, &mut out);
    out
}

/// No staging leftovers and no half-written shims.
pub fn assert_no_leftovers(home: &TestHome) {
    let staging = home.gvx_home().join("sdk/.staging");
    if let Ok(entries) = fs::read_dir(&staging) {
        let left: Vec<_> = entries.map(|e| e.unwrap().file_name()).collect();
        assert!(left.is_empty(), "staging not cleaned up: {left:?}");
    }
    if let Ok(entries) = fs::read_dir(home.gvx_home().join("bin")) {
        for entry in entries {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.starts_with(".new-"), "half-written shim bin/{name}");
        }
    }
}

/// The directories in `sdk/` that look like SDKs (what `gvx list` and the shim see).
pub fn sdk_dirs(home: &TestHome) -> Vec<String> {
    let Ok(entries) = fs::read_dir(home.gvx_home().join("sdk")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// The versions `gvx list --json` reports, newest first.
pub fn listed(home: &TestHome) -> Vec<String> {
    let out = home.gvx().args(["list", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "gvx list failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap().to_owned())
        .collect()
}

/// `dir` holds exactly `sdk`'s files, byte for byte, with modes normalised to 0755/0644.
pub fn assert_complete(dir: &Path, sdk: &FakeSdk) {
    for (rel, data, mode) in sdk.files() {
        let path = dir.join(&rel);
        let got = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(got == data, "{} differs from the archive", path.display());
        let want = if mode & 0o111 != 0 { 0o755 } else { 0o644 };
        let have = fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
        assert_eq!(have, want, "mode of {}", path.display());
    }
}

/// `<GVX_HOME>/bin`, where installs put the `go` shim (a copy of the gvx-shim beside the
/// gvx that ran). gvx itself is not needed there: these tests turn auto-install off.
pub fn bin(home: &TestHome) -> PathBuf {
    home.gvx_home().join("bin")
}

/// Deterministic pseudo-random bytes (xorshift), incompressible for gzip.
pub fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[3]
        })
        .collect()
}

/// Combined stdout and stderr, for messages.
pub fn text(out: &std::process::Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
