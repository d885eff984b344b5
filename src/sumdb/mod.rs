//! A client for Go's checksum database (the sum.golang.org protocol), ported from
//! `golang.org/x/mod/sumdb`. A lookup of `path@version` is trusted only after these checks, in
//! this order:
//!
//! 1. the response parses as a record (`<id>\n<go.sum lines>\n`) followed by a signed note;
//! 2. the note carries a valid Ed25519 signature by the configured key, and its text is a tree
//!    head `go.sum database tree\n<size>\n<root hash>\n`;
//! 3. that tree and the tree remembered from earlier runs (`latest` in the state directory) are
//!    one history: the smaller is a prefix of the larger, proven with tiles authenticated
//!    against the larger's signed root; the larger is remembered;
//! 4. the record's hash is the one stored at its index in the remembered tree, again read from
//!    tiles authenticated against the signed root.
//!
//! Any failure of 1–4 is a [`SumdbError::Security`]; the network is only ever a transport.

mod client;
mod error;
mod fetch;
mod note;
mod tile;
mod tlog;

#[cfg(test)]
mod testdb;

pub use client::{Client, Found};
pub use error::SumdbError;
pub use fetch::{Fetch, FetchError};
pub use note::VerifierKey;

/// sum.golang.org's verifier key, as compiled into the go command (cmd/go/internal/modfetch/key.go).
pub const SUM_GOLANG_ORG_KEY: &str =
    "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
