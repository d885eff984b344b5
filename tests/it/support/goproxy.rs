//! Go toolchains served the way `GOTOOLCHAIN` downloads them: module zips of
//! `golang.org/toolchain` ([`ToolchainZip`]) in a `file://` GOPROXY directory
//! ([`GoProxy`]), authenticated by a checksum database signed with a test key
//! ([`Sumdb`]), served as static files from the same directory.
//!
//! This is the test oracle for gvx's own verifier, so it shares no code with
//! `src/`: the `h1:` dirhash, the RFC 6962 tree, the tile layout and the signed
//! notes are written here from the Go sources (`x/mod/sumdb`, `cmd/distpack`),
//! and `support_selftest::goproxy` checks them against the real `go` command.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use base64::Engine;
use base64::prelude::BASE64_STANDARD;
use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};

use super::archive::{RawEntry, ZipMember};
use super::fixtures::{FIXTURE_TIME, GO_ENV, go_script, gofmt_script};

/// The module every Go toolchain is published as.
pub const TOOLCHAIN_MODULE: &str = "golang.org/toolchain";

/// The `.mod` file of every toolchain version (what distpack writes).
pub const TOOLCHAIN_GOMOD: &str = "module golang.org/toolchain\n";

/// The go.mod `h1:` of every toolchain version, as sum.golang.org serves it.
pub const TOOLCHAIN_GOMOD_H1: &str = "h1:8wlg68NqwW7eMnI1aABk/C2pDYXj8mrMY4TyRfiLeS0=";

/// Tile height used by sum.golang.org and by the `go` client.
pub const TILE_HEIGHT: u32 = 8;

/// First line of a checksum database tree note.
pub const TREE_NOTE_HEADER: &str = "go.sum database tree\n";

// ---------------------------------------------------------------------------
// h1: (golang.org/x/mod/sumdb/dirhash.Hash1)
// ---------------------------------------------------------------------------

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `dirhash.Hash1` over `(name, content)` pairs: `h1:` + base64(sha256 of the
/// lines `<hex sha256(content)>  <name>\n`, names sorted bytewise).
///
/// Like `dirhash.HashZip`, a name given twice is listed twice and both lines
/// use the *last* content given for it. Panics on a name containing `\n`.
pub fn hash1<N: AsRef<str>, D: AsRef<[u8]>>(files: &[(N, D)]) -> String {
    let items: Vec<(&str, EntryData)> = files
        .iter()
        .map(|(n, d)| (n.as_ref(), EntryData::Bytes(d.as_ref().to_vec())))
        .collect();
    hash1_of(items.iter().map(|(n, d)| (*n, d)))
}

/// [`hash1`] over entries whose content may be a file on disk (streamed).
fn hash1_of<'a>(files: impl Iterator<Item = (&'a str, &'a EntryData)>) -> String {
    let files: Vec<(&str, &EntryData)> = files.collect();
    // HashZip opens entries through a name -> entry map: the last one wins.
    let by_name: BTreeMap<&str, &EntryData> = files.iter().copied().collect();
    let mut names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    let mut summary = String::new();
    for name in names {
        assert!(
            !name.contains('\n'),
            "dirhash: filenames with newlines are not supported"
        );
        let digest = by_name[name].sha256();
        let _ = writeln!(summary, "{}  {name}", hex(&digest));
    }
    format!(
        "h1:{}",
        BASE64_STANDARD.encode(Sha256::digest(summary.as_bytes()))
    )
}

/// The go.mod `h1:` every toolchain version has: [`hash1`] of the single file
/// `go.mod` (bare name) = [`TOOLCHAIN_GOMOD`]. Equals [`TOOLCHAIN_GOMOD_H1`].
pub fn toolchain_gomod_h1() -> String {
    hash1(&[("go.mod", TOOLCHAIN_GOMOD)])
}

// ---------------------------------------------------------------------------
// Module zips (cmd/distpack)
// ---------------------------------------------------------------------------

/// Content of a module zip entry: in memory, or a file read when needed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryData {
    /// The bytes themselves.
    Bytes(Vec<u8>),
    /// A file on disk (a real SDK tree), streamed into hashes and zips.
    File(PathBuf),
}

impl EntryData {
    /// The content (reads the file for [`EntryData::File`]).
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        match self {
            EntryData::Bytes(b) => Cow::Borrowed(b),
            EntryData::File(p) => {
                Cow::Owned(fs::read(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display())))
            }
        }
    }

    fn reader(&self) -> Box<dyn Read + '_> {
        match self {
            EntryData::Bytes(b) => Box::new(b.as_slice()),
            EntryData::File(p) => Box::new(io::BufReader::new(
                fs::File::open(p).unwrap_or_else(|e| panic!("open {}: {e}", p.display())),
            )),
        }
    }

    fn sha256(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        io::copy(&mut self.reader(), &mut h).expect("hash entry");
        h.finalize().into()
    }
}

