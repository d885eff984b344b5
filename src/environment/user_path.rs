//! The editor of the Windows user Path, `HKCU\Environment\Path`, which cmd.exe, PowerShell and
//! programs started from the desktop all read. Entry by entry: every segment gvx does not own
//! stays byte for byte, and the value keeps its type (`REG_EXPAND_SZ`, or `REG_SZ` until a `%`
//! needs expanding; the text work is [`crate::platform::windows_env`]'s). The edits it computes
//! are carried out by the one registry writer, which checks first that the value is still what
//! was read here.
//!
//! `gvx setup --undo` removes exactly gvx's entry. To restore the value exactly it reads two
//! flags in `HKCU\Software\gvx`, written in the same plan as the value: `UserPathCreated` (the
//! value did not exist: it is deleted again when nothing else is left in it) and
//! `UserPathWasRegSz` (it was `REG_SZ` until gvx's `%USERPROFILE%` entry made it
//! `REG_EXPAND_SZ`). They live beside the value they describe, so they hold whichever store
//! set it up.

use super::edit::{RegData, RegistryEdit};
use crate::platform::windows_env::{self as env, Kind, RawValue};

/// The value as messages name it.
pub const PLACE: &str = r"HKCU\Environment\Path";
const KEY: &str = "Environment";
/// Where gvx records what `--undo` needs (see the module docs).
const RECORD_KEY: &str = r"Software\gvx";
const CREATED: &str = "UserPathCreated";
const WAS_SZ: &str = "UserPathWasRegSz";

/// The user Path as it is now, with gvx's record of it.
#[derive(Clone, Debug, Default)]
pub struct UserPath {
    pub value: Option<RawValue>,
    pub created: bool,
    pub was_sz: bool,
}

/// A change of the user Path: what `--dry-run` shows, the edits, what to say once done.
#[derive(Clone, Debug)]
pub struct PathChange {
    /// `HKCU\Environment\Path (REG_SZ becomes REG_EXPAND_SZ)`.
    pub place: String,
    pub before: String,
    pub after: String,
    /// The value and gvx's record of it.
    pub edits: Vec<RegistryEdit>,
    /// Status lines for after the change.
    pub said: Vec<String>,
}

/// An entry as written, and how to recognise it in any spelling.
pub type Entry<'a> = (&'a str, &'a dyn Fn(&str) -> bool);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Write {
    Set(Kind),
    Delete,
}

impl UserPath {
    fn text(&self) -> &str {
        self.value.as_ref().map_or("", |v| v.text.as_str())
    }

    fn kind(&self) -> Option<Kind> {
        self.value.as_ref().map(|v| v.kind)
    }

    /// The value's type when it is not a string (Windows ignores it then, and so does gvx).
    pub fn not_a_string(&self) -> Option<Kind> {
        self.kind().filter(|k| !k.is_string())
    }

    /// Deleted when gvx created the value and nothing is left in it, else a string of the type
    /// [`env::kind_for`] picks.
    fn write_for(&self, after: &str) -> Write {
        if after.is_empty() && self.created && self.value.is_some() {
            Write::Delete
        } else {
            Write::Set(env::kind_for(self.kind(), self.was_sz, after))
        }
    }

    /// `gvx setup`: `entry` first (`is_bin` recognises it in any spelling), or with `undo` gone.
    /// `None` when the value already is as it should be. Call only for a string value.
    pub fn for_setup(
        &self,
        entry: &str,
        is_bin: &dyn Fn(&str) -> bool,
        undo: bool,
    ) -> Option<PathChange> {
        let before = self.text();
        let changed = if undo {
            env::without(before, is_bin)
        } else {
            env::with_first(before, entry, is_bin)
        };
        if undo && changed.is_none() {
            return None;
        }
        let after = changed.unwrap_or_else(|| before.to_owned());
        let write = self.write_for(&after);
        if after == before && self.kind().map(Write::Set) == Some(write) {
            return None;
        }
        let mut edits = vec![self.value_edit(write, &after)];
        let created = self.value.is_none() && write != Write::Delete;
        let was_sz =
            write == Write::Set(Kind::ExpandSz) && (self.kind() == Some(Kind::Sz) || self.was_sz);
        edits.extend(flag_edit(CREATED, self.created, created));
        edits.extend(flag_edit(WAS_SZ, self.was_sz, was_sz));
        Some(PathChange {
            place: self.describe(write),
            before: before.to_owned(),
            said: self.said(write, &after),
            after,
            edits,
        })
    }

    /// `gvx doctor --fix`: `front` moved to the front, `back` added at the end when missing,
    /// stored as the type it needs. `None` when nothing changes.
    pub fn for_doctor(&self, front: Option<Entry>, back: Option<Entry>) -> Option<PathChange> {
        let before = self.text();
        let mut after = before.to_owned();
        if let Some((entry, is_it)) = front {
            after = env::with_first(&after, entry, is_it).unwrap_or(after);
        }
        if let Some((entry, is_it)) = back {
            after = env::with_last(&after, entry, is_it).unwrap_or(after);
        }
        let kind = env::kind_for(self.kind(), false, &after);
        if after == before && self.kind() == Some(kind) {
            return None;
        }
        let write = Write::Set(kind);
        Some(PathChange {
            place: self.describe(write),
            before: before.to_owned(),
            said: vec![format!(
                "set your user Path (HKCU\\Environment, {}) to {after}",
                kind.name()
            )],
            edits: vec![self.value_edit(write, &after)],
            after,
        })
    }

