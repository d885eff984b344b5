//! The lookup (Go's `sumdb.Client.Lookup`): fetch a record, verify its tree note, merge that
//! tree with the one remembered in the state directory, and prove the record is in it.

use super::error::SumdbError;
use super::fetch::{Fetch, FetchError};
use super::note::{self, VerifierKey};
use super::tile::{Tile, TileSource, read_hashes, tree_hash_within};
use super::tlog::{Hash, Tree, parse_record, record_hash, stored_hash_index};
use base64::Engine;
use base64::prelude::BASE64_STANDARD;
use std::collections::HashMap;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// A client of one checksum database.
pub struct Client<F: Fetch> {
    key: VerifierKey,
    fetch: F,
    state_dir: PathBuf,
    /// Tiles this client has already proven part of a signed tree.
    tiles: Mutex<HashMap<Tile, Vec<u8>>>,
}

/// A record found in the database and proven to be in its log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub record_id: u64,
    pub tree_size: u64,
    /// base64 root hash of the tree the record was proven in.
    pub tree_hash: String,
    /// The record's lines for this path and version, e.g.
    /// "golang.org/toolchain v0.0.1-go1.22.10.linux-amd64 h1:...=" and the ".../go.mod h1:" one.
    pub lines: Vec<String>,
}

impl Found {
    /// The `h1:` of the module zip (the `<path> <version> h1:` line, not `/go.mod`), e.g.
    /// `h1:rRL9rPpsjKfpdDFcppvNgw1/dynUMrpDcTxdIwtyFR0=`. None when the record vouches for no
    /// zip, which a caller must treat as unverified.
    pub fn zip_hash(&self) -> Option<&str> {
        self.lines.iter().find_map(|line| {
            let mut fields = line.split(' ');
            let (_, version, hash) = (fields.next()?, fields.next()?, fields.next()?);
            let zip = fields.next().is_none() && !version.ends_with("/go.mod");
            (zip && hash.starts_with("h1:")).then_some(hash)
        })
    }
}

/// A verified tree head and the note it came in, byte for byte.
struct Head {
    note: Vec<u8>,
    tree: Tree,
}

impl<F: Fetch> Client<F> {
    /// `state_dir` holds what this database's client remembers between runs: `latest`, the
    /// newest verified signed tree note, byte-exact as served. It is created on first use.
    pub fn new(key: VerifierKey, fetch: F, state_dir: PathBuf) -> Self {
        Client {
            key,
            fetch,
            state_dir,
            tiles: Mutex::new(HashMap::new()),
        }
    }

    /// The go.sum lines the database holds for `path@version`, once proven: the response's
    /// note is signed by the key, its tree and the remembered one are one history (the
    /// remembered one moves forward), and the record is in that tree at its id.
    pub fn lookup(&self, path: &str, version: &str) -> Result<Found, SumdbError> {
        let not_found = || SumdbError::NotFound {
            path: path.to_owned(),
            version: version.to_owned(),
        };
        let escaped = escape(path, version).ok_or_else(not_found)?;
        let body = self
            .fetch
            .fetch(&format!("lookup/{escaped}"))?
            .ok_or_else(not_found)?;
        let Some((id, text, note)) = parse_record(&body) else {
            if body.starts_with(b"not found") {
                return Err(not_found());
            }
            return Err(SumdbError::security("malformed record data"));
        };
        let head = self
            .open_head(note.to_vec())
            .map_err(SumdbError::Security)?;
        log::info!(
            "checksum database {}: {path}@{version} is record {id}; its tree note (size {}) is signed by the key",
            self.key.name(),
            head.tree.size
        );
        let latest = self.merge_latest(head)?;
        self.check_record(&latest.tree, id, text)?;
        log::info!(
            "checksum database {}: record {id} is proven in the tree of size {} (tile hashes), one history with the tree remembered in {}",
            self.key.name(),
            latest.tree.size,
            self.state_dir.display()
        );

        let text = String::from_utf8_lossy(text); // valid UTF-8, checked by parse_record
        let lines = text
            .lines()
            .filter(|line| {
                let rest = line.strip_prefix(path).and_then(|l| l.strip_prefix(' '));
                let rest = rest.and_then(|l| l.strip_prefix(version));
                rest.is_some_and(|r| r.starts_with(' ') || r.starts_with("/go.mod "))
            })
            .map(str::to_owned)
            .collect();
        Ok(Found {
            record_id: id,
            tree_size: latest.tree.size,
            tree_hash: BASE64_STANDARD.encode(latest.tree.hash),
            lines,
        })
    }

