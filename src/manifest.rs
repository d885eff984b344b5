//! The install manifest: every file of an SDK with its size and sha256, recorded by `gvx
//! install` and put in place right after the SDK is renamed into place (so no manifest names an
//! SDK that is not installed). `gvx doctor` checks it quickly
//! (existence and size: a stat per file, no hashing); `gvx verify` re-hashes every file. It
//! lives beside the store's SDKs, outside their trees: `<GVX_HOME>/manifests/go1.22.10.txt`.

use crate::archive::Sha256Digest;
use crate::storefs::Staged;
use gvx_shims::{GoVersion, Store};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

const HEADER: &str = "# gvx install manifest: <size>\\t<sha256>\\t<path relative to the SDK root>";

pub fn path(store: &Store, version: &GoVersion) -> PathBuf {
    store
        .home()
        .join("manifests")
        .join(format!("{}.txt", version.name()))
}

/// One file of an SDK tree.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct File {
    /// Relative to the SDK root, with `/` separators.
    pub name: String,
    pub size: u64,
    /// Lower-case hex; empty in manifests written before gvx recorded hashes.
    pub sha256: String,
}

/// Every regular file under `root`, sorted by name, each with the sha256 `digest` gives for
/// its path (empty when `digest` gives `None`).
pub fn scan(
    root: &Path,
    digest: &dyn Fn(&Path) -> io::Result<Option<String>>,
) -> io::Result<Vec<File>> {
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::new()];
    while let Some(relative) = dirs.pop() {
        for entry in fs_err::read_dir(root.join(&relative))? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let name = relative.join(entry.file_name());
            if kind.is_dir() {
                dirs.push(name);
            } else if kind.is_file() {
                let text = name
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                files.push(File {
                    name: text,
                    size: entry.metadata()?.len(),
                    sha256: digest(&entry.path())?.unwrap_or_default(),
                });
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The sha256 of the file at `path`, read whole.
pub fn hash_file(path: &Path) -> io::Result<Option<String>> {
    let mut hasher = Sha256::new();
    io::copy(&mut fs_err::File::open(path)?, &mut hasher)?;
    Ok(Some(format!("{:x}", hasher.finalize())))
}

/// Writes the manifest of `sdk` (the tree about to become `version`) into `scratch` (the
/// install's staging directory); [`Staged::commit`] puts it in place once the SDK is.
/// `known` holds digests computed while the tree was written; other files are read and hashed.
pub fn stage(
    store: &Store,
    version: &GoVersion,
    sdk: &Path,
    known: &[(PathBuf, Sha256Digest)],
    scratch: &Path,
) -> io::Result<Staged> {
    let known: HashMap<&Path, &Sha256Digest> =
        known.iter().map(|(p, d)| (p.as_path(), d)).collect();
    let digest = |path: &Path| match known.get(path) {
        Some(digest) => Ok(Some(format!("{digest:x}"))),
        None => hash_file(path),
    };
    let mut text = format!("{HEADER}\n");
    for file in scan(sdk, &digest)? {
        text.push_str(&format!("{}\t{}\t{}\n", file.size, file.sha256, file.name));
    }
    Staged::write_in(scratch, &path(store, version), text.as_bytes())
}

/// Records `sdk` as `version`'s manifest now.
pub fn write(
    store: &Store,
    version: &GoVersion,
    sdk: &Path,
    known: &[(PathBuf, Sha256Digest)],
) -> io::Result<()> {
    let dir = path(store, version);
    let dir = dir.parent().unwrap_or(store.home());
    fs_err::create_dir_all(dir)?;
    stage(store, version, sdk, known, dir)?.commit()
}

/// Deletes `version`'s manifest and provenance (what is not there is fine).
pub fn remove(store: &Store, version: &GoVersion) -> io::Result<()> {
    for file in [
        path(store, version),
        crate::provenance::path(store, version),
    ] {
        match fs_err::remove_file(&file) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// Deletes records of SDKs that are not installed (left by an uninstall killed between its
/// rename and its clean-up) and temporaries of killed writes. Callers hold the lock.
pub fn sweep_orphans(store: &Store) {
    let dir = store.home().join("manifests");
    let Ok(entries) = fs_err::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let stem = name
            .strip_suffix(".txt")
            .or_else(|| name.strip_suffix(".json"));
        let orphan = match stem {
            _ if name.starts_with('.') => true,
            Some(stem) => stem
                .strip_prefix("go")
                .and_then(|v| GoVersion::parse(v).ok())
                .is_some_and(|v| !store.sdk(&v).exists()),
            None => false,
        };
        if orphan {
            let _ = fs_err::remove_file(entry.path());
        }
    }
}

/// The recorded files of `version`: `Ok(None)` when there is no manifest.
pub fn read(store: &Store, version: &GoVersion) -> Result<Option<Vec<File>>, String> {
    let path = path(store, version);
    let text = match fs_err::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let mut files = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.splitn(3, '\t').collect();
        let (size, sha256, name) = match fields[..] {
            [size, sha256, name] => (size, sha256, name),
            [size, name] => (size, "", name),
            _ => {
                return Err(format!(
                    "{}:{}: not <size><TAB><sha256><TAB><path>",
                    path.display(),
                    n + 1
                ));
            }
        };
        let size = size
            .parse()
            .map_err(|_| format!("{}:{}: `{size}` is not a size", path.display(), n + 1))?;
        files.push(File {
            name: name.to_owned(),
            size,
            sha256: sha256.to_owned(),
        });
    }
    Ok(Some(files))
}

/// What checking an SDK against its manifest found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    /// No manifest (installed by a gvx that did not record one).
    Unrecorded,
    Intact {
        files: usize,
    },
    Damaged {
        files: usize,
        missing: Vec<String>,
        changed: Vec<String>,
    },
    Unreadable(String),
}

/// In a quick check, one in this many files outside the tools is looked at.
const SAMPLE: usize = 64;

/// True for the files a quick check always looks at: the tools and the root's own files.
fn essential(name: &str) -> bool {
    name.starts_with("bin/") || name.starts_with("pkg/tool/") || !name.contains('/')
}

/// Checks that every recorded file exists with its recorded size. `quick` looks at the tools
/// (`bin/`, `pkg/tool/`), the root's files and a fixed sample of the rest (a shell start-up
/// check must take milliseconds; a Go SDK has ~10 000 files).
pub fn verify(store: &Store, version: &GoVersion, sdk: &Path, quick: bool) -> Verified {
    let files = match read(store, version) {
        Ok(Some(files)) => files,
        Ok(None) => return Verified::Unrecorded,
        Err(e) => return Verified::Unreadable(e),
    };
    let mut checked = 0;
    let mut missing = Vec::new();
    let mut changed = Vec::new();
    for (n, file) in files.iter().enumerate() {
        if quick && !essential(&file.name) && n % SAMPLE != 0 {
            continue;
        }
        checked += 1;
        match std::fs::symlink_metadata(sdk.join(&file.name)) {
            Ok(meta) if meta.is_file() && meta.len() == file.size => {}
            Ok(_) => changed.push(file.name.clone()),
            Err(_) => missing.push(file.name.clone()),
        }
    }
    if missing.is_empty() && changed.is_empty() {
        Verified::Intact { files: checked }
    } else {
        Verified::Damaged {
            files: checked,
            missing,
            changed,
        }
    }
}

/// What re-hashing a tree against its manifest found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    pub files: usize,
    pub missing: Vec<String>,
    /// Other size or sha256 (or size only, for manifests recorded without hashes).
    pub changed: Vec<String>,
    /// Files in the tree the install did not put there.
    pub added: Vec<String>,
}

