//! Streaming `.tar.gz` extraction (Unix and macOS SDKs).

use std::cell::Cell;
use std::io::{self, Read};
use std::path::Path;

use flate2::read::GzDecoder;
use tar::{EntryType, PaxExtensions};

use super::name::Root;
use super::sink::{Kind, Sink, with_sink};
use super::{ArchiveError, Extracted, Limit, Limits, UnsafeReason};

/// Room for tar headers, long-name and PAX records, and padding, per entry, on top of
/// [`Limits::max_total_bytes`] when capping the whole decompressed stream.
const STREAM_OVERHEAD_PER_ENTRY: u64 = 8 * 1024;
const STREAM_SLACK: u64 = 1 << 20;

/// Extracts an official Go `.tar.gz` (everything under `go/`) into `dest`, which should be a
/// fresh, empty directory; the leading `go/` is stripped.
///
/// `reader` is consumed through the end of the gzip stream (so its trailer CRC is checked);
/// bytes after it are left for the caller to drain. On error `dest` must be discarded.
pub fn extract_tar_gz(
    reader: impl Read,
    dest: &Path,
    limits: &Limits,
) -> Result<Extracted, ArchiveError> {
    let tripped = Cell::new(false);
    let cap = limits
        .max_total_bytes
        .saturating_add(limits.max_entries.saturating_mul(STREAM_OVERHEAD_PER_ENTRY))
        .saturating_add(STREAM_SLACK);
    let stream = CappedReader {
        inner: GzDecoder::new(reader),
        left: cap,
        tripped: &tripped,
    };
    let result = with_sink(dest, Root::Go, limits, None, |sink| {
        extract(tar::Archive::new(stream), sink)
    });
    match result {
        // Whatever failed, a tripped stream cap is the real story (the tar crate reports it
        // as some read error at an arbitrary point).
        Err(_) if tripped.get() => Err(ArchiveError::TooLarge {
            archive: None,
            entry: None,
            limit: Limit::TotalBytes,
            max: limits.max_total_bytes,
        }),
        result => result,
    }
}

fn stream_error(error: io::Error) -> ArchiveError {
    ArchiveError::Read {
        archive: None,
        entry: None,
        error,
    }
}

