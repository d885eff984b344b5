//! Support code for gvx's integration tests: a fault-injecting HTTP server
//! ([`TestServer`]), fake Go SDK archives ([`FakeSdk`], [`hostile`]), the
//! download index ([`index_json`]) and a hermetic home ([`TestHome`]).

// Each test file uses a different subset of this module.
#![allow(dead_code, unused_imports)]

pub mod archive;
pub mod fixtures;
pub mod home;
pub mod hostile;
mod http;
pub mod index;
pub mod inspect;
pub mod server;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

pub use archive::{RawEntry, ZipMember};
pub use fixtures::FakeSdk;
pub use home::TestHome;
pub use index::{IndexFile, IndexRelease, index_json, sha256_hex};
pub use inspect::{ListedTar, ListedZip, list_tar_gz, list_zip};
pub use server::{Fault, Request, TestServer};

/// The host platform in download-name terms: (`linux`|`darwin`|`windows`|…,
/// `amd64`|`arm64`|`386`|`armv6l`|…).
pub fn host_os_arch() -> (&'static str, &'static str) {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "armv6l",
        "loongarch64" => "loong64",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "powerpc64" => "ppc64",
        other => other,
    };
    (os, arch)
}

/// Path of the `gvx-shim` binary (package `gvx-shims`).
///
/// Cargo only sets `CARGO_BIN_EXE_*` for binaries of the package under test
/// (`gvx`), and `cargo test -p gvx` does not build other packages' binaries.
/// So the shim is looked up next to `cargo_bin("gvx")` (same target
/// directory), and the first call per test process runs
/// `cargo build -p gvx-shims --bin gvx-shim` (same profile; a no-op when up
/// to date) so it is never missing or stale. Set `GVX_IT_NO_SHIM_BUILD=1` to
/// skip that build (then build it yourself, e.g. `cargo build --workspace`).
pub fn shim_bin() -> PathBuf {
    static SHIM: OnceLock<PathBuf> = OnceLock::new();
    SHIM.get_or_init(|| {
        let gvx = assert_cmd::cargo::cargo_bin("gvx");
        let dir = gvx
            .parent()
            .expect("gvx binary has a parent dir")
            .to_path_buf();
        let shim = dir.join(format!("gvx-shim{}", std::env::consts::EXE_SUFFIX));
        if std::env::var_os("GVX_IT_NO_SHIM_BUILD").is_none() {
            build_shim(&dir);
        }
        assert!(
            shim.is_file(),
            "{} not found; run `cargo build -p gvx-shims --bin gvx-shim` (same profile) first",
            shim.display()
        );
        shim
    })
    .clone()
}

/// Runs `cargo build -p gvx-shims --bin gvx-shim` for the profile (and, if
/// cross-compiling, the target) that `dir` (e.g. `target/debug`) belongs to.
fn build_shim(dir: &std::path::Path) {
    let cargo =
        std::env::var_os("CARGO").unwrap_or_else(|| option_env!("CARGO").unwrap_or("cargo").into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--quiet", "-p", "gvx-shims", "--bin", "gvx-shim"]);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    match dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            cmd.arg("--release");
        }
        Some(profile) => {
            cmd.args(["--profile", profile]);
        }
    }
    // `<target-dir>/<profile>`, or `<target-dir>/<triple>/<profile>` when cross-compiling: the
    // target dir is the one holding cargo's CACHEDIR.TAG.
    let parent = dir.parent().expect("target dir");
    if parent.join("CACHEDIR.TAG").is_file() {
        cmd.env("CARGO_TARGET_DIR", parent);
    } else if let (Some(triple), Some(target_dir)) = (parent.file_name(), parent.parent()) {
        cmd.arg("--target").arg(triple);
        cmd.env("CARGO_TARGET_DIR", target_dir);
    }
    let status = cmd.status().expect("run cargo build for gvx-shim");
    assert!(
        status.success(),
        "`cargo build -p gvx-shims --bin gvx-shim` failed: {status}"
    );
}

/// Publishes `sdks` on `server`: puts each archive ([`FakeSdk::archive`])
/// under `/go/`, and serves an index with one release per distinct version
/// (in first-seen order: pass newest first), each with decoys
/// ([`IndexRelease::with_decoys`]). Returns the releases so a test can
/// extend them and re-serve with [`TestServer::set_index`].
pub fn publish(server: &TestServer, sdks: &[FakeSdk]) -> Vec<IndexRelease> {
    let mut releases: Vec<IndexRelease> = Vec::new();
    for sdk in sdks {
        let bytes = sdk.archive();
        server.put_file(&sdk.filename(), bytes.clone());
        let version = sdk.go_version();
        match releases.iter_mut().find(|r| r.version == version) {
            Some(r) => r.files.push(IndexFile::sdk(sdk, &bytes)),
            None => releases.push(IndexRelease::new(&version).sdk(sdk, &bytes)),
        }
    }
    let releases: Vec<IndexRelease> = releases
        .into_iter()
        .map(IndexRelease::with_decoys)
        .collect();
    server.set_index(&releases);
    releases
}
