//! Where an installed SDK came from and what proved it: recorded at install beside the SDK's
//! manifest (`<GVX_HOME>/manifests/go1.22.10.json`), shown by `gvx list`, and re-checked by
//! `gvx verify`. The two sources are proven by different hashes of different files — the
//! archive's sha256 from the download index, or the module zip's `h1:` from a checksum
//! database — and one is never compared with the other.

use crate::storefs::Staged;
use gvx_shims::{GoVersion, Store};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "lowercase")]
pub enum Provenance {
    /// An official archive (go.dev/dl or GVX_GO_MIRROR, or a file on disk) whose sha256
    /// matched the download index or the one given with `--sha256`.
    Dl {
        /// Where the bytes came from.
        from: String,
        sha256: String,
        /// The index URL the sha256 came from; `None` when given with `--sha256`.
        index: Option<String>,
    },
    /// A `golang.org/toolchain` module zip from a Go module proxy.
    Proxy {
        proxy: String,
        /// `golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64`
        module: String,
        /// The module zip's `h1:` (the SDK tree's, before `_go.mod` files were copied to `go.mod`).
        h1: String,
        /// The checksum database proof; `None` only under Go's single `file://` GOPROXY
        /// exception with GOSUMDB=off.
        sumdb: Option<SumdbProof>,
    },
    /// A Go SDK tree that was already on disk (`gvx adopt`), copied into the store.
    Adopted {
        /// The directory it was adopted from.
        from: String,
        /// `golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64`: the module whose file set the
        /// store's tree is; `None` when adopted `--unverified` (the tree as found).
        module: Option<String>,
        /// The tree's `h1:` as that module; `None` when adopted `--unverified`.
        h1: Option<String>,
        /// The checksum database proof of `h1`; `None` when adopted `--unverified`.
        sumdb: Option<SumdbProof>,
    },
}

/// The record that proved a module's `h1:` and the signed tree it was proven in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SumdbProof {
    pub name: String,
    pub record_id: u64,
    pub tree_size: u64,
    pub tree_hash: String,
}

impl Provenance {
    /// `dl`, `proxy` or `adopted`.
    pub fn source(&self) -> &'static str {
        match self {
            Provenance::Dl { .. } => "dl",
            Provenance::Proxy { .. } => "proxy",
            Provenance::Adopted { .. } => "adopted",
        }
    }

    /// Where the bytes came from: the archive's URL or file, the proxy's URL, or the
    /// directory an SDK was adopted from.
    pub fn source_url(&self) -> &str {
        match self {
            Provenance::Dl { from, .. } | Provenance::Adopted { from, .. } => from,
            Provenance::Proxy { proxy, .. } => proxy,
        }
    }

    /// What `gvx list` says after the version; `None` for the official archive, the norm.
    pub fn note(&self) -> Option<String> {
        match self {
            Provenance::Dl { .. } => None,
            Provenance::Proxy { proxy, .. } => Some(format!("from proxy {proxy}")),
            Provenance::Adopted {
                sumdb: Some(proof), ..
            } => Some(format!("adopted, proven by {}", proof.name)),
            Provenance::Adopted { .. } => Some("adopted, unverified".to_owned()),
        }
    }

    /// `from <source>: <verification>` (for an adopted SDK, the directory it came from), for
    /// `gvx verify` and the install's last line.
    pub fn describe(&self) -> String {
        match self {
            Provenance::Adopted { from, .. } => format!("from {from}: {}", self.verification()),
            _ => format!("from {}: {}", self.source(), self.verification()),
        }
    }

    /// The module and `h1:` a checksum database proved the tree to be, which `gvx verify`
    /// hashes the tree as again; `None` when nothing proved an `h1:`.
    pub fn proven_module(&self) -> Option<(&str, &str)> {
        match self {
            Provenance::Proxy { module, h1, .. } => Some((module, h1)),
            Provenance::Adopted {
                module: Some(module),
                h1: Some(h1),
                sumdb: Some(_),
                ..
            } => Some((module, h1)),
            _ => None,
        }
    }

    /// One line on what proved the bytes.
    pub fn verification(&self) -> String {
        match self {
            Provenance::Dl {
                sha256,
                index: Some(index),
                ..
            } => {
                format!("sha256 {sha256} from the index {index}")
            }
            Provenance::Dl {
                sha256,
                index: None,
                ..
            } => format!("sha256 {sha256} given with --sha256"),
            Provenance::Proxy {
                h1,
                sumdb: Some(proof),
                ..
            } => format!(
                "{h1} proven by the checksum database {} (record {} in a tree of {})",
                proof.name, proof.record_id, proof.tree_size
            ),
            Provenance::Proxy {
                h1, sumdb: None, ..
            } => {
                format!("{h1}, unproven: GOSUMDB=off with a single file:// GOPROXY")
            }
            Provenance::Adopted {
                h1: Some(h1),
                sumdb: Some(proof),
                ..
            } => format!(
                "adopted, proven by {}: {h1} (record {} in a tree of {})",
                proof.name, proof.record_id, proof.tree_size
            ),
            Provenance::Adopted { .. } => {
                "adopted, unverified: taken as found with --unverified".to_owned()
            }
        }
    }
}

pub fn path(store: &Store, version: &GoVersion) -> PathBuf {
    crate::manifest::path(store, version).with_extension("json")
}

/// Writes `provenance` for `version` into `scratch` (the install's staging directory);
/// [`Staged::commit`] puts it in place (once the SDK is), replacing any earlier record.
pub fn stage(
    store: &Store,
    version: &GoVersion,
    provenance: &Provenance,
    scratch: &std::path::Path,
) -> std::io::Result<Staged> {
    let json = serde_json::to_string_pretty(provenance).map_err(std::io::Error::other)?;
    Staged::write_in(
        scratch,
        &path(store, version),
        format!("{json}\n").as_bytes(),
    )
}

/// The recorded provenance; `None` for SDKs installed before gvx recorded it, or unreadable.
pub fn read(store: &Store, version: &GoVersion) -> Option<Provenance> {
    let text = fs_err::read_to_string(path(store, version)).ok()?;
    serde_json::from_str(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adopted(sumdb: Option<SumdbProof>) -> Provenance {
        let proven = sumdb.is_some();
        Provenance::Adopted {
            from: "/usr/local/go".into(),
            module: proven.then(|| "golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64".into()),
            h1: proven.then(|| "h1:abc=".into()),
            sumdb,
        }
    }

    #[test]
    fn an_adopted_sdk_says_what_proved_it() {
        let proof = SumdbProof {
            name: "sum.golang.org".into(),
            record_id: 7,
            tree_size: 9,
            tree_hash: "x".into(),
        };
        let proven = adopted(Some(proof));
        assert_eq!(proven.source(), "adopted");
        assert_eq!(proven.note().unwrap(), "adopted, proven by sum.golang.org");
        assert_eq!(
            proven.describe(),
            "from /usr/local/go: adopted, proven by sum.golang.org: h1:abc= (record 7 in a tree of 9)"
        );
        assert_eq!(
            proven.proven_module(),
            Some((
                "golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64",
                "h1:abc="
            ))
        );
        let unverified = adopted(None);
        assert_eq!(unverified.note().unwrap(), "adopted, unverified");
        assert!(unverified.describe().contains("adopted, unverified"));
        assert_eq!(unverified.proven_module(), None);
        // Recorded as JSON and read back.
        let json = serde_json::to_string(&unverified).unwrap();
        assert!(json.contains(r#""source":"adopted""#), "{json}");
        assert_eq!(
            serde_json::from_str::<Provenance>(&json).unwrap(),
            unverified
        );
    }
}
