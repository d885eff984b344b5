//! The official Go download index (`go.dev/dl/?mode=json&include=all`): fetched, parsed
//! leniently (old releases have no sha256, odd os/arch values, unknown kinds), cached in the
//! store with a short TTL, and reduced to what gvx needs: each release's archive for this host.
//! It is the only source of sha256s; mirrors only ever supply bytes.

use crate::env;
use crate::error::{Error, Exit, Result};
use crate::http::Http;
use crate::platform::Host;
use crate::report;
use gvx_shims::{GoVersion, Store, VersionRequest};
use serde::Deserialize;
use std::time::{Duration, SystemTime};

/// The index is a few MB; anything far larger is not the index.
const MAX_INDEX_BYTES: u64 = 64 << 20;
const DEFAULT_TTL: Duration = Duration::from_secs(600);

#[derive(Debug, Deserialize)]
struct RawRelease {
    version: String,
    #[serde(default)]
    stable: bool,
    #[serde(default)]
    files: Vec<RawFile>,
}

#[derive(Debug, Deserialize)]
struct RawFile {
    #[serde(default)]
    filename: String,
    #[serde(default)]
    os: String,
    #[serde(default)]
    arch: String,
    #[serde(default)]
    sha256: String,
    #[serde(default)]
    size: u64,
    #[serde(default)]
    kind: String,
}

/// One release as gvx uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub version: GoVersion,
    pub stable: bool,
    /// The archive for this host, if the release has one.
    pub archive: Option<Archive>,
}

/// An archive file of the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Archive {
    pub filename: String,
    /// Lowercase hex; `None` for releases older than go1.5.3, which the index lists without one.
    pub sha256: Option<String>,
    /// `None` when the index says 0.
    pub size: Option<u64>,
}

/// The parsed index, newest first, and where it came from.
#[derive(Debug)]
pub struct Index {
    pub url: String,
    pub releases: Vec<Release>,
    /// Read from the store's cache rather than fetched in this run (so it may be out of date).
    pub cached: bool,
}

impl Index {
    /// Parses the index JSON, keeping every release with a valid Go version.
    pub fn parse(url: &str, json: &[u8], host: &Host) -> Result<Index> {
        let raw: Vec<RawRelease> = serde_json::from_slice(json).map_err(|e| {
            Error::new(Exit::Network, format!("{url} is not a Go download index"))
                .source(e)
                .hint("GVX_GO_INDEX must point at the official JSON index, e.g. https://go.dev/dl/?mode=json&include=all")
        })?;
        let mut releases: Vec<Release> = Vec::new();
        // The first listing of a version decides; later ones are never looked at.
        let mut seen = std::collections::HashSet::new();
        for release in raw {
            let Ok(version) = GoVersion::parse(&release.version) else {
                continue;
            };
            // `go1` is a pseudo-release holding bootstrap files, not a toolchain.
            if !release.version.starts_with("go1.")
                || !version.is_toolchain()
                || !seen.insert(version)
            {
                continue;
            }
            let archive = release
                .files
                .iter()
                .find(|f| {
                    f.kind == "archive"
                        && f.os == host.os
                        && f.arch == host.dl_arch
                        && f.filename.ends_with(host.archive_ext)
                })
                .map(|f| archive(url, &release.version, f))
                .transpose()?;
            releases.push(Release {
                version,
                stable: release.stable && !version.is_prerelease(),
                archive,
            });
        }
        releases.sort_by_key(|r| std::cmp::Reverse(r.version));
        Ok(Index {
            url: url.to_owned(),
            releases,
            cached: false,
        })
    }

    /// The newest release that matches `request` and has an archive for this host.
    pub fn resolve(&self, request: &VersionRequest) -> Option<&Release> {
        self.releases.iter().find(|r| {
            r.archive.is_some()
                && request.matches(&r.version)
                && (r.stable || matches!(request, VersionRequest::Exact(_)))
        })
    }

    /// The release with exactly this archive file name.
    pub fn by_filename(&self, filename: &str) -> Option<&Release> {
        self.releases
            .iter()
            .find(|r| r.archive.as_ref().is_some_and(|a| a.filename == filename))
    }

    /// Versions close to an unmatched request, for the error message: the newest releases of
    /// the same line, else the newest stable releases.
    pub fn near_misses(&self, request: &VersionRequest) -> Vec<GoVersion> {
        let available = self.releases.iter().filter(|r| r.archive.is_some());
        let line = match request {
            VersionRequest::Line(major, minor) => Some((*major, *minor)),
            VersionRequest::Exact(v) => Some(v.line()),
            VersionRequest::Latest => None,
        };
        let same_line: Vec<GoVersion> = available
            .clone()
            .filter(|r| Some(r.version.line()) == line)
            .map(|r| r.version)
            .take(3)
            .collect();
        if !same_line.is_empty() {
            return same_line;
        }
        available
            .filter(|r| r.stable)
            .map(|r| r.version)
            .take(3)
            .collect()
    }
}

