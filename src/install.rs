//! The install portal: lock → download with sha256 in the same pass → extract into staging
//! inside the store → check the tree → rename into `sdk/go1.X.Y`. Any error drops the staging
//! directory, so an SDK directory is either complete and verified or absent.

use crate::archive::{self, ArchiveError, Extracted, Limits};
use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::http::{HttpError, into_http_error};
use crate::index::{Archive, Index};
use crate::provenance::Provenance;
use crate::report::Progress;
use crate::toolchain::settings::Settings;
use crate::{lock, platform, shimfarm, toolchain};
use gvx_shims::goenv::GoEnv;
use gvx_shims::guard;
use gvx_shims::{GoVersion, Store, VersionRequest};
use sha2::{Digest, Sha256};
use std::io::{self, Read};
use std::path::Path;
use std::time::Instant;

#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Reinstall even when installed.
    pub force: bool,
    pub source: Source,
}

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
    pub digests: Vec<(std::path::PathBuf, archive::Sha256Digest)>,
}

/// What an install did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Installed {
    New(GoVersion),
    Already(GoVersion),
}

impl Installed {
    pub fn version(self) -> GoVersion {
        match self {
            Installed::New(v) | Installed::Already(v) => v,
        }
    }
}

/// Installs the newest release matching `request` from `options.source`.
pub fn install(cx: &Context, request: &VersionRequest, options: Options) -> Result<Installed> {
    if let VersionRequest::Exact(version) = request
        && cx.store.is_installed(version)
        && !options.force
    {
        repair(cx, *version)?;
        return Ok(Installed::Already(*version));
    }
    match options.source {
        Source::Dl => install_dl(cx, request, options),
        Source::Proxy => install_proxy(cx, request, options),
        Source::Auto => match install_dl(cx, request, options) {
            Err(e) if e.exit() == Exit::Network => fall_back_to_proxy(cx, request, options, e),
            result => result,
        },
    }
}

/// `--source auto` after the download site could not be reached: the Go module proxy, unless
/// GOPROXY rules it out. A proxy that serves unproven bytes is the error to report; any
/// other proxy failure is reported under the first one.
fn fall_back_to_proxy(
    cx: &Context,
    request: &VersionRequest,
    options: Options,
    dl: Error,
) -> Result<Installed> {
    let Ok(settings) = Settings::load(&GoEnv::load()) else {
        return Err(dl);
    };
    if settings.check_downloads_allowed().is_err() {
        return Err(dl);
    }
    crate::report::warn(&format!(
        "{}; trying the Go module proxy (GOPROXY={}) instead",
        dl.message(),
        settings.goproxy.value
    ));
    match install_with(cx, &settings, request, options) {
        Err(proxy) if proxy.exit() != Exit::Verification => Err(dl.also(format!(
            "the Go module proxy failed too: {}",
            proxy.message()
        ))),
        result => result,
    }
}

/// Installs the `golang.org/toolchain` module for `request` from GOPROXY, proven by GOSUMDB.
fn install_proxy(cx: &Context, request: &VersionRequest, options: Options) -> Result<Installed> {
    let settings = Settings::load(&GoEnv::load())?;
    settings.check_downloads_allowed()?;
    install_with(cx, &settings, request, options)
}

fn install_with(
    cx: &Context,
    settings: &Settings,
    request: &VersionRequest,
    options: Options,
) -> Result<Installed> {
    let version = toolchain::resolve(cx, settings, request)?;
    put_in_place(cx, version, options, |staging, sdk| {
        toolchain::fetch(cx, settings, version, staging, sdk)
    })
}

/// Installs the newest release matching `request` from the index and the mirror. A sha256
/// mismatch against a cached index fetches the index once more: when it now lists other bytes
/// for the file, the install is tried again with it.
fn install_dl(cx: &Context, request: &VersionRequest, options: Options) -> Result<Installed> {
    let index = cx.index()?;
    match install_release(cx, index, request, options) {
        Err((e, Some(Failed::Mismatch(filename)))) if index.cached => {
            let fresh = refetch_index(cx, index, &filename, e)?;
            install_release(cx, &fresh, request, options).map_err(|(e, _)| e)
        }
        result => result.map_err(|(e, _)| e),
    }
}

/// The index fetched again after `mismatch` against the cached `index`, when it lists other
/// bytes for `filename`; else `mismatch`, saying what the second look found.
fn refetch_index(cx: &Context, index: &Index, filename: &str, mismatch: Error) -> Result<Index> {
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

/// Why fetching an archive failed, for the caller's next step.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Failed {
    /// The bytes of this file were not those the expected sha256 and size describe.
    Mismatch(String),
    /// The host could not be reached or broke off (anything but "no such file").
    Unreachable,
}

