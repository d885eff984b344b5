//! A release's signed list of files: `SHA256SUMS` and its minisign signature, whose trusted
//! comment names the release (`gvx-release 0.2.0`). Nothing here touches the network.

use minisign_verify::{PublicKey, Signature};
use semver::Version;

/// What the trusted comment of a release signature starts with.
const COMMENT_PREFIX: &str = "gvx-release ";

/// A `SHA256SUMS` whose signature checked out.
#[derive(Debug)]
pub struct Release {
    pub version: Version,
    /// `(file name, sha256 hex)`, as listed.
    files: Vec<(String, String)>,
}

/// Why a signed list was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refused {
    #[error("the signature file is not a minisign signature ({0})")]
    Malformed(String),
    #[error(
        "the signature does not verify with the gvx release key {key_id}: the list was changed, or signed with another key"
    )]
    BadSignature { key_id: String },
    #[error("the signature's trusted comment is {0:?}, not `gvx-release <version>`")]
    Comment(String),
    #[error("SHA256SUMS line {line} is not `<sha256>  <file>`: {text:?}")]
    Line { line: usize, text: String },
}

impl Release {
    /// Checks `signature` over `sums` with `key` (the base64 line of a minisign public key),
    /// then reads the version from the trusted comment and the files from `sums`.
    pub fn verify(sums: &[u8], signature: &str, key_text: &str) -> Result<Release, Refused> {
        let key = PublicKey::from_base64(key_text.trim())
            .map_err(|e| Refused::Malformed(format!("the built-in key: {e}")))?;
        let signature =
            Signature::decode(signature).map_err(|e| Refused::Malformed(e.to_string()))?;
        key.verify(sums, &signature, false)
            .map_err(|_| Refused::BadSignature {
                key_id: key_id(key_text),
            })?;
        let comment = signature.trusted_comment();
        let version = comment
            .strip_prefix(COMMENT_PREFIX)
            .and_then(|v| Version::parse(v.trim()).ok())
            .ok_or_else(|| Refused::Comment(comment.to_owned()))?;
        let text = String::from_utf8_lossy(sums);
        let mut files = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let bad = || Refused::Line {
                line: i + 1,
                text: line.to_owned(),
            };
            let (hash, name) = line.split_once("  ").ok_or_else(bad)?;
            let name = name.strip_prefix('*').unwrap_or(name);
            if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) || name.is_empty() {
                return Err(bad());
            }
            files.push((name.to_owned(), hash.to_ascii_lowercase()));
        }
        Ok(Release { version, files })
    }

    /// The sha256 (hex) the list gives for `name`.
    pub fn sha256(&self, name: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, h)| h.as_str())
    }

    /// The archives listed, for a message naming what the release does have.
    pub fn archives(&self) -> Vec<&str> {
        self.files
            .iter()
            .map(|(n, _)| n.as_str())
            .filter(|n| n.starts_with("gvx-"))
            .collect()
    }
}

/// The key id minisign prints (`minisign public key 723BE697B46A9A8B`) of a public key's
/// base64 line, for messages: the line holds `Ed`, the id (8 bytes, little-endian), the key.
pub fn key_id(key: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(key.trim())
        .ok()
        .and_then(|bytes| bytes.get(2..10).map(<[u8]>::to_vec))
        .map(|id| id.iter().rev().map(|b| format!("{b:02X}")).collect())
        .unwrap_or_else(|| "(unreadable)".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST_KEY: &str = include_str!("../../tests/fixtures/release-test.pub");
    const TEST_SECRET: &str = include_str!("../../tests/fixtures/release-test.key");

    fn public_line(file: &str) -> &str {
        file.lines().nth(1).unwrap()
    }

    fn sign(data: &[u8], comment: &str) -> String {
        let secret = minisign::SecretKeyBox::from_string(TEST_SECRET)
            .unwrap()
            .into_unencrypted_secret_key()
            .unwrap();
        minisign::sign(None, &secret, data, Some(comment), Some("test"))
            .unwrap()
            .into_string()
    }

    const SUMS: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  gvx-x86_64-linux.tar.gz\n\
                        ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789  SHA256SUMS.extra\n";

    #[test]
    fn a_list_signed_with_the_key_is_read() {
        let sig = sign(SUMS.as_bytes(), "gvx-release 0.2.0");
        let release = Release::verify(SUMS.as_bytes(), &sig, public_line(TEST_KEY)).unwrap();
        assert_eq!(release.version, Version::new(0, 2, 0));
        assert_eq!(
            release.sha256("gvx-x86_64-linux.tar.gz"),
            Some("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
        );
        assert_eq!(
            release.sha256("SHA256SUMS.extra").unwrap(),
            "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
        );
        assert_eq!(release.sha256("gvx-aarch64-linux.tar.gz"), None);
        assert_eq!(release.archives(), ["gvx-x86_64-linux.tar.gz"]);
    }

    #[test]
    fn a_changed_list_is_refused() {
        let sig = sign(SUMS.as_bytes(), "gvx-release 0.2.0");
        let changed = SUMS.replacen("0123", "0124", 1);
        let err = Release::verify(changed.as_bytes(), &sig, public_line(TEST_KEY)).unwrap_err();
        assert_eq!(
            err,
            Refused::BadSignature {
                key_id: "083D7DEDCC99035C".into()
            }
        );
    }

    #[test]
    fn another_key_is_refused() {
        let sig = sign(SUMS.as_bytes(), "gvx-release 0.2.0");
        let project_key = include_str!("../../keys/release.pub");
        let err = Release::verify(SUMS.as_bytes(), &sig, public_line(project_key)).unwrap_err();
        assert!(matches!(err, Refused::BadSignature { .. }), "{err:?}");
    }

    #[test]
    fn the_comment_must_name_a_release() {
        for comment in [
            "timestamp:1 file:SHA256SUMS",
            "gvx-release next",
            "gvx-release ",
        ] {
            let sig = sign(SUMS.as_bytes(), comment);
            let err = Release::verify(SUMS.as_bytes(), &sig, public_line(TEST_KEY)).unwrap_err();
            assert_eq!(err, Refused::Comment(comment.into()));
        }
    }

    #[test]
    fn garbage_is_refused_with_its_line() {
        let sums = "not a sum\n";
        let sig = sign(sums.as_bytes(), "gvx-release 0.2.0");
        let err = Release::verify(sums.as_bytes(), &sig, public_line(TEST_KEY)).unwrap_err();
        assert_eq!(
            err,
            Refused::Line {
                line: 1,
                text: "not a sum".into()
            }
        );
        let err = Release::verify(b"x", "not a signature", public_line(TEST_KEY)).unwrap_err();
        assert!(matches!(err, Refused::Malformed(_)), "{err:?}");
    }
}
