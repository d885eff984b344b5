//! Check 6: the selected SDK is installed, runs, says the version its directory names, and its
//! tree still matches the manifest recorded at install time.

use super::model::{Check, Fix, Item, Source};
use crate::environment::Snapshot;
use crate::manifest::Verified;
use gvx_shims::GoVersion;
use gvx_shims::select::Outcome;
use std::path::Path;

/// Reinstalling `version`, the fix for a broken SDK.
fn reinstall(version: GoVersion) -> Fix {
    Fix::manual(
        "reinstall it (downloads and verifies it again)",
        Some(format!("gvx install --force {version}")),
    )
}

/// The SDK's tree against the manifest recorded at install time.
fn manifest(m: &Snapshot, version: GoVersion, root: &Path) -> Item {
    let name = version.name();
    // The records live in the store the SDK is in, shared or the user's.
    let records = m
        .find(&version)
        .map_or_else(|| m.store().clone(), |s| s.store());
    match m.disk.verify(&records, &version, root, m.quick) {
        Verified::Intact { files } => Item::ok(if m.quick {
            format!(
                "the {files} files checked (tools and a sample) are as recorded at install time"
            )
        } else {
            format!("all {files} files recorded at install time are intact")
        }),
        Verified::Unrecorded => Item::warn(format!(
            "{name} has no install manifest, so its tree cannot be checked"
        ))
        .detail("it was installed by an older gvx")
        .fix(Fix::manual(
            "reinstall it to record one",
            Some(format!("gvx install --force {version}")),
        )),
        Verified::Unreadable(e) => Item::warn(format!(
            "the install manifest of {name} cannot be read: {e}"
        ))
        .fix(reinstall(version)),
        Verified::Damaged {
            files,
            missing,
            changed,
        } => {
            let mut item = Item::fail(format!(
                "{} of {files} files are missing or changed since install",
                missing.len() + changed.len()
            ))
            .detail("builds may fail in odd ways (a deleted package, a truncated tool)")
            .fix(reinstall(version));
            for name in missing.iter().take(5) {
                item = item.evidence(
                    format!("missing: {name}"),
                    Source::Disk {
                        path: root.join(name),
                    },
                );
            }
            for name in changed.iter().take(5) {
                item = item.evidence(
                    format!("size changed: {name}"),
                    Source::Disk {
                        path: root.join(name),
                    },
                );
            }
            item
        }
    }
}

pub fn check(m: &Snapshot) -> Check {
    let mut check = Check::new("sdk", "selected SDK");
    for skipped in &m.skipped_stores {
        check.push(
            Item::warn(skipped.to_string())
                .detail("gvx reads the other stores and goes on; SDKs only that store has are installed into yours on first use")
                .fix(Fix::manual(
                    format!("repair it, or take it out of {}", gvx_shims::store::GVX_SHARED_STORES),
                    None,
                )),
        );
    }
    let selection = match &m.selection {
        Ok(selection) => selection,
        Err(e) => {
            check.push(
                Item::fail(format!(
                    "no Go version can be selected here: {}",
                    e.message()
                ))
                .maybe_fix(e.hint_text().map(|h| Fix::manual(h, None))),
            );
            return check.summary("nothing selected");
        }
    };
    let why = selection.source.to_string();
    let version = match selection.outcome {
        Outcome::Install(request) => {
            check.push(
                Item::warn(format!("go{request} is selected ({why}) but not installed"))
                    .detail("the go shim installs it on first use, which needs the network")
                    .fix(Fix::manual(
                        "install it now",
                        Some(format!("gvx install {request}")),
                    )),
            );
            return check.summary(format!("go{request}, not installed"));
        }
        Outcome::Run(version) => version,
    };
    let root = m
        .sdk()
        .map_or_else(|| m.store().sdk(&version), |(_, root)| root);
    let name = version.name();
    match m.disk.sdk_version(&root) {
        Some(found) if found == name => {}
        found => check.push(
            Item::fail(format!(
                "{}/VERSION says {}, not {name}",
                m.show(&root),
                found.as_deref().unwrap_or("nothing")
            ))
            .evidence(
                found.unwrap_or_default(),
                Source::Disk {
                    path: root.join("VERSION"),
                },
            )
            .fix(reinstall(version)),
        ),
    }
    let go = root
        .join("bin")
        .join(format!("go{}", gvx_shims::store::EXE_SUFFIX));
    match m.disk.go_version(&go, Some(&root)) {
        Ok(found) if found == name => {
            check.push(Item::ok(format!("`go version` says {found}")).evidence(
                found,
                Source::Command {
                    command: format!("{} version", go.display()),
                },
            ))
        }
        Ok(found) => check.push(
            Item::fail(format!("{} says it is {found}, not {name}", go.display()))
                .fix(reinstall(version)),
        ),
        Err(e) => check.push(
            Item::fail(format!("{} does not run: {e}", go.display()))
                .detail("every go command fails")
                .fix(reinstall(version)),
        ),
    }
    check.push(manifest(m, version, &root));
    check.summary(format!("{name} ({why})"))
}
