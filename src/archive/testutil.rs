//! Builders for small, possibly hostile, archives used by the tests.

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::{DeflateEncoder, GzEncoder};
use proptest::prelude::*;
use tar::{EntryType, Header};

/// `outer/dest`: extraction goes to `dest`, and `outer` must never hold anything else.
pub struct Staging {
    pub outer: tempfile::TempDir,
    pub dest: PathBuf,
}

impl Staging {
    pub fn new() -> Self {
        let outer = tempfile::tempdir().unwrap();
        let dest = outer.path().join("dest");
        std::fs::create_dir(&dest).unwrap();
        Staging { outer, dest }
    }

    /// Nothing was written next to `dest`, and `dest` holds only files and directories.
    pub fn assert_contained(&self) {
        let names: Vec<_> = std::fs::read_dir(self.outer.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["dest"], "something was written outside dest");
        walk(&self.dest, &mut |path, md| {
            assert!(
                md.is_dir() || md.is_file(),
                "{path:?} is neither file nor directory"
            );
        });
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dest.join(rel)
    }
}

pub fn walk(dir: &Path, f: &mut dyn FnMut(&Path, &std::fs::Metadata)) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let md = std::fs::symlink_metadata(&path).unwrap();
        f(&path, &md);
        if md.is_dir() {
            walk(&path, f);
        }
    }
}

#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o7777
}

/// One tar entry with a hand-written GNU header, so names the `tar::Builder` would refuse
/// (`..`, absolute, ...) can be produced. Names must fit the 100-byte field.
pub struct T<'a> {
    pub name: &'a [u8],
    pub ty: EntryType,
    pub mode: u32,
    pub data: &'a [u8],
    /// Overrides the size written in the header (data is written as given).
    pub size: Option<u64>,
    pub link: &'a [u8],
}

pub fn file(name: &str, mode: u32, data: &'static [u8]) -> T<'static> {
    T {
        name: leak(name),
        ty: EntryType::Regular,
        mode,
        data,
        size: None,
        link: b"",
    }
}

pub fn dir(name: &str) -> T<'static> {
    T {
        name: leak(name),
        ty: EntryType::Directory,
        mode: 0o755,
        data: b"",
        size: None,
        link: b"",
    }
}

pub fn special(name: &str, ty: EntryType, link: &str) -> T<'static> {
    T {
        name: leak(name),
        ty,
        mode: 0o777,
        data: b"",
        size: None,
        link: leak(link),
    }
}

fn leak(s: &str) -> &'static [u8] {
    Box::leak(s.as_bytes().to_vec().into_boxed_slice())
}

pub fn raw_header(name: &[u8], ty: EntryType, mode: u32, size: u64, link: &[u8]) -> Header {
    let mut header = Header::new_gnu();
    let gnu = header.as_gnu_mut().unwrap();
    gnu.name[..name.len()].copy_from_slice(name);
    gnu.linkname[..link.len()].copy_from_slice(link);
    header.set_entry_type(ty);
    header.set_mode(mode);
    header.set_size(size);
    header.set_mtime(1_700_000_000);
    header.set_cksum();
    header
}

pub fn tar(entries: &[T<'_>]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for e in entries {
        let size = e.size.unwrap_or(e.data.len() as u64);
        let header = raw_header(e.name, e.ty, e.mode, size, e.link);
        builder.append(&header, e.data).unwrap();
    }
    builder.into_inner().unwrap()
}

pub fn gz(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

pub fn tar_gz(entries: &[T<'_>]) -> Vec<u8> {
    gz(&tar(entries))
}

/// One entry of a hand-written zip, so names, attributes and declared sizes can lie.
pub struct Z<'a> {
    pub name: &'a [u8],
    pub data: &'a [u8],
    /// Unix `st_mode` stored in the high half of the external attributes ("made by" Unix);
    /// `None` makes a DOS entry without a Unix mode, like some Windows zip tools.
    pub unix_mode: Option<u32>,
    pub deflate: bool,
    /// Overrides the declared uncompressed size.
    pub declared: Option<u32>,
}

pub fn zentry(name: &str, data: &'static [u8], unix_mode: Option<u32>) -> Z<'static> {
    Z {
        name: leak(name),
        data,
        unix_mode,
        deflate: true,
        declared: None,
    }
}

pub fn raw_zip(entries: &[Z<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let compressed = if e.deflate {
            let mut enc = DeflateEncoder::new(Vec::new(), Compression::default());
            enc.write_all(e.data).unwrap();
            enc.finish().unwrap()
        } else {
            e.data.to_vec()
        };
        let method: u16 = if e.deflate { 8 } else { 0 };
        let mut crc = flate2::Crc::new();
        crc.update(e.data);
        let crc = crc.sum();
        let usize_ = e.declared.unwrap_or(e.data.len() as u32);
        let csize = compressed.len() as u32;
        let flags: u16 = if std::str::from_utf8(e.name).is_ok() {
            0x0800
        } else {
            0
        };
        let offset = out.len() as u32;

        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&20u16.to_le_bytes()); // version needed
            v.extend_from_slice(&flags.to_le_bytes());
            v.extend_from_slice(&method.to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // time
            v.extend_from_slice(&0x21u16.to_le_bytes()); // date 1980-01-01
            v.extend_from_slice(&crc.to_le_bytes());
            v.extend_from_slice(&csize.to_le_bytes());
            v.extend_from_slice(&usize_.to_le_bytes());
            v.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // extra len
        };

        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        common(&mut out);
        out.extend_from_slice(e.name);
        out.extend_from_slice(&compressed);

        let made_by: u16 = if e.unix_mode.is_some() {
            (3 << 8) | 20
        } else {
            20
        };
        let dos_dir: u32 = if e.name.ends_with(b"/") { 0x10 } else { 0 };
        let external = e.unix_mode.map_or(0, |m| m << 16) | dos_dir;
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&made_by.to_le_bytes());
        common(&mut central);
        central.extend_from_slice(&0u16.to_le_bytes()); // comment len
        central.extend_from_slice(&0u16.to_le_bytes()); // disk
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attrs
        central.extend_from_slice(&external.to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(e.name);
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn hostile_component() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("go".to_owned()),
        Just("..".to_owned()),
        Just(".".to_owned()),
        Just(String::new()),
        Just("C:".to_owned()),
        Just("c:x".to_owned()),
        Just("\\\\server".to_owned()),
        Just("a\\..\\..".to_owned()),
        Just("\0".to_owned()),
        Just("nul".to_owned()),
        Just("x ".to_owned()),
        Just("~".to_owned()),
        "[a-z.]{1,4}",
        "\\PC{0,6}",
    ]
}

/// Entry names built from components chosen to break naive extractors.
pub fn hostile_name() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(hostile_component(), 1..6),
        prop_oneof![Just("/"), Just("\\"), Just("//")],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(parts, sep, lead, trail)| {
            let mut s = parts.join(sep);
            if lead {
                s.insert(0, '/');
            }
            if trail {
                s.push('/');
            }
            s
        })
}
