//! `gvx self update`: the newest release (or the one asked for), proven by its signature and
//! sha256 before anything on disk changes; then the shim and gvx are swapped in and the shims
//! in the store refreshed by the new gvx.

use super::release::{Refused, Release};
use super::{asset_name, binary_names, release_key, release_url, unpack};
use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::storefs::write_error;
use semver::Version;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The signed list and its signature are a few hundred bytes.
const LIST_LIMIT: u64 = 1 << 20;
/// A release archive is a few megabytes.
const ARCHIVE_LIMIT: u64 = 256 << 20;

#[derive(Debug, Default)]
pub struct Request {
    /// A release to install, newer or older; `None`: the newest, never older than this gvx.
    pub version: Option<Version>,
    /// Only say whether a newer release exists.
    pub check: bool,
}

#[derive(Debug)]
pub enum Outcome {
    UpToDate(Version),
    Available {
        from: Version,
        to: Version,
    },
    Updated {
        from: Version,
        to: Version,
        /// Where gvx and gvx-shim were replaced.
        dir: PathBuf,
        /// `reshim` did not succeed: how it failed.
        reshim_failed: Option<String>,
    },
}

/// This gvx's own version.
pub fn current() -> Version {
    Version::parse(env!("CARGO_PKG_VERSION")).expect("the crate version is semver")
}

pub fn update(cx: &Context, request: &Request) -> Result<Outcome> {
    let from = current();
    let base = release_url();
    let folder = match &request.version {
        Some(v) => format!("{base}/download/v{v}"),
        None => format!("{base}/latest/download"),
    };
    let release = fetch_release(cx, &folder)?;
    let to = release.version.clone();
    match &request.version {
        Some(asked) if *asked != to => {
            return Err(Error::new(
                Exit::Verification,
                format!("{folder}/SHA256SUMS is signed as the list of gvx {to}, not of gvx {asked}"),
            )
            .hint("the server hands out another release than the one asked for (a stale mirror, or an old release replayed); nothing was changed. Check GVX_RELEASE_URL"));
        }
        None if to < from => {
            return Err(Error::new(
                Exit::Verification,
                format!("the newest release at {base} is gvx {to}, older than this gvx {from}: refusing to downgrade"),
            )
            .hint(format!("a mirror that is behind, or an older release served as the newest; nothing was changed. To go back on purpose: gvx self update --version {to}")));
        }
        None if to == from => return Ok(Outcome::UpToDate(from)),
        _ => {}
    }
    if request.check {
        return Ok(Outcome::Available { from, to });
    }
    let asset = asset_name();
    let expected = release.sha256(&asset).ok_or_else(|| {
        Error::new(
            Exit::NotFound,
            format!("gvx {to} has no archive {asset} for this platform"),
        )
        .hint(format!(
            "the release has: {}; build gvx from a checkout instead (README, \"Set up\")",
            release.archives().join(", ")
        ))
    })?;
    let url = format!("{base}/download/v{to}/{asset}");
    cx.status(&format!("downloading {url}"));
    let archive = fetch(cx, &url, ARCHIVE_LIMIT)?;
    let actual = format!("{:x}", Sha256::digest(&archive));
    log::info!("{url}: {} bytes, sha256 {actual}", archive.len());
    if actual != expected {
        return Err(Error::new(
            Exit::Verification,
            format!(
                "{url} ({} bytes) does not match its sha256 in the signed SHA256SUMS: expected {expected}, got {actual}",
                archive.len()
            ),
        )
        .hint("a truncated or altered download; nothing was changed. Try again; if it persists, the server does not serve the release's file"));
    }
    let names = binary_names();
    let binaries = unpack::binaries(&archive, asset.ends_with(".zip"), &names).map_err(|e| {
        Error::new(Exit::Verification, format!("{url}: {e}"))
            .hint("the release archive is not what gvx expects; nothing was changed")
    })?;
    let dir = install_dir()?;
    // Held while staged files exist: reshim sweeps the leftovers of a killed update.
    let lock = crate::lock::lock(&cx.store)?;
    let staged = stage(&dir, &names, &binaries)?;
    check_runs(&staged[0], &to)?;
    // The shim first: a gvx stopped half-way is left with the new shim and the old gvx, both
    // whole and working.
    for (temp, name) in staged.into_iter().rev().zip(names.iter().rev()) {
        let dest = dir.join(name);
        crate::shimfarm::put_in_place(&temp, &dest)
            .map_err(|e| write_error(crate::storefs::at(e, &dest), "replacing gvx"))?;
        let _ = temp.keep();
    }
    log::info!("replaced {} in {}", names.join(" and "), dir.display());
    drop(lock);
    let reshim_failed = reshim(cx, &dir.join(&names[0])).err();
    Ok(Outcome::Updated {
        from,
        to,
        dir,
        reshim_failed,
    })
}

