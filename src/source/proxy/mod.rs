//! Go toolchains from a Go module proxy, as `go` fetches them for `GOTOOLCHAIN`: the module
//! `golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64`, proven by the checksum database.
//!
//! Order, so that nothing reaches the store unproven: look the module up in the checksum
//! database (signature, consistency with the tree gvx saw before, inclusion) to learn the
//! `h1:` it must have → download the zip into the install's staging directory → check its
//! structure → hash it and compare → extract (modes from Go's path rule, never from the zip)
//! and copy every `_go.mod` back to `go.mod`, as `go` does on first use. The install pipeline
//! then renames the tree into the store.

mod goproxy;
pub mod modzip;
pub mod settings;

use crate::archive::{self, Limits};
use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::platform::Host;
use crate::provenance::{Provenance, SumdbProof};
use crate::report::Progress;
use crate::source::Fetched;
use crate::sumdb::{Client, SumdbError, VerifierKey};
use gvx_shims::{GoVersion, VersionRequest};
use settings::{Settings, Sumdb};
use std::path::Path;

/// The module Go's toolchains are published as.
pub const MODULE: &str = "golang.org/toolchain";

/// The longest `@v/list` accepted (every version for every platform: ~100 KiB today).
const MAX_LIST_BYTES: u64 = 16 << 20;

/// `v0.0.1-go1.22.10.linux-amd64`: the module version of `version` for `host`.
pub fn module_version(version: &GoVersion, host: &Host) -> String {
    format!("v0.0.1-{}.{}-{}", version.name(), host.os, host.goarch())
}

/// The newest release matching `request` that the proxy lists for this host.
pub fn resolve(cx: &Context, settings: &Settings, request: &VersionRequest) -> Result<GoVersion> {
    if let VersionRequest::Exact(version) = request {
        return Ok(*version);
    }
    let (versions, url) = available(cx, settings)?;
    versions
        .into_iter()
        .rfind(|v| request.matches(v) && !v.is_prerelease())
        .ok_or_else(|| {
            Error::new(
                Exit::NotFound,
                format!(
                    "no Go release matches `{request}` for {} in {url}",
                    cx.host.describe()
                ),
            )
            .hint(gvx_shims::version::VERSION_EXAMPLES)
        })
}

/// Every Go release the proxy lists for this host, oldest first, and the list's URL.
pub fn available(cx: &Context, settings: &Settings) -> Result<(Vec<GoVersion>, String)> {
    let path = format!("{MODULE}/@v/list");
    let (list, proxy) = goproxy::get_bytes(cx.http()?, &settings.proxies, &path, MAX_LIST_BYTES)
        .map_err(|f| {
            f.into_error(
                &format!("the version list of {MODULE}"),
                &settings.goproxy.value,
            )
        })?;
    let mut versions = listed_versions(&String::from_utf8_lossy(&list), &cx.host);
    versions.sort();
    versions.dedup();
    Ok((versions, format!("{proxy}/{path}")))
}

/// The Go versions in an `@v/list` built for `host` (the list holds every platform's).
fn listed_versions(list: &str, host: &Host) -> Vec<GoVersion> {
    let suffix = format!(".{}-{}", host.os, host.goarch());
    list.lines()
        .filter_map(|line| line.trim().strip_prefix("v0.0.1-")?.strip_suffix(&suffix))
        .filter_map(|v| GoVersion::parse(v).ok())
        .filter(GoVersion::is_toolchain)
        .collect()
}