fn archive(url: &str, version: &str, file: &RawFile) -> Result<Archive> {
    let bad = |what: &str| {
        Error::new(
            Exit::Verification,
            format!("the index at {url} lists {what} for {version}"),
        )
        .hint("the index is damaged or not the official one; check GVX_GO_INDEX")
    };
    let safe_name = !file.filename.is_empty()
        && file.filename.starts_with("go")
        && !file.filename.contains("..")
        && file
            .filename
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if !safe_name {
        return Err(bad(&format!(
            "an unsafe file name `{}`",
            gvx_shims::text::untrusted(&file.filename)
        )));
    }
    let sha256 = match file.sha256.as_str() {
        "" => None,
        hex if hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b.to_ascii_lowercase())) =>
        {
            Some(hex.to_ascii_lowercase())
        }
        other => {
            return Err(bad(&format!(
                "a malformed sha256 `{}` for {}",
                gvx_shims::text::untrusted(other),
                file.filename
            )));
        }
    };
    Ok(Archive {
        filename: file.filename.clone(),
        sha256,
        size: (file.size > 0).then_some(file.size),
    })
}

/// Where to fetch the index from, and whether gvx may fall back to the China mirror of it.
fn index_urls() -> Vec<String> {
    match env::var(env::GVX_GO_INDEX) {
        Some(url) => vec![url],
        None => vec![
            env::DEFAULT_INDEX.to_owned(),
            env::FALLBACK_INDEX.to_owned(),
        ],
    }
}

/// The cached index whatever its age, read without the network (tab completion uses it);
/// `None` when there is no cache or it does not parse.
pub fn cached_only(store: &Store, host: &Host) -> Option<Index> {
    let url = index_urls().swap_remove(0);
    let bytes = fs_err::read(cache_path(store, &url)).ok()?;
    let mut index = Index::parse(&url, &bytes, host).ok()?;
    index.cached = true;
    Some(index)
}

/// Loads the index: the cache while fresh (unless `refresh`), else the network, else a stale
/// cache with a warning that says how old it is. A fetched index that does not parse, or lists
/// no archive for this host, never replaces a cached one that does.
/// `http` is asked for the client only when the network is needed, so a fresh cache costs no
/// TLS set-up.
pub fn load<'a>(
    store: &Store,
    http: impl FnOnce() -> Result<&'a Http>,
    host: &Host,
    refresh: bool,
) -> Result<Index> {
    let urls = index_urls();
    let cache = cache_path(store, &urls[0]);
    let ttl = env::var(env::GVX_INDEX_TTL)
        .and_then(|s| s.parse().ok())
        .map_or(DEFAULT_TTL, Duration::from_secs);
    let age = fs_err::metadata(&cache)
        .ok()
        .and_then(|m| m.modified().ok())
        .and_then(|t| SystemTime::now().duration_since(t).ok());
    let cached = || cached_only(store, host);
    match age {
        Some(age) => log::info!(
            "index cache {}: {} old, fresh for {}{}",
            cache.display(),
            human_age(age),
            human_age(ttl),
            if refresh {
                "; --refresh fetches it anyway"
            } else {
                ""
            }
        ),
        None => log::info!("index cache {}: none yet", cache.display()),
    }
    if !refresh
        && age.is_some_and(|age| age < ttl)
        && let Some(index) = cached()
    {
        log::info!("using the cached index of {}", urls[0]);
        return Ok(index);
    }
    let http = http()?;
    let mut failures: Vec<(String, Error)> = Vec::new();
    for url in &urls {
        warn_if_plain_http(url);
        let bytes = match http.get_bytes(url, MAX_INDEX_BYTES) {
            Ok(bytes) => bytes,
            Err(e) => {
                failures.push((url.clone(), e.into()));
                continue;
            }
        };
        if !failures.is_empty() {
            report::warn(&format!("{} is unreachable; using {url}", urls[0]));
        }
        log::info!("fetched the index from {url} ({} bytes)", bytes.len());
        // A fetched index that does not parse, or lists nothing for this host, is not
        // cached, and a good cached copy is used instead (with a warning).
        let problem = match Index::parse(url, &bytes, host) {
            Ok(index) if index.releases.iter().any(|r| r.archive.is_some()) => {
                write_cache(store, &cache, &bytes);
                return Ok(index);
            }
            Ok(index) => (
                Ok(index),
                format!(
                    "the index at {url} lists no archive for {}",
                    host.describe()
                ),
            ),
            Err(e) => {
                let message = e.message().to_owned();
                (Err(e), message)
            }
        };
        return match (cached(), age) {
            (Some(index), Some(age)) if index.releases.iter().any(|r| r.archive.is_some()) => {
                report::warn(&format!(
                    "{}; keeping the cached index from {} ago",
                    problem.1,
                    human_age(age)
                ));
                Ok(index)
            }
            _ => problem.0,
        };
    }
    let mut failures = failures.into_iter();
    let (_, first) = failures.next().expect("at least one index URL");
    let failure = failures.fold(first, |error, (url, e)| {
        error.also(format!("tried {url} too: {}", e.message()))
    });
    match (cached(), age) {
        (Some(index), Some(age)) => {
            report::warn(&format!(
                "{}; using the cached index from {} ago",
                failure.message(),
                human_age(age)
            ));
            Ok(index)
        }
        _ => Err(failure),
    }
}