/// `SHA256SUMS` and its signature from `folder`, verified with the built-in key.
fn fetch_release(cx: &Context, folder: &str) -> Result<Release> {
    let sums_url = format!("{folder}/SHA256SUMS");
    let sums = fetch(cx, &sums_url, LIST_LIMIT)?;
    let signature = fetch(cx, &format!("{sums_url}.minisig"), LIST_LIMIT)?;
    let key = release_key();
    let release = Release::verify(&sums, &String::from_utf8_lossy(&signature), key)
        .map_err(|e| refused(e, &sums_url))?;
    log::info!(
        "{sums_url}: signature by key {} verified; it lists gvx {}",
        super::release::key_id(key),
        release.version
    );
    Ok(release)
}

/// The body of `url`; a missing file is a missing release, not a network problem.
fn fetch(cx: &Context, url: &str, limit: u64) -> Result<Vec<u8>> {
    cx.http()?.get_bytes(url, limit).map_err(|e| {
        if e.is_not_found() {
            Error::new(
                Exit::NotFound,
                format!("{e}: there is no such gvx release file"),
            )
            .hint(format!(
                "check the version (the releases are listed at {}) and GVX_RELEASE_URL",
                crate::env::DEFAULT_RELEASE_URL
            ))
        } else {
            e.into()
        }
    })
}

fn refused(e: Refused, url: &str) -> Error {
    let hint = match e {
        Refused::BadSignature { .. } => {
            "nothing was changed. Do not install from this server: it does not serve gvx's signed releases (check GVX_RELEASE_URL)"
        }
        _ => "nothing was changed; check that GVX_RELEASE_URL points at gvx's releases",
    };
    Error::new(Exit::Verification, format!("{url}: {e}")).hint(hint)
}

/// The directory of the running gvx, where it and gvx-shim are replaced.
fn install_dir() -> Result<PathBuf> {
    let exe = super::running_exe().map_err(|e| {
        Error::new(
            Exit::Environment,
            format!("cannot tell where gvx itself is: {e}"),
        )
    })?;
    Ok(exe.parent().unwrap_or(Path::new("/")).to_owned())
}

/// Writes each binary to a temporary file in `dir`, named to run (`.exe` on Windows).
fn stage(dir: &Path, names: &[String], binaries: &[Vec<u8>]) -> Result<Vec<tempfile::TempPath>> {
    let suffix = gvx_shims::store::EXE_SUFFIX;
    let mut staged = Vec::new();
    for (name, bytes) in names.iter().zip(binaries) {
        let unwritable = |e: std::io::Error| {
            Error::io(Exit::Environment, "write the new gvx into", dir, e).hint(format!(
                "run `gvx self update` as the user who installed gvx in {}, or reinstall it with install.sh",
                dir.display()
            ))
        };
        let stem = name.strip_suffix(suffix).unwrap_or(name);
        let mut file =
            crate::storefs::temp_file_with_suffix(dir, &format!(".update-{stem}-"), suffix, true)
                .map_err(unwritable)?;
        file.write_all(bytes)
            .and_then(|()| file.as_file().sync_all())
            .map_err(unwritable)?;
        staged.push(file.into_temp_path());
    }
    Ok(staged)
}

/// Runs the staged gvx once (`--version`) so a binary that cannot run here never replaces one
/// that does.
fn check_runs(gvx: &Path, version: &Version) -> Result<()> {
    let output = Command::new(gvx).arg("--version").output();
    match output {
        Ok(out) if out.status.success() => {
            log::info!(
                "the new gvx runs: {}",
                String::from_utf8_lossy(&out.stdout).trim()
            );
            Ok(())
        }
        Ok(out) => Err(doesnt_run(
            version,
            format!(
                "{}: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        )),
        Err(e) => Err(doesnt_run(version, e.to_string())),
    }
}

fn doesnt_run(version: &Version, why: String) -> Error {
    Error::new(
        Exit::Failure,
        format!("the gvx {version} binary does not run on this machine ({why})"),
    )
    .hint("nothing was changed; report it, and build gvx from a checkout meanwhile")
}

/// The new gvx refreshes the shims in the store (its own shim, its own rules).
fn reshim(cx: &Context, gvx: &Path) -> Result<(), String> {
    let mut command = Command::new(gvx);
    command
        .arg("reshim")
        .env(crate::env::GVX_HOME, cx.store.home());
    if cx.quiet {
        command.arg("--quiet");
    }
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`gvx reshim` {status}")),
        Err(e) => Err(format!("cannot run {}: {e}", gvx.display())),
    }
}
