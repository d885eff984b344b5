//! Why a lookup failed, sorted by what the caller should do about it.

use super::fetch::FetchError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SumdbError {
    /// The database could not be reached or answered with an error (not a proof failure).
    /// Never a security problem.
    #[error(transparent)]
    Network(#[from] FetchError),
    /// The database has no record of path@version (lookup answered 404/410, or a "not found"
    /// body), or the path or version cannot be in it because Go's syntax rules reject them.
    #[error("the checksum database has no record of {path}@{version}")]
    NotFound { path: String, version: String },
    /// Verification failed: the database, or someone between it and us, served data that does
    /// not prove what it claims.
    #[error("{0}")]
    Security(String),
    /// A malformed verifier key (a configuration error, not an attack).
    #[error("invalid checksum database key: {0}")]
    Key(String),
    /// The state directory could not be read, written or locked.
    #[error("cannot {action} {}", path.display())]
    State {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl SumdbError {
    pub(crate) fn security(message: impl Into<String>) -> Self {
        SumdbError::Security(message.into())
    }
}