/// What the checksum database (GOSUMDB) says `version`'s module for this host must hash to,
/// once proven (signed note, consistency with the tree gvx saw before, inclusion), and the
/// proof; `None` under Go's one exception, GOSUMDB=off with a single `file://` GOPROXY.
pub fn prove(
    cx: &Context,
    settings: &Settings,
    version: &GoVersion,
) -> Result<Option<(String, SumdbProof)>> {
    let http = cx.http()?;
    let module_version = module_version(version, &cx.host);
    let module = format!("{MODULE}@{module_version}");
    Ok(match &settings.sumdb {
        Sumdb::Off => None,
        Sumdb::Database { vkey, name, url } => {
            let key = VerifierKey::parse(vkey)
                .map_err(|e| Error::new(Exit::Environment, e.to_string()))?;
            let base = goproxy::sumdb_base(http, &settings.proxies, name, url.as_deref())?;
            let state = cx.store.home().join("sumdb").join(name);
            let transport = goproxy::SumdbTransport {
                http,
                base: base.clone(),
            };
            let found = Client::new(key, transport, state)
                .lookup(MODULE, &module_version)
                .map_err(|e| sumdb_error(e, &module, name, &base, version, &cx.host))?;
            let h1 = found.zip_hash().map(str::to_owned).ok_or_else(|| {
                Error::new(
                    Exit::Verification,
                    format!(
                        "verifying {module}: the checksum database {name} has no h1: line for it"
                    ),
                )
                .hint("nothing was installed; install with --source dl")
            })?;
            Some((
                h1,
                SumdbProof {
                    name: name.clone(),
                    record_id: found.record_id,
                    tree_size: found.tree_size,
                    tree_hash: found.tree_hash,
                },
            ))
        }
    })
}

/// The module zip's `h1:` (Go's `dirhash.HashZip`), from the digests of the files extracted
/// from it into `sdk`: every entry is a file under `module`'s prefix (`modzip::check`), written
/// once each. A name with a new line, which would make the hashed lines ambiguous, is refused
/// as Go refuses it.
fn extracted_hash(
    module: &str,
    sdk: &Path,
    digests: &[(std::path::PathBuf, archive::Sha256Digest)],
) -> std::result::Result<String, modzip::ZipError> {
    let mut lines = Vec::with_capacity(digests.len());
    for (path, digest) in digests {
        let rel = path.strip_prefix(sdk).unwrap_or(path);
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let name = format!("{module}/{}", parts.join("/"));
        if name.contains('\n') {
            return Err(modzip::ZipError::Entry {
                entry: name,
                why: "file names with new lines are not supported".to_owned(),
            });
        }
        lines.push((name, format!("{digest:x}")));
    }
    Ok(modzip::hash1(lines))
}

/// Proves, downloads, checks and extracts `version` into `sdk` (inside `staging`).
pub fn fetch(
    cx: &Context,
    settings: &Settings,
    version: GoVersion,
    staging: &Path,
    sdk: &Path,
) -> Result<Fetched> {
    let http = cx.http()?;
    let module_version = module_version(&version, &cx.host);
    let module = format!("{MODULE}@{module_version}");
    let proof = prove(cx, settings, &version)?;

    let zip = staging.join(format!("{module_version}.zip"));
    let progress = Progress::new(&format!("downloading {module}"), None, cx.quiet);
    let mut out =
        fs_err::File::create(&zip).map_err(|e| crate::storefs::write_error(e, "installing"))?;
    let proxy = goproxy::download(
        http,
        &settings.proxies,
        &format!("{MODULE}/@v/{module_version}.zip"),
        modzip::MAX_ZIP_BYTES,
        &progress,
        &mut out,
    )
    .map_err(|f| {
        f.into_error(
            &format!("{} for {}", version.name(), cx.host.describe()),
            &settings.goproxy.value,
        )
    })?;
    drop((out, progress));

    let module_error = |e: modzip::ZipError| {
        Error::new(
            Exit::Verification,
            format!("refusing {module} from {proxy}: {e}"),
        )
        .hint("this is not a Go toolchain module zip; nothing was installed. Check GOPROXY")
    };
    modzip::check(&zip, &format!("{module}/")).map_err(module_error)?;
    // One pass: the files are hashed as they are extracted into staging (which is dropped,
    // and nothing installed, unless the hash is the proven one).
    let extracted = archive::extract_module_zip(&zip, sdk, &module, &Limits::default())
        .map_err(|e| Error::new(e.kind(), e.to_string()).hint(e.hint().unwrap_or_default()))?;
    let h1 = extracted_hash(&module, sdk, &extracted.digests).map_err(module_error)?;
    if let Some((expected, proof)) = &proof
        && h1 != *expected
    {
        return Err(Error::new(
            Exit::Verification,
            format!(
                "verifying {module}: checksum mismatch\n\tdownloaded: {h1}\n\t{}: {expected}\n\n\
                 SECURITY ERROR\nThis download does NOT match the one reported by the checksum server.\n\
                 The bits may have been replaced on the origin server, or an attacker may\n\
                 have intercepted the download attempt.",
                proof.name
            ),
        )
        .hint(format!("nothing was installed; {proxy} served other bytes than the checksum database proves. Report it to whoever runs that proxy")));
    }
    match &proof {
        Some((_, proof)) => {
            log::info!("{module}: the zip hashes as {h1}, as {} proves", proof.name)
        }
        None => log::info!(
            "{module}: the zip hashes as {h1} (no checksum database: GOSUMDB=off for a file:// GOPROXY)"
        ),
    }
    restore_go_mod_files(sdk).map_err(|e| crate::storefs::write_error(e, "installing"))?;
    fs_err::remove_file(&zip).map_err(|e| crate::storefs::write_error(e, "installing"))?;
    let (h1, sumdb) = match proof {
        Some((expected, proof)) => (expected, Some(proof)),
        None => (h1, None),
    };
    Ok(Fetched {
        provenance: Provenance::Proxy {
            proxy,
            module,
            h1,
            sumdb,
        },
        digests: extracted.digests,
    })
}

