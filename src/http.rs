//! The HTTP facade: one blocking client (rustls, system proxies via `HTTPS_PROXY`/`NO_PROXY`,
//! an extra CA bundle from `SSL_CERT_FILE`, `User-Agent: gvx/<version>`), connect and idle
//! timeouts on every request (`GVX_HTTP_TIMEOUT`), bounded retries with backoff, and bodies
//! that resume with `Range` after a dropped or stalled connection. `file://` URLs are read
//! from disk, so mirrors on a file share and tests need no server.

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
/// How long to wait for a connection, without `GVX_HTTP_TIMEOUT`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a server may send nothing (no answer, no body byte), without `GVX_HTTP_TIMEOUT`.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

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
    /// Writing what arrived into the store failed (the error names the file).
    #[error(transparent)]
    Write(io::Error),
    #[error("{url} is larger than the {limit} bytes gvx accepts for it")]
    TooLarge { url: String, limit: u64 },
    /// The server (or the network) went silent: no connection, no answer or no body byte
    /// within the timeout, on every attempt.
    #[error("{host} {what} for {} ({url}{progress}; tried {attempts} times)", seconds(*.waited))]
    Stalled {
        url: String,
        host: String,
        /// `did not accept a connection` or `sent nothing`.
        what: &'static str,
        waited: Duration,
        /// `, after 50 of 1000 bytes`, or empty.
        progress: String,
        attempts: u32,
    },
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
        if let HttpError::Write(e) = e {
            return crate::storefs::write_error(e, "installing");
        }
        let hint = match &e {
            HttpError::Status { status, .. } if *status == StatusCode::NOT_FOUND => {
                "the server has no such file: check GVX_GO_MIRROR and GVX_GO_INDEX"
            }
            HttpError::TooLarge { .. } => {
                "check that GVX_GO_INDEX points at the official Go download index"
            }
            HttpError::Stalled { .. } => {
                "the server or the network stalls; try again later, check your proxy settings (HTTPS_PROXY, NO_PROXY), or set GVX_HTTP_TIMEOUT (seconds) higher on a slow link"
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
    timeouts: Timeouts,
}

/// How long gvx waits for a connection and for any byte of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    /// The longest silence: before the answer's head, and between two reads of its body.
    pub idle: Duration,
}

impl Timeouts {
    /// `GVX_HTTP_TIMEOUT` seconds for both, else 30 s to connect and 60 s of silence.
    pub fn from_env() -> Result<Timeouts, Error> {
        let Some(value) = crate::env::var(crate::env::GVX_HTTP_TIMEOUT) else {
            return Ok(Timeouts {
                connect: CONNECT_TIMEOUT,
                idle: IDLE_TIMEOUT,
            });
        };
        let secs = value
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s > 0.0 && *s <= 86_400.0)
            .ok_or_else(|| {
                Error::new(
                    Exit::Environment,
                    format!(
                        "GVX_HTTP_TIMEOUT is `{}`, not a number of seconds",
                        gvx_shims::text::untrusted(&value)
                    ),
                )
                .hint("set GVX_HTTP_TIMEOUT to the seconds to wait for a server, e.g. 120, or unset it (30 s to connect, 60 s of silence)")
            })?;
        let wait = Duration::from_secs_f64(secs);
        Ok(Timeouts {
            connect: wait,
            idle: wait,
        })
    }
}

/// The redirect rule: never from https to plain http (a man in the middle could then serve
/// anything the https URL promised), and at most 10 hops. `Err` says why not.
pub fn check_redirect(previous: &[reqwest::Url], next: &reqwest::Url) -> Result<(), String> {
    if next.scheme() == "http" && previous.iter().any(|u| u.scheme() == "https") {
        return Err(format!(
            "refusing a redirect from https to plain http ({})",
            gvx_shims::text::untrusted(next.as_str())
        ));
    }
    if previous.len() >= 10 {
        return Err("more than 10 redirects".to_owned());
    }
    Ok(())
}

