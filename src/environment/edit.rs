//! A change gvx makes outside its store, as data. The editors compute edits from what they read
//! (nothing is written then), `--dry-run` shows them ([`describe`]), [`super::apply`] carries
//! them out all or none, and the journal it writes lets `undo` put every byte back.

pub use crate::platform::windows_env::RegData;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    File(FileEdit),
    Registry(RegistryEdit),
    /// Create a directory (and its missing parents).
    Dir(PathBuf),
    /// Move a file out of the way (a tool left in an SDK's `bin`).
    Move {
        from: PathBuf,
        to: PathBuf,
    },
}

/// A file's whole text, before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdit {
    pub path: PathBuf,
    /// `None`: the file does not exist yet.
    pub before: Option<Vec<u8>>,
    /// `None`: delete the file.
    pub after: Option<Vec<u8>>,
    /// Who reads it: "interactive bash", "Go's env file", …
    pub reader: String,
    /// Said instead of listing the lines in `--dry-run` (long generated scripts).
    pub summary: Option<String>,
    /// Copy the file to the backups before changing it.
    pub backup: bool,
    /// What the user can do instead when the file cannot be written ("add the lines yourself").
    pub by_hand: Option<String>,
}

/// A value under `HKCU` (Windows), before and after; `None` is an absent value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryEdit {
    /// The key under `HKCU`, e.g. `Environment`.
    pub key: String,
    pub name: String,
    pub before: Option<RegData>,
    pub after: Option<RegData>,
}

impl RegistryEdit {
    /// `HKCU\Environment\Path`, as messages name the value.
    pub fn place(&self) -> String {
        format!(r"HKCU\{}\{}", self.key, self.name)
    }

    /// The same edit, backwards.
    pub fn inverse(&self) -> RegistryEdit {
        RegistryEdit {
            key: self.key.clone(),
            name: self.name.clone(),
            before: self.after.clone(),
            after: self.before.clone(),
        }
    }
}

impl Edit {
    /// What the edit touches, for messages.
    pub fn place(&self, show: &dyn Fn(&Path) -> String) -> String {
        match self {
            Edit::File(file) => show(&file.path),
            Edit::Registry(value) => value.place(),
            Edit::Dir(path) => show(path),
            Edit::Move { from, .. } => show(from),
        }
    }
}

/// The exact edits, for `--dry-run`: each file's changed lines, each value's old and new text.
pub fn describe(edits: &[Edit], show: &dyn Fn(&Path) -> String) -> String {
    let mut out = String::new();
    for edit in edits {
        match edit {
            Edit::File(file) => {
                let verb = match (&file.before, &file.after) {
                    (None, _) => "create",
                    (Some(_), None) => "delete",
                    (Some(_), Some(_)) => "edit",
                };
                out.push_str(&format!("{verb} {} ({})\n", show(&file.path), file.reader));
                if let Some(summary) = &file.summary {
                    if file.after.is_some() {
                        out.push_str(&format!("  contents: {summary}\n"));
                    }
                    continue;
                }
                let before = file.before.as_deref().unwrap_or_default();
                let after = file.after.as_deref().unwrap_or_default();
                out.push_str(&line_diff(before, after));
            }
            Edit::Registry(value) => {
                let shown = |v: &Option<RegData>| match v {
                    Some(data) => format!("{data} ({})", data.type_name()),
                    None => "(no value)".to_owned(),
                };
                out.push_str(&format!(
                    "set {}\n-{}\n+{}\n",
                    value.place(),
                    shown(&value.before),
                    shown(&value.after)
                ));
            }
            Edit::Dir(path) => out.push_str(&format!("create directory {}\n", show(path))),
            Edit::Move { from, to } => {
                out.push_str(&format!("move {} to {}\n", show(from), show(to)));
            }
        }
    }
    out
}

/// The changed lines between the common first and last lines, as `@@ line N` then `-`/`+`.
pub fn line_diff(before: &[u8], after: &[u8]) -> String {
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
    // Removed lines come from the user's file: shown safely. Added ones may too (a line
    // commented out), so control characters are escaped, but nothing is cut.
    for line in &old[head..old.len() - tail] {
        out.push_str(&format!("-{}\n", gvx_shims::text::untrusted(&bare(line))));
    }
    for line in &new[head..new.len() - tail] {
        let line = gvx_shims::text::untrusted_up_to(&bare(line), 100_000);
        out.push_str(&format!("+{line}\n"));
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
