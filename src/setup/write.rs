//! Carrying out a [`Plan`]: every file or none. Read-only files are refused before anything is
//! written; a file's first edit is backed up to `<GVX_HOME>/backups/setup/`; each new text is staged
//! in a temporary file beside the real one (symlinks such as a dotfiles-managed `~/.bashrc` are
//! followed, never replaced) and renamed over it once all are staged. Also `--dry-run`'s view.

use super::{Change, Kind, Plan, Site, os};
use crate::error::{Error, Exit, Result};
use std::path::{Path, PathBuf};

/// What [`apply`] did besides the edits.
#[derive(Debug, Default)]
pub struct Applied {
    /// `(file, backup)` for each file backed up before its first edit.
    pub backups: Vec<(PathBuf, PathBuf)>,
    /// What changed outside files (the Windows user PATH), as status lines.
    pub registry: Vec<String>,
}

/// Writes every change of `plan`, or none of them.
pub fn apply(site: &Site, plan: &Plan) -> Result<Applied> {
    let mut real = Vec::new();
    for change in &plan.changes {
        real.push(writable(site, change, plan.undo)?);
    }
    let mut applied = Applied::default();
    for change in &plan.changes {
        if let Some(backup) = backup(site, change)? {
            applied.backups.push((change.path.clone(), backup));
        }
    }
    let mut staged = Vec::new();
    for (change, real) in plan.changes.iter().zip(&real) {
        if let Some(after) = &change.after {
            let temp = stage(real, after, change.before.is_some()).map_err(|e| {
                Error::new(
                    Exit::Environment,
                    format!("cannot write {}: {e}", site.show(real)),
                )
                .hint("gvx setup changed nothing")
            })?;
            staged.push((temp, real.clone()));
        }
    }
    let mut done: Vec<String> = Vec::new();
    let unfinished = |message: String, done: &[String]| {
        let hint = if done.is_empty() {
            "gvx setup changed nothing".to_owned()
        } else {
            format!("already changed: {}", done.join(", "))
        };
        Error::new(Exit::Environment, message).hint(hint)
    };
    for (temp, real) in staged {
        temp.persist(&real).map_err(|e| {
            unfinished(
                format!("cannot write {}: {}", site.show(&real), e.error),
                &done,
            )
        })?;
        done.push(site.show(&real));
    }
    for (change, real) in plan.changes.iter().zip(&real) {
        if change.after.is_none() && change.before.is_some() {
            fs_err::remove_file(real).map_err(|e| unfinished(e.to_string(), &done))?;
            done.push(site.show(real));
        }
    }
    if let Some(edit) = &plan.path_edit {
        applied.registry = os::apply_user_path(edit)?;
    }
    Ok(applied)
}

/// The file to write (a symlink's target), refusing read-only files.
fn writable(site: &Site, change: &Change, undo: bool) -> Result<PathBuf> {
    let path = &change.path;
    let is_link = fs_err::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let real = if is_link {
        fs_err::canonicalize(path).map_err(|e| {
            Error::new(Exit::Environment, e.to_string())
                .hint("the symlink points nowhere; gvx setup changed nothing")
        })?
    } else {
        path.clone()
    };
    if change.before.is_none() {
        return Ok(real);
    }
    let read_only = fs_err::metadata(&real).is_ok_and(|m| m.permissions().readonly())
        || fs_err::OpenOptions::new()
            .append(true)
            .open(&real)
            .is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied);
    if read_only {
        let how = if undo {
            "remove the gvx block yourself".to_owned()
        } else {
            by_hand(&change.target)
        };
        return Err(Error::new(
            Exit::Environment,
            format!("cannot change {}: the file is read-only", site.show(&real)),
        )
        .hint(format!(
            "gvx setup changed nothing; make it writable and run it again, or {how}"
        )));
    }
    Ok(real)
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

