//! Fetching from GOPROXY's list the way `go` does (`TryProxies`): an entry after `,` is tried
//! only when the one before had no such file (404/410); after `|`, on any error. `direct` and
//! `off` end the list: `golang.org/toolchain` has no origin to fetch from directly.

use super::settings::{Proxy, ProxySpec};
use crate::error::{Error, Exit, Result};
use crate::http::{Http, HttpError, into_http_error};
use crate::report::Progress;
use crate::storefs::{CopyError, StoreWriter, copy_error};
use crate::sumdb::{Fetch, FetchError};
use std::io::{self, Read, Seek};

/// What every proxy in the list said, when none had the file.
pub enum Failure {
    /// No proxy has it (every answer was 404/410, or the list ended in `direct`/`off`).
    NotFound(Vec<String>),
    /// An error that may not fall through to the next proxy.
    Failed(HttpError),
}

/// Runs `attempt` against each proxy URL in turn, under Go's fall-through rules.
pub fn try_proxies<T>(
    list: &[ProxySpec],
    mut attempt: impl FnMut(&str) -> Result<T, HttpError>,
) -> Result<(T, String), Failure> {
    let mut tried = Vec::new();
    let mut failure = None;
    for spec in list {
        let url = match &spec.proxy {
            Proxy::Url(url) => url,
            Proxy::Direct => {
                tried.push("direct (not used for toolchains)".to_owned());
                break;
            }
            Proxy::Off => {
                tried.push("off".to_owned());
                break;
            }
        };
        match attempt(url) {
            Ok(found) => return Ok((found, url.clone())),
            Err(e) if e.is_not_found() => tried.push(format!("{url} (not found)")),
            Err(e) if spec.fall_back_on_error => {
                tried.push(format!("{url} ({e})"));
                failure.get_or_insert(e);
            }
            Err(e) => return Err(Failure::Failed(e)),
        }
    }
    Err(failure.map_or(Failure::NotFound(tried), Failure::Failed))
}

/// The whole body of `<proxy>/<path>` from the first proxy that has it, at most `limit` bytes.
pub fn get_bytes(
    http: &Http,
    list: &[ProxySpec],
    path: &str,
    limit: u64,
) -> Result<(Vec<u8>, String), Failure> {
    try_proxies(list, |proxy| {
        http.get_bytes(&format!("{proxy}/{path}"), limit)
    })
}

/// Streams `<proxy>/<path>` into `out`, at most `limit` bytes; returns the proxy used. Each
/// proxy tried starts from an empty file, so a transfer cut off by one never mixes into the
/// next one's bytes.
pub fn download(
    http: &Http,
    list: &[ProxySpec],
    path: &str,
    limit: u64,
    progress: &Progress,
    out: &mut fs_err::File,
) -> Result<String, Failure> {
    let ((), proxy) = try_proxies(list, |proxy| {
        let url = format!("{proxy}/{path}");
        out.set_len(0).map_err(HttpError::Write)?;
        out.rewind().map_err(HttpError::Write)?;
        progress.reset_to(0);
        let body = http.open(&url, progress)?;
        let copied =
            io::copy(&mut body.take(limit + 1), &mut StoreWriter(&mut *out)).map_err(|e| {
                match copy_error(e) {
                    CopyError::Write(e) => HttpError::Write(e),
                    CopyError::Read(e) => into_http_error(e, &url),
                }
            })?;
        if copied > limit {
            return Err(HttpError::TooLarge { url, limit });
        }
        Ok(())
    })?;
    Ok(proxy)
}

impl Failure {
    /// The error to show for `what` (e.g. "go1.22.10 for linux/amd64").
    pub fn into_error(self, what: &str, goproxy: &str) -> Error {
        match self {
            Failure::NotFound(tried) => Error::new(
                Exit::NotFound,
                format!("{what} is not available from GOPROXY={goproxy} (tried: {})", tried.join(", ")),
            )
            .hint("check the version with `gvx list --remote`, point GOPROXY at a proxy that serves golang.org/toolchain, or install with --source dl"),
            Failure::Failed(e) => Error::from(e).hint(format!(
                "check GOPROXY ({goproxy}), your network and proxy settings; use `|` between GOPROXY entries to fall through on errors"
            )),
        }
    }
}

/// The checksum database's transport: GET `<base>/<path>`.
pub struct SumdbTransport<'a> {
    pub http: &'a Http,
    /// `https://sum.golang.org`, `<proxy>/sumdb/<name>`, or GOSUMDB's URL.
    pub base: String,
}

/// The most any one checksum database response may weigh (a lookup or a tile is a few KiB).
const MAX_SUMDB_RESPONSE: u64 = 1 << 20;

impl Fetch for SumdbTransport<'_> {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, FetchError> {
        match self
            .http
            .get_bytes(&format!("{}/{path}", self.base), MAX_SUMDB_RESPONSE)
        {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(FetchError::new(error_chain(&e))),
        }
    }
}

/// The database's base URL: GOSUMDB's own, else the first proxy serving
/// `<proxy>/sumdb/<name>/supported`, else `https://<name>` (Go's `dbClient.initBase`).
pub fn sumdb_base(
    http: &Http,
    list: &[ProxySpec],
    name: &str,
    explicit: Option<&str>,
) -> Result<String> {
    if let Some(url) = explicit {
        return Ok(url.to_owned());
    }
    let supported = format!("sumdb/{name}/supported");
    match try_proxies(list, |proxy| http.get_bytes(&format!("{proxy}/{supported}"), MAX_SUMDB_RESPONSE)) {
        Ok((_, proxy)) => Ok(format!("{proxy}/sumdb/{name}")),
        Err(Failure::NotFound(_)) => Ok(format!("https://{name}")),
        Err(Failure::Failed(e)) => Err(Error::from(e).hint(format!(
            "the proxy could not say whether it serves the checksum database {name}; check GOPROXY and your network"
        ))),
    }
}

/// An error and its causes on one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}