    /// Verifies a signed tree note; the error is Go's wording and carries the note.
    fn open_head(&self, note: Vec<u8>) -> Result<Head, String> {
        let text = note::open(&note, &self.key)
            .map_err(|e| format!("reading tree note: {e}\nnote:\n{}", printable(&note)))?;
        let tree = Tree::parse(text)
            .ok_or_else(|| format!("reading tree: malformed tree note\ntree:\n{text}"))?;
        Ok(Head { note, tree })
    }

    /// Merges `new` with the remembered tree and returns the larger, after proving that the
    /// smaller is a prefix of it. A larger `new` replaces `latest` by compare-and-swap, so
    /// concurrent clients never move it backwards or onto a fork.
    fn merge_latest(&self, new: Head) -> Result<Head, SumdbError> {
        loop {
            let stored = self.read_latest()?;
            if stored.is_empty() {
                if self.swap_latest(&stored, &new.note)? {
                    return Ok(new);
                }
                continue;
            }
            let old = self.open_head(stored).map_err(|e| SumdbError::State {
                action: "verify the remembered tree in",
                path: self.state_dir.join("latest"),
                source: io::Error::new(io::ErrorKind::InvalidData, e),
            })?;
            if new.tree.size <= old.tree.size {
                self.check_trees(&new, &old)?;
                return Ok(old);
            }
            self.check_trees(&old, &new)?;
            if self.swap_latest(&old.note, &new.note)? {
                return Ok(new);
            }
        }
    }

    /// Proves that `older` is a prefix of `newer`, reading `older`'s hash from tiles
    /// authenticated against `newer`; on a mismatch, reports both notes like Go does.
    fn check_trees(&self, older: &Head, newer: &Head) -> Result<(), SumdbError> {
        // Trees of one size are one history only if they are the same tree.
        let implied: Hash = if older.tree.size == newer.tree.size {
            newer.tree.hash
        } else {
            tree_hash_within(&newer.tree, older.tree.size, self).map_err(|e| match e {
                SumdbError::Security(e) => SumdbError::Security(format!(
                    "checking tree#{} against tree#{}: {e}",
                    older.tree.size, newer.tree.size
                )),
                e => e,
            })?
        };
        if implied == older.tree.hash {
            return Ok(());
        }
        let indent = |note: &[u8]| String::from_utf8_lossy(note).replace('\n', "\n\t");
        Err(SumdbError::Security(format!(
            "SECURITY ERROR\ngo.sum database server misbehavior detected!\n\n\
             old database:\n\t{}\nnew database:\n\t{}\nproof of misbehavior:\n\t{}",
            indent(&older.note),
            indent(&newer.note),
            BASE64_STANDARD.encode(implied),
        )))
    }

    /// Proves that record `id` of `tree` hashes to `text`'s hash.
    fn check_record(&self, tree: &Tree, id: u64, text: &[u8]) -> Result<(), SumdbError> {
        if id >= tree.size {
            return Err(SumdbError::Security(format!(
                "cannot validate record {id} in tree of size {}",
                tree.size
            )));
        }
        let hashes = read_hashes(tree, &[stored_hash_index(0, id)], self)?;
        if hashes[0] != record_hash(text) {
            return Err(SumdbError::security(
                "cannot authenticate record data in server response",
            ));
        }
        Ok(())
    }

