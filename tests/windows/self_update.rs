//! `gvx.exe self update` under wine while its own shim runs: gvx.exe (running the update)
//! and go.exe (running a program) are both renamed aside, the new ones take their places, the
//! running go.exe finishes undisturbed; then `self uninstall -y` takes the store out of the
//! user Path and removes the store although the gvx.exe doing it is inside. Releases are served from a directory laid out like GitHub's
//! and signed with the test key, which the Windows binaries trust when built by scripts/test.sh.

use crate::gvx::{
    Restore, USER_ENV, go_until_interrupted, gvx, interrupt, registry, renamed_aside,
    store_with_fake_sdk,
};
use crate::lanes;
use crate::support::{reg_query, serve_files, windows_bin, world};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::Path;

const TEST_KEY: &str = include_str!("../fixtures/release-test.pub");
const TEST_SECRET: &str = include_str!("../fixtures/release-test.key");
const ASSET: &str = "gvx-x86_64-windows.zip";
const MARK: &[u8] = b"gvx test: release 99.0.0";

fn trusts_test_key() -> bool {
    let test_key = TEST_KEY.lines().nth(1).unwrap().trim();
    if option_env!("GVX_RELEASE_PUBKEY").map(str::trim) == Some(test_key) {
        return true;
    }
    lanes::skip(
        "self update (wine)",
        "gvx was built without GVX_RELEASE_PUBKEY set to the test key; scripts/test.sh builds it so",
    );
    false
}

/// `latest/download/` holding release 99.0.0: the built binaries with [`MARK`] appended (still
/// valid images), SHA256SUMS and its signature by the test key.
fn publish(root: &Path) -> String {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for name in ["gvx.exe", "gvx-shim.exe"] {
        let mut bytes = fs::read(windows_bin(name)).unwrap();
        bytes.extend_from_slice(MARK);
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&bytes).unwrap();
    }
    let archive = zip.finish().unwrap().into_inner();
    let sums = format!("{:x}  {ASSET}\n", Sha256::digest(&archive));
    let secret = minisign::SecretKeyBox::from_string(TEST_SECRET)
        .unwrap()
        .into_unencrypted_secret_key()
        .unwrap();
    let signature = minisign::sign(
        None,
        &secret,
        sums.as_bytes(),
        Some("gvx-release 99.0.0"),
        None,
    )
    .unwrap()
    .into_string();
    for folder in ["latest/download", "download/v99.0.0"] {
        let dir = root.join(folder);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(ASSET), &archive).unwrap();
        fs::write(dir.join("SHA256SUMS"), &sums).unwrap();
        fs::write(dir.join("SHA256SUMS.minisig"), &signature).unwrap();
    }
    serve_files(root.to_owned())
}

#[test]
fn self_update_replaces_gvx_and_a_running_shim_then_uninstall_removes_the_store() {
    let Some(w) = world() else {
        return;
    };
    if !trusts_test_key() {
        return;
    }
    let store = store_with_fake_sdk(w, "self-update");
    let url = publish(&w.scratch("self-update-releases"));
    // `gvx setup` puts the store's bin first in the user Path; uninstall must take it out.
    let _lock = registry();
    let mut restore = Restore::new(w);
    restore.value(USER_ENV, "Path");
    let path_before = reg_query(w, USER_ENV, "Path");
    let profile = w.win(&w.scratch("self-update-profile"));
    gvx(w, &store)
        .arg("setup")
        .env("USERPROFILE", &profile)
        .run()
        .success();
    let path_set = reg_query(w, USER_ENV, "Path").unwrap_or_default().1;
    assert!(
        path_set.starts_with(&w.win(&store.join("bin"))),
        "setup did not put the store first: {path_set}"
    );

    let mut running = go_until_interrupted(w, &store, "self-update-pids");

    let out = gvx(w, &store)
        .args(["self", "update"])
        .env("GVX_RELEASE_URL", &url)
        .run();
    assert!(
        out.success().contains("updated gvx") && out.stdout.contains("to 99.0.0"),
        "{out}"
    );
    for name in ["gvx.exe", "gvx-shim.exe", "go.exe", "gofmt.exe"] {
        let bytes = fs::read(store.join("bin").join(name)).unwrap();
        assert!(bytes.ends_with(MARK), "{name} was not replaced\n{out}");
    }
    assert!(
        renamed_aside(&store).iter().any(|n| n.ends_with("-go.exe")),
        "the running go.exe was not renamed aside: {:?}",
        renamed_aside(&store)
    );
    // The old shim still works: Ctrl+C reaches fakego, whose exit code it passes on.
    assert_eq!(
        interrupt(&mut running),
        Some(7),
        "the old shim was disturbed"
    );

    // The new gvx.exe runs, and removes the store it runs from.
    let out = gvx(w, &store)
        .args(["self", "uninstall", "-y"])
        .env("USERPROFILE", &profile)
        .run();
    assert!(out.success().contains("gvx is uninstalled"), "{out}");
    assert!(!store.exists(), "the store is still there\n{out}");
    assert_eq!(
        reg_query(w, USER_ENV, "Path"),
        path_before,
        "the user Path was not restored\n{out}"
    );
}
