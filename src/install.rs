//! The install pipeline: lock → a source fills a staging directory inside the store, verifying
//! the bytes as they are written → check the tree → stage its manifest, provenance, shims and a
//! first default → rename into `sdk/go1.X.Y`. Any error drops the staging directory, so an SDK
//! directory is either complete and verified or absent. The sources are in [`crate::source`].

mod repair;

pub use repair::clear_staging;

use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::source::proxy::{self, settings::Settings};
use crate::source::{self, Fetched, Pipeline, Source};
use crate::{lock, platform, shimfarm};
use gvx_shims::goenv::GoEnv;
use gvx_shims::guard;
use gvx_shims::{GoVersion, Store, VersionRequest};
use repair::{finish, needs_repair, repair};
use std::path::Path;
use std::time::Instant;

#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Reinstall even when installed.
    pub force: bool,
    pub source: Source,
    /// Installing into a shared store (`--store`): only the SDK and its records, no shims and
    /// no default, which belong to each user's own store.
    pub into_shared: bool,
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
        if !options.into_shared {
            repair(cx, *version)?;
        }
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
    let version = proxy::resolve(cx, settings, request)?;
    put_in_place(cx, version, options, |staging, sdk| {
        proxy::fetch(cx, settings, version, staging, sdk)
    })
}

/// Installs the newest release matching `request` from the index and the mirrors.
fn install_dl(cx: &Context, request: &VersionRequest, options: Options) -> Result<Installed> {
    source::official::install(cx, request, &Portal { cx, options })
}

/// Installs from an archive file on disk, verified against the index or an explicit sha256.
pub fn install_file(
    cx: &Context,
    path: &Path,
    sha256: Option<String>,
    options: Options,
) -> Result<Installed> {
    source::file::install(cx, path, sha256, &Portal { cx, options })
}

/// The pipeline for a source that drives it from outside this module (`gvx adopt`).
pub fn pipeline(cx: &Context, options: Options) -> impl Pipeline<Installed = Installed> + '_ {
    Portal { cx, options }
}

/// [`put_in_place`] for the sources that drive it.
struct Portal<'a> {
    cx: &'a Context,
    options: Options,
}

impl Pipeline for Portal<'_> {
    type Installed = Installed;

    fn put_in_place(
        &self,
        version: GoVersion,
        fetch: impl FnOnce(&Path, &Path) -> Result<Fetched>,
    ) -> Result<Installed> {
        put_in_place(self.cx, version, self.options, fetch)
    }
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
        if !options.into_shared {
            repair(cx, version)?;
        }
        return Ok(Installed::Already(version));
    }
    let _lock = lock::lock(store)?;
    if store.is_installed(&version) && !options.force {
        if !options.into_shared && needs_repair(store, &version)? {
            finish(cx, version)?;
        }
        return Ok(Installed::Already(version));
    }
    let started = Instant::now();
    clear_staging(store)?;
    let staging = crate::storefs::temp_dir_in(&store.staging_dir(), "install-")
        .map_err(|e| crate::storefs::write_error(e, "installing"))?;
    let sdk = staging.path().join("go");
    log::info!("staging {} in {}", version.name(), staging.path().display());
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
    let shims = match options.into_shared {
        false => Some(shimfarm::prepare(store, &versions)?),
        true => None,
    };
    let default = match crate::default::read(store)? {
        None if !options.into_shared => {
            Some(crate::default::stage(store, &version, Some(scratch))?)
        }
        _ => None,
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
    log::info!("renamed the verified tree into {}", target.display());
    manifest.commit().map_err(storing)?;
    provenance_file.commit().map_err(storing)?;
    if let Some(shims) = shims {
        shims.commit()?;
    }
    let first = default.is_some();
    if let Some(default) = default {
        default.commit(store)?;
    }
    drop(staging);
    let verb = match provenance {
        crate::provenance::Provenance::Adopted { .. } => "adopted",
        _ => "installed",
    };
    cx.status(&format!(
        "{verb} {} in {:.1}s ({})\n  {}",
        version.name(),
        started.elapsed().as_secs_f64(),
        target.display(),
        provenance.describe()
    ));
    if options.into_shared {
        cx.status(&format!(
            "others use it with {}={}",
            gvx_shims::store::GVX_SHARED_STORES,
            crate::report::arg(store.home())
        ));
    } else if first {
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