/// distpack's `mode()`: 0755 for `bin/`, `pkg/tool/`, `*.bash|*.sh|*.pl|*.rc`
/// and `**/go_?*_?*_exec`, else 0644. `rel` is relative to the SDK root.
pub fn distpack_mode(rel: &str) -> u32 {
    let base = rel.rsplit('/').next().unwrap_or(rel);
    // `go_?*_?*_exec`: between `go_` and `_exec`, a `_` with text on both sides.
    let exec_wrapper = base
        .strip_prefix("go_")
        .and_then(|b| b.strip_suffix("_exec"))
        .is_some_and(|mid| {
            mid.char_indices()
                .any(|(i, c)| c == '_' && i > 0 && i + 1 < mid.len())
        });
    if rel.starts_with("bin/")
        || rel.starts_with("pkg/tool/")
        || [".bash", ".sh", ".pl", ".rc"]
            .iter()
            .any(|s| rel.ends_with(s))
        || exec_wrapper
    {
        0o755
    } else {
        0o644
    }
}

/// `go 1.22` for `1.22.10` (the `go` line of the fake `_go.mod` files).
fn go_line(version: &str) -> String {
    let mut parts = version.split('.');
    let major = parts.next().unwrap_or("1");
    let minor: String = parts
        .next()
        .unwrap_or("0")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    format!("go {major}.{minor}")
}

/// A toolchain module zip: entries named
/// `golang.org/toolchain@v0.0.1-go<V>.<goos>-<goarch>/<sdk path>`.
#[derive(Clone, Debug)]
pub struct ToolchainZip {
    /// Go version without `go`, e.g. `1.22.10`.
    pub version: String,
    /// Target GOOS, e.g. `linux`.
    pub goos: String,
    /// Target GOARCH, e.g. `amd64`.
    pub goarch: String,
    /// Full entry names (prefix included; a trailing `/` makes a directory
    /// entry) and contents, in the order they were added; [`Self::zip_bytes`]
    /// writes them sorted.
    pub entries: Vec<(String, EntryData)>,
}

impl ToolchainZip {
    fn empty(version: &str, goos: &str, goarch: &str) -> Self {
        ToolchainZip {
            version: version.strip_prefix("go").unwrap_or(version).to_owned(),
            goos: goos.to_owned(),
            goarch: goarch.to_owned(),
            entries: Vec::new(),
        }
    }

    /// A tiny SDK in module form: `VERSION`, `go.env`, `bin/go` and `bin/gofmt`
    /// (the [`super::fixtures::go_script`] fakes; placeholders for windows),
    /// `pkg/tool/<goos>_<goarch>/compile`, `src/_go.mod`, `src/cmd/_go.mod`,
    /// `src/cmd/go/main.go`. No directory entries.
    pub fn fake(version: &str, goos: &str, goarch: &str) -> Self {
        let mut zip = Self::empty(version, goos, goarch);
        let v = zip.go_version();
        let exe = if goos == "windows" { ".exe" } else { "" };
        let (go, gofmt) = if exe.is_empty() {
            (go_script(&v, goos, goarch), gofmt_script(&v))
        } else {
            (
                format!("MZ fake go.exe {v}\n"),
                format!("MZ fake gofmt.exe {v}\n"),
            )
        };
        let go_mod_line = go_line(&zip.version);
        let files: [(String, String); 8] = [
            ("VERSION".into(), format!("{v}\ntime {FIXTURE_TIME}\n")),
            ("go.env".into(), GO_ENV.into()),
            (format!("bin/go{exe}"), go),
            (format!("bin/gofmt{exe}"), gofmt),
            (
                format!("pkg/tool/{goos}_{goarch}/compile{exe}"),
                format!("fake compile {v}\n"),
            ),
            (
                "src/_go.mod".into(),
                format!("module std\n\n{go_mod_line}\n"),
            ),
            (
                "src/cmd/_go.mod".into(),
                format!("module cmd\n\n{go_mod_line}\n"),
            ),
            (
                "src/cmd/go/main.go".into(),
                "package main\n\nfunc main() {}\n".into(),
            ),
        ];
        for (rel, data) in files {
            zip = zip.with_entry(&rel, data);
        }
        zip
    }

