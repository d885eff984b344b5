//! Byte-level tar and zip writers (and readers for assertions).
//!
//! These write names and link targets verbatim, bypassing the path checks of
//! the `tar`/`zip` crates, so the same code builds both well-formed SDK
//! archives and hostile ones.

use std::io::{self, Read, Write};

use flate2::Compression;
use flate2::write::{DeflateEncoder, GzEncoder};
use tar::{EntryType, Header};

/// mtime of every entry: the `time` line of the fake `VERSION` (2024-12-03T00:00:00Z).
pub const FIXTURE_MTIME: u64 = 1_733_184_000;

/// One archive member, written exactly as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawEntry {
    /// The name as stored, e.g. `go/bin/go`, `go/../evil`, `C:\evil`.
    pub name: String,
    /// Tar entry type (zip: `Regular`, `Directory` or `Symlink`).
    pub kind: EntryType,
    /// Permission (and setuid/setgid) bits, e.g. `0o755`.
    pub mode: u32,
    /// Content (for symlinks in zip: the target).
    pub data: Vec<u8>,
    /// Link target for `Symlink`/`Link` entries (tar).
    pub link: Option<String>,
    /// `(major, minor)` for device entries.
    pub device: Option<(u32, u32)>,
}

impl RawEntry {
    /// A regular file.
    pub fn file(name: &str, mode: u32, data: impl Into<Vec<u8>>) -> RawEntry {
        RawEntry { name: name.to_owned(), kind: EntryType::Regular, mode, data: data.into(), link: None, device: None }
    }

    /// A directory (`name` should end with `/`).
    pub fn dir(name: &str) -> RawEntry {
        RawEntry { kind: EntryType::Directory, ..RawEntry::file(name, 0o755, Vec::new()) }
    }

    /// A symbolic link `name -> target`.
    pub fn symlink(name: &str, target: &str) -> RawEntry {
        RawEntry {
            kind: EntryType::Symlink,
            link: Some(target.to_owned()),
            ..RawEntry::file(name, 0o777, target.as_bytes().to_vec())
        }
    }

    /// A hard link `name` => `target`.
    pub fn hardlink(name: &str, target: &str) -> RawEntry {
        RawEntry { kind: EntryType::Link, link: Some(target.to_owned()), ..RawEntry::file(name, 0o644, Vec::new()) }
    }

    /// A character device node.
    pub fn char_device(name: &str, major: u32, minor: u32) -> RawEntry {
        RawEntry { kind: EntryType::Char, device: Some((major, minor)), ..RawEntry::file(name, 0o666, Vec::new()) }
    }
}

fn copy_field(field: &mut [u8], value: &str) {
    let bytes = value.as_bytes();
    assert!(bytes.len() <= field.len(), "tar field too long: {value}");
    field.fill(0);
    field[..bytes.len()].copy_from_slice(bytes);
}

/// An uncompressed GNU tar stream of `entries`, names written verbatim.
pub fn tar_bytes(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        let mut h = Header::new_gnu();
        copy_field(&mut h.as_old_mut().name, &e.name);
        if let Some(link) = &e.link {
            copy_field(&mut h.as_old_mut().linkname, link);
        }
        h.set_mode(e.mode);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(FIXTURE_MTIME);
        h.set_entry_type(e.kind);
        let data: &[u8] = if e.kind == EntryType::Regular { &e.data } else { &[] };
        h.set_size(data.len() as u64);
        if let Some((major, minor)) = e.device {
            h.set_device_major(major).expect("gnu header has device fields");
            h.set_device_minor(minor).expect("gnu header has device fields");
        }
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(512), 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

/// Gzip-compresses `data`.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data).expect("gzip to memory");
    enc.finish().expect("gzip to memory")
}

/// `gzip(tar_bytes(entries))`.
pub fn tar_gz_bytes(entries: &[RawEntry]) -> Vec<u8> {
    gzip(&tar_bytes(entries))
}

/// How a zip member is stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZipMember {
    /// The entry, name written verbatim.
    pub entry: RawEntry,
    /// The uncompressed size written in both headers; `None` = the real size.
    /// A smaller lie makes a zip bomb.
    pub declared_size: Option<u32>,
    /// Pre-deflated content to store instead of compressing `entry.data`
    /// (then `declared_size` and the CRC describe `entry.data`).
    pub deflated: Option<Vec<u8>>,
}

impl From<RawEntry> for ZipMember {
    fn from(entry: RawEntry) -> ZipMember {
        ZipMember { entry, declared_size: None, deflated: None }
    }
}

/// DOS date of 2024-12-03 (time 00:00:00).
const DOS_DATE: u16 = ((2024 - 1980) << 9) | (12 << 5) | 3;

/// Raw-deflates `data`.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data).expect("deflate to memory");
    enc.finish().expect("deflate to memory")
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    crc.sum()
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).expect("fixture zips stay below 4 GiB")
}

