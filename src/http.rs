//! The HTTP facade: one blocking client (rustls, system proxies via `HTTPS_PROXY`/`NO_PROXY`,
//! an extra CA bundle from `SSL_CERT_FILE`, `User-Agent: gvx/<version>`), bounded retries with
//! backoff, and bodies that resume with `Range` after a dropped connection. `file://` URLs are
//! read from disk, so mirrors on a file share and tests need no server.

use crate::error::{Error, Exit};
use crate::report::Progress;
use reqwest::StatusCode;
use reqwest::blocking::{Client, Response};
use reqwest::header::{CONTENT_RANGE, RANGE};
use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::thread::sleep;
use std::time::Duration;

const ATTEMPTS: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(100);

/// Why an HTTP transfer failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("cannot fetch {url}")]
    Request {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{url} answered {status}")]
    Status { url: String, status: StatusCode },
    #[error("the download of {url} was cut off after {got} of {total} bytes")]
    Cut {
        url: String,
        got: u64,
        total: String,
        #[source]
        source: io::Error,
    },
    #[error("cannot read {url}")]
    File {
        url: String,
        #[source]
        source: io::Error,
    },
    #[error("{url} is larger than the {limit} bytes gvx accepts for it")]
    TooLarge { url: String, limit: u64 },
}

impl HttpError {
    /// The server (or the file system, for `file://`) says there is no such file: 404 or 410.
    pub fn is_not_found(&self) -> bool {
        match self {
            HttpError::Status { status, .. } => {
                *status == StatusCode::NOT_FOUND || *status == StatusCode::GONE
            }
            HttpError::File { source, .. } => source.kind() == io::ErrorKind::NotFound,
            _ => false,
        }
    }
}

impl From<HttpError> for Error {
    fn from(e: HttpError) -> Self {
        let hint = match &e {
            HttpError::Status { status, .. } if *status == StatusCode::NOT_FOUND => {
                "the server has no such file: check GVX_GO_MIRROR and GVX_GO_INDEX"
            }
            HttpError::TooLarge { .. } => {
                "check that GVX_GO_INDEX points at the official Go download index"
            }
            _ => {
                "check your network connection and proxy settings (HTTPS_PROXY, NO_PROXY, SSL_CERT_FILE), then try again"
            }
        };
        Error::new(Exit::Network, e.to_string())
            .source(e)
            .hint(hint)
    }
}

/// The one HTTP client of a gvx run.
pub struct Http {
    client: Client,
}

impl Http {
    pub fn new() -> Result<Self, Error> {
        let mut builder = Client::builder()
            .user_agent(concat!("gvx/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(20))
            .timeout(None::<Duration>)
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let downgrade = attempt.url().scheme() == "http"
                    && attempt.previous().iter().any(|u| u.scheme() == "https");
                if downgrade {
                    let to = attempt.url().to_string();
                    attempt.error(format!(
                        "refusing a redirect from https to plain http ({to})"
                    ))
                } else if attempt.previous().len() >= 10 {
                    attempt.error("more than 10 redirects")
                } else {
                    attempt.follow()
                }
            }));
        if let Some(bundle) = crate::env::var("SSL_CERT_FILE") {
            let pem = fs_err::read(&bundle).map_err(|e| {
                Error::new(
                    Exit::Failure,
                    format!("SSL_CERT_FILE names {bundle}, which cannot be read"),
                )
                .source(e)
                .hint("point SSL_CERT_FILE at a PEM bundle of extra CA certificates, or unset it")
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                Error::new(
                    Exit::Failure,
                    format!("SSL_CERT_FILE ({bundle}) is not a PEM bundle"),
                )
                .source(e)
            })?;
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .build()
            .map_err(|e| Error::new(Exit::Failure, "cannot set up the HTTP client").source(e))?;
        Ok(Http { client })
    }

    /// The whole body of `url`, at most `limit` bytes.
    pub fn get_bytes(&self, url: &str, limit: u64) -> Result<Vec<u8>, HttpError> {
        let progress = Progress::hidden();
        let mut body = self.open(url, &progress)?;
        let mut bytes = Vec::new();
        (&mut body)
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| into_http_error(e, url))?;
        if bytes.len() as u64 > limit {
            return Err(HttpError::TooLarge {
                url: url.to_owned(),
                limit,
            });
        }
        Ok(bytes)
    }

    /// Opens `url` as a reader that retries and resumes on its own.
    pub fn open<'a>(&'a self, url: &str, progress: &'a Progress) -> Result<Body<'a>, HttpError> {
        if let Some(path) = file_url_path(url) {
            let file = File::open(path).map_err(|source| HttpError::File {
                url: url.to_owned(),
                source,
            })?;
            return Ok(Body {
                http: self,
                url: url.to_owned(),
                source: Source::File(file),
                position: 0,
                total: None,
                retries: 0,
                progress,
            });
        }
        let response = self.get(url, 0)?;
        let total = response.content_length();
        Ok(Body {
            http: self,
            url: url.to_owned(),
            source: Source::Http(response),
            position: 0,
            total,
            retries: ATTEMPTS - 1,
            progress,
        })
    }

    /// GET from byte `from`, retrying connection failures and 5xx answers with backoff.
    fn get(&self, url: &str, from: u64) -> Result<Response, HttpError> {
        let mut attempt = 0;
        loop {
            let mut request = self.client.get(url);
            if from > 0 {
                request = request.header(RANGE, format!("bytes={from}-"));
            }
            let error = match request.send() {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => {
                    let status = response.status();
                    let error = HttpError::Status {
                        url: url.to_owned(),
                        status,
                    };
                    if !status.is_server_error() && status != StatusCode::TOO_MANY_REQUESTS {
                        return Err(error);
                    }
                    error
                }
                Err(source) if source.is_redirect() => {
                    return Err(HttpError::Request {
                        url: url.to_owned(),
                        source,
                    });
                }
                Err(source) => HttpError::Request {
                    url: url.to_owned(),
                    source,
                },
            };
            attempt += 1;
            if attempt >= ATTEMPTS {
                return Err(error);
            }
            sleep(FIRST_BACKOFF * 4u32.pow(attempt - 1));
        }
    }
}

