//! A module zip's structure, checked as `golang.org/x/mod/zip` checks it before anything is
//! unpacked, and its `h1:` hash (`dirhash.HashZip`): the hash the checksum database signs.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{self, BufReader};
use std::path::Path;
use zip::ZipArchive;

/// `modzip.MaxZipFile`: the most a module zip, and its unpacked contents, may weigh.
pub const MAX_ZIP_BYTES: u64 = 500 << 20;

/// Why a module zip was refused, in x/mod's words where it has them.
#[derive(Debug, thiserror::Error)]
pub enum ZipError {
    #[error("{entry}: path does not have prefix {prefix:?}")]
    Prefix { entry: String, prefix: String },
    #[error("{entry}: {why}")]
    Entry { entry: String, why: String },
    #[error("module zip file is too large ({size} bytes; limit is {MAX_ZIP_BYTES} bytes)")]
    TooLarge { size: u64 },
    #[error(
        "total uncompressed size of module contents too large (max size is {MAX_ZIP_BYTES} bytes)"
    )]
    ContentsTooLarge,
    #[error("not a readable zip file: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Checks every entry of the module zip `file`: under `prefix` (`<module>@<version>/`), a
/// clean relative path, no duplicate or case-fold-colliding names, no file and directory of
/// one name, no links, `go.mod` only at the root, contents within [`MAX_ZIP_BYTES`].
pub fn check(file: &Path, prefix: &str) -> Result<(), ZipError> {
    let size = fs_err::metadata(file)?.len();
    if size > MAX_ZIP_BYTES {
        return Err(ZipError::TooLarge { size });
    }
    let mut zip = open(file)?;
    let mut seen = Collisions::default();
    let mut total: u64 = 0;
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index)?;
        let raw = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let bad = |why: &str| ZipError::Entry {
            entry: raw.clone(),
            why: why.to_owned(),
        };
        let Some(name) = raw.strip_prefix(prefix) else {
            return Err(ZipError::Prefix {
                entry: raw.clone(),
                prefix: prefix.to_owned(),
            });
        };
        if std::str::from_utf8(entry.name_raw()).is_err() {
            return Err(bad("file path is not valid UTF-8"));
        }
        if name.is_empty() {
            continue;
        }
        let (name, is_dir) = match name.strip_suffix('/') {
            Some(dir) => (dir, true),
            None => (name, false),
        };
        if name.split('/').any(|part| matches!(part, "" | "." | "..")) || name.starts_with('/') {
            return Err(bad("file path is not clean"));
        }
        if entry
            .unix_mode()
            .is_some_and(|mode| mode & 0o170_000 == 0o120_000)
        {
            return Err(bad("symbolic links are not allowed in a module zip"));
        }
        seen.check(name, is_dir).map_err(|why| bad(&why))?;
        if is_dir {
            continue;
        }
        let base = name.rsplit('/').next().unwrap_or(name);
        if base.eq_ignore_ascii_case("go.mod") {
            if base != name {
                return Err(bad("go.mod file not in module root directory"));
            }
            if name != "go.mod" {
                return Err(bad("go.mod files must have lowercase names"));
            }
        }
        total = total.saturating_add(entry.size());
        if total > MAX_ZIP_BYTES {
            return Err(ZipError::ContentsTooLarge);
        }
    }
    Ok(())
}

/// x/mod's `collisionChecker`: paths compared case-folded, parents included.
#[derive(Default)]
struct Collisions(HashMap<String, (String, bool)>);

impl Collisions {
    fn check(&mut self, path: &str, is_dir: bool) -> Result<(), String> {
        let fold = path.to_lowercase();
        if let Some((other, other_is_dir)) = self.0.get(&fold) {
            if other != path {
                return Err(format!(
                    "case-insensitive file name collision: {other:?} and {path:?}"
                ));
            }
            if *other_is_dir != is_dir {
                return Err(format!("entry {path:?} is both a file and a directory"));
            }
            if !is_dir {
                return Err(format!("multiple entries for file {path:?}"));
            }
            return Ok(());
        }
        self.0.insert(fold, (path.to_owned(), is_dir));
        match path.rsplit_once('/') {
            Some((parent, _)) => self.check(parent, true),
            None => Ok(()),
        }
    }
}

/// Go's `dirhash.Hash1` over `(name, hex sha256)` pairs.
pub fn hash1(mut files: Vec<(String, String)>) -> String {
    use base64::prelude::{BASE64_STANDARD, Engine};
    files.sort();
    let mut summary = Sha256::new();
    for (name, sha) in &files {
        summary.update(format!("{sha}  {name}\n"));
    }
    format!("h1:{}", BASE64_STANDARD.encode(summary.finalize()))
}

