//! Byte-level tar and zip writers (readers for assertions are in `inspect.rs`).
//!
//! These write names and link targets verbatim, bypassing the path checks of
//! the `tar`/`zip` crates, so the same code builds both well-formed SDK
//! archives and hostile ones.

use std::io::Write;

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
        RawEntry {
            name: name.to_owned(),
            kind: EntryType::Regular,
            mode,
            data: data.into(),
            link: None,
            device: None,
        }
    }

    /// A directory (`name` should end with `/`).
    pub fn dir(name: &str) -> RawEntry {
        RawEntry {
            kind: EntryType::Directory,
            ..RawEntry::file(name, 0o755, Vec::new())
        }
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
        RawEntry {
            kind: EntryType::Link,
            link: Some(target.to_owned()),
            ..RawEntry::file(name, 0o644, Vec::new())
        }
    }

    /// A character device node.
    pub fn char_device(name: &str, major: u32, minor: u32) -> RawEntry {
        RawEntry {
            kind: EntryType::Char,
            device: Some((major, minor)),
            ..RawEntry::file(name, 0o666, Vec::new())
        }
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
        let data: &[u8] = if e.kind == EntryType::Regular {
            &e.data
        } else {
            &[]
        };
        h.set_size(data.len() as u64);
        if let Some((major, minor)) = e.device {
            h.set_device_major(major)
                .expect("gnu header has device fields");
            h.set_device_minor(minor)
                .expect("gnu header has device fields");
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
    /// (then set `declared_size` and `crc` too).
    pub deflated: Option<Vec<u8>>,
    /// CRC-32 to write; `None` = computed over `entry.data`.
    pub crc: Option<u32>,
}

impl From<RawEntry> for ZipMember {
    fn from(entry: RawEntry) -> ZipMember {
        ZipMember {
            entry,
            declared_size: None,
            deflated: None,
            crc: None,
        }
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

/// Raw deflate blocks for `data`, not final, ending byte-aligned (sync
/// flush), so such pieces can be concatenated.
pub fn deflate_sync(data: &[u8]) -> Vec<u8> {
    let mut c = flate2::Compress::new(Compression::best(), false);
    let mut out = Vec::with_capacity(data.len() + data.len() / 500 + 1024);
    c.compress_vec(data, &mut out, flate2::FlushCompress::Sync)
        .expect("deflate");
    assert!(
        c.total_in() == data.len() as u64 && out.len() < out.capacity(),
        "deflate_sync: output buffer too small"
    );
    out
}

/// A final, empty stored deflate block: ends a stream built from
/// [`deflate_sync`] / [`deflate_zeros`] pieces.
pub const DEFLATE_END: [u8; 5] = [0x01, 0x00, 0x00, 0xff, 0xff];

/// Non-final raw deflate blocks inflating to `n` zero bytes, and their CRC.
/// Cheap even for gigabytes: one 256 KiB chunk is compressed and repeated
/// (its back-references only reach earlier zeros).
pub fn deflate_zeros(n: u64) -> (Vec<u8>, flate2::Crc) {
    const CHUNK: u64 = 256 * 1024;
    let zeros = vec![0u8; CHUNK as usize];
    let piece = deflate_sync(&zeros);
    let mut piece_crc = flate2::Crc::new();
    piece_crc.update(&zeros);
    let (mut out, mut crc) = (Vec::new(), flate2::Crc::new());
    for _ in 0..n / CHUNK {
        out.extend_from_slice(&piece);
        crc.combine(&piece_crc);
    }
    let tail = &zeros[..usize::try_from(n % CHUNK).expect("small")];
    if !tail.is_empty() {
        out.extend(deflate_sync(tail));
        let mut tail_crc = flate2::Crc::new();
        tail_crc.update(tail);
        crc.combine(&tail_crc);
    }
    (out, crc)
}

/// A gzip member whose content is `prefix` followed by `zeros` zero bytes,
/// built without compressing the zeros (see [`deflate_zeros`]).
pub fn gzip_with_zeros(prefix: &[u8], zeros: u64) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut crc = flate2::Crc::new();
    crc.update(prefix);
    out.extend(deflate_sync(prefix));
    let (z, zcrc) = deflate_zeros(zeros);
    out.extend(z);
    crc.combine(&zcrc);
    out.extend_from_slice(&DEFLATE_END);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    // ISIZE is the length modulo 2^32.
    out.extend_from_slice(&((prefix.len() as u64 + zeros) as u32).to_le_bytes());
    out
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
        let crc = m.crc.unwrap_or_else(|| crc32(&e.data));
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

        let dos_attr: u32 = if e.kind == EntryType::Directory {
            0x10
        } else {
            0
        };
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&((3u16 << 8) | 20).to_le_bytes()); // made by: unix
        central.extend_from_slice(&common);
        central.extend_from_slice(&[0; 6]); // comment len, disk, internal attrs
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
