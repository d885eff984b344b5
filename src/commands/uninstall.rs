use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::{default, lock, manifest, platform, report, shimfarm, storefs};
use gvx_shims::GoVersion;
use gvx_shims::select::{Outcome, Selection};
use serde_json::json;
use std::process::ExitCode;

/// Remove installed Go SDKs.
///
/// Uninstalling the global default moves it to the newest installed SDK of the same line
/// (1.22.x), else clears it; what `go` runs instead is said.
#[derive(Debug, clap::Args)]
pub struct Uninstall {
    /// `1.22.10` (or `1.22` when exactly one 1.22.x is installed).
    #[arg(value_name = "VERSION", required = true)]
    pub versions: Vec<String>,
    /// Remove from this shared store instead of yours (run as its owner).
    #[arg(long, value_name = "DIR")]
    pub store: Option<std::path::PathBuf>,
    /// Print what was removed and what became of the global default, as JSON.
    #[arg(long)]
    pub json: bool,
}

/// What one removal did.
struct Removed {
    version: GoVersion,
    /// Set when it was the global default: what the default is now (`None`: cleared).
    default_now: Option<Option<GoVersion>>,
}

impl Uninstall {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let shared;
        let cx = match &self.store {
            Some(dir) => {
                shared = cx.for_shared_store(dir)?;
                &shared
            }
            None => cx,
        };
        let store = &cx.store;
        let _lock = lock::lock(store)?;
        // What killed installs and uninstalls left: staging trees, records of removed SDKs.
        crate::install::clear_staging(store)?;
        let installed = storefs::installed(store)?;
        let mut versions: Vec<GoVersion> = Vec::new();
        for text in &self.versions {
            let version = resolve(text, &installed)?;
            refuse_shared(cx, version)?;
            if !versions.contains(&version) {
                versions.push(version);
            }
        }
        let here_before = cx.selection().ok();
        // A version a shared store also has stays available (and keeps its shim).
        let mut remaining: Vec<GoVersion> = installed
            .iter()
            .filter(|v| !versions.contains(v) || store.find_shared(v).is_some())
            .copied()
            .collect();
        remaining.sort();
        let mut done = Vec::new();
        for version in &versions {
            done.push(remove(cx, *version, &remaining)?);
        }
        if self.json {
            let items: Vec<_> = done
                .iter()
                .map(|r| {
                    json!({
                        "version": r.version.to_string(),
                        "path": store.sdk(&r.version),
                        "was_default": r.default_now.is_some(),
                        "default": r.default_now.flatten().map(|v| v.to_string()),
                    })
                })
                .collect();
            report::out(&serde_json::to_string_pretty(&items).unwrap_or_default());
        }
        say_what_runs_here(cx, here_before.as_ref(), &versions);
        Ok(ExitCode::SUCCESS)
    }
}

/// gvx never removes an SDK from a shared store it only reads.
fn refuse_shared(cx: &Context, version: GoVersion) -> Result<()> {
    match cx.store.find(&version).and_then(|s| s.shared) {
        Some(shared) => Err(Error::new(
            Exit::Store,
            format!(
                "{} is in the shared store {}, which gvx only reads",
                version.name(),
                shared.display()
            ),
        )
        .hint(format!(
            "its owner removes it with `gvx uninstall --store {} {version}`; to stop using the store, take it out of {}",
            shared.display(),
            gvx_shims::store::GVX_SHARED_STORES
        ))),
        _ => Ok(()),
    }
}

/// The one installed SDK `text` names.
fn resolve(text: &str, installed: &[GoVersion]) -> Result<GoVersion> {
    let request = super::parse_request(text)?;
    let matching: Vec<_> = installed.iter().filter(|v| request.matches(v)).collect();
    match matching.as_slice() {
        [one] => Ok(**one),
        [] => {
            let list: Vec<String> = installed.iter().map(ToString::to_string).collect();
            let have = if list.is_empty() {
                "none are installed".to_owned()
            } else {
                format!("installed: {}", list.join(", "))
            };
            Err(Error::new(
                Exit::NotFound,
                format!("Go {request} is not installed ({have})"),
            )
            .hint("`gvx list` shows the installed SDKs"))
        }
        many => {
            let list: Vec<String> = many.iter().map(ToString::to_string).collect();
            Err(Error::new(
                Exit::Usage,
                format!(
                    "`{text}` matches several installed SDKs: {}",
                    list.join(", ")
                ),
            )
            .hint("name the exact version"))
        }
    }
}