/// An index over plain http to another machine can be changed on the way, and it is what
/// says which bytes are right: say so (loopback is fine: mirrors on this machine, tests).
fn warn_if_plain_http(url: &str) {
    if let Some(host) = plain_http_remote_host(url) {
        report::warn(&format!(
            "GVX_GO_INDEX fetches the index from {host} over plain http: anyone on the way can change the checksums it lists; use https"
        ));
    }
}

/// The host of an `http://` URL that is not loopback.
fn plain_http_remote_host(url: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).ok()?;
    if url.scheme() != "http" {
        return None;
    }
    let host = url.host_str()?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (!loopback).then(|| host.to_owned())
}

/// One cache file per index URL, so switching GVX_GO_INDEX never mixes two indexes.
fn cache_path(store: &Store, url: &str) -> std::path::PathBuf {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(url.as_bytes());
    let key = &format!("{digest:x}")[..16];
    store.cache_dir().join(format!("index-{key}.json"))
}

/// Best effort: a cache that cannot be written only costs a fetch next time.
fn write_cache(store: &Store, cache: &std::path::Path, bytes: &[u8]) {
    let write = || -> std::io::Result<()> {
        fs_err::create_dir_all(store.cache_dir())?;
        // Readable by everyone who may read the store (the umask decides).
        crate::storefs::write_file(cache, bytes)
    };
    let _ = write();
}