impl Http {
    pub fn new() -> Result<Self, Error> {
        let timeouts = Timeouts::from_env()?;
        // The blocking client's `timeout` bounds each wait separately: for the answer's head,
        // then for every read of its body; so it is an idle timeout, not a limit on the whole.
        let mut builder = Client::builder()
            .user_agent(concat!("gvx/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.idle)
            .redirect(reqwest::redirect::Policy::custom(
                |attempt| match check_redirect(attempt.previous(), attempt.url()) {
                    Ok(()) => attempt.follow(),
                    Err(why) => attempt.error(why),
                },
            ));
        if let Some(bundle) = crate::env::var("SSL_CERT_FILE") {
            let pem = fs_err::read(&bundle).map_err(|e| {
                Error::new(
                    Exit::Environment,
                    format!("SSL_CERT_FILE names {bundle}, which cannot be read"),
                )
                .source(e)
                .hint("point SSL_CERT_FILE at a PEM bundle of extra CA certificates, or unset it")
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                Error::new(
                    Exit::Environment,
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
        Ok(Http { client, timeouts })
    }

    /// The timeouts every request runs under.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
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
            log::info!("reading {url}");
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
        let response = self.get(url, 0, ATTEMPTS)?;
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

    /// GET from byte `from`, retrying connection failures, stalls and 5xx answers with
    /// backoff, `attempts` times in all.
    fn get(&self, url: &str, from: u64, attempts: u32) -> Result<Response, HttpError> {
        let mut attempt = 0;
        loop {
            let mut request = self.client.get(url);
            if from > 0 {
                request = request.header(RANGE, format!("bytes={from}-"));
            }
            let started = std::time::Instant::now();
            let sent = request.send();
            let took = started.elapsed().as_millis();
            let range = if from > 0 {
                format!(" (from byte {from})")
            } else {
                String::new()
            };
            match &sent {
                Ok(response) => log::info!(
                    "GET {url}{range} → {} in {took} ms{}",
                    response.status(),
                    response
                        .content_length()
                        .map(|n| format!(", {n} bytes"))
                        .unwrap_or_default()
                ),
                Err(e) => log::info!(
                    "GET {url}{range} → failed after {took} ms: {} (attempt {} of {attempts})",
                    causes(e),
                    attempt + 1
                ),
            }
            let error = match sent {
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
                Err(source) if source.is_timeout() => {
                    let connecting = source.is_connect();
                    self.stalled(url, connecting, String::new(), attempts)
                }
                Err(source) => HttpError::Request {
                    url: url.to_owned(),
                    source,
                },
            };
            attempt += 1;
            if attempt >= attempts {
                return Err(error);
            }
            sleep(FIRST_BACKOFF * 4u32.pow(attempt - 1));
        }
    }

    fn stalled(&self, url: &str, connecting: bool, progress: String, attempts: u32) -> HttpError {
        let (what, waited) = if connecting {
            ("did not accept a connection", self.timeouts.connect)
        } else {
            ("sent nothing", self.timeouts.idle)
        };
        HttpError::Stalled {
            url: url.to_owned(),
            host: host_of(url),
            what,
            waited,
            progress,
            attempts,
        }
    }
}

/// `host:port` of a URL, for messages.
/// An error with its causes, `: `-joined (reqwest's own message names only the URL).
fn causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}

fn host_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| {
            let host = u.host_str()?.to_owned();
            Some(match u.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            })
        })
        .unwrap_or_else(|| url.to_owned())
}

/// `2 s`, `1.5 s`.
fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Whether an I/O error is a timeout: reqwest's, the OS's, or a stall already reported.
fn is_timeout(e: &io::Error) -> bool {
    if e.kind() == io::ErrorKind::TimedOut {
        return true;
    }
    let Some(inner) = e.get_ref() else {
        return false;
    };
    if let Some(r) = inner.downcast_ref::<reqwest::Error>() {
        return r.is_timeout();
    }
    matches!(
        inner.downcast_ref::<HttpError>(),
        Some(HttpError::Stalled { .. })
    )
}

enum Source {
    Http(Response),
    File(File),
    /// The last resume failed with this error.
    Failed(Option<io::Error>),
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
        // One attempt: the caller's loop does the retrying.
        let response = self
            .http
            .get(&self.url, self.position, 1)
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
                Source::Failed(error) => Err(error
                    .take()
                    .unwrap_or_else(|| io::Error::other("connection lost"))),
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
                return Err(self.failure(error));
            }
            self.retries -= 1;
            self.source = Source::Failed(None);
            sleep(FIRST_BACKOFF * 4u32.pow(ATTEMPTS - 2 - self.retries));
            if let Err(e) = self.resume() {
                self.source = Source::Failed(Some(e));
            }
        }
    }
}

impl Body<'_> {
    /// The error to report after the last attempt failed with `error`.
    fn failure(&self, error: io::Error) -> io::Error {
        let total = self.total.map_or_else(|| "?".to_owned(), |t| t.to_string());
        if matches!(self.source, Source::File(_)) {
            return io::Error::other(HttpError::Cut {
                url: self.url.clone(),
                got: self.position,
                total,
                source: error,
            });
        }
        if is_timeout(&error) {
            let progress = format!(", after {} of {total} bytes", self.position);
            return io::Error::other(self.http.stalled(&self.url, false, progress, ATTEMPTS));
        }
        if error.get_ref().is_some_and(|e| e.is::<HttpError>()) {
            return error;
        }
        io::Error::other(HttpError::Cut {
            url: self.url.clone(),
            got: self.position,
            total,
            source: error,
        })
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
    use super::{check_redirect, local_path};
    use std::path::PathBuf;

    #[test]
    fn a_redirect_never_goes_from_https_to_plain_http() {
        let url = |s: &str| reqwest::Url::parse(s).unwrap();
        let https = url("https://go.dev/dl/");
        let http = url("http://dl.example.com/go/x.tar.gz");
        // After any https hop, plain http is refused, whatever came in between.
        let refused = check_redirect(std::slice::from_ref(&https), &http).unwrap_err();
        assert!(
            refused.starts_with(
                "refusing a redirect from https to plain http (http://dl.example.com/go/x.tar.gz)"
            ),
            "{refused}"
        );
        let via = [
            url("http://a.example/"),
            https.clone(),
            url("https://b.example/"),
        ];
        assert!(check_redirect(&via, &http).is_err());
        // http → http, http → https and https → https are followed.
        assert_eq!(check_redirect(&[url("http://127.0.0.1:1/")], &http), Ok(()));
        assert_eq!(check_redirect(&[url("http://a.example/")], &https), Ok(()));
        assert_eq!(
            check_redirect(
                std::slice::from_ref(&https),
                &url("https://dl.google.com/go/")
            ),
            Ok(())
        );
        // The Location a server sent is shown escaped and cut.
        let long = url(&format!("http://evil.example/{}", "a".repeat(500)));
        let shown = check_redirect(std::slice::from_ref(&https), &long).unwrap_err();
        assert!(shown.len() < 300, "{shown}");
        // At most 10 hops.
        let nine = vec![https.clone(); 9];
        assert_eq!(check_redirect(&nine, &https), Ok(()));
        let ten = vec![https.clone(); 10];
        assert_eq!(
            check_redirect(&ten, &https),
            Err("more than 10 redirects".to_owned())
        );
    }

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
