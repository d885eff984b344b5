//! Carrying out [`Edit`]s: the one writer of the user's files and registry values.
//!
//! Every file or none: each file is checked first (still what the editor read, writable; a
//! symlink such as a dotfiles-managed `~/.bashrc` is followed, never replaced), backed up, its
//! new text staged in a temporary file beside it and renamed over it once all are staged.
//! Registry values are checked the same way before each is written. What was done is returned
//! as a [`Journal`], which [`undo`] reverses byte for byte.

use super::edit::{Edit, FileEdit, RegistryEdit};
use crate::error::{Error, Exit, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Component, Path, PathBuf};

/// Where files are copied before their first change, and how.
#[derive(Debug)]
pub struct Backups {
    dir: PathBuf,
    home: PathBuf,
    /// Keep one copy per file, replaced on each run (`gvx setup`'s first-edit copies); else a
    /// numbered copy beside an existing one.
    replace: bool,
}

impl Backups {
    /// Copies go to `dir/<path under home>`.
    pub fn new(dir: PathBuf, home: PathBuf, replace: bool) -> Backups {
        Backups { dir, home, replace }
    }

    fn save(&self, path: &Path, bytes: &[u8]) -> std::io::Result<PathBuf> {
        let relative: PathBuf = match path.strip_prefix(&self.home) {
            Ok(rest) => rest.to_owned(),
            Err(_) => path
                .components()
                .filter(|c| matches!(c, Component::Normal(_)))
                .collect(),
        };
        let mut copy = self.dir.join(&relative);
        let mut n = 1;
        while !self.replace && copy.exists() {
            copy = self.dir.join(format!("{}.{n}", relative.display()));
            n += 1;
        }
        if let Some(parent) = copy.parent() {
            fs_err::create_dir_all(parent)?;
        }
        fs_err::write(&copy, bytes)?;
        Ok(copy)
    }
}

/// What [`apply`] did, enough to take it back.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Journal {
    pub entries: Vec<Entry>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Entry {
    /// `path` (the real file written) was changed: it `existed` before, its old bytes are in
    /// `backup`, and its new bytes hash to `after` (`None`: it was deleted).
    File {
        path: PathBuf,
        existed: bool,
        backup: Option<PathBuf>,
        after: Option<String>,
    },
    Registry(RegistryEdit),
    Dir(PathBuf),
    Move {
        from: PathBuf,
        to: PathBuf,
    },
}

/// The journal's file name in a run's backups directory; renamed to [`UNDONE`] once undone.
pub const JOURNAL: &str = "undo.json";
pub const UNDONE: &str = "undone.json";

impl Journal {
    /// Writes the journal into `dir` (a run's backups directory, inside the store).
    pub fn save(&self, dir: &Path) -> Result<()> {
        let text = serde_json::to_vec_pretty(self).unwrap_or_default();
        fs_err::create_dir_all(dir)
            .and_then(|()| fs_err::write(dir.join(JOURNAL), text))
            .map_err(|e| {
                Error::new(Exit::Store, "cannot record what was changed")
                    .source(e)
                    .hint("it cannot be undone automatically; the backups are kept")
            })
    }

    /// The journal kept in `dir`.
    pub fn load(dir: &Path, show: &dyn Fn(&Path) -> String) -> Result<Journal> {
        let file = dir.join(JOURNAL);
        let bytes = fs_err::read(&file).map_err(|e| {
            Error::new(Exit::Store, "cannot read the record of what was changed").source(e)
        })?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Error::new(Exit::Store, format!("{} is damaged: {e}", show(&file))).hint(format!(
                "the backups in {} are the files as they were",
                show(dir)
            ))
        })
    }

    /// Marks the journal in `dir` as undone, so the next undo does not take it back twice.
    pub fn mark_undone(dir: &Path) -> Result<()> {
        fs_err::rename(dir.join(JOURNAL), dir.join(UNDONE)).map_err(|e| {
            Error::new(Exit::Store, "cannot mark the change undone")
                .source(e)
                .hint("do not undo it again: it is undone already")
        })
    }

    /// `(file, backup)` for every file copied before its change.
    pub fn backups(&self) -> Vec<(PathBuf, PathBuf)> {
        self.entries
            .iter()
            .filter_map(|e| match e {
                Entry::File {
                    path,
                    backup: Some(b),
                    ..
                } => Some((path.clone(), b.clone())),
                _ => None,
            })
            .collect()
    }
}

