//! Windows: what `gvx setup` changes there.
//!
//! - **The user PATH**, `HKCU\Environment\Path`, which cmd.exe, PowerShell and editors started
//!   from the desktop all read: `<GVX_HOME>\bin` goes first (`%USERPROFILE%\.gvx\bin`, left
//!   unexpanded, for the default store). Through the registry API, never `setx` (which cuts
//!   the value at 1024 characters and writes the expanded process PATH into it); then a
//!   `WM_SETTINGCHANGE` broadcast, so programs started from now on see it. The edit itself
//!   (entry by entry, everything else byte for byte, the value's type kept, and the record
//!   `--undo` needs) is [`crate::environment::user_path`]'s.
//! - **The PowerShell profiles that already exist** get a block that does the same per session,
//!   plus completions. (An existing profile shows scripts may run; creating one under the
//!   default `Restricted` execution policy would print an error in every new window.)
//!
//! The machine PATH (HKLM) comes before the user PATH, so a Go there (the Go MSI's
//! `C:\Program Files\Go\bin`) beats the shims; gvx never changes it, and [`notes`] says what
//! that means and how to fix it.

use super::{PathChange, Site, Target};
use crate::environment::user_path::{self, PLACE};
use crate::error::{Error, Exit, Result};
use crate::platform::windows_env::{
    self as env, Hive, Kind, MACHINE_ENV, MACHINE_ENV_KEY, USER_ENV, USER_ENV_KEY,
};
use crate::shell::Shell;
use std::path::{Path, PathBuf};

/// The existing `CurrentUserAllHosts` profiles of PowerShell 7 and Windows PowerShell 5.1.
pub fn targets(site: &Site) -> Vec<Target> {
    profiles(site)
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| Target::block(p, profile_block(site), "PowerShell"))
        .chain(std::iter::once(Target::completion(
            site,
            completion_file(site),
            crate::completion::Shell::Powershell,
            "PowerShell completion, loaded by the profile block",
        )))
        .collect()
}

/// Every file `gvx setup` may have written (for `--undo`).
pub fn known_targets(site: &Site) -> Vec<Target> {
    targets(site)
}

pub fn scanned_files(site: &Site) -> Vec<PathBuf> {
    profiles(site)
}

/// The edit of `HKCU\Environment\Path`: `bin` first (setup) or gone (undo). `None` when the
/// value already is as it should be (gvx's entry first, or absent for `--undo`).
pub fn user_path(site: &Site, undo: bool) -> Result<Option<PathChange>> {
    let now = user_path::read().map_err(|e| {
        Error::new(Exit::Environment, format!("cannot read {PLACE}"))
            .source(e)
            .hint("gvx setup changed nothing")
    })?;
    if let Some(kind) = now.not_a_string() {
        if undo {
            // Nothing of gvx's can be in it.
            return Ok(None);
        }
        return Err(not_a_string(site, kind));
    }
    let entry = bin_entry(site);
    let bin = site.store.bin_dir().display().to_string();
    let is_bin = |segment: &str| {
        env::same_dir(segment, &entry)
            || env::same_dir(&env::expand(segment, &|n| site.var(n)), &bin)
    };
    Ok(now.for_setup(&entry, &is_bin, undo))
}

fn not_a_string(site: &Site, kind: Kind) -> Error {
    Error::new(
        Exit::Environment,
        format!(
            "{PLACE} is a {} value, not a string, so Windows ignores it; gvx setup changed nothing",
            kind.name()
        ),
    )
    .hint(format!(
        "look at it with `reg query HKCU\\Environment /v Path`; delete it (`reg delete \
         HKCU\\Environment /v Path`) or make it a REG_EXPAND_SZ list of directories, then run \
         `gvx setup` again, or add {} to your user Path yourself",
        site.store.bin_dir().display()
    ))
}

/// The user PATH entry for the store: `%USERPROFILE%\.gvx\bin` for the default store (it
/// follows a renamed profile folder, as Windows' own entries do), else the literal path.
fn bin_entry(site: &Site) -> String {
    let default = site.home.join(".gvx");
    if env::same_dir(
        &site.store.home().display().to_string(),
        &default.display().to_string(),
    ) {
        r"%USERPROFILE%\.gvx\bin".to_owned()
    } else {
        site.store
            .bin_dir()
            .display()
            .to_string()
            .replace('/', "\\")
    }
}

