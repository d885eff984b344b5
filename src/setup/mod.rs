//! `gvx setup`: put `<GVX_HOME>/bin` first on PATH in every shell the user has, install tab
//! completions where each shell looks, and take it all back with `--undo`.
//!
//! The work is split in two: [`plan`] reads the files and computes every change (nothing is
//! written, so `--dry-run` prints exactly what [`apply`] would do), and [`apply`] writes them
//! all or none. Each start-up file gets one marked block ([`block`]) and nothing else; files
//! gvx owns outright (fish's `conf.d/gvx.fish`, completion scripts) carry [`OWNED_MARK`]. The
//! operating system decides which files those are: `unix.rs` (rc files) and `windows.rs` (the
//! PowerShell profile; the user PATH in the registry) expose the same functions.

pub mod ci;
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
use std::path::PathBuf;

pub use crate::environment::Site;
use crate::environment::apply::read;
use crate::environment::block;
pub use crate::environment::conflicts::{self, Conflict};
pub use crate::environment::user_path::PathChange;
pub use write::{apply, describe};

/// A line in every file gvx writes whole; `--undo` deletes only files that carry it.
pub const OWNED_MARK: &str = "Written by `gvx setup`; `gvx setup --undo` deletes this file.";

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
    pub fn completion(
        site: &Site,
        path: PathBuf,
        shell: crate::completion::Shell,
        reader: &str,
    ) -> Target {
        let mut target = Target::owned(path, &(site.completions)(shell), reader);
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

/// Everything one `gvx setup` (or `--undo`) run would do.
#[derive(Debug, Default)]
pub struct Plan {
    pub undo: bool,
    pub changes: Vec<Change>,
    /// Managed files already as they should be.
    pub unchanged: Vec<Target>,
    /// Files left alone, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    pub path_edit: Option<PathChange>,
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