fn human_age(age: Duration) -> String {
    let minutes = age.as_secs() / 60;
    match minutes {
        0 => format!("{} seconds", age.as_secs()),
        1..=119 => format!("{minutes} minutes"),
        _ if minutes < 48 * 60 => format!("{} hours", minutes / 60),
        _ => format!("{} days", minutes / (24 * 60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOST: Host = Host {
        os: "linux",
        dl_arch: "amd64",
        archive_ext: ".tar.gz",
    };

    fn index(json: &str) -> Result<Index> {
        Index::parse("http://x/dl", json.as_bytes(), &HOST)
    }

    const SHA: &str = "f6c8a87aa03b92c4b0bf3d558e28ea03006eb29db78917daec5cfb6ec1046265";

    fn file(version: &str, os: &str, arch: &str, ext: &str, kind: &str) -> String {
        format!(
            r#"{{"filename":"{version}.{os}-{arch}.{ext}","os":"{os}","arch":"{arch}","version":"{version}","sha256":"{SHA}","size":68988925,"kind":"{kind}"}}"#
        )
    }

    #[test]
    fn picks_this_hosts_archive_and_sorts() {
        let json = format!(
            r#"[{{"version":"go1.22.0","stable":true,"files":[{},{},{}]}},
               {{"version":"go1.23rc1","stable":false,"files":[{}]}},
               {{"version":"go1.22.10","stable":true,"files":[{}]}},
               {{"version":"go1","stable":true,"files":[{{"filename":"go1.4-bootstrap-20170531.tar.gz","os":"4","arch":"bootstrap","version":"go1","sha256":"","size":0,"kind":"archive"}}]}},
               {{"version":"go1.4.2","stable":true,"files":[{{"filename":"go1.4.2.linux-amd64.tar.gz","os":"linux","arch":"amd64","version":"go1.4.2","sha256":"","size":0,"kind":"archive"}}]}}]"#,
            file("go1.22.0", "linux", "amd64", "pkg", "installer"),
            file("go1.22.0", "darwin", "arm64", "tar.gz", "archive"),
            file("go1.22.0", "linux", "amd64", "tar.gz", "archive"),
            file("go1.23rc1", "linux", "amd64", "tar.gz", "archive"),
            file("go1.22.10", "linux", "amd64", "tar.gz", "archive"),
        );
        let index = index(&json).unwrap();
        let versions: Vec<String> = index
            .releases
            .iter()
            .map(|r| r.version.to_string())
            .collect();
        assert_eq!(versions, ["1.23rc1", "1.22.10", "1.22.0", "1.4.2"]);
        let latest = index.resolve(&VersionRequest::Latest).unwrap();
        assert_eq!(latest.version.to_string(), "1.22.10");
        let rc = index
            .resolve(&VersionRequest::parse("1.23rc1").unwrap())
            .unwrap();
        assert_eq!(
            rc.archive.as_ref().unwrap().filename,
            "go1.23rc1.linux-amd64.tar.gz"
        );
        let old = index
            .resolve(&VersionRequest::parse("1.4.2").unwrap())
            .unwrap();
        assert_eq!(old.archive.as_ref().unwrap().sha256, None);
        assert!(
            index
                .resolve(&VersionRequest::parse("1.99").unwrap())
                .is_none()
        );
        let misses = index.near_misses(&VersionRequest::parse("1.22.99").unwrap());
        assert_eq!(
            misses.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["1.22.10", "1.22.0"]
        );
    }

    #[test]
    fn hostile_entries_are_refused() {
        let evil_name = r#"[{"version":"go1.22.0","stable":true,"files":[{"filename":"../go1.22.0.linux-amd64.tar.gz","os":"linux","arch":"amd64","sha256":"","size":1,"kind":"archive"}]}]"#;
        assert!(
            index(evil_name)
                .unwrap_err()
                .to_string()
                .contains("unsafe file name")
        );
        let short_sha = r#"[{"version":"go1.22.0","stable":true,"files":[{"filename":"go1.22.0.linux-amd64.tar.gz","os":"linux","arch":"amd64","sha256":"abc","size":1,"kind":"archive"}]}]"#;
        assert!(
            index(short_sha)
                .unwrap_err()
                .to_string()
                .contains("malformed sha256")
        );
        assert!(index("{not json").is_err());
        assert!(index(r#"{"version":"go1.22.0"}"#).is_err());
    }

    #[test]
    fn plain_http_is_named_unless_it_is_loopback() {
        let host = |url: &str| plain_http_remote_host(url);
        assert_eq!(
            host("http://mirror.example.com/dl/?mode=json").as_deref(),
            Some("mirror.example.com")
        );
        assert_eq!(
            host("http://10.0.0.5:8080/dl/").as_deref(),
            Some("10.0.0.5")
        );
        assert_eq!(host("http://127.0.0.1:4000/dl/"), None);
        assert_eq!(host("http://127.1.2.3/dl/"), None);
        assert_eq!(host("http://[::1]:4000/dl/"), None);
        assert_eq!(host("http://LOCALHOST/dl/"), None);
        assert_eq!(host("https://go.dev/dl/?mode=json"), None);
        assert_eq!(host("file:///srv/index.json"), None);
    }

    /// Parsing is linear in the number of releases: 300,000 distinct releases (the quadratic
    /// duplicate check took minutes for this many) parse in well under the generous bound.
    #[test]
    fn a_huge_index_parses_in_linear_time() {
        let mut json = String::from("[");
        let mut n = 0;
        for minor in 0..1000 {
            for patch in 0..300 {
                if n > 0 {
                    json.push(',');
                }
                json.push_str(&format!(
                    r#"{{"version":"go1.{minor}.{patch}","stable":true,"files":[]}}"#
                ));
                n += 1;
            }
        }
        json.push_str(r#",{"version":"go1.0.0","stable":true,"files":[]}]"#);
        let started = std::time::Instant::now();
        let index = index(&json).unwrap();
        assert_eq!(index.releases.len(), 300_000, "the duplicate is dropped");
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "{:?}",
            started.elapsed()
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_index_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256)) {
            let _ = Index::parse("http://x/dl", &bytes, &HOST);
        }

        #[test]
        fn arbitrary_release_fields_never_panic(version in ".{0,12}", filename in ".{0,40}", sha in "[0-9a-fA-FxZ]{0,70}", os in "(linux|windows|)", size in 0u64..u64::MAX) {
            let json = serde_json::json!([{"version": version, "stable": true, "files": [{"filename": filename, "os": os, "arch": "amd64", "sha256": sha, "size": size, "kind": "archive"}]}]);
            if let Ok(index) = Index::parse("http://x/dl", json.to_string().as_bytes(), &HOST) {
                for release in &index.releases {
                    if let Some(archive) = &release.archive {
                        proptest::prop_assert!(!archive.filename.contains('/') && !archive.filename.contains(".."));
                        proptest::prop_assert!(archive.sha256.as_ref().is_none_or(|s| s.len() == 64));
                    }
                }
            }
        }
    }
}
