//! `gvx adopt DIR`: a Go SDK already on disk (`/usr/local/go`, `~/sdk/go1.22.10`, the MSI's
//! `C:\Program Files\Go`) taken into the store without downloading it, once the checksum
//! database proves it is the official release.
//!
//! Order, so that nothing reaches the store unproven: read the tree's `VERSION` and platform
//! ([`layout::inspect`]) → ask the checksum database (GOSUMDB, the same verified lookup as
//! `--source proxy`) what `golang.org/toolchain@v0.0.1-go<ver>.<goos>-<goarch>` must hash to →
//! copy the module's files into the install pipeline's staging directory, hashing them
//! ([`take`]) → compare the `h1:` and refuse a tree with files outside the distribution's
//! layout → the pipeline records and renames it into the store. With `--move` the original
//! directory is then replaced by a link into the store. `--unverified` copies the tree as
//! found and records that nothing proved it.

mod layout;
mod take;

pub use layout::{Place, Sdk, inspect, place};

use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::install::Installed;
use crate::provenance::Provenance;
use crate::source::proxy::settings::{Settings, Sumdb};
use crate::source::proxy::{self, MODULE, modzip};
use crate::source::{Fetched, Pipeline};
use gvx_shims::goenv::GoEnv;
use std::path::Path;

/// How to adopt.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Replace the original directory with a link into the store.
    pub move_tree: bool,
    /// Take the tree as found, recorded as unverified.
    pub unverified: bool,
}

/// Adopts the SDK in `dir`; `Installed::Already` (and nothing touched) when its version is
/// installed already.
pub fn adopt(cx: &Context, dir: &Path, options: Options) -> Result<Installed> {
    let host = (cx.host.os, cx.host.goarch());
    let sdk = inspect(dir, host)?;
    let version = sdk.version;
    let shown = dir.display();
    if (sdk.goos.as_str(), sdk.goarch.as_str()) != host {
        return Err(Error::new(
            Exit::Environment,
            format!(
                "{shown} holds Go {version} for {}/{}, but this machine runs {}/{}",
                sdk.goos, sdk.goarch, host.0, host.1
            ),
        )
        .hint(format!(
            "the store holds SDKs for this machine; `gvx install {version}` installs that one"
        )));
    }
    check_apart(cx, &sdk)?;
    if !options.unverified && version.line() < (1, 21) {
        return Err(Error::new(
            Exit::Verification,
            format!(
                "Go {version} in {shown} cannot be proven: releases before Go 1.21 were not published as the golang.org/toolchain module, so the checksum database has no record of them"
            ),
        )
        .hint(format!(
            "`gvx adopt --unverified {}` adopts it marked unverified; `gvx install {version}` installs a copy verified against the download index",
            crate::report::arg(dir)
        )));
    }
    if cx.store.is_installed(&version) {
        return Ok(Installed::Already(version));
    }
    let settings = if options.unverified {
        None
    } else {
        Some(load_settings(dir)?)
    };
    let from = sdk.root.display().to_string();
    let mut archive_only = 0;
    let pipeline = crate::install::pipeline(cx, crate::install::Options::default());
    let done = pipeline.put_in_place(version, |_staging, dest| {
        let Some(settings) = &settings else {
            let taken = take::take(&sdk, dest, true)?;
            return Ok(fetched(
                taken,
                Provenance::Adopted {
                    from,
                    module: None,
                    h1: None,
                    sumdb: None,
                },
            ));
        };
        let (expected, proof) = proxy::prove(cx, settings, &version)
            .map_err(|e| rehint(e, dir, &version))?
            .ok_or_else(|| sumdb_off(dir))?;
        let taken = take::take(&sdk, dest, false)?;
        archive_only = taken.archive_only;
        let module = format!("{MODULE}@{}", proxy::module_version(&version, &cx.host));
        let digests = taken.digests();
        let h1 = modzip::tree_hash(&module, digests.iter().map(|(n, s)| (&**n, &**s)));
        if h1 != expected || !taken.foreign.is_empty() {
            return Err(refusal(
                dir,
                &sdk,
                &taken.foreign,
                &h1,
                &expected,
                &proof.name,
                &module,
            ));
        }
        Ok(fetched(
            taken,
            Provenance::Adopted {
                from,
                module: Some(module),
                h1: Some(h1),
                sumdb: Some(proof),
            },
        ))
    })?;
    if let Installed::Already(_) = done {
        return Ok(done);
    }
    if archive_only > 0 {
        cx.status(&format!(
            "left out {archive_only} files of api/, doc/, misc/ and test/: they come with the archive but not with the toolchain module the checksum database proves (an SDK installed with --source proxy has none either)"
        ));
    }
    if options.move_tree {
        replace_with_link(cx, &sdk.root, &cx.store.sdk(&version))?;
    }
    Ok(done)
}