    /// distpack's module form of a real SDK tree `dir` (the `go/` directory of an
    /// extracted official archive). Entries refer to the files (nothing is read).
    ///
    /// Rules (`cmd/distpack/pack.go`): drop `.git*`, `VERSION.cache`,
    /// `**/.DS_Store`, `**/*.exe~`, `src/cmd/dist/dist[.exe]`; of `bin/` keep
    /// only `go`, `gofmt`; of `pkg/` keep `pkg/include/` and
    /// `pkg/tool/<goos>_<goarch>/` minus `api|dist|distpack|metadata`; drop
    /// `api/ doc/ misc/ test/`; rename every `go.mod` to `_go.mod`; prefix; sort.
    pub fn from_sdk_tree(dir: &Path, version: &str, goos: &str, goarch: &str) -> Self {
        let mut zip = Self::empty(version, goos, goarch);
        let exe = if goos == "windows" { ".exe" } else { "" };
        let tool_dir = format!("pkg/tool/{goos}_{goarch}/");
        let mut files = Vec::new();
        walk_files(dir, "", &mut files);
        // pkg/tool/<goos>_<goarch>/ minus distpack's helper tools.
        let is_kept_tool = |rel: &str, base: &str| {
            let helper = matches!(
                base.strip_suffix(".exe").unwrap_or(base),
                "api" | "dist" | "distpack" | "metadata"
            );
            rel.starts_with(&tool_dir) && !helper
        };
        let first = |rel: &str| rel.split('/').next().unwrap_or("").to_owned();
        let base = |rel: &str| rel.rsplit('/').next().unwrap_or("").to_owned();
        let mut kept: Vec<(String, PathBuf)> = files
            .into_iter()
            .filter(|(rel, _)| {
                let (first, base) = (first(rel), base(rel));
                let removed_everywhere = matches!(first.as_str(), ".git" | ".github")
                    || matches!(
                        rel.as_str(),
                        ".gitattributes" | ".gitignore" | "VERSION.cache"
                    )
                    || matches!(rel.as_str(), "src/cmd/dist/dist" | "src/cmd/dist/dist.exe")
                    || base == ".DS_Store"
                    || base.ends_with(".exe~")
                    || (rel.starts_with("misc/cgo/") && rel.split('/').nth(3) == Some("_obj"));
                let module_removed = matches!(first.as_str(), "api" | "doc" | "misc" | "test");
                let pkg_removed =
                    first == "pkg" && !rel.starts_with("pkg/include/") && !is_kept_tool(rel, &base);
                // bin/ is rebuilt from go and gofmt only.
                !(removed_everywhere || module_removed || pkg_removed || first == "bin")
            })
            .collect();
        for b in ["go", "gofmt"] {
            let name = format!("bin/{b}{exe}");
            let native = dir.join(&name);
            let cross = dir.join(format!("bin/{goos}_{goarch}/{b}{exe}"));
            let src = if native.is_file() { native } else { cross };
            assert!(src.is_file(), "{} has no {name}", dir.display());
            kept.push((name, src));
        }
        let prefix = zip.prefix();
        for (rel, path) in kept {
            let mut name = format!("{prefix}{rel}");
            if name.ends_with("/go.mod") {
                name = format!("{}_go.mod", name.strip_suffix("go.mod").expect("suffix"));
            }
            zip.entries.push((name, EntryData::File(path)));
        }
        zip.entries.sort_by(|a, b| a.0.cmp(&b.0));
        zip
    }

    /// `go1.22.10`.
    pub fn go_version(&self) -> String {
        format!("go{}", self.version)
    }

    /// The module version, e.g. `v0.0.1-go1.22.10.linux-amd64`.
    pub fn module_version(&self) -> String {
        format!("v0.0.1-go{}.{}-{}", self.version, self.goos, self.goarch)
    }

    /// `golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64` (the lookup key).
    pub fn module_at_version(&self) -> String {
        format!("{TOOLCHAIN_MODULE}@{}", self.module_version())
    }

    /// The entry name prefix, e.g. `golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64/`.
    pub fn prefix(&self) -> String {
        format!("{}/", self.module_at_version())
    }

