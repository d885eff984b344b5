//! Hostile archives: each is an otherwise valid [`FakeSdk`] archive plus (or
//! with) one malicious member, so an extractor that fails only did so
//! because of that member. Names are written verbatim (see `archive.rs`).

use tar::{EntryType, Header};

use super::archive::{
    DEFLATE_END, FIXTURE_MTIME, RawEntry, ZipMember, deflate_zeros, gzip_with_zeros, tar_bytes,
    tar_gz_bytes, zip_bytes,
};
use super::fixtures::FakeSdk;

/// `sdk`'s tar.gz with `before` members first and `after` members last.
pub fn tar_gz_with(sdk: &FakeSdk, before: &[RawEntry], after: &[RawEntry]) -> Vec<u8> {
    let mut entries = before.to_vec();
    entries.extend(sdk.entries());
    entries.extend_from_slice(after);
    tar_gz_bytes(&entries)
}

/// `sdk`'s zip (files only) with `extra` members appended.
pub fn zip_with(sdk: &FakeSdk, extra: Vec<ZipMember>) -> Vec<u8> {
    let mut members: Vec<ZipMember> = sdk
        .entries()
        .into_iter()
        .filter(|e| !e.name.ends_with('/'))
        .map(ZipMember::from)
        .collect();
    members.extend(extra);
    zip_bytes(&members)
}

fn evil(name: &str) -> RawEntry {
    RawEntry::file(name, 0o644, "evil\n")
}

/// Member `go/../evil`.
pub fn tar_dotdot(sdk: &FakeSdk) -> Vec<u8> {
    tar_gz_with(sdk, &[], &[evil("go/../evil")])
}

/// Member `/abs/evil` (absolute path).
pub fn tar_absolute(sdk: &FakeSdk) -> Vec<u8> {
    tar_gz_with(sdk, &[], &[evil("/abs/evil")])
}

/// Member `go/bin/../../evil` (escapes after normalization).
pub fn tar_nested_dotdot(sdk: &FakeSdk) -> Vec<u8> {
    tar_gz_with(sdk, &[], &[evil("go/bin/../../evil")])
}

/// Member `go/bin\..\..\evil` (backslashes; an escape on Windows).
pub fn tar_backslash(sdk: &FakeSdk) -> Vec<u8> {
    tar_gz_with(sdk, &[], &[evil("go/bin\\..\\..\\evil")])
}

/// Symlink `go/link -> /etc`.
pub fn tar_symlink_absolute(sdk: &FakeSdk) -> Vec<u8> {
    tar_gz_with(sdk, &[], &[RawEntry::symlink("go/link", "/etc")])
}

/// Symlink `go/link -> ../../x` (points outside the root).
pub fn tar_symlink_escape(sdk: &FakeSdk) -> Vec<u8> {
    tar_gz_with(sdk, &[], &[RawEntry::symlink("go/link", "../../x")])
}

/// Symlink `go/link -> <target_dir>` followed by file `go/link/evil`: a
/// naive extractor writes `<target_dir>/evil`. Pass a temp dir and assert
/// it stays empty.
pub fn tar_symlink_write_through(sdk: &FakeSdk, target_dir: &str) -> Vec<u8> {
    tar_gz_with(
        sdk,
        &[],
        &[
            RawEntry::symlink("go/link", target_dir),
            evil("go/link/evil"),
        ],
    )
}

/// Hard link `go/hardlink` => `/etc/passwd`.
pub fn tar_hardlink_outside(sdk: &FakeSdk) -> Vec<u8> {
    tar_gz_with(
        sdk,
        &[],
        &[RawEntry::hardlink("go/hardlink", "/etc/passwd")],
    )
}

/// Hard link `go/hardlink` => `../../outside` (relative, escaping).
pub fn tar_hardlink_escape(sdk: &FakeSdk) -> Vec<u8> {
    tar_gz_with(
        sdk,
        &[],
        &[RawEntry::hardlink("go/hardlink", "../../outside")],
    )
}

/// `go/bin/go` appears twice; the second copy's content is `evil\n`.
pub fn tar_duplicate_entries(sdk: &FakeSdk) -> Vec<u8> {
    let exe = if sdk.target_os() == "windows" {
        ".exe"
    } else {
        ""
    };
    tar_gz_with(
        sdk,
        &[],
        &[RawEntry::file(&format!("go/bin/go{exe}"), 0o755, "evil\n")],
    )
}

