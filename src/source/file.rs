//! An archive file on disk (`gvx install --archive`), verified against the download index by
//! its name, or against a sha256 given with `--sha256`.

use super::official::refetch_index;
use super::stream::{Expected, Failed, From, fetch_and_extract};
use super::{Fetched, Pipeline};
use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::index::{Archive, Index};
use crate::provenance::Provenance;
use gvx_shims::GoVersion;
use std::path::Path;

/// Installs from an archive file on disk, verified against the index or an explicit sha256.
pub fn install<P: Pipeline>(
    cx: &Context,
    path: &Path,
    sha256: Option<String>,
    pipeline: &P,
) -> Result<P::Installed> {
    let filename = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    if let Some(hex) = sha256 {
        let version = version_from_filename(&filename).ok_or_else(|| {
            Error::new(
                Exit::Usage,
                format!("cannot tell the Go version from the file name `{filename}`"),
            )
            .hint("keep the official name, e.g. go1.22.10.linux-amd64.tar.gz")
        })?;
        let hex = hex.to_ascii_lowercase();
        let archive = Archive {
            filename: filename.clone(),
            sha256: Some(hex.clone()),
            size: None,
        };
        let expected = Expected {
            sha256: &hex,
            from: "given with --sha256".to_owned(),
        };
        return install_archive_file(cx, path, version, &archive, &expected, None, pipeline)
            .map_err(|(e, _)| e);
    }
    let index = cx.index().map_err(|e| {
        if e.exit() == Exit::Network {
            e.hint(format!(
                "without the download index gvx cannot know the sha256 of {filename}: pass it with --sha256 <hex> (from a source you trust, such as the go.dev/dl page), or try again when the index can be reached"
            ))
        } else {
            e
        }
    })?;
    match file_from_index(cx, index, path, &filename, pipeline) {
        Err((e, Some(Failed::Mismatch(_)))) if index.cached => {
            let fresh = refetch_index(cx, index, &filename, e)?;
            file_from_index(cx, &fresh, path, &filename, pipeline).map_err(|(e, _)| e)
        }
        result => result.map_err(|(e, _)| e),
    }
}

/// Installs the archive file `path` as `index` lists `filename`.
fn file_from_index<P: Pipeline>(
    cx: &Context,
    index: &Index,
    path: &Path,
    filename: &str,
    pipeline: &P,
) -> Result<P::Installed, (Error, Option<Failed>)> {
    let release = index.by_filename(filename).ok_or_else(|| {
        let error = Error::new(
            Exit::NotFound,
            format!(
                "{filename} is not a {} archive listed in the index at {}",
                cx.host.describe(),
                index.url
            ),
        )
        .hint("keep the official file name, or pass --sha256 <hex> when no index can be had");
        (error, None)
    })?;
    let archive = release.archive.clone().expect("found by its archive");
    let Some(sha) = archive.sha256.clone() else {
        let error = Error::new(
            Exit::Verification,
            format!("the index lists no sha256 for {filename}"),
        )
        .hint("pass --sha256 <hex>");
        return Err((error, None));
    };
    let expected = Expected {
        sha256: &sha,
        from: format!("from the index at {}", index.url),
    };
    install_archive_file(
        cx,
        path,
        release.version,
        &archive,
        &expected,
        Some(index.url.clone()),
        pipeline,
    )
}

fn install_archive_file<P: Pipeline>(
    cx: &Context,
    path: &Path,
    version: GoVersion,
    archive: &Archive,
    expected: &Expected<'_>,
    index_url: Option<String>,
    pipeline: &P,
) -> Result<P::Installed, (Error, Option<Failed>)> {
    let mut failed = None;
    pipeline
        .put_in_place(version, |staging, sdk| {
            let from = From::File { path, archive };
            let extracted = fetch_and_extract(cx, &from, expected, staging, sdk, &mut failed)?;
            Ok(Fetched {
                provenance: Provenance::Dl {
                    from: path.display().to_string(),
                    sha256: expected.sha256.to_owned(),
                    index: index_url.clone(),
                },
                digests: extracted.digests,
            })
        })
        .map_err(|e| (e, failed))
}

/// `go1.22.10.linux-amd64.tar.gz` → 1.22.10.
fn version_from_filename(name: &str) -> Option<GoVersion> {
    let rest = name.strip_prefix("go")?;
    let platform_at = rest.match_indices('.').map(|(i, _)| i).find(|&i| {
        rest[i + 1..].contains('-') && !rest[i + 1..].starts_with(|c: char| c.is_ascii_digit())
    })?;
    GoVersion::parse(&rest[..platform_at])
        .ok()
        .filter(GoVersion::is_toolchain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_file_names() {
        let v = |s: &str| version_from_filename(s).map(|v| v.to_string());
        assert_eq!(
            v("go1.22.10.linux-amd64.tar.gz").as_deref(),
            Some("1.22.10")
        );
        assert_eq!(v("go1.23rc1.windows-amd64.zip").as_deref(), Some("1.23rc1"));
        assert_eq!(v("go1.20.darwin-arm64.tar.gz").as_deref(), Some("1.20"));
        assert_eq!(v("go1.22.linux-amd64.tar.gz"), None);
        assert_eq!(v("node.tar.gz"), None);
    }
}
