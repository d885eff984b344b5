//! An in-memory checksum database for tests: a log of records with its stored hashes, tree
//! notes signed by a test key, and a [`Fetch`] that serves lookups and tiles from it and can
//! be told to lose, break or alter answers.

use super::fetch::{Fetch, FetchError};
use super::tile::Tile;
use super::tlog::{
    Hash, Tree, fold_subtrees, node_hash, record_hash, stored_hash_index, subtree_indexes,
};
use base64::Engine;
use base64::prelude::BASE64_STANDARD;
use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

pub(crate) const NAME: &str = "sumdb.test";

/// A log whose record `i` is module `example.com/m<i>` at `v1.0.0`.
pub(crate) struct TestDb {
    key: SigningKey,
    /// Varies the records' hashes, so that two databases can disagree.
    salt: String,
    records: Vec<String>,
    /// Every stored hash, by stored hash index.
    hashes: Vec<Hash>,
}

impl TestDb {
    pub(crate) fn new(seed: u8, salt: &str, size: u64) -> TestDb {
        let mut db = TestDb {
            key: SigningKey::from_bytes(&[seed; 32]),
            salt: salt.to_owned(),
            records: Vec::new(),
            hashes: Vec::new(),
        };
        db.grow(size);
        db
    }

    /// The verifier key of this database's signer.
    pub(crate) fn vkey(&self) -> String {
        vkey_for(self.key.verifying_key().as_bytes())
    }

    /// Appends records up to `size`, storing each leaf hash and the subtree hashes it
    /// completes, as a log server does.
    pub(crate) fn grow(&mut self, size: u64) {
        while (self.records.len() as u64) < size {
            let n = self.records.len() as u64;
            let fake = |what: &str| {
                BASE64_STANDARD.encode(Sha256::digest(format!("{}{what}{n}", self.salt)))
            };
            let text = format!(
                "example.com/m{n} v1.0.0 h1:{}\nexample.com/m{n} v1.0.0/go.mod h1:{}\n",
                fake("zip"),
                fake("mod")
            );
            let mut hash = record_hash(text.as_bytes());
            self.hashes.push(hash);
            for level in 0..(n + 1).trailing_zeros() {
                let left = self.hashes[stored_hash_index(level, (n >> level) - 1) as usize];
                hash = node_hash(&left, &hash);
                self.hashes.push(hash);
            }
            self.records.push(text);
        }
    }

    pub(crate) fn record(&self, id: u64) -> &str {
        &self.records[id as usize]
    }

    pub(crate) fn tree(&self, size: u64) -> Tree {
        let hashes: Vec<Hash> = subtree_indexes(size)
            .iter()
            .map(|&i| self.hashes[i as usize])
            .collect();
        Tree {
            size,
            hash: fold_subtrees(&hashes),
        }
    }

    /// The tree note for the first `size` records, signed.
    pub(crate) fn note(&self, size: u64) -> String {
        sign(&self.key, &self.tree(size).format())
    }

    /// A tile's data, if the log has grown far enough to fill it.
    fn tile(&self, path: &str) -> Option<Vec<u8>> {
        let rest = path.strip_prefix("tile/8/")?;
        let (level, rest) = rest.split_once('/')?;
        let (digits, width) = match rest.split_once(".p/") {
            Some((digits, width)) => (digits, width.parse().ok()?),
            None => (rest, 256),
        };
        let n = digits.split('/').try_fold(0u64, |n, group| {
            Some(n * 1000 + group.trim_start_matches('x').parse::<u64>().ok()?)
        })?;
        let tile = Tile {
            level: level.parse().ok()?,
            n,
            width,
        };
        if tile.path() != path || width == 0 || width > 256 {
            return None;
        }
        (0..width)
            .map(|i| {
                let index = stored_hash_index(tile.level * 8, (n << 8) + i);
                self.hashes.get(index as usize).copied()
            })
            .collect::<Option<Vec<Hash>>>()
            .map(|hashes| hashes.concat())
    }
}

pub(crate) fn vkey_for(public: &[u8; 32]) -> String {
    let mut key = vec![1];
    key.extend_from_slice(public);
    let digest = Sha256::new()
        .chain_update(NAME)
        .chain_update(b"\n")
        .chain_update(&key)
        .finalize();
    let id = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
    format!("{NAME}+{id:08x}+{}", BASE64_STANDARD.encode(key))
}

/// `text` as a note signed by `key` under [`NAME`].
pub(crate) fn sign(key: &SigningKey, text: &str) -> String {
    let vkey = vkey_for(key.verifying_key().as_bytes());
    let id = u32::from_str_radix(&vkey[NAME.len() + 1..NAME.len() + 9], 16).unwrap();
    let mut sig = id.to_be_bytes().to_vec();
    sig.extend_from_slice(&key.sign(text.as_bytes()).to_bytes());
    format!("{text}\n— {NAME} {}\n", BASE64_STANDARD.encode(sig))
}

type Edit = Box<dyn Fn(&mut Vec<u8>)>;

/// What the test server serves, and what it was asked.
pub(crate) struct Served {
    pub db: TestDb,
    /// The tree size lookups are answered with.
    pub size: u64,
    /// Requested paths, in order.
    pub log: Vec<String>,
    /// Paths answered 404.
    pub missing: Vec<String>,
    /// Paths whose request fails in transport.
    pub broken: Vec<String>,
    /// Changes made to the answer for a path.
    pub edits: HashMap<String, Edit>,
}

/// A [`Fetch`] answering from a [`TestDb`]; clones share it.
#[derive(Clone)]
pub(crate) struct Server(pub Rc<RefCell<Served>>);

impl Server {
    pub(crate) fn new(db: TestDb, size: u64) -> Server {
        Server(Rc::new(RefCell::new(Served {
            db,
            size,
            log: Vec::new(),
            missing: Vec::new(),
            broken: Vec::new(),
            edits: HashMap::new(),
        })))
    }

    pub(crate) fn edit(&self, path: &str, edit: impl Fn(&mut Vec<u8>) + 'static) {
        self.0
            .borrow_mut()
            .edits
            .insert(path.to_owned(), Box::new(edit));
    }

    pub(crate) fn take_log(&self) -> Vec<String> {
        std::mem::take(&mut self.0.borrow_mut().log)
    }
}

impl Fetch for Server {
    fn fetch(&self, path: &str) -> Result<Option<Vec<u8>>, FetchError> {
        let mut served = self.0.borrow_mut();
        served.log.push(path.to_owned());
        if served.broken.iter().any(|p| p == path) {
            return Err(FetchError::new(format!(
                "cannot fetch https://{NAME}/{path}"
            )));
        }
        if served.missing.iter().any(|p| p == path) {
            return Ok(None);
        }
        let mut body = match path.strip_prefix("lookup/") {
            Some(module) => {
                let id = module
                    .strip_prefix("example.com/m")
                    .and_then(|m| m.strip_suffix("@v1.0.0"))
                    .and_then(|id| id.parse::<u64>().ok())
                    .filter(|&id| id < served.db.records.len() as u64);
                let Some(id) = id else { return Ok(None) };
                let note = served.db.note(served.size);
                format!("{id}\n{}\n{note}", served.db.record(id)).into_bytes()
            }
            None => match served.db.tile(path) {
                Some(data) => data,
                None => return Ok(None),
            },
        };
        if let Some(edit) = served.edits.get(path) {
            edit(&mut body);
        }
        Ok(Some(body))
    }
}
