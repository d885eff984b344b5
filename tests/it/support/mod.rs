//! Support code for gvx's integration tests: a fault-injecting HTTP server
//! ([`TestServer`]), fake Go SDK archives ([`FakeSdk`], [`hostile`]), the
//! download index ([`index_json`]), a hermetic home ([`TestHome`]) and a
//! `file://` Go module proxy with a checksum database ([`goproxy`]).

// Each test file uses a different subset of this module.
#![allow(dead_code, unused_imports)]

pub mod archive;
pub mod fixtures;
pub mod goproxy;
pub mod home;
pub mod hostile;
mod http;
pub mod index;
pub mod inspect;
pub mod lanes;
pub mod release;
pub mod server;

use std::path::{Path, PathBuf};
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

/// Runs `cmd`, which must succeed (else its stderr is the failure), and parses its stdout as JSON.
pub fn success_json(cmd: &mut assert_cmd::Command) -> serde_json::Value {
    let out = cmd.output().expect("run the command");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the command printed JSON")
}

/// Path of the `gvx-shim` binary as it is shipped (package `gvx-shims`).
///
/// The first call per test process runs `scripts/build-shim.sh` for the target directory
/// `cargo_bin("gvx")` lives in (a no-op when up to date), as install.sh does: on Linux with
/// glibc that is a static release build under `<target dir>/<host triple>/release`. Set
/// `GVX_IT_NO_SHIM_BUILD=1` to skip the build and use the `gvx-shim` beside gvx instead.
pub fn shim_bin() -> PathBuf {
    static SHIM: OnceLock<PathBuf> = OnceLock::new();
    SHIM.get_or_init(|| {
        let gvx = assert_cmd::cargo::cargo_bin("gvx");
        let dir = gvx.parent().expect("gvx binary has a parent dir");
        let shim = if std::env::var_os("GVX_IT_NO_SHIM_BUILD").is_some() {
            dir.join(format!("gvx-shim{}", std::env::consts::EXE_SUFFIX))
        } else {
            build_shim(dir)
        };
        assert!(shim.is_file(), "{} not found", shim.display());
        shim
    })
    .clone()
}

/// Runs `scripts/build-shim.sh` for the target directory that `dir` (`<target dir>/<profile>`
/// or `<target dir>/<triple>/<profile>`) belongs to: the one holding cargo's CACHEDIR.TAG.
fn build_shim(dir: &std::path::Path) -> PathBuf {
    let target_dir = dir
        .ancestors()
        .find(|d| d.join("CACHEDIR.TAG").is_file())
        .expect("gvx is built inside a cargo target directory");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/build-shim.sh");
    let output = Command::new("sh")
        .arg(&script)
        .arg(target_dir)
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("run scripts/build-shim.sh");
    assert!(
        output.status.success(),
        "`sh {} {}` failed: {}",
        script.display(),
        target_dir.display(),
        output.status
    );
    let stdout = String::from_utf8(output.stdout).expect("build-shim.sh prints a UTF-8 path");
    PathBuf::from(
        stdout
            .lines()
            .last()
            .expect("build-shim.sh prints the shim's path"),
    )
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