enum Source {
    Http(Response),
    File(File),
    Failed,
}

/// A response body that picks up where it stopped when the connection drops: with `Range`
/// when the server honours it, else by re-reading and skipping what it already has.
pub struct Body<'a> {
    http: &'a Http,
    url: String,
    source: Source,
    position: u64,
    total: Option<u64>,
    retries: u32,
    progress: &'a Progress,
}

impl Body<'_> {
    /// The full size, when the server said.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    fn resume(&mut self) -> io::Result<()> {
        let response = self
            .http
            .get(&self.url, self.position)
            .map_err(io::Error::other)?;
        let resumed = response.status() == StatusCode::PARTIAL_CONTENT
            && response
                .headers()
                .get(CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with(&format!("bytes {}-", self.position)));
        self.source = Source::Http(response);
        if !resumed {
            // The server sent the whole body again: skip what was already read.
            let skip = self.position;
            self.position = 0;
            self.progress.reset_to(0);
            io::copy(&mut self.by_ref().take(skip), &mut io::sink())?;
        }
        Ok(())
    }
}

impl Read for Body<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let result = match &mut self.source {
                Source::Http(response) => response.read(buf),
                Source::File(file) => file.read(buf),
                Source::Failed => Err(io::Error::other("connection lost")),
            };
            let error = match result {
                Ok(0) if self.total.is_some_and(|total| self.position < total) => io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection early",
                ),
                Ok(n) => {
                    self.position += n as u64;
                    self.progress.advance(n as u64);
                    return Ok(n);
                }
                Err(e) => e,
            };
            if self.retries == 0 || matches!(self.source, Source::File(_)) {
                let total = self.total.map_or_else(|| "?".to_owned(), |t| t.to_string());
                return Err(io::Error::other(HttpError::Cut {
                    url: self.url.clone(),
                    got: self.position,
                    total,
                    source: error,
                }));
            }
            self.retries -= 1;
            self.source = Source::Failed;
            sleep(FIRST_BACKOFF * 4u32.pow(ATTEMPTS - 2 - self.retries));
            if let Err(e) = self.resume()
                && self.retries == 0
            {
                return Err(e);
            }
        }
    }
}

/// The local path a `file://` URL names, as Go reads GOPROXY's: `file:///srv/proxy` →
/// `/srv/proxy`, `file://localhost/srv/proxy` too, `%XX` escapes decoded, and on Windows
/// `file:///C:/proxy` → `C:/proxy`. `None` for other URLs.
pub fn file_url_path(url: &str) -> Option<PathBuf> {
    local_path(url, cfg!(windows))
}

fn local_path(url: &str, windows: bool) -> Option<PathBuf> {
    let rest = url.strip_prefix("file://")?;
    let rest = match rest.strip_prefix("localhost") {
        Some(after) if after.starts_with('/') => after,
        _ => rest,
    };
    let bytes = rest.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                i += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    let path = String::from_utf8_lossy(&decoded).into_owned();
    let drive =
        |p: &str| p.len() >= 2 && p.as_bytes()[0].is_ascii_alphabetic() && p.as_bytes()[1] == b':';
    match path.strip_prefix('/') {
        Some(stripped) if windows && drive(stripped) => Some(PathBuf::from(stripped)),
        _ => Some(PathBuf::from(path)),
    }
}

/// Recovers the [`HttpError`] an I/O error carries, for readers that only speak `io::Error`.
pub fn into_http_error(error: io::Error, url: &str) -> HttpError {
    match error.downcast::<HttpError>() {
        Ok(http) => http,
        Err(error) => HttpError::Cut {
            url: url.to_owned(),
            got: 0,
            total: "?".into(),
            source: error,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;
    use std::path::PathBuf;

    #[test]
    fn file_urls_name_local_paths_on_either_platform() {
        let p = |url: &str, windows: bool| local_path(url, windows);
        assert_eq!(
            p("file:///srv/go%20proxy/x", false),
            Some(PathBuf::from("/srv/go proxy/x"))
        );
        assert_eq!(
            p("file://localhost/srv/proxy", false),
            Some(PathBuf::from("/srv/proxy"))
        );
        assert_eq!(
            p("file:///C:/proxy/@v/list", true),
            Some(PathBuf::from("C:/proxy/@v/list"))
        );
        assert_eq!(p("file://C:/proxy", true), Some(PathBuf::from("C:/proxy")));
        assert_eq!(
            p("file:///C:/proxy", false),
            Some(PathBuf::from("/C:/proxy"))
        );
        assert_eq!(p("file:///100%/x", false), Some(PathBuf::from("/100%/x")));
        assert_eq!(p("https://example.com", false), None);
    }
}