/// Installs `request` as `index` lists it, from each mirror in turn while the previous one
/// cannot be reached.
fn install_release(
    cx: &Context,
    index: &Index,
    request: &VersionRequest,
    options: Options,
) -> Result<Installed, (Error, Option<Failed>)> {
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
        let result = put_in_place(cx, version, options, |staging, sdk| {
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

/// Installs from an archive file on disk, verified against the index or an explicit sha256.
pub fn install_file(
    cx: &Context,
    path: &Path,
    sha256: Option<String>,
    options: Options,
) -> Result<Installed> {
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
        return install_archive_file(cx, path, version, &archive, &expected, None, options)
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
    match file_from_index(cx, index, path, &filename, options) {
        Err((e, Some(Failed::Mismatch(_)))) if index.cached => {
            let fresh = refetch_index(cx, index, &filename, e)?;
            file_from_index(cx, &fresh, path, &filename, options).map_err(|(e, _)| e)
        }
        result => result.map_err(|(e, _)| e),
    }
}

/// Installs the archive file `path` as `index` lists `filename`.
fn file_from_index(
    cx: &Context,
    index: &Index,
    path: &Path,
    filename: &str,
    options: Options,
) -> Result<Installed, (Error, Option<Failed>)> {
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
        options,
    )
}

fn install_archive_file(
    cx: &Context,
    path: &Path,
    version: GoVersion,
    archive: &Archive,
    expected: &Expected<'_>,
    index_url: Option<String>,
    options: Options,
) -> Result<Installed, (Error, Option<Failed>)> {
    let mut failed = None;
    put_in_place(cx, version, options, |staging, sdk| {
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

/// Locks, stages, verifies and renames; `fetch` fills `sdk` (inside `staging`) with the tree.
///
/// Everything that needs disk space (the tree, its manifest and provenance, the shims, a first
/// default) is written before the SDK is renamed into place; after that only renames follow,
/// and "installed" is said once they are done. A failure before the rename deletes what was
/// written, so the store is as it was.
fn put_in_place(
    cx: &Context,
    version: GoVersion,
    options: Options,
    fetch: impl FnOnce(&Path, &Path) -> Result<Fetched>,
) -> Result<Installed> {
    check_store_location(&cx.store)?;
    let store = &cx.store;
    if store.is_installed(&version) && !options.force {
        repair(cx, version)?;
        return Ok(Installed::Already(version));
    }
    let _lock = lock::lock(store)?;
    if store.is_installed(&version) && !options.force {
        if needs_repair(store, &version)? {
            finish(cx, version)?;
        }
        return Ok(Installed::Already(version));
    }
    let started = Instant::now();
    clear_staging(store)?;
    let staging = crate::storefs::temp_dir_in(&store.staging_dir(), "install-")
        .map_err(|e| crate::storefs::write_error(e, "installing"))?;
    let sdk = staging.path().join("go");
    fs_err::create_dir(&sdk).map_err(|e| crate::storefs::write_error(e, "installing"))?;
    let Fetched {
        provenance,
        digests,
    } = fetch(staging.path(), &sdk)?;
    check_tree(&sdk, &version)?;
    let storing = |e| crate::storefs::write_error(e, "installing");
    // What `gvx doctor` and `gvx verify` check the tree against (outside the SDK's own tree).
    let scratch = staging.path();
    let manifest =
        crate::manifest::stage(store, &version, &sdk, &digests, scratch).map_err(storing)?;
    let provenance_file =
        crate::provenance::stage(store, &version, &provenance, scratch).map_err(storing)?;
    let mut versions = crate::storefs::installed(store)?;
    if !versions.contains(&version) {
        versions.push(version);
    }
    let shims = shimfarm::prepare(store, &versions)?;
    let default = match crate::default::read(store)? {
        None => Some(crate::default::stage(store, &version, Some(scratch))?),
        Some(_) => None,
    };
    // Only renames from here on.
    let target = store.sdk(&version);
    let replaced = staging.path().join("replaced");
    if target.exists() {
        // The old records go first: a record never describes a tree it was not made from.
        crate::manifest::remove(store, &version).map_err(storing)?;
        platform::rename(&target, &replaced).map_err(storing)?;
    }
    if let Err(e) = platform::rename(&sdk, &target) {
        let _ = platform::rename(&replaced, &target);
        return Err(storing(e));
    }
    manifest.commit().map_err(storing)?;
    provenance_file.commit().map_err(storing)?;
    shims.commit()?;
    let first = default.is_some();
    if let Some(default) = default {
        default.commit(store)?;
    }
    drop(staging);
    cx.status(&format!(
        "installed {} in {:.1}s ({})\n  from {}: {}",
        version.name(),
        started.elapsed().as_secs_f64(),
        target.display(),
        provenance.source(),
        provenance.verification()
    ));
    if first {
        cx.status(&format!(
            "{} is now the global default (`gvx use <version>` changes it)",
            version.name()
        ));
    } else {
        say_default_stays(cx, version)?;
    }
    Ok(Installed::New(version))
}

/// After installing `version` when a default was already set: says that it stays.
fn say_default_stays(cx: &Context, version: GoVersion) -> Result<()> {
    if let Some(default) = crate::default::read(&cx.store)?
        && default != version.to_string()
    {
        cx.status(&format!(
            "the global default stays go{default} (`gvx use {version}` makes {} the default)",
            version.name()
        ));
    }
    Ok(())
}

/// Completes an install killed after its rename: the shims, and the global default when there
/// is none yet. Callers hold the lock.
fn finish(cx: &Context, version: GoVersion) -> Result<()> {
    let store = &cx.store;
    clear_staging(store)?;
    shimfarm::refresh(store)?;
    if crate::default::read(store)?.is_none() {
        crate::default::set(store, &version)?;
        cx.status(&format!(
            "{} is now the global default (`gvx use <version>` changes it)",
            version.name()
        ));
    }
    Ok(())
}

/// Whether an install killed between its rename and [`finish`] left shims or the default out.
fn needs_repair(store: &Store, version: &GoVersion) -> Result<bool> {
    let bin = store.bin_dir();
    let missing_shim = ["go", "gofmt", &version.name()].iter().any(|name| {
        !bin.join(format!("{name}{}", gvx_shims::store::EXE_SUFFIX))
            .is_file()
    });
    Ok(missing_shim || crate::default::read(store)?.is_none())
}

/// Completes an already installed SDK whose install was killed after its rename, and sweeps
/// what a killed install or uninstall left in `sdk/.staging` when nobody else is changing the
/// store (a busy lock means the next change sweeps it).
fn repair(cx: &Context, version: GoVersion) -> Result<()> {
    if needs_repair(&cx.store, &version)? {
        let _lock = lock::lock(&cx.store)?;
        if needs_repair(&cx.store, &version)? {
            finish(cx, version)?;
        }
    } else if has_leftovers(&cx.store)
        && let Some(_lock) = lock::try_lock(&cx.store)
    {
        clear_staging(&cx.store)?;
    }
    Ok(())
}

fn has_leftovers(store: &Store) -> bool {
    fs_err::read_dir(store.staging_dir()).is_ok_and(|mut entries| entries.next().is_some())
}

/// Removes what killed installs and uninstalls left behind: staging directories, and records
/// of SDKs that are not installed. Callers hold the lock.
pub fn clear_staging(store: &Store) -> Result<()> {
    let dir = store.staging_dir();
    fs_err::create_dir_all(&dir)
        .map_err(|e| crate::storefs::write_error(e, "changing the store"))?;
    for entry in fs_err::read_dir(&dir)
        .map_err(|e| crate::storefs::read_error(&dir, e))?
        .flatten()
    {
        let path = entry.path();
        let _ = if path.is_dir() {
            fs_err::remove_dir_all(&path)
        } else {
            fs_err::remove_file(&path)
        };
    }
    crate::manifest::sweep_orphans(store);
    // Defaults half-written by a killed `gvx use` or uninstall.
    if let Ok(entries) = fs_err::read_dir(store.home()) {
        for entry in entries.flatten() {
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with(".new-default-")
            {
                let _ = fs_err::remove_file(entry.path());
            }
        }
    }
    Ok(())
}

/// Where an official archive's bytes come from.
enum From<'a> {
    Url {
        url: &'a str,
        archive: &'a Archive,
    },
    File {
        path: &'a Path,
        archive: &'a Archive,
    },
}

/// The most bytes read for an archive whose size the index does not give.
const MAX_ARCHIVE_BYTES: u64 = 1 << 30;

/// The sha256 the bytes must have, and who says so (`from the index at URL`,
/// `given with --sha256`).
struct Expected<'a> {
    sha256: &'a str,
    from: String,
}

impl Expected<'_> {
    fn by_index(&self) -> bool {
        self.from.starts_with("from the index")
    }
}

/// Streams the archive through sha256 into the extractor (tar.gz), or into a file that is
/// checked before extraction (zip, whose directory sits at its end). Never reads more than
/// one byte past the size the index gives. Sets `failed` when the bytes did not match or the
/// host could not be reached.
fn fetch_and_extract(
    cx: &Context,
    source: &From<'_>,
    expected: &Expected<'_>,
    staging: &Path,
    sdk: &Path,
    failed: &mut Option<Failed>,
) -> Result<Extracted> {
    let (archive, location) = match source {
        From::Url { url, archive } => (*archive, (*url).to_owned()),
        From::File { path, archive } => (*archive, path.display().to_string()),
    };
    let progress = Progress::new(
        &format!("downloading {}", archive.filename),
        archive.size,
        cx.quiet,
    );
    let reader: Box<dyn Read + '_> = match source {
        From::Url { url, .. } => match cx.http()?.open(url, &progress) {
            Ok(body) => Box::new(body),
            Err(e) => {
                if !e.is_not_found() {
                    *failed = Some(Failed::Unreachable);
                }
                return Err(e.into());
            }
        },
        From::File { path, .. } => Box::new(
            fs_err::File::open(path).map_err(|e| Error::io(Exit::Environment, "open", path, e))?,
        ),
    };
    let limit = archive.size.unwrap_or(MAX_ARCHIVE_BYTES);
    let mut hashing = HashReader::new(reader, limit);
    let limits = Limits::default();
    let zip = archive.filename.ends_with(".zip");
    let file = staging.join(&archive.filename);
    let extracted = if zip {
        let mut out = fs_err::File::create(&file)
            .map_err(|e| crate::storefs::write_error(e, "installing"))?;
        io::copy(&mut hashing, &mut crate::storefs::StoreWriter(&mut out)).map(|_| None)
    } else {
        let extracted = archive::extract_tar_gz(&mut hashing, sdk, &limits);
        // Read to the end whatever happened: the digest decides whether the bytes were bad
        // (a corrupted download also breaks the gzip stream) or the archive itself is.
        io::copy(&mut hashing, &mut io::sink()).map(|_| Some(extracted))
    };
    let extracted = extracted.map_err(|e| {
        let error = transfer_error(e, &location, archive, limit);
        if error.exit() == Exit::Network {
            *failed = Some(Failed::Unreachable);
        }
        error
    })?;
    if let Err(e) = verify(&hashing.finish(), expected, archive, &location) {
        *failed = Some(Failed::Mismatch(archive.filename.clone()));
        return Err(e);
    }
    match extracted {
        Some(extracted) => extracted.map_err(archive_error),
        None => archive::extract_zip(&file, sdk, &limits).map_err(archive_error),
    }
}

fn transfer_error(e: io::Error, location: &str, archive: &Archive, limit: u64) -> Error {
    let e = match crate::storefs::copy_error(e) {
        crate::storefs::CopyError::Write(e) => return crate::storefs::write_error(e, "installing"),
        crate::storefs::CopyError::Read(e) => e,
    };
    if e.get_ref().is_some_and(|inner| inner.is::<TooLarge>()) {
        let (whose, hint) = match archive.size {
            Some(_) => (
                format!("the {limit} bytes the index lists for it"),
                "the mirror serves other bytes than the official archive; nothing was installed. Check GVX_GO_MIRROR, or run with --refresh if the index was wrong",
            ),
            None => (
                format!("the {limit} bytes gvx accepts for an SDK archive"),
                "this is not an official Go archive; nothing was installed",
            ),
        };
        return Error::new(
            Exit::Verification,
            format!(
                "{location} is larger than {whose}; gvx stopped reading after {} bytes",
                limit + 1
            ),
        )
        .hint(hint);
    }
    if e.get_ref().is_some_and(|inner| inner.is::<HttpError>()) {
        return into_http_error(e, location).into();
    }
    Error::new(Exit::Network, format!("cannot read {location}")).source(e)
}

fn archive_error(e: ArchiveError) -> Error {
    let hint = e
        .hint()
        .unwrap_or("this is not an official Go archive; check GVX_GO_MIRROR");
    Error::new(e.kind(), e.to_string()).hint(hint)
}

/// The bytes read have the expected sha256, and the size the index gives. A sha256 mismatch
/// and a size mismatch are told apart.
fn verify(
    (actual, bytes): &(String, u64),
    expected: &Expected<'_>,
    archive: &Archive,
    location: &str,
) -> Result<()> {
    let by_index = expected.by_index();
    if actual != expected.sha256 {
        let mut message = format!(
            "sha256 mismatch for {location}\n  expected: {} ({})\n  actual:   {actual} ({bytes} bytes)",
            expected.sha256, expected.from
        );
        if let Some(size) = archive.size.filter(|size| size != bytes) {
            message.push_str(&format!("\n  the index lists {size} bytes"));
        }
        let hint = if by_index {
            "the download is corrupt, the mirror serves other bytes, or the index was wrong; nothing was installed. Try again, check GVX_GO_MIRROR, or run with --refresh to fetch the index again"
        } else {
            "the file is not the archive the checksum given with --sha256 describes; nothing was installed. Check the file and the checksum"
        };
        return Err(Error::new(Exit::Verification, message).hint(hint));
    }
    if let Some(size) = archive.size.filter(|size| size != bytes) {
        return Err(Error::new(
            Exit::Verification,
            format!(
                "size mismatch for {location}: the index lists {size} bytes, {bytes} bytes arrived (their sha256 is the one the index lists)"
            ),
        )
        .hint("the index contradicts itself; nothing was installed. Check GVX_GO_INDEX, or run with --refresh once the index is fixed"));
    }
    Ok(())
}

/// A complete SDK has `bin/go` and a `VERSION` naming the release asked for.
fn check_tree(sdk: &Path, version: &GoVersion) -> Result<()> {
    let go = sdk
        .join("bin")
        .join(format!("go{}", gvx_shims::store::EXE_SUFFIX));
    if !go.is_file() {
        return Err(Error::new(
            Exit::Verification,
            format!("the archive for {} has no bin/go", version.name()),
        )
        .hint("this is not an official Go SDK archive; check GVX_GO_MIRROR"));
    }
    let text = fs_err::read_to_string(sdk.join("VERSION")).unwrap_or_default();
    let first = text.lines().next().unwrap_or("").trim();
    if first != version.name() {
        return Err(Error::new(
            Exit::Verification,
            format!(
                "the archive for {} says it is `{first}` in its VERSION file",
                version.name()
            ),
        )
        .hint("the mirror served another release under this name; check GVX_GO_MIRROR"));
    }
    Ok(())
}

/// Refuses a store that overlaps a directory Go writes to (GOPATH, GOBIN, GOMODCACHE).
pub fn check_store_location(store: &Store) -> Result<()> {
    let dirs = guard::go_dirs(&GoEnv::load());
    guard::check(&dirs, store.home(), store.home()).map_err(|overlap| {
        let fix = overlap.fix();
        Error::new(
            Exit::Environment,
            format!("the gvx store cannot live there: {overlap}"),
        )
        .hint(fix)
    })
}

/// sha256 of everything read through it, and at most `limit` bytes: reading byte
/// `limit + 1` fails with [`TooLarge`] (and so does every read after it).
struct HashReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
    limit: u64,
}

