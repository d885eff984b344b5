//! Readers that list archives without validating anything, for asserting
//! what a fixture (hostile or not) really contains.

use std::io::{self, Read};

use tar::EntryType;

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
        let link = entry
            .link_name_bytes()
            .map(|l| String::from_utf8_lossy(&l).into_owned());
        let (kind, mode) = (h.entry_type(), h.mode().expect("tar mode"));
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("tar data");
        out.push(ListedTar {
            name,
            kind,
            mode,
            link,
            data,
        });
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
    assert_eq!(
        le32(bytes, eocd),
        0x0605_4b50,
        "no end-of-central-directory record at the end"
    );
    let count = le16(bytes, eocd + 10);
    let mut at = le32(bytes, eocd + 16) as usize;
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(le32(bytes, at), 0x0201_4b50, "bad central directory header");
        let method = u16::from_le_bytes([bytes[at + 10], bytes[at + 11]]);
        let compressed = le32(bytes, at + 20) as usize;
        let declared_size = u64::from(le32(bytes, at + 24));
        let (name_len, extra_len, comment_len) = (
            le16(bytes, at + 28),
            le16(bytes, at + 30),
            le16(bytes, at + 32),
        );
        let unix_mode = le32(bytes, at + 38) >> 16;
        let local = le32(bytes, at + 42) as usize;
        let name = String::from_utf8_lossy(&bytes[at + 46..at + 46 + name_len]).into_owned();
        let data_at = local + 30 + le16(bytes, local + 26) + le16(bytes, local + 28);
        let stored = bytes[data_at..data_at + compressed].to_vec();
        out.push(ListedZip {
            name,
            method,
            declared_size,
            unix_mode,
            stored,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    out
}