fn fetched(taken: take::Taken, provenance: Provenance) -> Fetched {
    Fetched {
        provenance,
        digests: taken
            .files
            .into_iter()
            .map(|(_, path, digest)| (path, digest))
            .collect(),
    }
}

/// Refuses a tree inside the store, or one the store lies in.
fn check_apart(cx: &Context, sdk: &Sdk) -> Result<()> {
    let home = fs_err::canonicalize(cx.store.home()).unwrap_or_else(|_| cx.store.home().into());
    if sdk.root.starts_with(&home) || home.starts_with(&sdk.root) {
        return Err(Error::new(
            Exit::Environment,
            format!(
                "{} and the gvx store ({}) overlap: an SDK is adopted from outside the store",
                sdk.root.display(),
                cx.store.home().display()
            ),
        )
        .hint("`gvx list` shows the SDKs the store holds already"));
    }
    Ok(())
}

/// GOPROXY and GOSUMDB as `go` reads them; the checksum database cannot be off.
fn load_settings(dir: &Path) -> Result<Settings> {
    let settings = Settings::load(&GoEnv::load()).map_err(|e| match e.exit() {
        Exit::Verification => sumdb_off(dir).also(e.message().to_owned()),
        _ => e,
    })?;
    if let Sumdb::Off = settings.sumdb {
        return Err(sumdb_off(dir));
    }
    Ok(settings)
}

fn sumdb_off(dir: &Path) -> Error {
    Error::new(
        Exit::Verification,
        "adopting an SDK needs the checksum database to prove it, and GOSUMDB=off turns it off",
    )
    .hint(format!(
        "unset GOSUMDB (or set it to sum.golang.org), or `gvx adopt --unverified {}` to adopt it marked unverified",
        crate::report::arg(dir)
    ))
}

/// A checksum database failure with the next step for adopting.
fn rehint(e: Error, dir: &Path, version: &gvx_shims::GoVersion) -> Error {
    let hint = match e.exit() {
        Exit::NotFound => format!(
            "without a record it cannot be proven: `gvx adopt --unverified {}` adopts it marked unverified, `gvx install {version}` installs a verified copy",
            crate::report::arg(dir)
        ),
        Exit::Verification => "nothing was adopted. The checksum database, or the proxy serving it, did not prove this toolchain; do not work around it: report it".to_owned(),
        _ => return e,
    };
    Error::new(e.exit(), e.message().to_owned()).hint(hint)
}

/// The tree is not the release the database proves: what is out of place, and what to do.
fn refusal(
    dir: &Path,
    sdk: &Sdk,
    foreign: &[String],
    h1: &str,
    expected: &str,
    database: &str,
    module: &str,
) -> Error {
    let version = sdk.version;
    let mut text = format!(
        "{} is not Go {version} as the checksum database {database} proves it:",
        dir.display()
    );
    let shown: Vec<&str> = foreign.iter().take(10).map(String::as_str).collect();
    let more = foreign.len().saturating_sub(shown.len());
    let tools: Vec<&str> = shown
        .iter()
        .copied()
        .filter(|f| f.starts_with("bin/"))
        .collect();
    if !tools.is_empty() {
        text.push_str(&format!(
            "\n  {} in bin/ not part of Go's distribution (`go install` writes tools there when GOBIN or GOPATH/bin is the SDK's bin)",
            tools.join(", ")
        ));
    }
    let others: Vec<&str> = shown
        .iter()
        .copied()
        .filter(|f| !f.starts_with("bin/"))
        .collect();
    if !others.is_empty() {
        text.push_str(&format!(
            "\n  {} outside the distribution's layout",
            others.join(", ")
        ));
    }
    if more > 0 {
        text.push_str(&format!(
            "\n  and {more} more files outside the distribution's layout"
        ));
    }
    if h1 == expected {
        text.push_str(&format!(
            "\n  the rest of its files are the release: {h1} for {module}"
        ));
    } else {
        text.push_str(&format!(
            "\n  its toolchain files hash as {h1}, but {database} proves {expected} for {module}: a file of the release was changed, added or removed"
        ));
    }
    let mut hint = String::new();
    if !foreign.is_empty() {
        hint.push_str("remove the files named above from it (reinstall tools with GOBIN outside the SDK), or ");
    }
    hint.push_str(&format!(
        "install a fresh copy with `gvx install {version}`, or `gvx adopt --unverified {}` to adopt it as it is, marked unverified; the store was not changed",
        crate::report::arg(dir)
    ));
    Error::new(Exit::Verification, text).hint(hint)
}