fn extract<R: Read>(mut archive: tar::Archive<R>, sink: &mut Sink<'_>) -> Result<(), ArchiveError> {
    // Raw iteration: GNU long names and PAX records are handled here, with their size
    // checked before they are read (the tar crate would read any size into memory).
    let mut long_name: Option<Vec<u8>> = None;
    let mut pax_path: Option<Vec<u8>> = None;
    let mut pax_size: Option<u64> = None;
    for entry in archive.entries().map_err(stream_error)?.raw(true) {
        let mut entry = entry.map_err(stream_error)?;
        sink.count_entry()?;
        let ty = entry.header().entry_type();
        if ty.is_gnu_longname() {
            let mut name = read_extension(&mut entry, sink, MAX_LONG_NAME)?;
            while name.last() == Some(&0) {
                name.pop();
            }
            long_name = Some(name);
            continue;
        }
        if ty.is_pax_local_extensions() {
            let records = read_extension(&mut entry, sink, MAX_PAX)?;
            for record in PaxExtensions::new(&records) {
                let record = record.map_err(stream_error)?;
                match record.key_bytes() {
                    b"path" => pax_path = Some(record.value_bytes().to_vec()),
                    b"size" => {
                        let size = record.value().ok().and_then(|v| v.parse().ok());
                        pax_size = Some(size.unwrap_or(u64::MAX));
                    }
                    key if key.starts_with(b"GNU.sparse.") => {
                        return Err(sink.unsupported(&lossy(&entry), "sparse file"));
                    }
                    _ => {}
                }
            }
            continue;
        }
        if ty == EntryType::XGlobalHeader {
            // Archive-wide PAX metadata (e.g. a git commit id): no file of its own; the tar
            // crate skips its data without buffering it.
            continue;
        }
        if ty.is_gnu_longlink() {
            // Only ever describes a link's target, and links are refused.
            return Err(sink.unsupported(&lossy(&entry), "link target record"));
        }

        let raw_name = long_name
            .take()
            .or_else(|| pax_path.take())
            .unwrap_or_else(|| entry.header().path_bytes().into_owned());
        pax_path = None;
        let name = match String::from_utf8(raw_name) {
            Ok(name) => name,
            Err(e) => {
                let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                return Err(sink.unsafe_path(&lossy, UnsafeReason::NotUtf8));
            }
        };
        // A PAX size the header cannot express would change where the next header starts.
        if pax_size.take().is_some_and(|size| size != entry.size()) {
            return Err(sink.unsupported(&name, "file with a size only in its PAX record"));
        }
        let rel = sink.check(&name)?;
        let kind = match ty {
            // Old tars mark directories only with a trailing slash.
            EntryType::Regular | EntryType::Continuous if name.ends_with('/') => Kind::Dir,
            EntryType::Regular | EntryType::Continuous => Kind::File,
            EntryType::Directory => Kind::Dir,
            EntryType::Symlink => return Err(sink.unsupported(&name, "symbolic link")),
            EntryType::Link => return Err(sink.unsupported(&name, "hard link")),
            EntryType::Char => return Err(sink.unsupported(&name, "character device")),
            EntryType::Block => return Err(sink.unsupported(&name, "block device")),
            EntryType::Fifo => return Err(sink.unsupported(&name, "named pipe")),
            EntryType::GNUSparse => return Err(sink.unsupported(&name, "sparse file")),
            _ => return Err(sink.unsupported(&name, "entry of unknown type")),
        };
        let Some(rel) = rel else {
            sink.root(&name, kind)?;
            continue;
        };
        match kind {
            Kind::Dir => sink.dir(&name, rel)?,
            Kind::File => {
                let mode = entry
                    .header()
                    .mode()
                    .map_err(|e| sink.read_error(&name, e))?;
                sink.check_declared(&name, entry.size())?;
                sink.file(&name, rel, mode & 0o111 != 0, &mut entry)?;
            }
        }
    }
    if long_name.is_some() || pax_path.is_some() || pax_size.is_some() {
        return Err(stream_error(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the archive ends right after an extended header",
        )));
    }
    // Read the rest of the gzip member (the tar end blocks and padding, then the trailer,
    // whose CRC and length GzDecoder verifies at EOF).
    io::copy(&mut archive.into_inner(), &mut io::sink()).map_err(stream_error)?;
    Ok(())
}

/// Longest GNU long name accepted (the name check refuses anything over 4096 bytes anyway).
const MAX_LONG_NAME: u64 = 4097;
/// Largest PAX record block accepted (Go's archive/tar allows 1 MiB; official archives have none).
const MAX_PAX: u64 = 64 * 1024;

/// Reads a GNU long-name or PAX entry's data, refusing it unread if it is too big.
fn read_extension<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    sink: &Sink<'_>,
    max: u64,
) -> Result<Vec<u8>, ArchiveError> {
    if entry.size() > max {
        return Err(sink.unsafe_path(&lossy(entry), UnsafeReason::TooLong));
    }
    let mut data = Vec::with_capacity(entry.size() as usize);
    entry
        .read_to_end(&mut data)
        .map_err(|e| sink.read_error(&lossy(entry), e))?;
    Ok(data)
}

fn lossy<R: Read>(entry: &tar::Entry<'_, R>) -> String {
    String::from_utf8_lossy(&entry.header().path_bytes()).into_owned()
}

/// Caps the decompressed stream as a whole, so a gzip bomb hidden in headers, long names
/// or skipped records cannot run unbounded.
struct CappedReader<'c, R> {
    inner: R,
    left: u64,
    tripped: &'c Cell<bool>,
}

