//! Carrying out a [`Plan`] through the environment layer's one writer (every file or none,
//! read-only files refused first, symlinks followed, the Windows user Path checked before it is
//! written), with a file's first edit backed up to `<GVX_HOME>/backups/setup/`. Also
//! `--dry-run`'s view.

use super::{Change, Kind, Plan, Site};
use crate::environment::{self, Backups, Edit, FileEdit, Writer, block};
use crate::error::Result;
use std::path::PathBuf;

/// What [`apply`] did besides the edits.
#[derive(Debug, Default)]
pub struct Applied {
    /// `(file, backup)` for each file backed up before its first edit.
    pub backups: Vec<(PathBuf, PathBuf)>,
    /// What changed outside files (the Windows user PATH), as status lines.
    pub registry: Vec<String>,
}

impl Change {
    /// The change as the environment layer's writer takes it. Only a file's first edit (no gvx
    /// block in it yet) is backed up: that copy is the file as it was before gvx.
    pub fn edit(&self) -> FileEdit {
        let first = self.target.kind == Kind::Block
            && self.after.is_some()
            && self
                .before
                .as_deref()
                .is_some_and(|b| matches!(block::find(b), Ok(None)));
        FileEdit {
            path: self.path.clone(),
            before: self.before.clone(),
            after: self.after.clone(),
            reader: self.target.reader.clone(),
            summary: self.target.summary.clone(),
            backup: first,
            by_hand: Some(if self.after.is_none() {
                "remove the gvx block yourself".to_owned()
            } else {
                by_hand(&self.target)
            }),
        }
    }
}

/// Every edit of `plan`: the files, then the Windows user Path and gvx's record of it.
pub fn edits(plan: &Plan) -> Vec<Edit> {
    let mut edits: Vec<Edit> = plan.changes.iter().map(|c| Edit::File(c.edit())).collect();
    if let Some(change) = &plan.path_edit {
        edits.extend(change.edits.iter().cloned().map(Edit::Registry));
    }
    edits
}

/// Writes every change of `plan`, or none of them.
pub fn apply(site: &Site, plan: &Plan) -> Result<Applied> {
    let backups = Backups::new(
        site.store.home().join("backups").join("setup"),
        site.home.clone(),
        true,
    );
    let show = |p: &std::path::Path| site.show(p);
    let writer = Writer {
        name: "gvx setup",
        show: &show,
    };
    let journal = environment::apply(&edits(plan), Some(&backups), &writer)?;
    let backups = journal
        .backups()
        .into_iter()
        .map(|(real, backup)| {
            let asked = plan
                .changes
                .iter()
                .find(|c| c.path == real || std::fs::canonicalize(&c.path).is_ok_and(|p| p == real))
                .map_or(real, |c| c.path.clone());
            (asked, backup)
        })
        .collect();
    Ok(Applied {
        backups,
        registry: plan
            .path_edit
            .as_ref()
            .map(|c| c.said.clone())
            .unwrap_or_default(),
    })
}

/// What to do instead of gvx setup editing `target`: "add the lines yourself (…)".
pub(super) fn by_hand(target: &super::Target) -> String {
    let name = target.path.file_name().and_then(|n| n.to_str());
    let shell = match target.path.extension().and_then(|e| e.to_str()) {
        Some("fish") => "fish",
        Some("ps1") => "powershell",
        Some("nu") => "nu",
        _ if name == Some(".profile") => "sh",
        _ if name.is_some_and(|n| n.starts_with(".z")) => "zsh",
        _ => "bash",
    };
    format!("add the lines yourself (`gvx env --shell {shell}` prints them)")
}

/// The exact edits, for `--dry-run`.
pub fn describe(site: &Site, plan: &Plan) -> String {
    let files: Vec<Edit> = plan.changes.iter().map(|c| Edit::File(c.edit())).collect();
    let mut out = environment::edit::describe(&files, &|p| site.show(p));
    if let Some(edit) = &plan.path_edit {
        out.push_str(&format!(
            "set {}\n-{}\n+{}\n",
            edit.place, edit.before, edit.after
        ));
    }
    for target in &plan.unchanged {
        if !plan.undo {
            out.push_str(&format!("unchanged {}\n", site.show(&target.path)));
        }
    }
    if plan.changes.is_empty() && plan.path_edit.is_none() {
        out.push_str("nothing to change\n");
    }
    out
}