    /// Entry names, sorted (as written).
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.entries.iter().map(|(n, _)| n.clone()).collect();
        names.sort();
        names
    }

    /// The content of entry `rel` (relative to [`Self::prefix`]), if present.
    pub fn get(&self, rel: &str) -> Option<Vec<u8>> {
        let name = format!("{}{rel}", self.prefix());
        self.entries
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| d.bytes().into_owned())
    }

    /// Adds or replaces the file `rel` (relative to [`Self::prefix`]).
    #[must_use]
    pub fn with_entry(mut self, rel: &str, data: impl Into<Vec<u8>>) -> Self {
        let name = format!("{}{rel}", self.prefix());
        self.entries.retain(|(n, _)| *n != name);
        self.entries.push((name, EntryData::Bytes(data.into())));
        self
    }

    /// Removes the entry `rel` (relative to [`Self::prefix`]); panics if absent.
    #[must_use]
    pub fn without_entry(mut self, rel: &str) -> Self {
        let name = format!("{}{rel}", self.prefix());
        let before = self.entries.len();
        self.entries.retain(|(n, _)| *n != name);
        assert!(self.entries.len() < before, "no entry {name}");
        self
    }

    /// Appends an entry with the full `name` exactly as given, even a duplicate,
    /// a wrong prefix or a directory (`…/`) — for hostile zips.
    #[must_use]
    pub fn with_raw_entry(mut self, name: &str, data: impl Into<Vec<u8>>) -> Self {
        self.entries
            .push((name.to_owned(), EntryData::Bytes(data.into())));
        self
    }

    /// [`Self::with_entry`] with byte `index` of the current content of `rel`
    /// XOR-ed with `0x01` (same size, different hash).
    #[must_use]
    pub fn with_flipped_byte(self, rel: &str, index: usize) -> Self {
        let mut data = self.get(rel).unwrap_or_else(|| panic!("no entry {rel}"));
        data[index] ^= 0x01;
        self.with_entry(rel, data)
    }

    /// The `time` line of the `VERSION` entry (RFC 3339), else [`FIXTURE_TIME`].
    pub fn time(&self) -> String {
        self.get("VERSION")
            .and_then(|v| {
                String::from_utf8_lossy(&v)
                    .lines()
                    .find_map(|l| l.strip_prefix("time ").map(|t| t.trim().to_owned()))
            })
            .unwrap_or_else(|| FIXTURE_TIME.to_owned())
    }

    /// The `.info` file as distpack writes it: `{"Version":"…", "Time":"…"}\n`.
    pub fn info_json(&self) -> String {
        format!(
            "{{\"Version\":\"{}\", \"Time\":\"{}\"}}\n",
            self.module_version(),
            self.time()
        )
    }

    /// `dirhash.HashZip(zip, Hash1)`: the `h1:` of every entry by its full name.
    pub fn h1(&self) -> String {
        hash1_of(self.entries.iter().map(|(n, d)| (n.as_str(), d)))
    }

    /// The sumdb record for this version: the zip line and the go.mod line.
    pub fn record(&self) -> String {
        let (m, v) = (TOOLCHAIN_MODULE, self.module_version());
        format!(
            "{m} {v} {}\n{m} {v}/go.mod {TOOLCHAIN_GOMOD_H1}\n",
            self.h1()
        )
    }

    /// Entries sorted by name (stable: duplicates keep their order).
    fn sorted(&self) -> Vec<&(String, EntryData)> {
        let mut sorted: Vec<&(String, EntryData)> = self.entries.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        sorted
    }

    /// The entry name relative to the prefix (for the mode rule).
    fn rel<'a>(&self, name: &'a str) -> &'a str {
        let prefix = self.prefix();
        name.strip_prefix(prefix.as_str()).unwrap_or(name)
    }

    /// Writes the zip to `w`: entries sorted, deflated (level 1: fast on real
    /// trees; `h1:` ignores encoding), no directory entries unless added raw,
    /// unix modes from [`distpack_mode`], mtime 2024-12-03.
    /// Panics on duplicate names (use [`Self::zip_bytes`]).
    pub fn write_zip<W: Write + Seek>(&self, w: W) -> W {
        let mtime = zip::DateTime::from_date_and_time(2024, 12, 3, 0, 0, 0).expect("valid date");
        let mut zw = zip::ZipWriter::new(w);
        for (name, data) in self.sorted() {
            let options = zip::write::SimpleFileOptions::default()
                .last_modified_time(mtime)
                .unix_permissions(distpack_mode(self.rel(name)));
            if name.ends_with('/') {
                zw.add_directory(name.as_str(), options.unix_permissions(0o755))
                    .expect("zip dir");
                continue;
            }
            zw.start_file(
                name.as_str(),
                options
                    .compression_method(zip::CompressionMethod::Deflated)
                    .compression_level(Some(1)),
            )
            .unwrap_or_else(|e| panic!("zip entry {name}: {e}"));
            io::copy(&mut data.reader(), &mut zw).expect("zip write");
        }
        zw.finish().expect("zip finish")
    }

    /// The zip in memory ([`Self::write_zip`]; with duplicate names, the
    /// byte-level writer of `support::archive`, which keeps them).
    pub fn zip_bytes(&self) -> Vec<u8> {
        let sorted = self.sorted();
        if sorted.windows(2).any(|w| w[0].0 == w[1].0) {
            let members: Vec<ZipMember> = sorted
                .into_iter()
                .map(|(name, data)| {
                    let e = if name.ends_with('/') {
                        RawEntry::dir(name)
                    } else {
                        RawEntry::file(name, distpack_mode(self.rel(name)), data.bytes())
                    };
                    ZipMember::from(e)
                })
                .collect();
            return super::archive::zip_bytes(&members);
        }
        self.write_zip(io::Cursor::new(Vec::new())).into_inner()
    }
}

/// Every non-directory under `dir` as (`/`-separated relative name, path).
fn walk_files(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) {
    let rd = fs::read_dir(dir).unwrap_or_else(|e| panic!("read_dir {}: {e}", dir.display()));
    for entry in rd {
        let entry = entry.expect("dir entry");
        let name = entry.file_name().into_string().expect("UTF-8 file name");
        let child = if rel.is_empty() {
            name
        } else {
            format!("{rel}/{name}")
        };
        let path = entry.path();
        if entry.file_type().expect("file type").is_dir() {
            walk_files(&path, &child, out);
        } else {
            out.push((child, path));
        }
    }
}

