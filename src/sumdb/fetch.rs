//! The transport the client reads the database through; gvx's HTTP glue implements it.

use std::fmt;

/// The transport: GET `<database base URL>/<path>`, e.g. path
/// `lookup/golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64` or `tile/8/0/002.p/189`.
pub trait Fetch {
    /// Ok(Some(body)); Ok(None) when the server answers 404 or 410; Err for anything else.
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, FetchError>;
}

/// A transport failure; its Display names the URL and the cause.
#[derive(Debug)]
pub struct FetchError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl FetchError {
    pub fn new(message: impl Into<String>) -> Self {
        FetchError {
            message: message.into(),
            source: None,
        }
    }

    /// The underlying error, kept in the chain of causes.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FetchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}