/// A zip archive (no zip64) of `members`, names written verbatim; regular
/// files are deflated, directories and symlinks stored. Unix modes go into the
/// external attributes (with `S_IFREG`/`S_IFDIR`/`S_IFLNK`).
pub fn zip_bytes(members: &[ZipMember]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for m in members {
        let e = &m.entry;
        let (method, file_type): (u16, u32) = match e.kind {
            EntryType::Directory => (0, 0o040_000),
            EntryType::Symlink => (0, 0o120_000),
            _ => (8, 0o100_000),
        };
        let stored = match (&m.deflated, method) {
            (Some(d), _) => d.clone(),
            (None, 8) => deflate(&e.data),
            (None, _) => e.data.clone(),
        };
        let crc = crc32(&e.data);
        let size = m.declared_size.unwrap_or_else(|| u32_of(e.data.len()));
        let name = e.name.as_bytes();
        let offset = u32_of(out.len());
        let mut common = Vec::new();
        common.extend_from_slice(&20u16.to_le_bytes()); // version needed
        common.extend_from_slice(&0u16.to_le_bytes()); // flags
        common.extend_from_slice(&method.to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes()); // time
        common.extend_from_slice(&DOS_DATE.to_le_bytes());
        common.extend_from_slice(&crc.to_le_bytes());
        common.extend_from_slice(&u32_of(stored.len()).to_le_bytes());
        common.extend_from_slice(&size.to_le_bytes());
        common.extend_from_slice(&u16::try_from(name.len()).expect("short name").to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes()); // extra length

        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&common);
        out.extend_from_slice(name);
        out.extend_from_slice(&stored);

        let dos_attr: u32 = if e.kind == EntryType::Directory { 0x10 } else { 0 };
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&((3u16 << 8) | 20).to_le_bytes()); // made by: unix
        central.extend_from_slice(&common);
        central.extend_from_slice(&[0; 8]); // comment len, disk, internal attrs
        central.extend_from_slice(&(((file_type | e.mode) << 16) | dos_attr).to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
    }
    let count = u16::try_from(members.len()).expect("few members");
    let cd_offset = u32_of(out.len());
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // disk numbers
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&u32_of(central.len()).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // comment length
    out
}

/// A tar member as read back by [`list_tar_gz`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedTar {
    /// Name bytes as stored (lossy UTF-8).
    pub name: String,
    /// Entry type.
    pub kind: EntryType,
    /// Mode bits from the header.
    pub mode: u32,
    /// Link target, if any.
    pub link: Option<String>,
    /// Content.
    pub data: Vec<u8>,
}

/// Lists a `.tar.gz` without validating or unpacking anything.
pub fn list_tar_gz(bytes: &[u8]) -> Vec<ListedTar> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut out = Vec::new();
    for entry in archive.entries().expect("tar entries") {
        let mut entry = entry.expect("tar entry");
        let h = entry.header();
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let link = entry.link_name_bytes().map(|l| String::from_utf8_lossy(&l).into_owned());
        let (kind, mode) = (h.entry_type(), h.mode().expect("tar mode"));
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("tar data");
        out.push(ListedTar { name, kind, mode, link, data });
    }
    out
}

/// A zip member as read back from the central directory by [`list_zip`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedZip {
    /// Name bytes as stored (lossy UTF-8).
    pub name: String,
    /// 0 = stored, 8 = deflate.
    pub method: u16,
    /// Uncompressed size as declared in the central directory.
    pub declared_size: u64,
    /// Unix mode from the external attributes (file type bits included).
    pub unix_mode: u32,
    /// The stored (possibly compressed) bytes.
    pub stored: Vec<u8>,
}

impl ListedZip {
    /// The real uncompressed length, found by inflating (stored: the length).
    pub fn actual_size(&self) -> u64 {
        if self.method == 0 {
            return self.stored.len() as u64;
        }
        let mut dec = flate2::read::DeflateDecoder::new(&self.stored[..]);
        io::copy(&mut dec, &mut io::sink()).expect("inflate")
    }
}

fn le16(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Lists a (non-zip64, comment-free) zip by parsing its central directory
/// by hand, so hostile names and lying sizes come back as stored.
pub fn list_zip(bytes: &[u8]) -> Vec<ListedZip> {
    let eocd = bytes.len().checked_sub(22).expect("zip too short");
    assert_eq!(le32(bytes, eocd), 0x0605_4b50, "no end-of-central-directory record at the end");
    let count = le16(bytes, eocd + 10);
    let mut at = le32(bytes, eocd + 16) as usize;
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(le32(bytes, at), 0x0201_4b50, "bad central directory header");
        let method = u16::from_le_bytes([bytes[at + 10], bytes[at + 11]]);
        let compressed = le32(bytes, at + 20) as usize;
        let declared_size = u64::from(le32(bytes, at + 24));
        let (name_len, extra_len, comment_len) = (le16(bytes, at + 28), le16(bytes, at + 30), le16(bytes, at + 32));
        let unix_mode = le32(bytes, at + 38) >> 16;
        let local = le32(bytes, at + 42) as usize;
        let name = String::from_utf8_lossy(&bytes[at + 46..at + 46 + name_len]).into_owned();
        let data_at = local + 30 + le16(bytes, local + 26) + le16(bytes, local + 28);
        let stored = bytes[data_at..data_at + compressed].to_vec();
        out.push(ListedZip { name, method, declared_size, unix_mode, stored });
        at += 46 + name_len + extra_len + comment_len;
    }
    out
}