// ---------------------------------------------------------------------------
// Checksum database (golang.org/x/mod/sumdb, RFC 6962 tree, tiles, notes)
// ---------------------------------------------------------------------------

/// RFC 6962 leaf hash: sha256(0x00 ‖ record text).
pub fn record_hash(text: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(text);
    h.finalize().into()
}

/// RFC 6962 interior hash: sha256(0x01 ‖ left ‖ right).
pub fn node_hash(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// RFC 6962 §2.1 Merkle tree hash of `leaves` (already leaf-hashed); the
/// empty tree hashes to 32 zero bytes, as `tlog.TreeHash(0)` returns.
pub fn merkle_root(leaves: &[[u8; 32]]) -> [u8; 32] {
    fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
        if leaves.len() == 1 {
            return leaves[0];
        }
        // k = the largest power of two smaller than n.
        let mut k = 1;
        while k * 2 < leaves.len() {
            k *= 2;
        }
        node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
    }
    if leaves.is_empty() {
        [0; 32]
    } else {
        mth(leaves)
    }
}

/// `hash(name ‖ "\n" ‖ key)[0..4]` big-endian: the key hash of a note verifier
/// (`key` = algorithm byte `0x01` ‖ the 32-byte Ed25519 public key).
pub fn key_hash(name: &str, key: &[u8]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update(key);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// The path of a tile: `tile/<H>/<L>/<NNN>[.p/<W>]`, `N` in 3-digit groups
/// with `x` prefixes (`1234067` → `x001/x234/067`), `.p/W` unless full.
pub fn tile_path(level: u32, index: u64, width: u64) -> String {
    let mut n = index;
    let mut s = format!("{:03}", n % 1000);
    while n >= 1000 {
        n /= 1000;
        s = format!("x{:03}/{s}", n % 1000);
    }
    let partial = if width == 1 << TILE_HEIGHT {
        String::new()
    } else {
        format!(".p/{width}")
    };
    format!("tile/{TILE_HEIGHT}/{level}/{s}{partial}")
}

/// The tiles Go's server serves for a tree of `size` records, as
/// `tlog.NewTiles(8, 0, size)` lists them: `(level, index, width)` — every full
/// tile, and at each level every width 1..=W of the last, partial tile.
pub fn new_tiles(size: u64) -> Vec<(u32, u64, u64)> {
    let h = TILE_HEIGHT;
    let mut tiles = Vec::new();
    let mut level = 0;
    while size >> (h * level) > 0 {
        let n = size >> (h * level);
        for i in 0..n >> h {
            tiles.push((level, i, 1 << h));
        }
        let last = n >> h;
        for w in 1..=n - (last << h) {
            tiles.push((level, last, w));
        }
        level += 1;
    }
    tiles
}

/// Go's module path/version escaping: `X` → `!x`.
fn escape(s: &str) -> String {
    s.chars().fold(String::new(), |mut out, c| {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
        out
    })
}

/// A checksum database (a transparency log of go.sum records) signed with a
/// test Ed25519 key, written out as the static files a proxy serves.
#[derive(Clone, Debug)]
pub struct Sumdb {
    name: String,
    key: SigningKey,
    records: Vec<String>,
    leaves: Vec<[u8; 32]>,
    /// `path@version` (unescaped) → record id; the last record added wins.
    lookups: BTreeMap<String, u64>,
}

impl Sumdb {
    /// An empty database `name` (e.g. `sumdb.test`), signing key `[seed; 32]`.
    pub fn new(name: &str, seed: u8) -> Self {
        Sumdb {
            name: name.to_owned(),
            key: SigningKey::from_bytes(&[seed; 32]),
            records: Vec::new(),
            leaves: Vec::new(),
            lookups: BTreeMap::new(),
        }
    }

    /// The database name (the signer name in notes).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `0x01` ‖ the Ed25519 public key (what the verifier key encodes).
    pub fn public_key(&self) -> Vec<u8> {
        let mut k = vec![1u8];
        k.extend_from_slice(self.key.verifying_key().as_bytes());
        k
    }

    /// The key hash (4 bytes, big-endian) naming this key in signatures.
    pub fn key_hash(&self) -> u32 {
        key_hash(&self.name, &self.public_key())
    }

    /// The verifier key, usable as `GOSUMDB`: `<name>+<hash8hex>+<base64(0x01‖pub)>`.
    pub fn vkey(&self) -> String {
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.key_hash(),
            BASE64_STANDARD.encode(self.public_key())
        )
    }

    fn push(&mut self, text: String) -> u64 {
        let id = self.records.len() as u64;
        self.leaves.push(record_hash(text.as_bytes()));
        self.records.push(text);
        id
    }

    /// Appends `n` records of made-up modules (`example.com/filler/m<id>`), to put
    /// later records in later tiles. They get no lookup file.
    pub fn add_fillers(&mut self, n: usize) {
        for _ in 0..n {
            let id = self.records.len();
            let h = |what: &str| BASE64_STANDARD.encode(Sha256::digest(format!("{what} {id}")));
            let m = format!("example.com/filler/m{id} v1.0.{id}");
            self.push(format!("{m} h1:{}\n{m}/go.mod h1:{}\n", h("zip"), h("mod")));
        }
    }

    /// Appends the record of `zip` ([`ToolchainZip::record`]); returns its id.
    pub fn add_toolchain(&mut self, zip: &ToolchainZip) -> u64 {
        self.add_record(&zip.record())
    }

    /// Appends any record text (e.g. one with a wrong `h1:`); returns its id. If
    /// its first line is `<path> <version> …`, lookups of `path@version` serve it.
    pub fn add_record(&mut self, text: &str) -> u64 {
        let key = text.lines().next().and_then(|l| {
            let mut f = l.split(' ');
            Some(format!("{}@{}", f.next()?, f.next()?))
        });
        let id = self.push(text.to_owned());
        if let Some(key) = key {
            self.lookups.insert(key, id);
        }
        id
    }

    /// The number of records (the tree size).
    pub fn size(&self) -> u64 {
        self.records.len() as u64
    }

    /// The text of record `id`.
    pub fn record(&self, id: u64) -> &str {
        &self.records[usize::try_from(id).expect("small id")]
    }

    /// The root hash of the tree of the first `size` records.
    pub fn root_hash_at(&self, size: u64) -> [u8; 32] {
        merkle_root(&self.leaves[..usize::try_from(size).expect("small size")])
    }

    /// The root hash of the current tree.
    pub fn root_hash(&self) -> [u8; 32] {
        self.root_hash_at(self.size())
    }

    /// Signs `text` (which must end in `\n`) as a note:
    /// `<text>\n— <name> <base64(keyhash ‖ ed25519 sig over text)>\n`.
    pub fn sign(&self, text: &str) -> String {
        assert!(text.ends_with('\n'), "note text must end in a newline");
        let sig = self.key.sign(text.as_bytes());
        let mut blob = self.key_hash().to_be_bytes().to_vec();
        blob.extend_from_slice(&sig.to_bytes());
        format!(
            "{text}\n\u{2014} {} {}\n",
            self.name,
            BASE64_STANDARD.encode(blob)
        )
    }

    /// The tree note text for the first `size` records:
    /// `go.sum database tree\n<size>\n<base64 root>\n`.
    pub fn tree_text_at(&self, size: u64) -> String {
        format!(
            "{TREE_NOTE_HEADER}{size}\n{}\n",
            BASE64_STANDARD.encode(self.root_hash_at(size))
        )
    }

    /// The signed tree head for the first `size` records (an older head).
    pub fn signed_tree_at(&self, size: u64) -> String {
        self.sign(&self.tree_text_at(size))
    }

    /// The current signed tree head (the `latest` file).
    pub fn signed_tree(&self) -> String {
        self.signed_tree_at(self.size())
    }

    /// The `/lookup/` response for record `id`: `<id>\n<record text>\n<signed tree>`.
    pub fn lookup_body_for(&self, id: u64) -> String {
        format!("{id}\n{}\n{}", self.record(id), self.signed_tree())
    }

    /// The `/lookup/<path>@<version>` response, if a record was added for it.
    pub fn lookup_body(&self, path_at_version: &str) -> Option<String> {
        self.lookups
            .get(path_at_version)
            .map(|&id| self.lookup_body_for(id))
    }

    /// Complete-subtree hashes by height: `levels[h][i]` = hash of records
    /// `[i·2^h, (i+1)·2^h)`, built pairwise from the leaves.
    fn levels(&self) -> Vec<Vec<[u8; 32]>> {
        let mut levels = vec![self.leaves.clone()];
        while levels.last().expect("nonempty").len() >= 2 {
            let below = levels.last().expect("nonempty");
            let up = below
                .chunks_exact(2)
                .map(|p| node_hash(&p[0], &p[1]))
                .collect();
            levels.push(up);
        }
        levels
    }

    /// Every tile of [`new_tiles`] for the current size as (path, data); data =
    /// the tile's stored hashes (complete subtrees of height 8·L) concatenated.
    pub fn tiles(&self) -> Vec<(String, Vec<u8>)> {
        let levels = self.levels();
        new_tiles(self.size())
            .into_iter()
            .map(|(level, index, width)| {
                let hashes = &levels[(TILE_HEIGHT * level) as usize];
                let start = usize::try_from(index << TILE_HEIGHT).expect("small");
                let end = start + usize::try_from(width).expect("small");
                (tile_path(level, index, width), hashes[start..end].concat())
            })
            .collect()
    }

    /// Writes the database as static files under `dir` (`<proxy>/sumdb/<name>`):
    /// `supported` (empty), `latest`, `lookup/<path>@<version>` for every
    /// looked-up record, and every tile of [`Self::tiles`].
    pub fn write(&self, dir: &Path) {
        let put = |rel: &str, data: &[u8]| {
            let path = dir.join(rel);
            fs::create_dir_all(path.parent().expect("parent")).expect("create sumdb dirs");
            fs::write(&path, data).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        };
        put("supported", b"");
        put("latest", self.signed_tree().as_bytes());
        for (key, &id) in &self.lookups {
            let (path, version) = key.rsplit_once('@').expect("path@version");
            let file = format!("lookup/{}@{}", escape(path), escape(version));
            put(&file, self.lookup_body_for(id).as_bytes());
        }
        for (path, data) in self.tiles() {
            put(&path, &data);
        }
    }
}

