//! Windows: what `gvx setup` edits there. For now only the PowerShell profiles that already
//! exist (an existing profile shows scripts may run; creating one under the default
//! `Restricted` execution policy would print an error in every new window).
//!
//! Not done yet: the user PATH in `HKCU\Environment\Path` ([`user_path`] returns `None`), which
//! is what cmd.exe, GUI-launched editors and new terminals read. Until then [`notes`] says so.

use super::{PathEdit, Site, Target};
use crate::error::Result;
use crate::shell::Shell;
use std::path::PathBuf;

/// PowerShell is part of Windows; pwsh 7 when on PATH or configured.
pub fn installed_shells(site: &Site, on_path: &dyn Fn(&str) -> bool) -> Vec<Shell> {
    let _ = (site, on_path);
    vec![Shell::Powershell]
}

/// The existing `CurrentUserAllHosts` profiles of PowerShell 7 and Windows PowerShell 5.1.
pub fn targets(site: &Site) -> Vec<Target> {
    profiles(site)
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| Target::block(p, profile_block(site), "PowerShell"))
        .chain(std::iter::once(Target::completion(
            completion_file(site),
            clap_complete::Shell::PowerShell,
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

/// The user PATH in the registry: not edited yet.
#[allow(clippy::unnecessary_wraps)]
pub fn user_path(_site: &Site, _undo: bool) -> Result<Option<PathEdit>> {
    Ok(None)
}

pub fn apply_user_path(_edit: &PathEdit) -> Result<()> {
    Ok(())
}

pub fn notes(site: &Site) -> Vec<String> {
    vec![format!(
        "gvx setup does not edit the user PATH in the registry yet; add {} to the front of \
         your user Path (System Properties > Environment Variables) so cmd.exe and editors \
         find the shims",
        site.store.bin_dir().display()
    )]
}

/// New files get the directory's default ACL.
pub fn new_file_permissions() -> Option<std::fs::Permissions> {
    None
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