impl<R: Read> Read for CappedReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => {
                    self.tripped.set(true);
                    Err(io::Error::other(
                        "decompressed archive exceeds the size limit",
                    ))
                }
            };
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::testutil::*;
    use crate::archive::{Limit, UnsafeReason};
    use proptest::prelude::*;

    fn extract(data: &[u8], st: &Staging) -> Result<Extracted, ArchiveError> {
        extract_tar_gz(data, &st.dest, &Limits::default())
    }

    /// The archive is refused, and nothing escaped `dest`.
    fn refused(entries: &[T<'_>]) -> ArchiveError {
        let st = Staging::new();
        let err = extract(&tar_gz(entries), &st).expect_err("archive should be refused");
        st.assert_contained();
        assert!(err.hint().is_some());
        err
    }

    fn happy_archive() -> Vec<u8> {
        // A normal archive through the real Builder (incl. a GNU long name), like distpack's.
        let mut b = tar::Builder::new(Vec::new());
        let mut add = |name: &str, mode: u32, data: &[u8], ty: EntryType| {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(ty);
            h.set_mode(mode);
            h.set_size(data.len() as u64);
            b.append_data(&mut h, name, data).unwrap();
        };
        add("go/", 0o755, b"", EntryType::Directory);
        add(
            "go/VERSION",
            0o644,
            b"go1.22.10\ntime 2024-12-03T22:40:56Z\n",
            EntryType::Regular,
        );
        add("go/bin/", 0o755, b"", EntryType::Directory);
        add("go/bin/go", 0o755, b"\x7fELF go", EntryType::Regular);
        add("go/bin/gofmt", 0o4755, b"\x7fELF gofmt", EntryType::Regular);
        // No directory entries for these parents.
        add(
            "go/pkg/tool/linux_amd64/compile",
            0o700,
            b"\x7fELF compile",
            EntryType::Regular,
        );
        add(
            "go/src/bytes/bytes.go",
            0o664,
            b"package bytes\n",
            EntryType::Regular,
        );
        add(
            "go/misc/wasm/go_js_wasm_exec",
            0o6777,
            b"#!/bin/sh\n",
            EntryType::Regular,
        );
        add(
            "go/lib/time/zoneinfo.zip",
            0o666,
            &[7u8; 300_000],
            EntryType::Regular,
        );
        let long = format!("go/src/{}/long_name_test.go", "deep".repeat(40));
        add(&long, 0o444, b"package deep\n", EntryType::Regular);
        add("go/src/cmd/", 0o2775, b"", EntryType::Directory);
        add("go/empty", 0o644, b"", EntryType::Regular);
        gz(&b.into_inner().unwrap())
    }

    #[test]
    fn extracts_the_go_tree_and_normalises_modes() {
        let st = Staging::new();
        let out = extract(&happy_archive(), &st).unwrap();
        st.assert_contained();
        assert_eq!(out.files, 9);
        assert_eq!(out.bytes, 36 + 7 + 10 + 12 + 14 + 10 + 300_000 + 13);
        assert_eq!(std::fs::read(st.path("bin/go")).unwrap(), b"\x7fELF go");
        assert_eq!(
            std::fs::read_to_string(st.path("VERSION")).unwrap(),
            "go1.22.10\ntime 2024-12-03T22:40:56Z\n"
        );
        assert_eq!(
            std::fs::read(st.path("lib/time/zoneinfo.zip")).unwrap(),
            vec![7u8; 300_000]
        );
        let long = format!("src/{}/long_name_test.go", "deep".repeat(40));
        assert!(st.path(&long).is_file());
        assert_eq!(std::fs::metadata(st.path("empty")).unwrap().len(), 0);
        assert!(!st.path("go").exists(), "the go/ prefix is stripped");
        #[cfg(unix)]
        {
            assert_eq!(mode(&st.path("bin/go")), 0o755);
            assert_eq!(mode(&st.path("bin/gofmt")), 0o755, "setuid stripped");
            assert_eq!(mode(&st.path("pkg/tool/linux_amd64/compile")), 0o755);
            assert_eq!(
                mode(&st.path("misc/wasm/go_js_wasm_exec")),
                0o755,
                "setgid/sticky/o+w stripped"
            );
            assert_eq!(mode(&st.path("VERSION")), 0o644);
            assert_eq!(mode(&st.path("src/bytes/bytes.go")), 0o644, "g+w stripped");
            assert_eq!(mode(&st.path("lib/time/zoneinfo.zip")), 0o644);
            assert_eq!(mode(&st.path(&long)), 0o644, "read-only widened to 0644");
            assert_eq!(mode(&st.path("src/cmd")), 0o755, "setgid dir stripped");
            assert_eq!(mode(&st.path("pkg/tool")), 0o755, "implicit parent");
            assert_eq!(mode(&st.path("bin")), 0o755);
        }
    }

    #[test]
    fn reads_through_the_gzip_trailer() {
        // A corrupted CRC in the trailer is only noticed by reading the stream to its end.
        let mut data = tar_gz(&[dir("go/"), file("go/VERSION", 0o644, b"go1.22.0\n")]);
        let n = data.len();
        data[n - 8] ^= 0xff;
        let st = Staging::new();
        let err = extract(&data, &st).unwrap_err();
        assert!(matches!(err, ArchiveError::Read { .. }), "{err}");

        let data = tar_gz(&[file("go/VERSION", 0o644, b"go1.22.0\n")]);
        let mut cursor = io::Cursor::new(&data);
        extract_tar_gz(&mut cursor, &Staging::new().dest, &Limits::default()).unwrap();
        assert_eq!(cursor.position(), data.len() as u64);
    }

    #[test]
    fn refuses_parent_dir() {
        for name in ["go/../evil", "../evil", "go/bin/../../evil"] {
            let err = refused(&[dir("go/"), file(name, 0o644, b"pwned")]);
            assert!(
                matches!(&err, ArchiveError::UnsafePath { reason: UnsafeReason::ParentDir, entry, .. } if entry == name),
                "{err}"
            );
            assert!(err.to_string().contains(name), "{err}");
        }
        let err = refused(&[dir("go/.."), file("go/x", 0o644, b"")]);
        assert!(matches!(
            err,
            ArchiveError::UnsafePath {
                reason: UnsafeReason::ParentDir,
                ..
            }
        ));
    }

    #[test]
    fn refuses_absolute_paths() {
        let target = tempfile::tempdir().unwrap();
        let abs = format!("{}/evil", target.path().display());
        let err = refused(&[file(&abs, 0o644, b"pwned")]);
        // `/tmp/...` on Unix, `C:\users\...` on Windows.
        assert!(
            matches!(
                err,
                ArchiveError::UnsafePath {
                    reason: UnsafeReason::Absolute
                        | UnsafeReason::DriveLetter
                        | UnsafeReason::Backslash,
                    ..
                }
            ),
            "{err}"
        );
        assert!(!target.path().join("evil").exists());
        let err = refused(&[file("/go/bin/go", 0o755, b"pwned")]);
        assert!(matches!(
            err,
            ArchiveError::UnsafePath {
                reason: UnsafeReason::Absolute,
                ..
            }
        ));
    }

    #[test]
    fn refuses_windows_path_tricks() {
        let cases = [
            ("go\\..\\evil", UnsafeReason::Backslash),
            ("go/bin\\go", UnsafeReason::Backslash),
            ("\\\\server\\share\\evil", UnsafeReason::Backslash),
            ("//server/share/evil", UnsafeReason::Absolute),
            ("C:/evil", UnsafeReason::DriveLetter),
            ("C:\\evil", UnsafeReason::Backslash),
            ("go/C:evil", UnsafeReason::WindowsChar),
            ("go/NUL", UnsafeReason::WindowsReserved),
        ];
        for (name, reason) in cases {
            let err = refused(&[file(name, 0o644, b"pwned")]);
            assert!(
                matches!(&err, ArchiveError::UnsafePath { reason: r, .. } if *r == reason),
                "{name}: {err}"
            );
        }
    }

    #[test]
    fn refuses_entries_outside_go() {
        for t in [
            file("gox/a", 0o644, b""),
            file("src/x.go", 0o644, b""),
            dir("bin/"),
        ] {
            let err = refused(&[dir("go/"), t]);
            assert!(
                matches!(
                    err,
                    ArchiveError::UnsafePath {
                        reason: UnsafeReason::OutsideGo,
                        ..
                    }
                ),
                "{err}"
            );
        }
        // `go` itself as a file.
        let err = refused(&[file("go", 0o644, b"x")]);
        assert!(matches!(err, ArchiveError::FileDirConflict { .. }), "{err}");
    }

    #[test]
    fn refuses_links_devices_and_fifos() {
        let cases = [
            (EntryType::Symlink, "/etc/passwd", "symbolic link"),
            (EntryType::Symlink, "../../..", "symbolic link"),
            (EntryType::Link, "go/VERSION", "hard link"),
            (EntryType::Char, "", "character device"),
            (EntryType::Block, "", "block device"),
            (EntryType::Fifo, "", "named pipe"),
            (EntryType::new(b'Z'), "", "entry of unknown type"),
        ];
        for (ty, link, want) in cases {
            let err = refused(&[
                dir("go/"),
                file("go/VERSION", 0o644, b"go1.22.0\n"),
                special("go/bin", ty, link),
                file("go/bin/go", 0o755, b"pwned"),
            ]);
            assert!(
                matches!(&err, ArchiveError::UnsupportedEntry { entry, kind, .. } if entry == "go/bin" && *kind == want),
                "{err}"
            );
        }
    }

    #[test]
    fn refuses_duplicates_and_file_dir_clashes() {
        let dup_file = refused(&[file("go/a", 0o644, b"1"), file("go/a", 0o644, b"2")]);
        assert!(
            matches!(dup_file, ArchiveError::Duplicate { .. }),
            "{dup_file}"
        );
        let dup_dir = refused(&[dir("go/a/"), dir("go/a")]);
        assert!(
            matches!(dup_dir, ArchiveError::Duplicate { .. }),
            "{dup_dir}"
        );
        let dup_root = refused(&[dir("go/"), dir("go/")]);
        assert!(
            matches!(dup_root, ArchiveError::Duplicate { .. }),
            "{dup_root}"
        );

        let file_then_child = refused(&[file("go/a", 0o644, b""), file("go/a/b", 0o644, b"")]);
        assert!(
            matches!(file_then_child, ArchiveError::FileDirConflict { .. }),
            "{file_then_child}"
        );
        let file_then_dir = refused(&[file("go/a", 0o644, b""), dir("go/a/")]);
        assert!(matches!(
            file_then_dir,
            ArchiveError::FileDirConflict { .. }
        ));
        let dir_then_file = refused(&[dir("go/a/"), file("go/a", 0o644, b"")]);
        assert!(matches!(
            dir_then_file,
            ArchiveError::FileDirConflict { .. }
        ));
        let implicit_then_file = refused(&[file("go/a/b", 0o644, b""), file("go/a", 0o644, b"")]);
        assert!(matches!(
            implicit_then_file,
            ArchiveError::FileDirConflict { .. }
        ));

        // An explicit directory entry after its children is fine (implicit, then explicit).
        let st = Staging::new();
        extract(&tar_gz(&[file("go/a/b", 0o644, b"x"), dir("go/a/")]), &st).unwrap();
    }

    #[test]
    fn refuses_too_many_entries() {
        let st = Staging::new();
        let limits = Limits {
            max_entries: 3,
            ..Limits::default()
        };
        let data = tar_gz(&[
            dir("go/"),
            file("go/a", 0o644, b""),
            file("go/b", 0o644, b""),
            file("go/c", 0o644, b""),
        ]);
        let err = extract_tar_gz(&data[..], &st.dest, &limits).unwrap_err();
        assert!(
            matches!(
                err,
                ArchiveError::TooLarge {
                    limit: Limit::Entries,
                    max: 3,
                    ..
                }
            ),
            "{err}"
        );
        assert!(!st.path("c").exists());
        st.assert_contained();
    }

    #[test]
    fn refuses_files_over_the_limits() {
        let limits = Limits {
            max_file_bytes: 10,
            max_total_bytes: 15,
            ..Limits::default()
        };
        let st = Staging::new();
        let data = tar_gz(&[file("go/big", 0o644, b"0123456789A")]);
        let err = extract_tar_gz(&data[..], &st.dest, &limits).unwrap_err();
        assert!(
            matches!(
                err,
                ArchiveError::TooLarge {
                    limit: Limit::FileBytes,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("go/big"), "{err}");

        let st = Staging::new();
        let data = tar_gz(&[
            file("go/a", 0o644, b"0123456789"),
            file("go/b", 0o644, b"0123456789"),
        ]);
        let err = extract_tar_gz(&data[..], &st.dest, &limits).unwrap_err();
        assert!(
            matches!(
                err,
                ArchiveError::TooLarge {
                    limit: Limit::TotalBytes,
                    ..
                }
            ),
            "{err}"
        );
        st.assert_contained();
    }

    #[test]
    fn refuses_a_header_claiming_a_huge_file() {
        let mut t = file("go/bomb", 0o644, b"tiny");
        t.size = Some(5 << 30);
        let st = Staging::new();
        let data = gz(&tar(&[t])[..1024]); // header + first block; the rest never exists
        let err = extract(&data, &st).unwrap_err();
        assert!(
            matches!(
                err,
                ArchiveError::TooLarge {
                    limit: Limit::FileBytes,
                    ..
                }
            ),
            "{err}"
        );
        assert!(!st.path("bomb").exists());
    }

    #[test]
    fn caps_the_decompressed_stream() {
        // A PAX global header is skipped, not written — but its size still counts.
        let zeros = vec![0u8; 2 << 20];
        let global = T {
            name: b"pax_global_header",
            ty: EntryType::XGlobalHeader,
            mode: 0o644,
            data: &zeros,
            size: None,
            link: b"",
        };
        let data = tar_gz(&[global, file("go/VERSION", 0o644, b"go1.22.0\n")]);
        let limits = Limits {
            max_total_bytes: 1000,
            max_entries: 10,
            max_file_bytes: 1000,
        };
        let st = Staging::new();
        let err = extract_tar_gz(&data[..], &st.dest, &limits).unwrap_err();
        assert!(
            matches!(
                err,
                ArchiveError::TooLarge {
                    limit: Limit::TotalBytes,
                    ..
                }
            ),
            "{err}"
        );
        // Under the default limits the same archive is fine.
        let st = Staging::new();
        let out = extract(&data, &st).unwrap();
        assert_eq!((out.files, out.bytes), (1, 9));
    }

    #[test]
    fn reports_corrupt_and_truncated_streams() {
        let st = Staging::new();
        let err = extract(b"<html>not found</html>", &st).unwrap_err();
        assert!(matches!(err, ArchiveError::Read { .. }), "{err}");
        assert!(err.hint().unwrap().contains("GVX_GO_MIRROR"));

        let data = tar_gz(&[file("go/VERSION", 0o644, &[b'x'; 4096])]);
        let st = Staging::new();
        let err = extract(&data[..data.len() / 2], &st).unwrap_err();
        assert!(matches!(err, ArchiveError::Read { .. }), "{err}");
        st.assert_contained();
    }

    #[cfg(unix)]
    #[test]
    fn never_follows_a_symlink_already_in_dest() {
        // dest is meant to be fresh; if it is not, a planted link is still not followed.
        let st = Staging::new();
        let elsewhere = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), st.path("bin")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path().join("VERSION"), st.path("VERSION")).unwrap();
        for entries in [
            vec![file("go/bin/go", 0o755, b"pwned")],
            vec![dir("go/bin/")],
            vec![file("go/VERSION", 0o644, b"pwned")],
        ] {
            assert!(extract(&tar_gz(&entries), &st).is_err());
            assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
        }
    }

    fn pax(records: &[(&str, &str)]) -> T<'static> {
        let mut data = String::new();
        for (key, value) in records {
            // "<len> <key>=<value>\n", where <len> counts itself.
            let body = format!(" {key}={value}\n");
            let mut len = body.len() + 1;
            while len.to_string().len() + body.len() > len {
                len += 1;
            }
            data.push_str(&format!("{len}{body}"));
        }
        T {
            name: b"PaxHeaders/x",
            ty: EntryType::XHeader,
            mode: 0o644,
            data: Box::leak(data.into_bytes().into_boxed_slice()),
            size: None,
            link: b"",
        }
    }

    #[test]
    fn honours_pax_paths_and_judges_them() {
        let long = format!("go/src/{}/x.go", "p".repeat(150));
        let st = Staging::new();
        let data = tar_gz(&[
            pax(&[("path", &long), ("mtime", "1700000000.5")]),
            file("go/ignored", 0o644, b"package x\n"),
            file("go/VERSION", 0o644, b"go1.22.0\n"),
        ]);
        assert_eq!(extract(&data, &st).unwrap().files, 2);
        assert!(st.path(long.strip_prefix("go/").unwrap()).is_file());
        assert!(!st.path("ignored").exists());

        let err = refused(&[pax(&[("path", "go/../evil")]), file("go/fine", 0o644, b"")]);
        assert!(
            matches!(&err, ArchiveError::UnsafePath { reason: UnsafeReason::ParentDir, entry, .. } if entry == "go/../evil"),
            "{err}"
        );
        let err = refused(&[pax(&[("size", "99")]), file("go/a", 0o644, b"x")]);
        assert!(
            matches!(err, ArchiveError::UnsupportedEntry { .. }),
            "{err}"
        );
        let err = refused(&[pax(&[("GNU.sparse.major", "1")]), file("go/a", 0o644, b"x")]);
        assert!(
            matches!(
                err,
                ArchiveError::UnsupportedEntry {
                    kind: "sparse file",
                    ..
                }
            ),
            "{err}"
        );
        let err = refused(&[file("go/a", 0o644, b"x"), pax(&[("path", "go/b")])]);
        assert!(matches!(err, ArchiveError::Read { .. }), "{err}");
    }

    #[test]
    fn refuses_huge_extension_headers_unread() {
        // A 1 GiB "long name" (the data is not even there): refused from its header alone.
        for ty in [EntryType::GNULongName, EntryType::XHeader] {
            let mut t = special("././@LongLink", ty, "");
            t.size = Some(1 << 30);
            let st = Staging::new();
            let data = gz(&tar(&[t])[..1024]);
            let err = extract(&data, &st).unwrap_err();
            assert!(
                matches!(
                    err,
                    ArchiveError::UnsafePath {
                        reason: UnsafeReason::TooLong,
                        ..
                    }
                ),
                "{err}"
            );
        }
        let err = refused(&[
            special("././@LongLink", EntryType::GNULongLink, ""),
            file("go/a", 0o644, b""),
        ]);
        assert!(
            matches!(err, ArchiveError::UnsupportedEntry { .. }),
            "{err}"
        );
    }

    #[test]
    fn messages_read_like_advice() {
        let err = refused(&[file("go/../evil", 0o644, b"")]);
        let msg = err.to_string();
        assert_eq!(
            msg,
            "refusing archive entry `go/../evil`: the path climbs out with `..`"
        );
        assert!(msg.starts_with(char::is_lowercase) && !msg.ends_with('.'));
        assert_eq!(
            err.hint(),
            Some(
                "this is not an official Go archive; check GVX_GO_MIRROR points at a Go download mirror"
            )
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn random_names_never_escape(names in proptest::collection::vec(hostile_name(), 1..6)) {
            let entries: Vec<T<'_>> = names
                .iter()
                .filter(|n| n.len() <= 100)
                .map(|n| T { name: n.as_bytes(), ty: EntryType::Regular, mode: 0o644, data: b"x", size: None, link: b"" })
                .collect();
            let st = Staging::new();
            let _ = extract(&tar_gz(&entries), &st);
            st.assert_contained();
        }
    }
}
