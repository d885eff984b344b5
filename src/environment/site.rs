//! Where the user's shells keep their files: home, `ZDOTDIR`, the XDG directories, nushell's
//! data directory, and which shells are installed. Computed from a [`Process`], so tests build
//! their own.

use super::Process;
use crate::shell::{self, Shell};
use gvx_shims::Store;
use std::path::{Path, PathBuf};

/// Makes the completion script for a shell. The command line defines it and hands it down,
/// so nothing here calls up into the CLI.
pub type Completions = fn(crate::completion::Shell) -> String;

#[derive(Clone, Debug)]
pub struct Site {
    pub home: PathBuf,
    pub store: Store,
    /// `ZDOTDIR`, else the home directory.
    pub zdotdir: PathBuf,
    /// `XDG_CONFIG_HOME`, else `~/.config`.
    pub config_home: PathBuf,
    /// `XDG_DATA_HOME`, else `~/.local/share`.
    pub data_home: PathBuf,
    /// `XDG_DATA_HOME` was set (nushell then keeps its data there on every OS).
    pub xdg_data: bool,
    /// Shells found on PATH or through their configuration directories.
    pub shells: Vec<Shell>,
    pub completions: Completions,
    /// The variables `%VAR%` entries of the Windows user Path expand with.
    pub process: Process,
}

impl Site {
    /// `None` without a home directory.
    pub fn new(process: &Process, store: &Store, completions: Completions) -> Option<Site> {
        let home = process.home()?;
        let xdg_data = process.dir("XDG_DATA_HOME");
        let mut site = Site {
            zdotdir: process.dir("ZDOTDIR").unwrap_or_else(|| home.clone()),
            config_home: process
                .dir("XDG_CONFIG_HOME")
                .unwrap_or_else(|| home.join(".config")),
            data_home: xdg_data
                .clone()
                .unwrap_or_else(|| home.join(".local").join("share")),
            xdg_data: xdg_data.is_some(),
            home,
            store: store.clone(),
            shells: Vec::new(),
            completions,
            process: process.clone(),
        };
        let dirs = process.path();
        site.shells = installed_shells(&site, &|name| {
            let exe = format!("{name}{}", std::env::consts::EXE_SUFFIX);
            dirs.iter().any(|d| d.join(&exe).is_file())
        });
        Some(site)
    }

    pub fn has(&self, shell: Shell) -> bool {
        self.shells.contains(&shell)
    }

    /// The snippet for `shell`, exporting `GVX_HOME` only for a store outside `~/.gvx`.
    pub fn snippet(&self, shell: Shell) -> String {
        shell.env_snippet(&self.store, Some(&self.home))
    }

    /// A variable's value, for expanding `%VAR%`.
    pub fn var(&self, name: &str) -> Option<String> {
        self.process.var(name)
    }

    /// `~/…` for messages.
    pub fn show(&self, path: &Path) -> String {
        shell::tilde(path, &self.home)
    }

    /// `$nu.data-dir`: `$XDG_DATA_HOME/nushell`, else the platform's data directory.
    pub fn nu_data_dir(&self) -> PathBuf {
        if !self.xdg_data && cfg!(target_os = "macos") {
            return self
                .home
                .join("Library")
                .join("Application Support")
                .join("nushell");
        }
        self.data_home.join("nushell")
    }
}

/// Shells on PATH, or whose configuration exists (a shell installed somewhere PATH misses). On
/// Windows, PowerShell, which is part of the system.
fn installed_shells(site: &Site, on_path: &dyn Fn(&str) -> bool) -> Vec<Shell> {
    if cfg!(windows) {
        return vec![Shell::Powershell];
    }
    let checks: [(Shell, &str, Vec<PathBuf>); 4] = [
        (Shell::Bash, "bash", vec![site.home.join(".bashrc")]),
        (
            Shell::Zsh,
            "zsh",
            vec![site.zdotdir.join(".zshrc"), site.zdotdir.join(".zshenv")],
        ),
        (Shell::Fish, "fish", vec![site.config_home.join("fish")]),
        (
            Shell::Nu,
            "nu",
            vec![site.config_home.join("nushell"), site.nu_data_dir()],
        ),
    ];
    checks
        .into_iter()
        .filter(|(_, name, files)| on_path(name) || files.iter().any(|f| f.exists()))
        .map(|(shell, _, _)| shell)
        .collect()
}