/// Copies every `_go.mod` to a `go.mod` beside it (keeping `_go.mod`), as `go` does on a
/// downloaded toolchain's first use: module zips may hold `go.mod` only at their root, so
/// distpack renamed the SDK's own (`src/go.mod`, `src/cmd/go.mod`, …).
pub fn restore_go_mod_files(root: &Path) -> std::io::Result<()> {
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs_err::read_dir(&dir)? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                dirs.push(entry.path());
            } else if kind.is_file() && entry.file_name() == "_go.mod" {
                let go_mod = dir.join("go.mod");
                if !go_mod.exists() {
                    fs_err::copy(entry.path(), go_mod)?;
                }
            }
        }
    }
    Ok(())
}

/// A checksum database failure as an error in Go's words, with gvx's next step.
fn sumdb_error(
    e: SumdbError,
    module: &str,
    name: &str,
    base: &str,
    version: &GoVersion,
    host: &Host,
) -> Error {
    match e {
        SumdbError::NotFound { .. } => Error::new(
            Exit::NotFound,
            format!("{} for {} is not in the checksum database {name} ({module})", version.name(), host.describe()),
        )
        .hint("check the version with `gvx list --remote`; older releases may exist only as archives: install with --source dl"),
        SumdbError::Network(e) => Error::new(Exit::Network, format!("cannot reach the checksum database {name} at {base}: {e}"))
            .hint("check your network and GOPROXY/GOSUMDB; a proxy that serves /sumdb/<name>/supported carries the checksum database too"),
        SumdbError::Security(text) => Error::new(Exit::Verification, format!("verifying {module}: {text}"))
            .hint(format!("nothing was installed. The checksum database {name}, or the proxy serving it, did not prove this toolchain; do not work around it: report it, or install with --source dl")),
        SumdbError::Key(text) => Error::new(Exit::Environment, format!("invalid GOSUMDB: {text}")),
        other => Error::new(Exit::Store, format!("the checksum database state of {name} cannot be kept: {other}"))
            .hint("check that the gvx home directory is writable"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_versions_name_the_host() {
        let host = Host {
            os: "linux",
            dl_arch: "armv6l",
            archive_ext: ".tar.gz",
        };
        let v = GoVersion::parse("1.22.10").unwrap();
        assert_eq!(module_version(&v, &host), "v0.0.1-go1.22.10.linux-arm");
    }

    #[test]
    fn the_list_is_filtered_to_this_host() {
        let host = Host {
            os: "linux",
            dl_arch: "amd64",
            archive_ext: ".tar.gz",
        };
        let list = "v0.0.1-go1.21.13.linux-amd64\nv0.0.1-go1.22.10.linux-arm64\nv0.0.1-go1.22.10.linux-amd64\n\
                    v0.0.1-go1.23rc2.linux-amd64\nv0.0.1-go1.22.10.windows-amd64\nv0.0.1-banana.linux-amd64\n";
        let got: Vec<String> = listed_versions(list, &host)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(got, ["1.21.13", "1.22.10", "1.23rc2"]);
    }
}