/// Says who is writing, in errors: "gvx setup", "gvx doctor --fix".
pub struct Writer<'a> {
    pub name: &'a str,
    pub show: &'a dyn Fn(&Path) -> String,
}

/// Carries out `edits`: files all or none, then registry values, directories and moves.
pub fn apply(edits: &[Edit], backups: Option<&Backups>, who: &Writer) -> Result<Journal> {
    let files: Vec<&FileEdit> = edits
        .iter()
        .filter_map(|e| match e {
            Edit::File(f) => Some(f),
            _ => None,
        })
        .collect();
    let mut real = Vec::new();
    for file in &files {
        real.push(checked(file, who)?);
    }
    let mut journal = Journal::default();
    let mut saved = Vec::new();
    for (file, real) in files.iter().zip(&real) {
        let backup = match (&file.before, backups) {
            (Some(before), Some(backups)) if file.backup => {
                Some(backups.save(&file.path, before).map_err(|e| {
                    Error::new(Exit::Store, format!("cannot back up {}", (who.show)(real)))
                        .source(e)
                        .hint(format!("{} changed nothing", who.name))
                })?)
            }
            _ => None,
        };
        saved.push(backup);
    }
    let mut journal_dirs = Vec::new();
    let mut staged = Vec::new();
    for (file, real) in files.iter().zip(&real) {
        if let Some(after) = &file.after {
            journal_dirs.extend(missing_dirs(real));
            let temp = stage(real, after, file.before.is_some()).map_err(|e| {
                Error::new(
                    Exit::Environment,
                    format!("cannot write {}", (who.show)(real)),
                )
                .source(e)
                .hint(format!("{} changed nothing", who.name))
            })?;
            staged.push((temp, real.clone()));
        }
    }
    let mut done: Vec<String> = Vec::new();
    let unfinished = |message: String, done: &[String]| {
        let hint = if done.is_empty() {
            format!("{} changed nothing", who.name)
        } else {
            format!("already changed: {}", done.join(", "))
        };
        Error::new(Exit::Environment, message).hint(hint)
    };
    for (temp, real) in staged {
        temp.persist(&real).map_err(|e| {
            unfinished(
                format!("cannot write {}: {}", (who.show)(&real), e.error),
                &done,
            )
        })?;
        done.push((who.show)(&real));
    }
    for (file, real) in files.iter().zip(&real) {
        if file.after.is_none() && file.before.is_some() {
            fs_err::remove_file(real).map_err(|e| unfinished(e.to_string(), &done))?;
            done.push((who.show)(real));
        }
    }
    journal
        .entries
        .extend(journal_dirs.into_iter().map(Entry::Dir));
    for ((file, real), backup) in files.iter().zip(&real).zip(saved) {
        journal.entries.push(Entry::File {
            path: real.clone(),
            existed: file.before.is_some(),
            backup,
            after: file.after.as_deref().map(digest),
        });
    }
    let mut environment_changed = false;
    for edit in edits {
        match edit {
            Edit::File(_) => continue,
            Edit::Registry(value) => {
                super::registry::write(value)
                    .map_err(|e| unfinished(e.message().to_owned(), &done))?;
                environment_changed |= value.key.eq_ignore_ascii_case("Environment")
                    || value.key.eq_ignore_ascii_case("Volatile Environment");
                journal.entries.push(Entry::Registry(value.clone()));
            }
            Edit::Dir(path) => {
                if path.is_dir() {
                    continue;
                }
                let mut created = missing_dirs(path);
                created.push(path.clone());
                fs_err::create_dir_all(path).map_err(|e| unfinished(e.to_string(), &done))?;
                journal.entries.extend(created.into_iter().map(Entry::Dir));
            }
            Edit::Move { from, to } => {
                move_file(from, to).map_err(|e| unfinished(e.to_string(), &done))?;
                journal.entries.push(Entry::Move {
                    from: from.clone(),
                    to: to.clone(),
                });
            }
        }
        done.push(edit.place(who.show));
    }
    if environment_changed {
        super::registry::broadcast();
    }
    Ok(journal)
}