/// `note` with byte `index` of the decoded signature blob (key hash ‖ Ed25519
/// signature) of its first signature line XOR-ed with `0x01`: index 0..4
/// alters the key hash ("note has no verifiable signatures"), 4.. the
/// signature ("invalid signature for key"). Works on a lookup body too.
pub fn flip_signature_byte(note: &str, index: usize) -> String {
    let mut out = String::new();
    let mut done = false;
    for line in note.split_inclusive('\n') {
        if let (false, Some(rest)) = (done, line.strip_prefix("\u{2014} ")) {
            let (name, b64) = rest
                .trim_end_matches('\n')
                .rsplit_once(' ')
                .expect("signature line: name and base64");
            let mut blob = BASE64_STANDARD.decode(b64).expect("signature base64");
            blob[index] ^= 0x01;
            let _ = writeln!(out, "\u{2014} {name} {}", BASE64_STANDARD.encode(blob));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    assert!(done, "no signature line in note");
    out
}

// ---------------------------------------------------------------------------
// file:// GOPROXY
// ---------------------------------------------------------------------------

/// A `file://` GOPROXY directory serving `golang.org/toolchain` and sumdbs.
#[derive(Clone, Debug)]
pub struct GoProxy {
    /// The directory (absolute).
    pub root: PathBuf,
}

impl GoProxy {
    /// A proxy in `root` (created; must be absolute).
    pub fn new(root: &Path) -> Self {
        assert!(root.is_absolute(), "GoProxy root must be absolute");
        fs::create_dir_all(root).expect("create proxy dir");
        GoProxy {
            root: root.to_path_buf(),
        }
    }

    /// The GOPROXY value, `file:///…`.
    pub fn url(&self) -> String {
        format!("file://{}", self.root.display())
    }

    /// `<root>/golang.org/toolchain/@v`.
    pub fn module_dir(&self) -> PathBuf {
        self.root.join(TOOLCHAIN_MODULE).join("@v")
    }

    /// Where the `.zip` of `module_version` (`v0.0.1-go…`) is served from.
    pub fn zip_path(&self, module_version: &str) -> PathBuf {
        self.module_dir().join(format!("{module_version}.zip"))
    }

    /// Publishes `zip`: `@v/<ver>.zip`, `.info`, `.mod`, and adds `<ver>` to `@v/list`.
    pub fn publish(&self, zip: &ToolchainZip) {
        let dir = self.module_dir();
        fs::create_dir_all(&dir).expect("create @v");
        let ver = zip.module_version();
        let file = fs::File::create(self.zip_path(&ver)).expect("create zip");
        zip.write_zip(io::BufWriter::new(file))
            .flush()
            .expect("flush zip");
        fs::write(dir.join(format!("{ver}.info")), zip.info_json()).expect("write info");
        fs::write(dir.join(format!("{ver}.mod")), TOOLCHAIN_GOMOD).expect("write mod");
        let list = dir.join("list");
        let mut versions = fs::read_to_string(&list).unwrap_or_default();
        if !versions.lines().any(|l| l == ver) {
            versions.push_str(&ver);
            versions.push('\n');
            fs::write(&list, versions).expect("write list");
        }
    }

    /// `<root>/sumdb/<name>`.
    pub fn sumdb_dir(&self, name: &str) -> PathBuf {
        self.root.join("sumdb").join(name)
    }

    /// Writes `db` under [`Self::sumdb_dir`] ([`Sumdb::write`]).
    pub fn publish_sumdb(&self, db: &Sumdb) {
        db.write(&self.sumdb_dir(db.name()));
    }

    /// The lookup file of `path_at_version` in sumdb `name` (to tamper with it).
    pub fn lookup_path(&self, name: &str, path_at_version: &str) -> PathBuf {
        let (path, version) = path_at_version.rsplit_once('@').expect("path@version");
        self.sumdb_dir(name)
            .join("lookup")
            .join(format!("{}@{}", escape(path), escape(version)))
    }
}

// ---------------------------------------------------------------------------
// The real `go` as an oracle
// ---------------------------------------------------------------------------

/// GOROOT of the real SDK `go<version>` for linux/amd64, extracted once (per
/// target dir, reused across runs) from `$GVX_TEST_SDKS/go<version>.linux-amd64.tar.gz`
/// into `$CARGO_TARGET_TMPDIR/goproxy-sdks/`. `None` (the lane skipped, [`super::lanes`]) if it
/// is not extracted yet and `GVX_TEST_SDKS` is not set.
pub fn real_goroot(version: &str) -> Option<PathBuf> {
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("goproxy-sdks");
    let done = cache.join(format!("go{version}"));
    let goroot = done.join("go");
    if goroot.join("bin/go").is_file() {
        return Some(goroot);
    }
    let sdks = super::lanes::input_dir(
        super::lanes::REAL_SDKS,
        "GVX_TEST_SDKS",
        "scripts/real-sdks.sh",
    )?;
    let archive = sdks.join(format!("go{version}.linux-amd64.tar.gz"));
    fs::create_dir_all(&cache).expect("create sdk cache");
    let tmp = tempfile::tempdir_in(&cache).expect("temp dir");
    let file = fs::File::open(&archive).unwrap_or_else(|e| panic!("{}: {e}", archive.display()));
    tar::Archive::new(flate2::read::GzDecoder::new(io::BufReader::new(file)))
        .unpack(tmp.path())
        .unwrap_or_else(|e| panic!("extract {}: {e}", archive.display()));
    assert!(
        tmp.path().join("go/bin/go").is_file(),
        "no go/bin/go in {}",
        archive.display()
    );
    // Another process may have won the race; then keep its copy.
    let _ = fs::rename(tmp.path(), &done);
    Some(goroot)
}

/// The real go1.22.10 `go` binary ([`real_goroot`]).
pub fn real_go() -> Option<PathBuf> {
    real_goroot("1.22.10").map(|goroot| goroot.join("bin/go"))
}

/// The outcome of a real `go mod download -json`; owns the temp dir holding
/// its GOPATH and module cache (`json["Dir"]` is in it) until dropped.
#[derive(Debug)]
pub struct GoDownload {
    /// Whether `go` exited 0.
    pub success: bool,
    /// The JSON object it printed (`Sum`, `GoModSum`, `Dir`, `Error`, …); `Null` if none.
    pub json: serde_json::Value,
    /// stdout and stderr, for assertions on messages.
    pub output: String,
    /// The temp dir with `home/`, `gopath/`, `modcache/`, `gocache/`, `work/`.
    pub tmp: tempfile::TempDir,
}

impl Drop for GoDownload {
    fn drop(&mut self) {
        // Go's module cache is read-only, which would stop the removal.
        make_writable(self.tmp.path());
    }
}

/// The real `go` run hermetically in `dir`: an empty environment but `PATH=/usr/bin:/bin`,
/// HOME, GOPATH, GOMODCACHE, GOCACHE under `dir`, no go env file, empty GOFLAGS, `GOPROXY` =
/// `proxy` and `GOSUMDB` = `gosumdb`; the working directory `dir/work` (created; no go.mod).
pub fn go_command(go: &Path, dir: &Path, proxy: &GoProxy, gosumdb: &str) -> Command {
    let work = dir.join("work");
    fs::create_dir_all(&work).expect("work dir");
    let mut cmd = Command::new(go);
    cmd.current_dir(&work)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", dir.join("home"))
        .env("GOPATH", dir.join("gopath"))
        .env("GOMODCACHE", dir.join("modcache"))
        .env("GOCACHE", dir.join("gocache"))
        .env("GOENV", "off")
        .env("GOFLAGS", "")
        .env("GOPROXY", proxy.url())
        .env("GOSUMDB", gosumdb);
    cmd
}

/// Runs `go mod download -json <module@version>` hermetically: `GOPROXY` =
/// `proxy`, `GOSUMDB` = `gosumdb` (a bare vkey ⇒ the proxy's `/sumdb/<name>`),
/// fresh GOPATH/GOMODCACHE/GOCACHE/HOME in a temp dir, `GOTOOLCHAIN=local`,
/// empty `GOFLAGS`/`GONOSUMDB`/`GOPRIVATE`/`GONOPROXY`, cwd without go.mod.
pub fn go_mod_download(go: &Path, proxy: &GoProxy, gosumdb: &str, module: &str) -> GoDownload {
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = go_command(go, tmp.path(), proxy, gosumdb)
        .args(["mod", "download", "-json", module])
        .env("GOTOOLCHAIN", "local")
        .env("GONOSUMDB", "")
        .env("GOPRIVATE", "")
        .env("GONOPROXY", "")
        .env("GOINSECURE", "")
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", go.display()));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    GoDownload {
        success: out.status.success(),
        json,
        output: format!("{stdout}{stderr}"),
        tmp,
    }
}

/// Adds the owner rwx bits to every directory under `dir`.
fn make_writable(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = fs::symlink_metadata(dir) else {
        return;
    };
    if !meta.is_dir() {
        return;
    }
    let mode = meta.permissions().mode();
    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(mode | 0o700));
    if let Ok(rd) = fs::read_dir(dir) {
        for entry in rd.flatten() {
            make_writable(&entry.path());
        }
    }
}
