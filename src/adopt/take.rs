//! Copies an SDK tree on disk into the install's staging directory, hashing each file as it is
//! written: the module's files under their module names (or, `--unverified`, every file as
//! found), and says what it left out and why.

use super::layout::{Place, Sdk, place};
use crate::archive::Sha256Digest;
use crate::error::{Error, Exit, Result};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// What was taken from the tree and what was not.
#[derive(Debug, Default)]
pub struct Taken {
    /// Each file written: its name relative to the SDK root, its path in the staging tree and
    /// its sha256.
    pub files: Vec<(String, PathBuf, Sha256Digest)>,
    /// Files outside the distribution's layout, by name (sorted).
    pub foreign: Vec<String>,
    /// How many files of `api/`, `doc/`, `misc/`, `test/` were left out.
    pub archive_only: usize,
}

impl Taken {
    /// `(name, hex sha256)` of every file written, for [`crate::source::proxy::modzip::tree_hash`].
    pub fn digests(&self) -> Vec<(String, String)> {
        self.files
            .iter()
            .map(|(name, _, digest)| (name.clone(), format!("{digest:x}")))
            .collect()
    }
}

/// Every file of `sdk` (links followed), `/`-separated names relative to its root.
fn files(sdk: &Sdk) -> Result<Vec<(String, PathBuf)>> {
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    let mut dirs = vec![(String::new(), sdk.root.clone())];
    let read_error = |path: &Path, e: io::Error| {
        Error::io(Exit::Environment, "read", path, e)
            .hint("adopting reads every file of the SDK; run gvx as a user who may read it")
    };
    while let Some((rel, dir)) = dirs.pop() {
        let real = fs_err::canonicalize(&dir).map_err(|e| read_error(&dir, e))?;
        if !seen.insert(real) {
            continue; // A link back into the tree.
        }
        for entry in fs_err::read_dir(&dir).map_err(|e| read_error(&dir, e))? {
            let entry = entry.map_err(|e| read_error(&dir, e))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let name = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let meta = fs_err::metadata(&path).map_err(|e| read_error(&path, e))?;
            if meta.is_dir() {
                dirs.push((name, path));
            } else if meta.is_file() {
                found.push((name, path));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Copies `sdk` into `dest`: with `unverified`, every file as found (modes kept); else the
/// module's files under their module names (modes from distpack's rule, as a module install
/// sets them) and golang.org/dl's marker, then a `go.mod` beside each `_go.mod`.
pub fn take(sdk: &Sdk, dest: &Path, unverified: bool) -> Result<Taken> {
    let all = files(sdk)?;
    let names: HashSet<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    let underscore_beside = |rel: &str| {
        let dir = &rel[..rel.len() - rel.rsplit('/').next().unwrap_or(rel).len()];
        names.contains(format!("{dir}_go.mod").as_str())
    };
    let (platform, exe) = (sdk.platform(), sdk.exe());
    let mut taken = Taken::default();
    for (rel, path) in &all {
        let target = if unverified {
            Some((rel.clone(), executable(path)))
        } else {
            match place(rel, &platform, exe, underscore_beside(rel)) {
                Place::Module(name) => {
                    let mode = crate::archive::distpack_executable(&name);
                    Some((name, mode))
                }
                Place::Marker => Some((rel.clone(), false)),
                Place::Foreign => {
                    taken.foreign.push(rel.clone());
                    None
                }
                Place::ArchiveOnly => {
                    taken.archive_only += 1;
                    None
                }
                Place::GoModCopy | Place::Ignored => None,
            }
        };
        if let Some((name, executable)) = target {
            let to = dest.join(&name);
            let digest = copy(path, &to, executable)?;
            taken.files.push((name, to, digest));
        }
    }
    if !unverified {
        crate::source::proxy::restore_go_mod_files(dest)
            .map_err(|e| crate::storefs::write_error(e, "adopting"))?;
    }
    Ok(taken)
}

/// Whether a file found on disk is executable (on Windows: never marked).
fn executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Copies `from` to `to` (parents created; 0666 or, executable, 0777, less the umask) and
/// returns the sha256 of what was written.
fn copy(from: &Path, to: &Path, executable: bool) -> Result<Sha256Digest> {
    let storing = |e| crate::storefs::write_error(e, "adopting");
    if let Some(parent) = to.parent() {
        fs_err::create_dir_all(parent).map_err(storing)?;
    }
    let mut input = fs_err::File::open(from).map_err(|e| {
        Error::io(Exit::Environment, "read", from, e)
            .hint("adopting reads every file of the SDK; run gvx as a user who may read it")
    })?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if executable { 0o777 } else { 0o666 });
    }
    #[cfg(not(unix))]
    let _ = executable;
    let mut output = fs_err::OpenOptions::from_options(options)
        .open(to)
        .map_err(storing)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = input
            .read(&mut buffer)
            .map_err(|e| Error::io(Exit::Environment, "read", from, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        output.write_all(&buffer[..n]).map_err(storing)?;
    }
    Ok(hasher.finalize())
}
