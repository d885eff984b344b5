//! Releases as `scripts/release.sh` makes them and GitHub serves them, for the tests of
//! install.sh (`shells/release.rs`) and of anything else that downloads a release: the assets
//! by name, `SHA256SUMS` over them, `SHA256SUMS.minisig` signed with the test key
//! (`tests/fixtures/release-test.key`, through the `minisign` crate), served under
//! `<base>/download/v<VERSION>/` and `<base>/latest/download/` (a redirect there, as GitHub's).

use super::{Fault, TestServer, sha256_hex};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// The checkout (the keys and fixtures are read from it).
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The test key pair's public line (`tests/fixtures/release-test.pub`).
pub fn test_pubkey() -> String {
    key_line(&repo().join("tests/fixtures/release-test.pub"))
}

/// The base64 key line (the second) of a minisign `.pub` file.
pub fn key_line(pub_file: &Path) -> String {
    fs::read_to_string(pub_file)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned()
}

/// The test secret key (unencrypted; made with the `minisign` crate, which `minisign -S` reads
/// too).
pub fn test_secret_key() -> minisign::SecretKey {
    let text = fs::read_to_string(repo().join("tests/fixtures/release-test.key")).unwrap();
    minisign::SecretKeyBox::from_string(&text)
        .unwrap()
        .into_unencrypted_secret_key()
        .unwrap()
}

/// A minisign signature (prehashed, as `minisign -S` makes) of `data` with `trusted_comment`.
pub fn sign_with(sk: &minisign::SecretKey, data: &[u8], trusted_comment: &str) -> Vec<u8> {
    minisign::sign(None, sk, data, Some(trusted_comment), None)
        .unwrap()
        .into_string()
        .into_bytes()
}

/// This host's release archive name, e.g. `gvx-x86_64-linux.tar.gz`.
pub fn host_asset() -> String {
    // Rust's names are the contract's: x86_64|aarch64, linux|macos.
    format!(
        "gvx-{}-{}.tar.gz",
        std::env::consts::ARCH,
        std::env::consts::OS
    )
}

/// A release: its assets by name, as one `download/v<version>/` directory holds them.
#[derive(Clone)]
pub struct Release {
    pub version: String,
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Release {
    /// A release of `version` holding `files`, with SHA256SUMS over them and its signature by
    /// the test key for `gvx-release <version>`.
    pub fn signed(version: &str, files: BTreeMap<String, Vec<u8>>) -> Release {
        let mut release = Release {
            version: version.into(),
            files,
        };
        release.resum();
        release.resign(&format!("gvx-release {version}"));
        release
    }

    /// The release `scripts/release.sh` wrote into `dir`.
    pub fn from_dir(dir: &Path, version: &str) -> Release {
        let mut files = BTreeMap::new();
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                let name = entry.file_name().into_string().unwrap();
                files.insert(name, fs::read(entry.path()).unwrap());
            }
        }
        Release {
            version: version.into(),
            files,
        }
    }

    pub fn get(&self, name: &str) -> &[u8] {
        self.files
            .get(name)
            .unwrap_or_else(|| panic!("the release has no {name}"))
    }

    pub fn set(&mut self, name: &str, bytes: impl Into<Vec<u8>>) {
        self.files.insert(name.into(), bytes.into());
    }

    /// SHA256SUMS recomputed over every other asset (sorted, sha256sum's format).
    pub fn resum(&mut self) {
        let sums: String = self
            .files
            .iter()
            .filter(|(name, _)| !name.starts_with("SHA256SUMS"))
            .map(|(name, bytes)| format!("{}  {name}\n", sha256_hex(bytes)))
            .collect();
        self.set("SHA256SUMS", sums);
    }

    /// SHA256SUMS.minisig made anew by the test key with `trusted_comment`.
    pub fn resign(&mut self, trusted_comment: &str) {
        let sig = sign_with(&test_secret_key(), self.get("SHA256SUMS"), trusted_comment);
        self.set("SHA256SUMS.minisig", sig);
    }

    /// Serves the release under `<base>/download/v<version>/`, and `<base>/latest/download/`
    /// redirecting there as GitHub does; returns the base (for GVX_RELEASE_URL).
    pub fn serve(&self, server: &TestServer) -> String {
        for (name, bytes) in &self.files {
            let path = format!("release/download/v{}/{name}", self.version);
            server.put_file(&path, bytes.clone());
            server.set_file_fault(
                &format!("release/latest/download/{name}"),
                Fault::Redirect(format!("/go/{path}")),
            );
        }
        server.file_url("release")
    }
}
