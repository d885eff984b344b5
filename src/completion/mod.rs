//! Tab completion that knows values: installed Go versions, the cached index's releases and
//! shell names, computed by one code path for every shell.
//!
//! The shells call gvx back on each TAB with `GVX_COMPLETE=<shell>` set (clap_complete's
//! dynamic completion, [`clap_complete::CompleteEnv`]); gvx then prints candidates instead of
//! running a command. Nushell, which clap_complete does not know, gets its own adapter
//! ([`nu::Nu`]) on the same engine. Nothing here touches the network or takes the store lock:
//! the versions come from the store's directories and the index from its cache, however old.

mod nu;

use clap_complete::CompletionCandidate;
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Shells, Zsh};
use gvx_shims::{GoVersion, Store};

/// The variable that makes gvx answer a completion request (unset, empty or `0`: it does not).
pub const VAR: &str = "GVX_COMPLETE";

/// The program the registrations call back: `gvx`, found on PATH as the user's command is.
const PROGRAM: &str = "gvx";

/// The shells gvx completes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
    Nu,
}

impl Shell {
    fn adapter(self) -> &'static dyn EnvCompleter {
        match self {
            Shell::Bash => &Bash,
            Shell::Zsh => &Zsh,
            Shell::Fish => &Fish,
            Shell::Powershell => &Powershell,
            Shell::Elvish => &Elvish,
            Shell::Nu => &nu::Nu,
        }
    }
}

impl std::fmt::Display for Shell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.adapter().name())
    }
}

/// Every shell's adapter, for [`clap_complete::CompleteEnv::shells`].
pub const SHELLS: Shells<'static> = Shells(&[&Bash, &Elvish, &Fish, &Powershell, &Zsh, &nu::Nu]);

/// The script that registers gvx's completion in `shell` (what `gvx completions` prints and
/// `gvx setup` installs): it calls `gvx` back with [`VAR`] set on every TAB.
pub fn script(shell: Shell) -> String {
    let mut bytes = Vec::new();
    shell
        .adapter()
        .write_registration(VAR, PROGRAM, PROGRAM, PROGRAM, &mut bytes)
        .expect("writing to memory cannot fail");
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    if shell == Shell::Zsh {
        // Autoloaded from `fpath` as `_gvx`, the file's body runs on the first TAB: it defines
        // the completer and registers it, and must then also answer that first TAB.
        text.push_str(
            "if [[ ${funcstack[1]-} == _gvx ]]; then _clap_dynamic_completer_gvx \"$@\"; fi\n",
        );
    }
    text
}

/// Installed versions in every store (the user's and the shared ones), newest first.
pub fn installed() -> Vec<CompletionCandidate> {
    versions(installed_versions())
}

/// The lines of the installed versions (`1.22`), newest first, for `gvx upgrade`.
pub fn installed_lines() -> Vec<CompletionCandidate> {
    let mut lines: Vec<(u64, u64)> = installed_versions().iter().map(GoVersion::line).collect();
    lines.sort_unstable_by(|a, b| b.cmp(a));
    lines.dedup();
    lines
        .into_iter()
        .map(|(major, minor)| CompletionCandidate::new(format!("{major}.{minor}")))
        .collect()
}

/// The releases of the cached download index with an archive for this host, newest first:
/// stable ones, and pre-releases once the word typed so far names one (`1.24rc`). Never the
/// network: without a cache there is nothing to offer.
pub fn cached_releases(current: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    let Ok(store) = Store::from_env() else {
        return Vec::new();
    };
    let Some(index) = crate::index::cached_only(&store, &crate::platform::Host::current()) else {
        return Vec::new();
    };
    let typed = current.to_string_lossy();
    let typed = typed.strip_prefix("go").unwrap_or(&typed);
    let pre = typed.contains(|c: char| c.is_ascii_alphabetic());
    versions(
        index
            .releases
            .iter()
            .filter(|r| r.archive.is_some() && (r.stable || pre))
            .map(|r| r.version)
            .collect(),
    )
    .into_iter()
    .filter(|c| c.get_value().to_string_lossy().starts_with(typed))
    .collect()
}

fn installed_versions() -> Vec<GoVersion> {
    Store::from_env()
        .ok()
        .and_then(|store| store.installed().ok())
        .unwrap_or_default()
}

fn versions(mut versions: Vec<GoVersion>) -> Vec<CompletionCandidate> {
    versions.sort_unstable_by(|a, b| b.cmp(a));
    versions
        .into_iter()
        .map(|v| CompletionCandidate::new(v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_has_a_registration_that_calls_gvx_back() {
        for shell in <Shell as clap::ValueEnum>::value_variants() {
            let text = script(*shell);
            assert!(text.contains(VAR), "{shell}:\n{text}");
            assert!(text.contains("gvx"), "{shell}:\n{text}");
        }
        assert!(script(Shell::Zsh).starts_with("#compdef gvx\n"));
    }

    #[test]
    fn shell_names_match_clap_complete() {
        for shell in <Shell as clap::ValueEnum>::value_variants() {
            let name = shell.to_string();
            assert!(SHELLS.completer(&name).is_some(), "{name}");
            let value = clap::ValueEnum::to_possible_value(shell).unwrap();
            assert_eq!(value.get_name(), name);
        }
    }
}
