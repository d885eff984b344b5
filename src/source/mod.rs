//! Where an SDK comes from, each source a peer: the official archive (`official`), the Go
//! module proxy (`proxy`), an archive file on disk (`file`). A source proves its bytes — against
//! the download index's sha256, the checksum database, or a sha256 given on the command line —
//! fills the staging tree the install pipeline hands it, and says what proved it. The pipeline
//! (the `install` module) locks, stages, checks, records and renames. Sources never import it:
//! the two that retry (another mirror, an index fetched again) drive it through [`Pipeline`].

pub mod file;
pub mod official;
pub mod proxy;
mod stream;

use crate::archive;
use crate::error::Result;
use crate::provenance::Provenance;
use gvx_shims::GoVersion;
use std::path::{Path, PathBuf};

/// Where SDKs are downloaded from (`--source`, `GVX_GO_SOURCE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    /// The official archive (GVX_GO_MIRROR, verified against GVX_GO_INDEX); the Go module
    /// proxy only when that cannot be reached (never after a checksum mismatch).
    #[default]
    Auto,
    /// Only the official archive, verified against the download index.
    Dl,
    /// Only the `golang.org/toolchain` module from GOPROXY, proven by the checksum database
    /// (GOSUMDB).
    Proxy,
}

/// What a source put into the staging tree: where it came from and what proved it, and the
/// sha256 of each file as it was written.
pub struct Fetched {
    pub provenance: Provenance,
    pub digests: Vec<(PathBuf, archive::Sha256Digest)>,
}

/// The install pipeline as a source drives it, once per attempt: for `version`, it takes the
/// store lock and a fresh staging directory, lets `fetch` fill `sdk` (inside `staging`), then
/// checks the tree, records it and renames it into the store. When `version` is installed
/// already it says so without calling `fetch`. A failed attempt leaves the store as it was, so
/// a source may try again (another mirror, an index fetched again).
pub trait Pipeline {
    /// What an install did.
    type Installed;

    fn put_in_place(
        &self,
        version: GoVersion,
        fetch: impl FnOnce(&Path, &Path) -> Result<Fetched>,
    ) -> Result<Self::Installed>;
}