    /// The remembered note; empty when there is none yet.
    fn read_latest(&self) -> Result<Vec<u8>, SumdbError> {
        let path = self.state_dir.join("latest");
        match fs::read(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
            result => result.map_err(state_error("read", &path)),
        }
    }

    /// Replaces `latest` with `new` if it still holds `expected` (or nothing), under an
    /// exclusive lock on `latest.lock`; false when another client got there first.
    fn swap_latest(&self, expected: &[u8], new: &[u8]) -> Result<bool, SumdbError> {
        let dir = &self.state_dir;
        fs::create_dir_all(dir).map_err(state_error("create", dir))?;
        let lock_path = dir.join("latest.lock");
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(state_error("open", &lock_path))?;
        lock.lock().map_err(state_error("lock", &lock_path))?;
        let current = self.read_latest()?;
        if !current.is_empty() && current != expected {
            return Ok(false);
        }
        let temp = dir.join("latest.tmp");
        fs::write(&temp, new).map_err(state_error("write", &temp))?;
        let latest = dir.join("latest");
        fs::rename(&temp, &latest).map_err(state_error("replace", &latest))?;
        Ok(true)
    }

    fn fetch_tile(&self, tile: &Tile) -> Result<Vec<u8>, SumdbError> {
        let path = tile.path();
        let first = self.fetch.fetch(&path);
        if let Ok(Some(data)) = first {
            return Ok(data);
        }
        // A partial tile the server no longer has should have been completed: use the
        // beginning of the full tile.
        if !tile.is_full() {
            let full = tile.full();
            if let Ok(Some(mut data)) = self.fetch.fetch(&full.path()) {
                data.truncate(data.len() / full.width as usize * tile.width as usize);
                return Ok(data);
            }
        }
        Err(match first {
            Err(e) => e.into(),
            _ => FetchError::new(format!("the checksum database has no {path}")).into(),
        })
    }
}

impl<F: Fetch> TileSource for Client<F> {
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, SumdbError> {
        tiles
            .iter()
            .map(|tile| {
                let cache = self.tiles.lock().unwrap_or_else(PoisonError::into_inner);
                let known = cache.get(tile).cloned().or_else(|| {
                    let full = cache.get(&tile.full())?;
                    Some(full[..tile.width as usize * 32].to_vec())
                });
                drop(cache);
                known.map_or_else(|| self.fetch_tile(tile), Ok)
            })
            .collect()
    }

    fn save_tiles(&self, tiles: &[Tile], data: &[Vec<u8>]) {
        let mut cache = self.tiles.lock().unwrap_or_else(PoisonError::into_inner);
        for (tile, data) in tiles.iter().zip(data) {
            cache.insert(*tile, data.clone());
        }
    }
}

/// Untrusted bytes made safe to print: at most 4000 characters, control characters but `\n`
/// replaced.
fn printable(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out: String = text
        .chars()
        .take(4000)
        .map(|c| {
            if c.is_control() && c != '\n' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect();
    if text.chars().nth(4000).is_some() {
        out.push_str("\n[...]");
    }
    out
}

fn state_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> SumdbError {
    let path = path.to_owned();
    move |source| SumdbError::State {
        action,
        path,
        source,
    }
}

/// `path@version` as the database's URLs spell it: every upper-case letter `X` becomes `!x`
/// (Go's `module.EscapePath`/`EscapeVersion`). None for a path or version Go's rules reject
/// (a subset of them: the characters and empty or dot elements), which no database can hold.
fn escape(path: &str, version: &str) -> Option<String> {
    let path_ok = path.split('/').all(|element| {
        !matches!(element, "" | "." | "..")
            && element
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
    });
    let version_ok = !matches!(version, "" | "." | "..")
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+".contains(&b));
    let case = |s: &str| {
        s.chars().fold(String::new(), |mut out, c| {
            if c.is_ascii_uppercase() {
                out.push('!');
            }
            out.push(c.to_ascii_lowercase());
            out
        })
    };
    (path_ok && version_ok).then(|| format!("{}@{}", case(path), case(version)))
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
