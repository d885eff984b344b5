//! `gvx setup`: put `<GVX_HOME>/bin` first on PATH in every shell the user has, install tab
//! completions where each shell looks, and take it all back with `--undo`.
//!
//! The work is split in two: [`plan`] reads the files and computes every change (nothing is
//! written, so `--dry-run` prints exactly what [`apply`] would do), and [`apply`] writes them
//! all or none. Each start-up file gets one marked block ([`block`]) and nothing else; files
//! gvx owns outright (fish's `conf.d/gvx.fish`, completion scripts) carry [`OWNED_MARK`]. The
//! operating system decides which files those are: `unix.rs` (rc files) and `windows.rs` (the
//! PowerShell profile; the user PATH in the registry) expose the same functions.

pub mod block;
pub mod conflicts;
mod write;

#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as os;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as os;

use crate::error::{Error, Exit, Result};
use crate::shell::{self, Shell};
use gvx_shims::Store;
use std::path::{Path, PathBuf};

pub use conflicts::Conflict;
pub use write::{apply, describe};

/// A line in every file gvx writes whole; `--undo` deletes only files that carry it.
pub const OWNED_MARK: &str = "Written by `gvx setup`; `gvx setup --undo` deletes this file.";

/// Where things are on this machine: the user's home, the store, the shells' directories and
/// which shells are installed. Read once from the environment so tests can build their own.
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
}

impl Site {
    pub fn from_env(store: &Store) -> Result<Site> {
        let home = shell::user_home().ok_or_else(|| {
            Error::new(Exit::Environment, "cannot find your home directory")
                .hint("set HOME (USERPROFILE on Windows) and run `gvx setup` again")
        })?;
        let dir = |var: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        let xdg_data = dir("XDG_DATA_HOME");
        let mut site = Site {
            zdotdir: dir("ZDOTDIR").unwrap_or_else(|| home.clone()),
            config_home: dir("XDG_CONFIG_HOME").unwrap_or_else(|| home.join(".config")),
            data_home: xdg_data
                .clone()
                .unwrap_or_else(|| home.join(".local").join("share")),
            xdg_data: xdg_data.is_some(),
            home,
            store: store.clone(),
            shells: Vec::new(),
        };
        let path = std::env::var_os("PATH").unwrap_or_default();
        let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
        site.shells = os::installed_shells(&site, &|name| {
            let exe = format!("{name}{}", std::env::consts::EXE_SUFFIX);
            dirs.iter().any(|d| d.join(&exe).is_file())
        });
        Ok(site)
    }

    pub fn has(&self, shell: Shell) -> bool {
        self.shells.contains(&shell)
    }

    /// The snippet for `shell`, exporting `GVX_HOME` only for a store outside `~/.gvx`.
    pub fn snippet(&self, shell: Shell) -> String {
        shell.env_snippet(&self.store, Some(&self.home))
    }

    /// `~/…` for messages.
    pub fn show(&self, path: &Path) -> String {
        shell::tilde(path, &self.home)
    }
}

/// How gvx holds a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The user's file; gvx keeps one marked block in it.
    Block,
    /// gvx's file, written whole.
    Owned,
}

/// A file `gvx setup` manages and what it should contain.
#[derive(Clone, Debug)]
pub struct Target {
    pub path: PathBuf,
    pub kind: Kind,
    /// The block's body, or the owned file's whole text.
    pub text: String,
    /// Who reads it: "interactive bash", "every zsh", …
    pub reader: String,
    /// Said instead of listing the lines in `--dry-run` (long generated scripts).
    pub summary: Option<String>,
}

impl Target {
    pub fn block(path: PathBuf, text: String, reader: &str) -> Target {
        Target {
            path,
            kind: Kind::Block,
            text,
            reader: reader.to_owned(),
            summary: None,
        }
    }

    /// An owned file: `OWNED_MARK` goes on the first line, or the second after a `#compdef`.
    pub fn owned(path: PathBuf, body: &str, reader: &str) -> Target {
        let mark = format!("# {OWNED_MARK}\n");
        let text = match body.split_once('\n') {
            Some((first, rest)) if first.starts_with("#compdef") => {
                format!("{first}\n{mark}{rest}")
            }
            _ => format!("{mark}{body}"),
        };
        Target {
            path,
            kind: Kind::Owned,
            text,
            reader: reader.to_owned(),
            summary: None,
        }
    }

