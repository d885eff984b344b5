//! The official archive: the download index names the newest release matching a request and
//! its archive's sha256; the archive comes from the mirrors in turn and is verified against
//! the index. A mismatch against a cached index fetches the index once more.

use super::stream::{Expected, Failed, From, fetch_and_extract};
use super::{Fetched, Pipeline};
use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::index::Index;
use crate::provenance::Provenance;
use gvx_shims::VersionRequest;

/// Installs the newest release matching `request` from the index and the mirror. A sha256
/// mismatch against a cached index fetches the index once more: when it now lists other bytes
/// for the file, the install is tried again with it.
pub fn install<P: Pipeline>(
    cx: &Context,
    request: &VersionRequest,
    pipeline: &P,
) -> Result<P::Installed> {
    let index = cx.index()?;
    match install_release(cx, index, request, pipeline) {
        Err((e, Some(Failed::Mismatch(filename)))) if index.cached => {
            let fresh = refetch_index(cx, index, &filename, e)?;
            install_release(cx, &fresh, request, pipeline).map_err(|(e, _)| e)
        }
        result => result.map_err(|(e, _)| e),
    }
}

/// The index fetched again after `mismatch` against the cached `index`, when it lists other
/// bytes for `filename`; else `mismatch`, saying what the second look found.
pub(super) fn refetch_index(
    cx: &Context,
    index: &Index,
    filename: &str,
    mismatch: Error,
) -> Result<Index> {
    cx.status(&format!(
        "the cached index at {} may be out of date; fetching it again",
        index.url
    ));
    let fresh = match crate::index::load(&cx.store, || cx.http(), &cx.host, true) {
        Ok(fresh) if !fresh.cached => fresh,
        Ok(_) => {
            return Err(mismatch.also(format!(
                "could not fetch the index at {} again to check; run with --refresh once it can be reached",
                index.url
            )));
        }
        Err(e) => {
            return Err(mismatch.also(format!(
                "could not fetch the index again to check: {}",
                e.message()
            )));
        }
    };
    let listed = |index: &Index| {
        index
            .by_filename(filename)
            .and_then(|r| r.archive.clone())
            .map(|a| (a.sha256, a.size))
    };
    if listed(&fresh) == listed(index) {
        return Err(mismatch.also(format!(
            "fetched the index at {} again: it lists the same sha256 and size, so the bytes served are not the official ones",
            fresh.url
        )));
    }
    Ok(fresh)
}

/// Installs `request` as `index` lists it, from each mirror in turn while the previous one
/// cannot be reached.
fn install_release<P: Pipeline>(
    cx: &Context,
    index: &Index,
    request: &VersionRequest,
    pipeline: &P,
) -> Result<P::Installed, (Error, Option<Failed>)> {
    let release = index
        .resolve(request)
        .ok_or_else(|| (not_found(cx, request), None))?;
    let version = release.version;
    let archive = release
        .archive
        .clone()
        .expect("resolve returns releases with an archive");
    let Some(sha256) = archive.sha256.clone() else {
        let error = Error::new(Exit::Verification, format!("the index lists no sha256 for {} (releases before go1.5.3 have none)", archive.filename))
            .hint(format!("gvx installs only verified archives; with a checksum from a source you trust, run `gvx install --archive {} --sha256 <hex>`", archive.filename));
        return Err((error, None));
    };
    let expected = Expected {
        sha256: &sha256,
        from: format!("from the index at {}", index.url),
    };
    let mirrors = mirrors(cx);
    let mut earlier: Vec<Error> = Vec::new();
    for (n, mirror) in mirrors.iter().enumerate() {
        let url = format!("{mirror}/{}", archive.filename);
        let mut failed = None;
        let result = pipeline.put_in_place(version, |staging, sdk| {
            let from = From::Url {
                url: &url,
                archive: &archive,
            };
            let extracted = fetch_and_extract(cx, &from, &expected, staging, sdk, &mut failed)?;
            Ok(Fetched {
                provenance: Provenance::Dl {
                    from: url.clone(),
                    sha256: sha256.clone(),
                    index: Some(index.url.clone()),
                },
                digests: extracted.digests,
            })
        });
        match result {
            Err(e) if failed == Some(Failed::Unreachable) && n + 1 < mirrors.len() => {
                crate::report::warn(&format!(
                    "{}; downloading {} from {} instead (verified against the same index)",
                    e.message(),
                    archive.filename,
                    mirrors[n + 1]
                ));
                earlier.push(e);
            }
            Err(e) => {
                let tried_others = !earlier.is_empty();
                let mut e = earlier.into_iter().fold(e, |e, before| {
                    e.also(format!("tried first: {}", before.message()))
                });
                if tried_others && failed == Some(Failed::Unreachable) {
                    e = e.hint("no official download host could be reached; set GVX_GO_MIRROR to a mirror that copies https://dl.google.com/go file by file (see the README, \"Mirrors\"), or check your network and proxy settings (HTTPS_PROXY, NO_PROXY)");
                }
                return Err((e, failed));
            }
            Ok(installed) => {
                if n > 0 {
                    cx.status(&format!("{} was served by {mirror}", archive.filename));
                }
                return Ok(installed);
            }
        }
    }
    unreachable!("at least one mirror")
}

/// Where archives come from, in order: GVX_GO_MIRROR when set; else dl.google.com, then the
/// host the fallback index links its downloads to.
fn mirrors(cx: &Context) -> Vec<String> {
    match crate::env::var(crate::env::GVX_GO_MIRROR) {
        Some(_) => vec![cx.mirror()],
        None => vec![
            crate::env::DEFAULT_MIRROR.to_owned(),
            crate::env::FALLBACK_MIRROR.to_owned(),
        ],
    }
}

fn not_found(cx: &Context, request: &VersionRequest) -> Error {
    let Ok(index) = cx.index() else {
        return Error::new(Exit::NotFound, format!("no Go release matches `{request}`"));
    };
    let misses: Vec<String> = index
        .near_misses(request)
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut hint = format!(
        "{}; `gvx list --remote` shows every release",
        gvx_shims::version::VERSION_EXAMPLES
    );
    if !misses.is_empty() {
        hint = format!("available nearby: {}. {hint}", misses.join(", "));
    }
    Error::new(
        Exit::NotFound,
        format!(
            "no Go release matches `{request}` for {} in {}",
            cx.host.describe(),
            index.url
        ),
    )
    .hint(hint)
}
