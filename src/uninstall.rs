//! Removing an installed SDK from the user's store: the default and the `go1.X.Y` shim change
//! first, then the SDK is renamed out of `sdk/` and deleted out of sight, so a concurrent `go`
//! runs it whole or finds it gone. Used by `gvx uninstall`, `gvx prune` and `gvx upgrade --prune`.

use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::{default, manifest, platform, report, shimfarm, storefs};
use gvx_shims::GoVersion;
use gvx_shims::select::{Outcome, Selection};

/// What one removal did.
pub struct Removed {
    pub version: GoVersion,
    /// Set when it was the global default: what the default is now (`None`: cleared).
    pub default_now: Option<Option<GoVersion>>,
}

/// Removes `version`, leaving `remaining` installed. A concurrent `go` sees one change to the
/// SDK: its rename out of `sdk/` (it runs it whole before, and finds it gone after). The
/// default and the `go1.X.Y` shim change just before, so no shim selects the SDK as it goes
/// (and none installs it again); the tree is deleted after, out of sight in `sdk/.staging`.
pub fn remove(cx: &Context, version: GoVersion, remaining: &[GoVersion]) -> Result<Removed> {
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
pub fn say_what_runs_here(cx: &Context, before: Option<&Selection>, removed: &[GoVersion]) {
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