    fn value_edit(&self, write: Write, after: &str) -> RegistryEdit {
        let data = |kind: Kind, text: &str| match kind {
            Kind::Sz => RegData::Sz(text.to_owned()),
            _ => RegData::ExpandSz(text.to_owned()),
        };
        RegistryEdit {
            key: KEY.into(),
            name: "Path".into(),
            before: self.value.as_ref().map(|v| data(v.kind, &v.text)),
            after: match write {
                Write::Delete => None,
                Write::Set(kind) => Some(data(kind, after)),
            },
        }
    }

    /// What `--dry-run` says about the value beside the old and new text.
    fn describe(&self, write: Write) -> String {
        match (self.kind(), write) {
            (_, Write::Delete) => format!("{PLACE} (delete the value: gvx setup created it)"),
            (None, Write::Set(kind)) => format!("{PLACE} (a new {} value)", kind.name()),
            (Some(old), Write::Set(new)) if old != new => {
                format!("{PLACE} ({} becomes {})", old.name(), new.name())
            }
            (Some(_), Write::Set(kind)) => format!("{PLACE} ({})", kind.name()),
        }
    }

    fn said(&self, write: Write, after: &str) -> Vec<String> {
        let mut said = Vec::new();
        match write {
            Write::Delete => said.push(format!(
                "deleted {PLACE}: gvx setup had created it and nothing else is in it"
            )),
            Write::Set(kind) => {
                said.push(format!("{PLACE} ({}) is now: {after}", kind.name()));
                match (self.kind(), kind) {
                    (Some(Kind::Sz), Kind::ExpandSz) => said.push(format!(
                        "{PLACE} was REG_SZ: it is REG_EXPAND_SZ now, because Windows expands its \
                         %VARIABLE% entries only in that type (`gvx setup --undo` makes it REG_SZ again)"
                    )),
                    (Some(Kind::ExpandSz), Kind::Sz) => said.push(format!(
                        "{PLACE} is REG_SZ again, as it was before gvx setup"
                    )),
                    _ => {}
                }
            }
        }
        said
    }
}

/// The edit of one of gvx's record flags, if it changes.
fn flag_edit(name: &str, now: bool, want: bool) -> Option<RegistryEdit> {
    (now != want).then(|| RegistryEdit {
        key: RECORD_KEY.into(),
        name: name.into(),
        before: now.then_some(RegData::Dword(1)),
        after: want.then_some(RegData::Dword(1)),
    })
}

/// The user Path and gvx's record, from the registry (empty elsewhere than Windows).
pub fn read() -> std::io::Result<UserPath> {
    os::read()
}

#[cfg(windows)]
mod os {
    use super::{CREATED, KEY, RECORD_KEY, RegData, UserPath, WAS_SZ};
    use crate::platform::windows_env::{self as env, Hive};

    pub fn read() -> std::io::Result<UserPath> {
        let flag = |name| {
            env::read_user(RECORD_KEY, name)
                .ok()
                .flatten()
                .is_some_and(|v| v != RegData::Dword(0))
        };
        Ok(UserPath {
            value: env::read_value(Hive::User, KEY, "Path")?,
            created: flag(CREATED),
            was_sz: flag(WAS_SZ),
        })
    }
}

#[cfg(not(windows))]
mod os {
    use super::UserPath;

    #[allow(clippy::unnecessary_wraps)]
    pub fn read() -> std::io::Result<UserPath> {
        Ok(UserPath::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GVX: &str = r"%USERPROFILE%\.gvx\bin";

    fn is_gvx(segment: &str) -> bool {
        env::same_dir(segment, GVX)
    }

    fn now(kind: Kind, text: &str) -> UserPath {
        UserPath {
            value: Some(RawValue {
                kind,
                text: text.into(),
            }),
            ..UserPath::default()
        }
    }

    #[test]
    fn setup_records_what_undo_needs() {
        let change = UserPath::default().for_setup(GVX, &is_gvx, false).unwrap();
        assert_eq!(change.after, GVX);
        assert_eq!(change.edits.len(), 2, "the value and UserPathCreated");
        assert_eq!(change.edits[1].name, CREATED);
        let sz = now(Kind::Sz, r"C:\a")
            .for_setup(GVX, &is_gvx, false)
            .unwrap();
        assert_eq!(
            sz.edits[0].after,
            Some(RegData::ExpandSz(format!(r"{GVX};C:\a")))
        );
        assert_eq!(sz.edits[1].name, WAS_SZ);
        assert!(sz.said[1].contains("was REG_SZ"));
        let done = now(Kind::ExpandSz, GVX);
        assert!(done.for_setup(GVX, &is_gvx, false).is_none());
    }

    #[test]
    fn undo_deletes_a_value_setup_created() {
        let mut created = now(Kind::ExpandSz, GVX);
        created.created = true;
        let change = created.for_setup(GVX, &is_gvx, true).unwrap();
        assert_eq!(change.edits[0].after, None);
        assert_eq!(change.edits[1].name, CREATED);
        assert_eq!(change.edits[1].after, None);
    }

    #[test]
    fn doctor_moves_and_appends() {
        let is_go = |s: &str| env::same_dir(s, r"C:\go\bin");
        let value = now(Kind::ExpandSz, r"C:\x;%USERPROFILE%\.gvx\bin");
        let change = value
            .for_doctor(Some((GVX, &is_gvx)), Some((r"C:\go\bin", &is_go)))
            .unwrap();
        assert_eq!(change.after, format!(r"{GVX};C:\x;C:\go\bin"));
        let retype = now(Kind::Sz, r"%SystemRoot%;C:\x")
            .for_doctor(None, None)
            .unwrap();
        assert_eq!(
            retype.edits[0].after,
            Some(RegData::ExpandSz(r"%SystemRoot%;C:\x".into()))
        );
    }
}