/// The edits that take `journal` back, each checked against what is there now: a file
/// changed since is refused, not overwritten.
pub fn undo(journal: &Journal, who: &Writer) -> Result<Vec<Edit>> {
    let mut edits = Vec::new();
    for entry in journal.entries.iter().rev() {
        match entry {
            Entry::File {
                path,
                existed,
                backup,
                after,
            } => {
                let now = read(path)?;
                if now.as_deref().map(digest) != *after {
                    return Err(Error::new(
                        Exit::Environment,
                        format!(
                            "{} was changed after gvx edited it, so it is left as it is",
                            (who.show)(path)
                        ),
                    )
                    .hint(match backup {
                        Some(b) => format!(
                            "nothing was undone; the copy from before is {}",
                            (who.show)(b)
                        ),
                        None => "nothing was undone".to_owned(),
                    }));
                }
                let before = match (existed, backup) {
                    (false, _) => None,
                    (true, Some(b)) => Some(fs_err::read(b).map_err(|e| {
                        Error::new(Exit::Store, "cannot read the backup")
                            .source(e)
                            .hint("nothing was undone")
                    })?),
                    (true, None) => {
                        return Err(Error::new(
                            Exit::Environment,
                            format!("{} was not backed up", (who.show)(path)),
                        )
                        .hint("nothing was undone"));
                    }
                };
                edits.push(Edit::File(FileEdit {
                    path: path.clone(),
                    before: now,
                    after: before,
                    reader: String::new(),
                    summary: None,
                    backup: false,
                    by_hand: None,
                }));
            }
            Entry::Registry(value) => edits.push(Edit::Registry(value.inverse())),
            Entry::Dir(_) => {}
            Entry::Move { from, to } => edits.push(Edit::Move {
                from: to.clone(),
                to: from.clone(),
            }),
        }
    }
    Ok(edits)
}

/// Removes the directories a journal created, if they are still empty (after [`undo`]'s edits
/// ran).
pub fn remove_created_dirs(journal: &Journal) {
    for entry in journal.entries.iter().rev() {
        if let Entry::Dir(path) = entry {
            let _ = std::fs::remove_dir(path);
        }
    }
}

/// The directories above `file` that do not exist yet, outermost first (writing `file`
/// creates them, and undoing it removes them again).
fn missing_dirs(file: &Path) -> Vec<PathBuf> {
    let mut missing: Vec<PathBuf> = file
        .ancestors()
        .skip(1)
        .take_while(|dir| !dir.as_os_str().is_empty() && !dir.exists())
        .map(Path::to_path_buf)
        .collect();
    missing.reverse();
    missing
}

fn digest(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The file's bytes, `None` when it does not exist.
pub fn read(path: &Path) -> Result<Option<Vec<u8>>> {
    match fs_err::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(Exit::Environment, "read", path, e)),
    }
}

/// The file to write (a symlink's target), refusing a file that changed since it was read or
/// cannot be written.
fn checked(file: &FileEdit, who: &Writer) -> Result<PathBuf> {
    let path = &file.path;
    let is_link = fs_err::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let real = if is_link {
        fs_err::canonicalize(path).map_err(|e| {
            Error::new(Exit::Environment, e.to_string()).hint(format!(
                "the symlink points nowhere; {} changed nothing",
                who.name
            ))
        })?
    } else {
        path.clone()
    };
    if file.before.is_none() && file.after.is_none() {
        return Ok(real);
    }
    let now = read(&real)?;
    if now != file.before {
        return Err(Error::new(
            Exit::Environment,
            format!("{} changed while {} ran", (who.show)(&real), who.name),
        )
        .hint(format!("{} changed nothing; run it again", who.name)));
    }
    if file.before.is_none() {
        return Ok(real);
    }
    let read_only = fs_err::metadata(&real).is_ok_and(|m| m.permissions().readonly())
        || fs_err::OpenOptions::new()
            .append(true)
            .open(&real)
            .is_err_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied);
    if read_only {
        return Err(Error::new(
            Exit::Environment,
            format!("cannot change {}: the file is read-only", (who.show)(&real)),
        )
        .hint(format!(
            "{} changed nothing; make it writable and run it again{}",
            who.name,
            file.by_hand
                .as_ref()
                .map_or(String::new(), |how| format!(", or {how}"))
        )));
    }
    Ok(real)
}

/// Writes `bytes` to a temporary file beside `real`, with `real`'s permissions (a new file:
/// readable by all, like a shell's own `> file`, on Unix; the directory's ACL on Windows).
fn stage(real: &Path, bytes: &[u8], exists: bool) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = real.parent().unwrap_or(Path::new("."));
    fs_err::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".gvx-edit-")
        .tempfile_in(dir)?;
    std::io::Write::write_all(&mut temp, bytes)?;
    temp.as_file().sync_all()?;
    if exists {
        fs_err::set_permissions(temp.path(), fs_err::metadata(real)?.permissions())?;
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs_err::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o644))?;
        }
    }
    Ok(temp)
}