/// The `h1:` of the module zip a tree in the store stands for: each file (name relative to the
/// SDK root, hex sha256) under the module's prefix (`golang.org/toolchain@v0.0.1-…`), except
/// the `go.mod` copies made beside each `_go.mod` (as `go` makes them on first use) and
/// golang.org/dl's empty `.unpacked-success` marker at the root. `gvx verify` and `gvx adopt`
/// hash trees with it.
pub fn tree_hash<'a>(module: &str, files: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let files: Vec<(&str, &str)> = files.into_iter().collect();
    let names: std::collections::HashSet<&str> = files.iter().map(|(name, _)| *name).collect();
    let copy_of_underscore = |name: &str| match name.strip_suffix("go.mod") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => {
            names.contains(format!("{dir}_go.mod").as_str())
        }
        _ => false,
    };
    let entries = files
        .iter()
        .filter(|(name, _)| !copy_of_underscore(name) && *name != UNPACKED_MARKER)
        .map(|(name, sha)| (format!("{module}/{name}"), (*sha).to_owned()))
        .collect();
    hash1(entries)
}

/// The empty file golang.org/dl's `go1.X.Y download` leaves at the root of an SDK it unpacked.
pub const UNPACKED_MARKER: &str = ".unpacked-success";

fn open(file: &Path) -> Result<ZipArchive<BufReader<fs_err::File>>, ZipError> {
    let reader = BufReader::with_capacity(64 * 1024, fs_err::File::open(file)?);
    let zip = ZipArchive::new(reader)?;
    if zip.has_duplicate_names() {
        // The crate keys entries by name, so the repeated one is found in the raw directory.
        let start = zip.central_directory_start();
        let entry = crate::archive::repeated_name(zip.into_inner().get_mut(), start)
            .unwrap_or_else(|| "(a name repeated in the central directory)".to_owned());
        return Err(ZipError::Entry {
            entry,
            why: "multiple entries for one file".to_owned(),
        });
    }
    Ok(zip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    const PREFIX: &str = "golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64/";

    /// Zip entries: full names and contents.
    type Entries = Vec<(String, &'static [u8])>;

    fn zip_file(entries: &[(&str, &[u8])]) -> tempfile::NamedTempFile {
        let mut w = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        for (name, data) in entries {
            if name.ends_with('/') {
                w.add_directory(*name, SimpleFileOptions::default())
                    .unwrap();
            } else {
                w.start_file(*name, SimpleFileOptions::default()).unwrap();
                w.write_all(data).unwrap();
            }
        }
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&w.finish().unwrap().into_inner()).unwrap();
        file
    }

    fn two_files() -> Entries {
        vec![
            (format!("{PREFIX}bin/go"), b"#!/bin/sh\necho fake go\n"),
            (format!("{PREFIX}VERSION"), b"go1.99.0\n"),
        ]
    }

    fn with(entries: &[(String, &'static [u8])]) -> tempfile::NamedTempFile {
        let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, d)| (n.as_str(), *d)).collect();
        zip_file(&refs)
    }

    /// The worked example of the design note, confirmed there with Go's own `dirhash.HashZip`.
    #[test]
    fn h1_matches_go_for_the_worked_example() {
        let file = with(&two_files());
        check(file.path(), PREFIX).unwrap();
        let lines = two_files()
            .into_iter()
            .map(|(name, data)| (name, format!("{:x}", Sha256::digest(data))))
            .collect();
        assert_eq!(
            hash1(lines),
            "h1:STKhD+0hZkRN2j9/5r2oWlvc6VwBTo7tvmQA8dqBKzM="
        );
    }

    #[test]
    fn the_go_mod_of_every_toolchain_hashes_as_the_database_says() {
        let sha = format!("{:x}", Sha256::digest(b"module golang.org/toolchain\n"));
        assert_eq!(
            hash1(vec![("go.mod".into(), sha)]),
            "h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0="
        );
    }

    #[test]
    fn bad_structures_are_refused() {
        let cases: Vec<(Entries, &str)> = vec![
            (
                vec![("other@v1/VERSION".into(), b"x")],
                "does not have prefix",
            ),
            (vec![(format!("{PREFIX}a/../b"), b"x")], "not clean"),
            (
                vec![(format!("{PREFIX}src/cmd/go.mod"), b"x")],
                "not in module root",
            ),
            (vec![(format!("{PREFIX}GO.MOD"), b"x")], "lowercase"),
            (
                vec![
                    (format!("{PREFIX}README"), b"x"),
                    (format!("{PREFIX}readme"), b"y"),
                ],
                "case-insensitive file name collision",
            ),
            (
                vec![
                    (format!("{PREFIX}bin"), b"x"),
                    (format!("{PREFIX}bin/go"), b"y"),
                ],
                "both a file and a directory",
            ),
        ];
        for (entries, want) in cases {
            let err = check(with(&entries).path(), PREFIX)
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{entries:?}: {err}");
        }
        use crate::archive::testutil::{raw_zip, zentry};
        let name = format!("{PREFIX}bin/go");
        let bytes = raw_zip(&[zentry(&name, b"one", None), zentry(&name, b"two", None)]);
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&bytes).unwrap();
        let err = check(file.path(), PREFIX).unwrap_err().to_string();
        assert!(
            err.contains("multiple entries") && err.contains(&name),
            "duplicate names: {err}"
        );
        let link = zentry(&name, b"/etc/passwd", Some(0o120_777));
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&raw_zip(&[link])).unwrap();
        let err = check(file.path(), PREFIX).unwrap_err().to_string();
        assert!(err.contains("symbolic links"), "{err}");
    }
}