/// Removes `version`, leaving `remaining` installed. A concurrent `go` sees one change to the
/// SDK: its rename out of `sdk/` (it runs it whole before, and finds it gone after). The
/// default and the `go1.X.Y` shim change just before, so no shim selects the SDK as it goes
/// (and none installs it again); the tree is deleted after, out of sight in `sdk/.staging`.
fn remove(cx: &Context, version: GoVersion, remaining: &[GoVersion]) -> Result<Removed> {
    let store = &cx.store;
    let sdk = store.sdk(&version);
    let users = platform::processes_using(&sdk);
    if !users.is_empty() {
        return Err(Error::new(
            Exit::Store,
            format!("{} is in use by process {}", version.name(), users.join(", ")),
        )
        .hint("removing it now would break those programs; let them finish (or stop them), then run `gvx uninstall` again"));
    }
    let removing = |e| storefs::write_error(e, "uninstalling");
    fs_err::create_dir_all(store.staging_dir()).map_err(removing)?;
    let trash = storefs::temp_dir_in(&store.staging_dir(), "remove-").map_err(removing)?;
    let was_default = default::read_version(store)? == Some(version);
    let successor = default::successor(&version, remaining);
    let shims = shimfarm::prepare(store, remaining)?;
    let new_default = match (was_default, successor) {
        (true, Some(next)) => Some(default::stage(store, &next, Some(trash.path()))?),
        _ => None,
    };
    // What a concurrent `go` may see change, in this order: the default, the version's shim,
    // then the SDK itself.
    match new_default {
        Some(pending) => pending.commit(store)?,
        None if was_default => default::clear(store)?,
        None => {}
    }
    shims.commit()?;
    if let Err(e) = platform::rename(&sdk, &trash.path().join("go")) {
        // Put back what changed; the SDK is still there.
        if was_default {
            let _ = default::set(store, &version);
        }
        let _ = shimfarm::refresh(store);
        return Err(
            Error::new(Exit::Store, format!("cannot remove {}", sdk.display()))
                .source(e)
                .hint("a program may be using it; close it and try again"),
        );
    }
    if let Err(e) = manifest::remove(store, &version) {
        report::warn(&format!(
            "{e}; the next gvx install or uninstall removes it"
        ));
    }
    drop(trash);
    cx.status(&format!("removed {} ({})", version.name(), sdk.display()));
    if was_default {
        match successor {
            Some(next) => cx.status(&format!(
                "{} was the global default; the default is now {} (the newest installed {}.{}.x)",
                version.name(),
                next.name(),
                next.major,
                next.minor
            )),
            None => {
                let others: Vec<String> = remaining.iter().rev().map(ToString::to_string).collect();
                let hint = match others.first() {
                    Some(newest) => format!(
                        "installed: {}; `gvx use {newest}` makes one the default",
                        others.join(", ")
                    ),
                    None => "`gvx install <version>` installs one and makes it the default".into(),
                };
                cx.status(&format!(
                    "{} was the global default; no other {}.{}.x is installed, so there is no global default now ({hint})",
                    version.name(),
                    version.major,
                    version.minor
                ));
            }
        }
    }
    Ok(Removed {
        version,
        default_now: was_default.then_some(successor),
    })
}

/// When the SDK `go` ran in this directory was removed: what it runs now, or that a pin will
/// install it again on the next `go`.
fn say_what_runs_here(cx: &Context, before: Option<&Selection>, removed: &[GoVersion]) {
    let Some(Outcome::Run(was)) = before.map(|s| s.outcome) else {
        return;
    };
    if !removed.contains(&was) {
        return;
    }
    match cx.selection() {
        Ok(now) => {
            let why = now
                .raised
                .as_ref()
                .map_or_else(|| now.source.to_string(), ToString::to_string);
            match now.outcome {
                Outcome::Run(next) => {
                    cx.status(&format!("here `go` now runs {} ({why})", next.name()));
                }
                Outcome::Install(request) => report::warn(&format!(
                    "here Go {request} is still selected ({why}): the next `go` here installs it again; `gvx use <version> --project` changes a pin, and {}=0 stops the shim from installing",
                    gvx_shims::shim::AUTO_INSTALL_VAR
                )),
            }
        }
        Err(e) => cx.status(&format!(
            "here `go` now has no version to run ({}){}",
            e.message(),
            e.hint_text().map(|h| format!("; {h}")).unwrap_or_default()
        )),
    }
}