/// Copies a user's file to `<GVX_HOME>/backups/setup/<path under home>` before gvx first edits
/// it.
fn backup(site: &Site, change: &Change) -> Result<Option<PathBuf>> {
    let (Some(before), Some(_)) = (&change.before, &change.after) else {
        return Ok(None);
    };
    if change.target.kind != Kind::Block || !matches!(super::block::find(before), Ok(None)) {
        return Ok(None);
    }
    let relative: PathBuf = match change.path.strip_prefix(&site.home) {
        Ok(rest) => rest.to_owned(),
        Err(_) => change
            .path
            .components()
            .filter(|c| matches!(c, std::path::Component::Normal(_)))
            .collect(),
    };
    let backup = site
        .store
        .home()
        .join("backups")
        .join("setup")
        .join(relative);
    if let Some(dir) = backup.parent() {
        fs_err::create_dir_all(dir).map_err(|e| crate::storefs::write_error(e, "gvx setup"))?;
    }
    fs_err::write(&backup, before).map_err(|e| crate::storefs::write_error(e, "gvx setup"))?;
    Ok(Some(backup))
}

/// Writes `bytes` to a temporary file beside `real`, with `real`'s permissions.
fn stage(real: &Path, bytes: &[u8], exists: bool) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = real.parent().unwrap_or(Path::new("."));
    fs_err::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".gvx-setup-")
        .tempfile_in(dir)?;
    std::io::Write::write_all(&mut temp, bytes)?;
    temp.as_file().sync_all()?;
    let permissions = if exists {
        Some(fs_err::metadata(real)?.permissions())
    } else {
        os::new_file_permissions()
    };
    if let Some(permissions) = permissions {
        fs_err::set_permissions(temp.path(), permissions)?;
    }
    Ok(temp)
}

/// The exact edits, for `--dry-run`.
pub fn describe(site: &Site, plan: &Plan) -> String {
    let mut out = String::new();
    for change in &plan.changes {
        let verb = match (&change.before, &change.after) {
            (None, _) => "create",
            (Some(_), None) => "delete",
            (Some(_), Some(_)) => "edit",
        };
        out.push_str(&format!(
            "{verb} {} ({})\n",
            site.show(&change.path),
            change.target.reader
        ));
        if let Some(summary) = &change.target.summary {
            if change.after.is_some() {
                out.push_str(&format!("  contents: {summary}\n"));
            }
            continue;
        }
        let before = change.before.as_deref().unwrap_or_default();
        let after = change.after.as_deref().unwrap_or_default();
        out.push_str(&line_diff(before, after));
    }
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

/// The changed lines between the common first and last lines, as `@@ line N` then `-`/`+`.
fn line_diff(before: &[u8], after: &[u8]) -> String {
    let split = |b: &[u8]| -> Vec<String> {
        b.split_inclusive(|&c| c == b'\n')
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect()
    };
    let (old, new) = (split(before), split(after));
    let bare = |l: &String| l.trim_end_matches(['\n', '\r']).to_owned();
    let head = old
        .iter()
        .zip(&new)
        .take_while(|(a, b)| bare(a) == bare(b))
        .count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = format!("  @@ line {}\n", head + 1);
    if head > 0 && old[head - 1] != new[head - 1] {
        let verb = if new[head - 1].ends_with('\n') {
            "adds"
        } else {
            "removes"
        };
        out.push_str(&format!(
            "  ({verb} the newline at the end of line {head})\n"
        ));
    }
    // Removed lines come from the user's file (an old or edited block): shown safely.
    for line in &old[head..old.len() - tail] {
        out.push_str(&format!("-{}\n", gvx_shims::text::untrusted(&bare(line))));
    }
    for line in &new[head..new.len() - tail] {
        out.push_str(&format!("+{}\n", bare(line)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::line_diff;

    #[test]
    fn diff_shows_only_the_block() {
        let diff = line_diff(b"a\nb", b"a\nb\n# >>> gvx\nx\n");
        assert_eq!(
            diff,
            "  @@ line 3\n  (adds the newline at the end of line 2)\n+# >>> gvx\n+x\n"
        );
        assert_eq!(line_diff(b"a\nx\nb\n", b"a\nb\n"), "  @@ line 2\n-x\n");
    }
}
