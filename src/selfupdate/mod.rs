//! gvx replacing and removing itself: `gvx self update` fetches a release, checks its
//! signature with the key built into gvx and the archive's sha256, then swaps the binaries;
//! `gvx self uninstall` undoes `gvx setup` and removes the store.

pub mod release;
mod uninstall;
mod unpack;
mod update;

pub use uninstall::{Removal, plan_removal, remove};
pub use update::{Outcome, Request, update};

use gvx_shims::store::EXE_SUFFIX;

/// The project's release key, a minisign public key file (README, "Releases").
const PROJECT_KEY: &str = include_str!("../../keys/release.pub");

/// The public key (minisign's base64 line) release signatures must verify with: the one this
/// build was given in `GVX_RELEASE_PUBKEY` at compile time (test releases use the test key),
/// else the project's.
pub fn release_key() -> &'static str {
    match option_env!("GVX_RELEASE_PUBKEY") {
        Some(key) if !key.trim().is_empty() => key.trim(),
        _ => PROJECT_KEY.lines().nth(1).unwrap_or_default().trim(),
    }
}

/// Where releases are fetched from, without a trailing slash.
pub fn release_url() -> String {
    crate::env::var(crate::env::GVX_RELEASE_URL)
        .unwrap_or_else(|| crate::env::DEFAULT_RELEASE_URL.to_owned())
        .trim_end_matches('/')
        .to_owned()
}

/// This platform's release archive: `gvx-x86_64-linux.tar.gz`, `gvx-x86_64-windows.zip`, ….
pub fn asset_name() -> String {
    format!(
        "gvx-{}-{}{}",
        std::env::consts::ARCH,
        std::env::consts::OS,
        crate::platform::Host::current().archive_ext
    )
}

/// The running gvx, symlinks resolved: what `self update` replaces and `self uninstall` finds.
fn running_exe() -> std::io::Result<std::path::PathBuf> {
    std::env::current_exe().and_then(std::fs::canonicalize)
}

/// The two binaries a release archive holds, as named on this platform.
pub fn binary_names() -> [String; 2] {
    [format!("gvx{EXE_SUFFIX}"), format!("gvx-shim{EXE_SUFFIX}")]
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_project_key_is_built_in_unless_the_build_names_another() {
        let project = super::PROJECT_KEY.lines().nth(1).unwrap();
        assert_eq!(project.len(), 56, "{project}");
        match option_env!("GVX_RELEASE_PUBKEY") {
            Some(key) if !key.trim().is_empty() => assert_eq!(super::release_key(), key.trim()),
            _ => assert_eq!(super::release_key(), project),
        }
    }

    #[test]
    fn the_asset_follows_the_release_names() {
        let name = super::asset_name();
        assert!(name.starts_with("gvx-") && name.contains(std::env::consts::OS));
    }
}