/// More bytes arrived than the archive may have.
#[derive(Debug, thiserror::Error)]
#[error("more than {limit} bytes")]
struct TooLarge {
    limit: u64,
}

impl<R: Read> HashReader<R> {
    fn new(inner: R, limit: u64) -> Self {
        HashReader {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
            limit,
        }
    }

    /// The hex digest and byte count so far.
    fn finish(&self) -> (String, u64) {
        let digest = self.hasher.clone().finalize();
        (format!("{digest:x}"), self.bytes)
    }
}

impl<R: Read> Read for HashReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let limit = self.limit;
        let too_large = move || io::Error::other(TooLarge { limit });
        if self.bytes > self.limit {
            return Err(too_large());
        }
        let room = usize::try_from(self.limit + 1 - self.bytes).unwrap_or(usize::MAX);
        let len = buf.len().min(room);
        let n = self.inner.read(&mut buf[..len])?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        if self.bytes > self.limit {
            return Err(too_large());
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_reader_stops_one_byte_past_its_limit() {
        let endless = io::repeat(7);
        let mut reader = HashReader::new(endless, 1000);
        let err = io::copy(&mut reader, &mut io::sink()).unwrap_err();
        assert!(err.get_ref().is_some_and(|e| e.is::<TooLarge>()), "{err}");
        assert_eq!(reader.finish().1, 1001);
        assert!(reader.read(&mut [0; 16]).is_err(), "and it stays failed");
        let mut exact = HashReader::new(&[1u8; 1000][..], 1000);
        assert_eq!(io::copy(&mut exact, &mut io::sink()).unwrap(), 1000);
    }

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