/// A regular file `go/src` comes first, then the SDK's `go/src/` directory
/// and the files in it.
pub fn tar_file_where_dir_expected(sdk: &FakeSdk) -> Vec<u8> {
    tar_gz_with(sdk, &[RawEntry::dir("go/"), evil("go/src")], &[])
}

/// Character device `go/dev/null` (1, 3).
pub fn tar_char_device(sdk: &FakeSdk) -> Vec<u8> {
    tar_gz_with(sdk, &[], &[RawEntry::char_device("go/dev/null", 1, 3)])
}

/// A FIFO `go/fifo`.
pub fn tar_fifo(sdk: &FakeSdk) -> Vec<u8> {
    let fifo = RawEntry {
        kind: EntryType::Fifo,
        ..RawEntry::file("go/fifo", 0o644, Vec::new())
    };
    tar_gz_with(sdk, &[], &[fifo])
}

/// The SDK with `go/bin/gofmt` mode `0o6755` (setuid + setgid).
pub fn tar_setuid(sdk: &FakeSdk) -> Vec<u8> {
    let exe = if sdk.target_os() == "windows" {
        ".exe"
    } else {
        ""
    };
    sdk.clone()
        .mode(&format!("bin/gofmt{exe}"), 0o6755)
        .tar_gz()
}

/// The SDK plus `go/big` whose header truthfully declares `size` bytes of
/// zeros; the archive stays tiny and is cheap to build even for gigabytes.
/// For total-size caps.
pub fn tar_gz_large_entry(sdk: &FakeSdk, size: u64) -> Vec<u8> {
    let mut prefix = tar_bytes(&sdk.entries());
    prefix.truncate(prefix.len() - 1024);
    let mut h = Header::new_gnu();
    h.set_path("go/big").expect("plain path");
    h.set_mode(0o644);
    h.set_mtime(FIXTURE_MTIME);
    h.set_entry_type(EntryType::Regular);
    h.set_size(size);
    h.set_cksum();
    prefix.extend_from_slice(h.as_bytes());
    gzip_with_zeros(&prefix, size.next_multiple_of(512) + 1024)
}

/// A zip member `..\evil`.
pub fn zip_backslash_dotdot(sdk: &FakeSdk) -> Vec<u8> {
    zip_with(sdk, vec![evil("..\\evil").into()])
}

/// A zip member `go/../evil`.
pub fn zip_dotdot(sdk: &FakeSdk) -> Vec<u8> {
    zip_with(sdk, vec![evil("go/../evil").into()])
}

/// A zip member `C:\evil` (drive-absolute).
pub fn zip_drive_letter(sdk: &FakeSdk) -> Vec<u8> {
    zip_with(sdk, vec![evil("C:\\evil").into()])
}

/// A zip member `\\server\share\x` (UNC path).
pub fn zip_unc_path(sdk: &FakeSdk) -> Vec<u8> {
    zip_with(sdk, vec![evil("\\\\server\\share\\x").into()])
}

/// A zip member `/abs/evil`.
pub fn zip_absolute(sdk: &FakeSdk) -> Vec<u8> {
    zip_with(sdk, vec![evil("/abs/evil").into()])
}

/// A zip symlink `go/link -> /etc` (Unix mode `S_IFLNK` in the external
/// attributes, target as content).
pub fn zip_symlink(sdk: &FakeSdk) -> Vec<u8> {
    zip_with(sdk, vec![RawEntry::symlink("go/link", "/etc").into()])
}

/// A zip bomb: member `go/bomb` declares an uncompressed size of 1024 bytes
/// (local and central headers) but inflates to `inflated` zero bytes; its
/// CRC matches the real content. Cheap to build even for gigabytes
/// (~1 KiB of archive per MiB inflated).
pub fn zip_bomb(sdk: &FakeSdk, inflated: u64) -> Vec<u8> {
    zip_with(sdk, vec![zeros_member("go/bomb", inflated, 1024)])
}

/// Like [`zip_bomb`] but honest: member `go/big` declares its real size
/// (`inflated` < 4 GiB). For total-size caps.
pub fn zip_large_entry(sdk: &FakeSdk, inflated: u32) -> Vec<u8> {
    zip_with(
        sdk,
        vec![zeros_member("go/big", u64::from(inflated), inflated)],
    )
}

fn zeros_member(name: &str, inflated: u64, declared: u32) -> ZipMember {
    let (mut deflated, crc) = deflate_zeros(inflated);
    deflated.extend_from_slice(&DEFLATE_END);
    ZipMember {
        entry: RawEntry::file(name, 0o644, Vec::new()),
        declared_size: Some(declared),
        deflated: Some(deflated),
        crc: Some(crc.sum()),
    }
}