impl Comparison {
    pub fn is_intact(&self) -> bool {
        self.missing.is_empty() && self.changed.is_empty() && self.added.is_empty()
    }
}

/// Compares the tree as it is now (`scan(sdk, true)`) with the recorded files.
pub fn compare(recorded: &[File], now: &[File]) -> Comparison {
    use std::collections::BTreeMap;
    let now: BTreeMap<&str, &File> = now.iter().map(|f| (f.name.as_str(), f)).collect();
    let mut out = Comparison {
        files: recorded.len(),
        ..Comparison::default()
    };
    for file in recorded {
        match now.get(file.name.as_str()) {
            None => out.missing.push(file.name.clone()),
            Some(found)
                if found.size != file.size
                    || (!file.sha256.is_empty() && found.sha256 != file.sha256) =>
            {
                out.changed.push(file.name.clone());
            }
            Some(_) => {}
        }
    }
    let recorded: std::collections::BTreeSet<&str> =
        recorded.iter().map(|f| f.name.as_str()).collect();
    out.added = now
        .keys()
        .filter(|name| !recorded.contains(*name))
        .map(|name| (*name).to_owned())
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_checks() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("gvx"));
        let sdk = dir.path().join("sdk");
        fs_err::create_dir_all(sdk.join("bin")).unwrap();
        fs_err::write(sdk.join("bin/go"), "go").unwrap();
        fs_err::write(sdk.join("VERSION"), "go1.22.10\n").unwrap();
        let v = GoVersion::parse("1.22.10").unwrap();
        assert_eq!(verify(&store, &v, &sdk, false), Verified::Unrecorded);
        write(&store, &v, &sdk, &[]).unwrap();
        let text = fs_err::read_to_string(path(&store, &v)).unwrap();
        assert!(
            text.ends_with(&format!(
                "10\t{:x}\tVERSION\n2\t{:x}\tbin/go\n",
                Sha256::digest("go1.22.10\n"),
                Sha256::digest("go"),
            )),
            "{text}"
        );
        let recorded = read(&store, &v).unwrap().unwrap();
        assert!(compare(&recorded, &scan(&sdk, &hash_file).unwrap()).is_intact());
        fs_err::write(sdk.join("bin/gofmt"), "new").unwrap();
        fs_err::write(sdk.join("bin/go"), "og").unwrap();
        let found = compare(&recorded, &scan(&sdk, &hash_file).unwrap());
        assert_eq!(found.changed, ["bin/go"], "same size, other bytes");
        assert_eq!(found.added, ["bin/gofmt"]);
        fs_err::remove_file(sdk.join("bin/gofmt")).unwrap();
        assert_eq!(
            verify(&store, &v, &sdk, false),
            Verified::Intact { files: 2 }
        );
        assert_eq!(
            verify(&store, &v, &sdk, true),
            Verified::Intact { files: 2 }
        );
        fs_err::write(sdk.join("VERSION"), "x").unwrap();
        fs_err::remove_file(sdk.join("bin/go")).unwrap();
        assert_eq!(
            verify(&store, &v, &sdk, false),
            Verified::Damaged {
                files: 2,
                missing: vec!["bin/go".into()],
                changed: vec!["VERSION".into()]
            }
        );
    }
}