    /// An owned completion script for `shell`.
    pub fn completion(path: PathBuf, shell: clap_complete::Shell, reader: &str) -> Target {
        let mut target = Target::owned(path, &crate::commands::completions::script(shell), reader);
        target.summary = Some(format!("the output of `gvx completions {shell}`"));
        target
    }
}

/// One file to create, rewrite or delete.
#[derive(Clone, Debug)]
pub struct Change {
    pub path: PathBuf,
    /// `None`: the file does not exist yet.
    pub before: Option<Vec<u8>>,
    /// `None`: delete the file.
    pub after: Option<Vec<u8>>,
    pub target: Target,
}

/// A change outside files (the Windows user PATH): shown by `--dry-run`, made by [`apply`].
#[derive(Clone, Debug)]
pub struct PathEdit {
    /// Where the value lives, e.g. `HKCU\Environment\Path`.
    pub place: String,
    pub before: String,
    pub after: String,
}

/// Everything one `gvx setup` (or `--undo`) run would do.
#[derive(Debug, Default)]
pub struct Plan {
    pub undo: bool,
    pub changes: Vec<Change>,
    /// Managed files already as they should be.
    pub unchanged: Vec<Target>,
    /// Files left alone, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    pub path_edit: Option<PathEdit>,
    /// What this OS does not set up (yet), said once.
    pub notes: Vec<String>,
}

/// Reads every managed file and computes the changes; writes nothing.
pub fn plan(site: &Site, undo: bool) -> Result<Plan> {
    let mut plan = Plan {
        undo,
        notes: os::notes(site),
        path_edit: os::user_path(site, undo)?,
        ..Plan::default()
    };
    let targets = if undo {
        os::known_targets(site)
    } else {
        os::targets(site)
    };
    for target in targets {
        let before = read(&target.path)?;
        if target.kind == Kind::Block
            && let Some(Err(why)) = before.as_deref().map(block::check_encoding)
        {
            // Not text gvx edits, so it cannot hold gvx's block (always UTF-8) either.
            let bytes = before.as_deref().unwrap_or_default();
            if !undo {
                plan.skipped.push((
                    target.path.clone(),
                    format!(
                        "{why}, so it is left alone (read by {}); {}",
                        target.reader,
                        write::by_hand(&target)
                    ),
                ));
            } else if block::marker_in_wide_text(bytes) {
                plan.skipped.push((
                    target.path.clone(),
                    format!(
                        "{why}, and it holds a converted gvx block: delete the lines from `{}` \
                         to `{}` yourself",
                        block::START,
                        block::END
                    ),
                ));
            }
            continue;
        }
        let after = match target.kind {
            Kind::Block => block_after(site, &target, before.as_deref(), undo)?,
            Kind::Owned => {
                let foreign = before
                    .as_deref()
                    .is_some_and(|b| !String::from_utf8_lossy(b).contains(OWNED_MARK));
                if foreign {
                    plan.skipped.push((
                        target.path.clone(),
                        "it was not written by gvx setup, so it is left alone".to_owned(),
                    ));
                    continue;
                }
                (!undo).then(|| target.text.clone().into_bytes())
            }
        };
        if before == after {
            if before.is_some() {
                plan.unchanged.push(target);
            }
            continue;
        }
        plan.changes.push(Change {
            path: target.path.clone(),
            before,
            after,
            target,
        });
    }
    Ok(plan)
}

fn block_after(
    site: &Site,
    target: &Target,
    before: Option<&[u8]>,
    undo: bool,
) -> Result<Option<Vec<u8>>> {
    let result = match (undo, before) {
        (true, None) => return Ok(None),
        (true, Some(text)) => block::without_block(text),
        (false, before) => block::with_block(before, &target.text).map(Some),
    };
    result.map_err(|e| {
        Error::new(
            Exit::Environment,
            format!("cannot edit {}: {e}", site.show(&target.path)),
        )
        .hint(format!(
            "fix or remove the gvx block by hand (`{}` … `{}`), then run `gvx setup` again",
            block::START,
            block::END
        ))
    })
}

/// The file's bytes, `None` when it does not exist.
fn read(path: &Path) -> Result<Option<Vec<u8>>> {
    match fs_err::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(Exit::Environment, "read", path, e)),
    }
}

/// Lines in the shells' start-up files that fight gvx (GOROOT, a Go SDK ahead on PATH, …).
pub fn find_conflicts(site: &Site) -> Vec<Conflict> {
    let mut found = Vec::new();
    for path in os::scanned_files(site) {
        if let Ok(Some(text)) = read(&path) {
            found.extend(conflicts::scan(&path, &text, site.store.home()));
        }
    }
    found
}