/// Said after every run: a Go on the machine PATH that beats the shims, and a store that only
/// this terminal knows about.
pub fn notes(site: &Site) -> Vec<String> {
    let mut notes = machine_go(site);
    notes.extend(gvx_home_note(site));
    notes
}

/// The machine Path's entries that hold a go.exe and come before any copy of `bin` in it.
fn machine_go(site: &Site) -> Vec<String> {
    let Ok(Some(machine)) = env::read_value(Hive::Machine, MACHINE_ENV_KEY, "Path") else {
        return Vec::new();
    };
    let bin = site.store.bin_dir().display().to_string();
    let msi = env::go_msi();
    let msi_dir = env::go_msi_location();
    let mut notes = Vec::new();
    for entry in env::entries(&machine.text) {
        let dir = env::expand(entry, &|n| site.var(n));
        if env::same_dir(&dir, &bin) {
            break;
        }
        if !Path::new(&dir).join("go.exe").is_file() {
            continue;
        }
        let from_msi = msi.as_ref().filter(|_| {
            msi_dir.as_ref().is_none_or(|d| {
                env::same_dir(&Path::new(d).join("bin").display().to_string(), &dir)
            })
        });
        let mut note = format!(
            "the machine Path ({MACHINE_ENV}) lists {entry}, which holds a go.exe{}.\n  \
             Windows puts the machine Path before your user Path, so `go` in new terminals \
             and editors runs that Go, not the gvx shims, and no change to your user Path can \
             beat it. gvx setup does not change the machine Path.\n",
            from_msi.map_or(String::new(), |(name, _)| format!(" (installed by {name})"))
        );
        if let Some((name, code)) = from_msi {
            note.push_str(&format!(
                "  fix: uninstall that Go (Settings > Apps > {name}, or: msiexec /x {code}),\n  \
                 or remove just that entry"
            ));
        } else {
            note.push_str("  fix: remove that entry");
        }
        note.push_str(&format!(
            " from the machine Path, in an Administrator PowerShell:\n    {}\n  then open a \
             new terminal; `gvx doctor` checks the result",
            env::remove_machine_entry_command(entry)
        ));
        notes.push(note);
    }
    notes
}

/// A store outside `%USERPROFILE%\.gvx` named only by this terminal's `GVX_HOME`: the shims find
/// it by themselves, but `gvx` in a new terminal would not.
fn gvx_home_note(site: &Site) -> Option<String> {
    if bin_entry(site).starts_with('%') {
        return None;
    }
    let set = |hive, key| {
        env::read_value(hive, key, "GVX_HOME")
            .ok()
            .flatten()
            .is_some_and(|v| {
                env::same_dir(
                    &env::expand(&v.text, &|n| site.var(n)),
                    &site.store.home().display().to_string(),
                )
            })
    };
    if set(Hive::User, USER_ENV_KEY) || set(Hive::Machine, MACHINE_ENV_KEY) {
        return None;
    }
    let home = site.store.home().display().to_string();
    Some(format!(
        "GVX_HOME={home} is set in this terminal only ({USER_ENV} has no GVX_HOME): the shims \
         find their store by themselves, but `gvx` in a new terminal uses %USERPROFILE%\\.gvx. \
         To keep this store, run in PowerShell: [Environment]::SetEnvironmentVariable('GVX_HOME', '{}', 'User')",
        home.replace('\'', "''")
    ))
}

/// `Documents\PowerShell\profile.ps1` and `Documents\WindowsPowerShell\profile.ps1`.
/// (A Documents folder redirected to OneDrive is not followed yet.)
fn profiles(site: &Site) -> Vec<PathBuf> {
    let documents = site.home.join("Documents");
    ["PowerShell", "WindowsPowerShell"]
        .iter()
        .map(|d| documents.join(d).join("profile.ps1"))
        .collect()
}

fn completion_file(site: &Site) -> PathBuf {
    site.store.home().join("completions").join("gvx.ps1")
}

fn profile_block(site: &Site) -> String {
    let file = completion_file(site)
        .display()
        .to_string()
        .replace('\'', "''");
    format!(
        "{}if (Test-Path -LiteralPath '{file}') {{ . '{file}' }}\n",
        site.snippet(Shell::Powershell)
    )
}
