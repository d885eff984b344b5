//! The install manifest: every file of an SDK with its size, recorded by `gvx install` right
//! before the SDK is renamed into place, and checked by `gvx doctor` (existence and size only:
//! a stat per file, no hashing). It lives beside the store's SDKs, outside their trees:
//! `<GVX_HOME>/manifests/go1.22.10.txt`.

use gvx_shims::{GoVersion, Store};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

const HEADER: &str = "# gvx install manifest: <size>\\t<path relative to the SDK root>";

pub fn path(store: &Store, version: &GoVersion) -> PathBuf {
    store
        .home()
        .join("manifests")
        .join(format!("{}.txt", version.name()))
}

/// Every regular file under `root`, relative with `/` separators, and its size; sorted.
fn list(root: &Path) -> io::Result<Vec<(String, u64)>> {
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
                files.push((text, entry.metadata()?.len()));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Records `sdk` (the tree about to become `version`) in the store's manifest directory.
pub fn write(store: &Store, version: &GoVersion, sdk: &Path) -> io::Result<()> {
    let target = path(store, version);
    let dir = target.parent().unwrap_or(store.home());
    fs_err::create_dir_all(dir)?;
    let mut text = format!("{HEADER}\n");
    for (name, size) in list(sdk)? {
        text.push_str(&format!("{size}\t{name}\n"));
    }
    let mut temp = tempfile::Builder::new()
        .prefix(".manifest-")
        .tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.persist(&target).map_err(|e| e.error)?;
    Ok(())
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
    let text = match fs_err::read_to_string(path(store, version)) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Verified::Unrecorded,
        Err(e) => return Verified::Unreadable(e.to_string()),
    };
    let mut files = 0;
    let mut missing = Vec::new();
    let mut changed = Vec::new();
    for (n, line) in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .enumerate()
    {
        let Some((size, name)) = line.split_once('\t') else {
            return Verified::Unreadable(format!("line `{line}` is not <size><TAB><path>"));
        };
        if quick && !essential(name) && n % SAMPLE != 0 {
            continue;
        }
        files += 1;
        match std::fs::symlink_metadata(sdk.join(name)) {
            Ok(meta) if meta.is_file() && size.parse() == Ok(meta.len()) => {}
            Ok(_) => changed.push(name.to_owned()),
            Err(_) => missing.push(name.to_owned()),
        }
    }
    if missing.is_empty() && changed.is_empty() {
        Verified::Intact { files }
    } else {
        Verified::Damaged {
            files,
            missing,
            changed,
        }
    }
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
        write(&store, &v, &sdk).unwrap();
        let text = fs_err::read_to_string(path(&store, &v)).unwrap();
        assert!(text.ends_with("10\tVERSION\n2\tbin/go\n"), "{text}");
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