fn move_file(from: &Path, to: &Path) -> std::io::Result<()> {
    if let Some(parent) = to.parent() {
        fs_err::create_dir_all(parent)?;
    }
    if fs_err::rename(from, to).is_err() {
        fs_err::copy(from, to)?;
        fs_err::remove_file(from)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer() -> Writer<'static> {
        Writer {
            name: "gvx test",
            show: &|p: &Path| p.display().to_string(),
        }
    }

    fn edit(path: &Path, before: Option<&[u8]>, after: Option<&[u8]>) -> Edit {
        Edit::File(FileEdit {
            path: path.to_owned(),
            before: before.map(<[u8]>::to_vec),
            after: after.map(<[u8]>::to_vec),
            reader: "test".into(),
            summary: None,
            backup: true,
            by_hand: None,
        })
    }

    #[test]
    fn apply_then_undo_puts_every_byte_back() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let edited = home.join("rc");
        let deleted = home.join("old");
        let created = home.join("sub/new");
        let made = home.join("made/dir");
        fs_err::create_dir_all(&home).unwrap();
        fs_err::write(&edited, b"a\r\nb").unwrap();
        fs_err::write(&deleted, b"gone").unwrap();
        let backups = Backups::new(dir.path().join("backups"), home.clone(), false);
        let edits = [
            edit(&edited, Some(b"a\r\nb"), Some(b"a\r\nb\nc\n")),
            edit(&deleted, Some(b"gone"), None),
            edit(&created, None, Some(b"new\n")),
            Edit::Dir(made.clone()),
        ];
        let journal = apply(&edits, Some(&backups), &writer()).unwrap();
        assert_eq!(fs_err::read(&edited).unwrap(), b"a\r\nb\nc\n");
        assert!(!deleted.exists() && created.is_file() && made.is_dir());
        assert_eq!(
            fs_err::read(dir.path().join("backups/rc")).unwrap(),
            b"a\r\nb"
        );
        let text = serde_json::to_string(&journal).unwrap();
        let journal: Journal = serde_json::from_str(&text).unwrap();
        let back = undo(&journal, &writer()).unwrap();
        apply(&back, None, &writer()).unwrap();
        remove_created_dirs(&journal);
        assert_eq!(fs_err::read(&edited).unwrap(), b"a\r\nb");
        assert_eq!(fs_err::read(&deleted).unwrap(), b"gone");
        assert!(!created.exists() && !made.exists());
        assert!(!home.join("sub").exists() && !home.join("made").exists());
    }

    #[test]
    fn nothing_is_written_when_one_file_changed_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let (one, two) = (dir.path().join("one"), dir.path().join("two"));
        fs_err::write(&one, b"1").unwrap();
        fs_err::write(&two, b"edited by someone else").unwrap();
        let edits = [
            edit(&one, Some(b"1"), Some(b"1+")),
            edit(&two, Some(b"2"), Some(b"2+")),
        ];
        let e = apply(&edits, None, &writer()).unwrap_err();
        assert!(e.message().contains("changed while gvx test ran"), "{e:?}");
        assert_eq!(fs_err::read(&one).unwrap(), b"1");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_file_is_written_through_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles-rc");
        let link = dir.path().join("rc");
        fs_err::write(&real, b"x\n").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        apply(&[edit(&link, Some(b"x\n"), Some(b"y\n"))], None, &writer()).unwrap();
        assert!(link.is_symlink());
        assert_eq!(fs_err::read(&real).unwrap(), b"y\n");
    }

    #[test]
    fn an_undo_refuses_a_file_changed_since() {
        let dir = tempfile::tempdir().unwrap();
        let rc = dir.path().join("rc");
        fs_err::write(&rc, b"a").unwrap();
        let backups = Backups::new(dir.path().join("b"), dir.path().to_owned(), false);
        let journal = apply(
            &[edit(&rc, Some(b"a"), Some(b"ab"))],
            Some(&backups),
            &writer(),
        )
        .unwrap();
        fs_err::write(&rc, b"abc").unwrap();
        let e = undo(&journal, &writer()).unwrap_err();
        assert!(
            e.message().contains("was changed after gvx edited it"),
            "{e:?}"
        );
    }

    #[cfg(not(windows))]
    #[test]
    fn registry_edits_fail_off_windows() {
        let value = RegistryEdit {
            key: "Environment".into(),
            name: "Path".into(),
            before: None,
            after: Some(super::super::RegData::Sz("x".into())),
        };
        assert!(apply(&[Edit::Registry(value)], None, &writer()).is_err());
    }
}