/// `--move`: the original directory gives way to a link to `target` (a symlink; a junction on
/// Windows), so its path keeps working; its files, copied into the store, are deleted.
fn replace_with_link(cx: &Context, original: &Path, target: &Path) -> Result<()> {
    let name = original
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let aside = original.with_file_name(format!(".{name}.gvx-adopted-{}", std::process::id()));
    let kept = |e: std::io::Error, what: &str| {
        Error::new(
            Exit::Environment,
            format!(
                "adopted, but {} was not moved: cannot {what}: {e}",
                original.display()
            ),
        )
        .hint(format!(
            "the store's copy is what gvx uses; remove {} yourself once nothing needs it (it may need an administrator), or run `gvx adopt --move` again as a user who may change its parent directory",
            original.display()
        ))
    };
    crate::platform::rename(original, &aside).map_err(|e| kept(e, "move it aside"))?;
    // A link is only as good as what can be read through it (wine, for one, makes empty
    // junctions).
    let linked = crate::platform::link_dir(target, original).and_then(|()| {
        let through = fs_err::read(original.join("VERSION"))?;
        if through == fs_err::read(target.join("VERSION"))? {
            Ok(())
        } else {
            Err(std::io::Error::other(
                "the link was made but does not lead into the store",
            ))
        }
    });
    if let Err(e) = linked {
        let _ = crate::platform::remove_link(original);
        let _ = crate::platform::rename(&aside, original);
        return Err(kept(e, "make a link in its place"));
    }
    if let Err(e) = fs_err::remove_dir_all(&aside) {
        crate::report::warn(&format!(
            "{} now links to the store, but its old files could not all be removed from {}: {e}",
            original.display(),
            aside.display()
        ));
    }
    cx.status(&format!(
        "moved: {} is now a link to {}",
        original.display(),
        target.display()
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn sdk() -> Sdk {
        Sdk {
            root: PathBuf::from("/usr/local/go"),
            version: gvx_shims::GoVersion::parse("1.22.10").unwrap(),
            goos: "linux".into(),
            goarch: "amd64".into(),
        }
    }

    #[test]
    fn a_refusal_names_the_added_tools_and_the_way_on() {
        let dir = Path::new("/usr/local/go");
        let e = refusal(
            dir,
            &sdk(),
            &["bin/gopls".into(), "pkg/mod/x".into()],
            "h1:same",
            "h1:same",
            "sum.golang.org",
            "golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64",
        );
        assert_eq!(e.exit(), Exit::Verification);
        assert!(
            e.message()
                .contains("bin/gopls in bin/ not part of Go's distribution"),
            "{e:?}"
        );
        assert!(e.message().contains("pkg/mod/x outside"), "{e:?}");
        assert!(
            e.message()
                .contains("the rest of its files are the release"),
            "{e:?}"
        );
        let hint = e.hint_text().unwrap();
        assert!(hint.contains("remove the files") && hint.contains("--unverified /usr/local/go"));
        let e = refusal(dir, &sdk(), &[], "h1:a", "h1:b", "sum.golang.org", "m");
        assert!(
            e.message()
                .contains("hash as h1:a, but sum.golang.org proves h1:b"),
            "{e:?}"
        );
        assert!(e.hint_text().unwrap().contains("gvx install 1.22.10"));
    }
}
