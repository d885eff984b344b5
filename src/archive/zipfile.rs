//! `.zip` extraction (Windows SDKs).

use std::io::{self, BufReader, Read};
use std::path::Path;

use zip::ZipArchive;
use zip::result::ZipError;

use super::name::Root;
use super::sink::{Kind, with_sink};
use super::{ArchiveError, Extracted, Limit, Limits, UnsafeReason};

const S_IFMT: u32 = 0o170_000;
const S_IFREG: u32 = 0o100_000;
const S_IFDIR: u32 = 0o040_000;
const S_IFLNK: u32 = 0o120_000;
const S_IFCHR: u32 = 0o020_000;
const S_IFBLK: u32 = 0o060_000;
const S_IFIFO: u32 = 0o010_000;
const S_IFSOCK: u32 = 0o140_000;
/// MS-DOS directory attribute, in the low byte of the external attributes.
const DOS_DIR: u32 = 0x10;

/// Extracts an official Go `.zip` (everything under `go/`) from the file `file` into `dest`,
/// which should be a fresh, empty directory; the leading `go/` is stripped.
///
/// Entry names are judged on their raw bytes (not the crate's sanitised name). Each entry's
/// decompressed bytes are capped at its declared size, which must itself fit the limits.
/// On error `dest` must be discarded.
pub fn extract_zip(file: &Path, dest: &Path, limits: &Limits) -> Result<Extracted, ArchiveError> {
    extract(file, dest, Root::Go, limits)
}

/// Extracts a module zip from a Go module proxy (everything under `<module>@<version>/`,
/// `module_root` without the trailing `/`) into `dest`, stripping that prefix.
///
/// As [`extract_zip`], except that file modes come from Go's distpack path rule, never from
/// the zip: a module's `h1:` hash covers names and contents only, so the modes a proxy
/// serves are not verified.
pub fn extract_module_zip(
    file: &Path,
    dest: &Path,
    module_root: &str,
    limits: &Limits,
) -> Result<Extracted, ArchiveError> {
    extract(file, dest, Root::Module(module_root), limits)
}

fn extract(
    file: &Path,
    dest: &Path,
    root: Root<'_>,
    limits: &Limits,
) -> Result<Extracted, ArchiveError> {
    let zip_error = |entry: Option<&str>, error: ZipError| ArchiveError::Zip {
        archive: file.to_path_buf(),
        entry: entry.map(str::to_owned),
        error,
    };
    let reader = BufReader::with_capacity(64 * 1024, fs_err::File::open(file)?);
    let mut zip = ZipArchive::new(reader).map_err(|e| zip_error(None, e))?;
    if zip.len() as u64 > limits.max_entries {
        return Err(ArchiveError::TooLarge {
            archive: Some(file.to_path_buf()),
            entry: None,
            limit: Limit::Entries,
            max: limits.max_entries,
        });
    }
    // The crate keys entries by name, so a repeated name would silently collapse into one.
    if zip.has_duplicate_names() {
        let start = zip.central_directory_start();
        let entry = repeated_name(zip.into_inner().get_mut(), start)
            .unwrap_or_else(|| "(a name repeated in the central directory)".to_owned());
        return Err(ArchiveError::Duplicate {
            archive: Some(file.to_path_buf()),
            entry,
        });
    }

    with_sink(dest, root, limits, Some(file), |sink| {
        for index in 0..zip.len() {
            sink.count_entry()?;
            let (name, kind, unix_mode, declared) = {
                let entry = zip.by_index_data(index).map_err(|e| zip_error(None, e))?;
                let raw = entry.name_raw();
                let name = match std::str::from_utf8(raw) {
                    Ok(name) => name.to_owned(),
                    Err(_) => {
                        let lossy = String::from_utf8_lossy(raw).into_owned();
                        return Err(sink.unsafe_path(&lossy, UnsafeReason::NotUtf8));
                    }
                };
                let attrs = entry.external_attributes();
                // The high half holds a Unix st_mode when the writer recorded one (Go's
                // archive/zip always does); otherwise only DOS attributes exist.
                let unix_mode = Some(attrs >> 16).filter(|&m| m != 0);
                let kind = classify(&name, attrs, unix_mode);
                (name, kind, unix_mode, entry.size())
            };
            let rel = sink.check(&name)?;
            let kind = kind.map_err(|what| sink.unsupported(&name, what))?;
            let Some(rel) = rel else {
                sink.root(&name, kind)?;
                continue;
            };
            if kind == Kind::Dir {
                sink.dir(&name, rel)?;
                continue;
            }

            let executable = match (root, unix_mode) {
                (Root::Go, Some(mode)) => mode & 0o111 != 0,
                (Root::Go, None) | (Root::Module(_), _) => distpack_executable(&slash_path(&rel)),
            };
            sink.check_declared(&name, declared)?;
            let mut data = zip.by_index(index).map_err(|e| zip_error(Some(&name), e))?;
            let written = sink.file(&name, rel, executable, &mut (&mut data).take(declared))?;
            let mismatch = ArchiveError::SizeMismatch {
                archive: Some(file.to_path_buf()),
                entry: name.clone(),
                declared,
            };
            if written < declared {
                return Err(mismatch);
            }
            // One more read: EOF makes the zip crate verify the CRC; any further byte means the
            // entry inflates past its declared size (a zip bomb's lie).
            match data.read(&mut [0u8; 1]) {
                Ok(0) => {}
                Ok(_) => return Err(mismatch),
                Err(e) if is_oversize(&e) => return Err(mismatch),
                Err(e) => return Err(sink.read_error(&name, e)),
            }
        }
        Ok(())
    })
}

/// `rel`'s components joined with `/`, whatever the platform's separator.
fn slash_path(rel: &Path) -> String {
    let parts: Vec<_> = rel.iter().map(|c| c.to_string_lossy()).collect();
    parts.join("/")
}

/// Best effort, for the error message only: the first name the central directory repeats.
pub fn repeated_name(file: &mut fs_err::File, start: u64) -> Option<String> {
    use std::io::{Seek, SeekFrom};
    file.seek(SeekFrom::Start(start)).ok()?;
    let mut cd = Vec::new();
    file.take(64 << 20).read_to_end(&mut cd).ok()?;
    let mut seen = std::collections::HashSet::new();
    let mut pos = 0usize;
    while cd.get(pos..pos + 4)? == b"PK\x01\x02" {
        let u16_at = |at: usize| {
            Some(usize::from(u16::from_le_bytes(
                cd.get(pos + at..pos + at + 2)?.try_into().ok()?,
            )))
        };
        let (name_len, extra_len, comment_len) = (u16_at(28)?, u16_at(30)?, u16_at(32)?);
        let name = cd.get(pos + 46..pos + 46 + name_len)?;
        if !seen.insert(name) {
            return Some(String::from_utf8_lossy(name).into_owned());
        }
        pos += 46 + name_len + extra_len + comment_len;
    }
    None
}

/// File, directory, or the kind of entry that is refused.
fn classify(name: &str, attrs: u32, unix_mode: Option<u32>) -> Result<Kind, &'static str> {
    let named_dir = name.ends_with('/');
    match unix_mode.map(|m| m & S_IFMT) {
        Some(S_IFDIR) => Ok(Kind::Dir),
        Some(S_IFLNK) => Err("symbolic link"),
        Some(S_IFCHR) => Err("character device"),
        Some(S_IFBLK) => Err("block device"),
        Some(S_IFIFO) => Err("named pipe"),
        Some(S_IFSOCK) => Err("socket"),
        Some(S_IFREG | 0) | None if named_dir || (unix_mode.is_none() && attrs & DOS_DIR != 0) => {
            Ok(Kind::Dir)
        }
        Some(S_IFREG | 0) | None => Ok(Kind::File),
        Some(_) => Err("entry of unknown type"),
    }
}

/// The zip crate's error for an entry inflating past its declared size.
fn is_oversize(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::InvalidData && e.to_string().contains("declared")
}

/// Go's `cmd/distpack` mode rule, for zips without Unix modes: `bin/*`, `pkg/tool/**`,
/// `*.bash`, `*.sh`, `*.pl`, `*.rc` and `**/go_?*_?*_exec` are executable.
pub fn distpack_executable(rel: &str) -> bool {
    if rel.starts_with("bin/")
        || rel.starts_with("pkg/tool/")
        || [".bash", ".sh", ".pl", ".rc"]
            .iter()
            .any(|ext| rel.ends_with(ext))
    {
        return true;
    }
    let base = rel.rsplit('/').next().unwrap_or(rel);
    base.strip_prefix("go_")
        .and_then(|b| b.strip_suffix("_exec"))
        .is_some_and(|mid| {
            // `?*_?*`: at least one character on each side of some underscore.
            mid.char_indices()
                .any(|(i, c)| c == '_' && i > 0 && i + 1 < mid.len())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::testutil::*;
    use std::io::Write;

    fn extract_bytes(bytes: &[u8], limits: &Limits) -> (Staging, Result<Extracted, ArchiveError>) {
        // The zip lives in its own directory: `outer` must hold only `dest`.
        let st = Staging::new();
        let zdir = tempfile::tempdir().unwrap();
        let path = zdir.path().join("go1.22.0.windows-amd64.zip");
        std::fs::write(&path, bytes).unwrap();
        let result = extract_zip(&path, &st.dest, limits);
        (st, result)
    }

    fn refused(entries: &[Z<'_>]) -> ArchiveError {
        let (st, result) = extract_bytes(&raw_zip(entries), &Limits::default());
        let err = result.expect_err("archive should be refused");
        st.assert_contained();
        assert!(err.hint().is_some());
        err
    }

    #[test]
    fn extracts_a_zip_written_by_the_zip_crate() {
        use zip::write::SimpleFileOptions;
        let mut w = zip::ZipWriter::new(io::Cursor::new(Vec::new()));
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        w.add_directory("go/", opts.unix_permissions(0o755))
            .unwrap();
        w.start_file("go/VERSION", opts.unix_permissions(0o644))
            .unwrap();
        w.write_all(b"go1.22.0\n").unwrap();
        w.start_file("go/bin/go.exe", opts.unix_permissions(0o4755))
            .unwrap();
        w.write_all(&[b'M'; 100_000]).unwrap();
        w.start_file("go/src/x.go", opts.unix_permissions(0o666))
            .unwrap();
        w.write_all(b"package x\n").unwrap();
        let bytes = w.finish().unwrap().into_inner();

        let (st, result) = extract_bytes(&bytes, &Limits::default());
        let out = result.unwrap();
        st.assert_contained();
        assert_eq!((out.files, out.bytes), (3, 9 + 100_000 + 10));
        // Each file's sha256, computed on the way to the disk.
        let version = <sha2::Sha256 as sha2::Digest>::digest(b"go1.22.0\n");
        assert!(
            out.digests
                .iter()
                .any(|(path, digest)| path.ends_with("VERSION") && digest[..] == version[..]),
            "{:?}",
            out.digests
        );
        assert_eq!(out.digests.len(), 3);
        assert_eq!(
            std::fs::read(st.path("bin/go.exe")).unwrap(),
            vec![b'M'; 100_000]
        );
        #[cfg(unix)]
        {
            assert_eq!(mode(&st.path("VERSION")), 0o644);
            assert_eq!(mode(&st.path("bin/go.exe")), 0o755);
            assert_eq!(mode(&st.path("src/x.go")), 0o644);
            assert_eq!(mode(&st.path("bin")), 0o755);
        }
    }

    /// A module zip: the `<module>@<version>/` prefix is stripped, and modes follow the
    /// distpack path rule whatever the zip says (they are not covered by the module's hash).
    #[test]
    fn module_zips_strip_their_prefix_and_take_modes_from_the_path() {
        const ROOT: &str = "golang.org/toolchain@v0.0.1-go1.22.0.linux-amd64";
        let name = |rel: &str| format!("{ROOT}/{rel}");
        let bytes = raw_zip(&[
            zentry(&name("bin/go"), b"#!", Some(S_IFREG | 0o644)),
            zentry(&name("pkg/tool/linux_amd64/compile"), b"\x7fELF", None),
            zentry(&name("src/all.bash"), b"#!", Some(S_IFREG | 0o444)),
            zentry(&name("src/x.go"), b"package x", Some(S_IFREG | 0o4777)),
        ]);
        let st = Staging::new();
        let zdir = tempfile::tempdir().unwrap();
        let path = zdir.path().join("module.zip");
        std::fs::write(&path, bytes).unwrap();
        extract_module_zip(&path, &st.dest, ROOT, &Limits::default()).unwrap();
        st.assert_contained();
        assert_eq!(std::fs::read(st.path("src/x.go")).unwrap(), b"package x");
        #[cfg(unix)]
        {
            assert_eq!(mode(&st.path("bin/go")), 0o755);
            assert_eq!(mode(&st.path("pkg/tool/linux_amd64/compile")), 0o755);
            assert_eq!(mode(&st.path("src/all.bash")), 0o755);
            assert_eq!(mode(&st.path("src/x.go")), 0o644);
        }

        let outside = raw_zip(&[zentry("go/bin/go", b"#!", None)]);
        let st = Staging::new();
        std::fs::write(&path, outside).unwrap();
        let err = extract_module_zip(&path, &st.dest, ROOT, &Limits::default()).unwrap_err();
        assert!(
            matches!(
                &err,
                ArchiveError::UnsafePath {
                    reason: UnsafeReason::OutsideModule,
                    ..
                }
            ),
            "{err}"
        );
        st.assert_contained();
    }

    #[test]
    fn modes_from_unix_attributes_or_the_distpack_rule() {
        let bytes = raw_zip(&[
            zentry("go/", b"", Some(S_IFDIR | 0o755)),
            zentry("go/unix/tool", b"#!", Some(S_IFREG | 0o700)),
            zentry("go/unix/plain.sh", b"#!", Some(S_IFREG | 0o664)),
            zentry("go/unix/bare", b"x", Some(0o751)),
            zentry("go/bin/go.exe", b"MZ", None),
            zentry("go/pkg/tool/windows_amd64/compile.exe", b"MZ", None),
            zentry("go/src/make.bash", b"#!", None),
            zentry("go/src/run.rc", b"#!", None),
            zentry("go/misc/wasm/go_js_wasm_exec", b"#!", None),
            zentry("go/misc/go__exec", b"", None),
            zentry("go/src/bytes/bytes.go", b"package bytes", None),
            zentry("go/lib/", b"", None),
        ]);
        let (st, result) = extract_bytes(&bytes, &Limits::default());
        assert_eq!(result.unwrap().files, 10);
        st.assert_contained();
        assert!(st.path("lib").is_dir());
        #[cfg(unix)]
        for (path, want) in [
            ("unix/tool", 0o755),
            ("unix/plain.sh", 0o644),
            ("unix/bare", 0o755),
            ("bin/go.exe", 0o755),
            ("pkg/tool/windows_amd64/compile.exe", 0o755),
            ("src/make.bash", 0o755),
            ("src/run.rc", 0o755),
            ("misc/wasm/go_js_wasm_exec", 0o755),
            ("misc/go__exec", 0o644),
            ("src/bytes/bytes.go", 0o644),
            ("lib", 0o755),
        ] {
            assert_eq!(mode(&st.path(path)), want, "{path}");
        }
    }

    #[test]
    fn refuses_hostile_names_by_their_raw_bytes() {
        let cases = [
            ("go/../evil", UnsafeReason::ParentDir),
            ("../evil", UnsafeReason::ParentDir),
            ("go\\..\\..\\evil", UnsafeReason::Backslash),
            ("go/bin\\go.exe", UnsafeReason::Backslash),
            ("\\\\server\\share\\evil", UnsafeReason::Backslash),
            ("C:/evil", UnsafeReason::DriveLetter),
            ("C:\\evil", UnsafeReason::Backslash),
            ("c:evil", UnsafeReason::DriveLetter),
            ("/etc/evil", UnsafeReason::Absolute),
            ("go/a:ads", UnsafeReason::WindowsChar),
            ("go/CON", UnsafeReason::WindowsReserved),
            ("evil", UnsafeReason::OutsideGo),
        ];
        for (name, reason) in cases {
            let err = refused(&[zentry("go/", b"", None), zentry(name, b"pwned", None)]);
            assert!(
                matches!(&err, ArchiveError::UnsafePath { reason: r, entry, archive: Some(_) } if *r == reason && entry == name),
                "{name}: {err}"
            );
            assert!(err.to_string().contains(".zip`"), "{err}");
        }
        let mut bad = zentry("go/x", b"", None);
        bad.name = b"go/\xff\xfe";
        let err = refused(&[bad]);
        assert!(
            matches!(
                err,
                ArchiveError::UnsafePath {
                    reason: UnsafeReason::NotUtf8,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn refuses_symlinks_and_special_files() {
        for (mode, want) in [
            (S_IFLNK | 0o777, "symbolic link"),
            (S_IFCHR | 0o644, "character device"),
            (S_IFBLK | 0o644, "block device"),
            (S_IFIFO | 0o644, "named pipe"),
            (S_IFSOCK | 0o644, "socket"),
            (0o170_000 | 0o644, "entry of unknown type"),
        ] {
            let err = refused(&[
                zentry("go/bin", b"C:\\Windows", Some(mode)),
                zentry("go/bin/go.exe", b"pwned", None),
            ]);
            assert!(
                matches!(&err, ArchiveError::UnsupportedEntry { kind, entry, .. } if *kind == want && entry == "go/bin"),
                "{err}"
            );
        }
    }

    #[test]
    fn refuses_duplicates_and_clashes() {
        let err = refused(&[
            zentry("go/", b"", None),
            zentry("go/a", b"1", None),
            zentry("go/a", b"2", None),
        ]);
        assert!(
            matches!(&err, ArchiveError::Duplicate { entry, .. } if entry == "go/a"),
            "{err}"
        );
        let err = refused(&[zentry("go/a/", b"", None), zentry("go/a/", b"", None)]);
        assert!(
            matches!(&err, ArchiveError::Duplicate { entry, .. } if entry == "go/a/"),
            "{err}"
        );
        let err = refused(&[zentry("go/a", b"1", None), zentry("go/a/b", b"2", None)]);
        assert!(matches!(err, ArchiveError::FileDirConflict { .. }), "{err}");
        let err = refused(&[zentry("go/a/", b"", None), zentry("go/a", b"2", None)]);
        assert!(matches!(err, ArchiveError::FileDirConflict { .. }), "{err}");
    }

    #[test]
    fn refuses_a_zip_bomb_with_a_lying_declared_size() {
        let zeros = vec![0u8; 8 << 20];
        let mut bomb = zentry("go/bomb", b"", Some(S_IFREG | 0o644));
        bomb.data = &zeros;
        bomb.declared = Some(100);
        let (st, result) = extract_bytes(&raw_zip(&[bomb]), &Limits::default());
        let err = result.unwrap_err();
        assert!(
            matches!(&err, ArchiveError::SizeMismatch { declared: 100, entry, .. } if entry == "go/bomb"),
            "{err}"
        );
        st.assert_contained();
        assert!(std::fs::metadata(st.path("bomb")).map_or(0, |m| m.len()) <= 100);

        // Stored (not deflated) data longer than declared: same.
        let mut stored = zentry("go/stored", b"0123456789", None);
        stored.deflate = false;
        stored.declared = Some(4);
        let err = refused(&[stored]);
        assert!(
            matches!(err, ArchiveError::SizeMismatch { declared: 4, .. }),
            "{err}"
        );

        // Declared larger than the data: also a mismatch (or a CRC error), never success.
        let mut short = zentry("go/short", b"0123", None);
        short.declared = Some(10);
        let err = refused(&[short]);
        assert!(
            matches!(
                err,
                ArchiveError::SizeMismatch { .. } | ArchiveError::Read { .. }
            ),
            "{err}"
        );
    }

    #[test]
    fn refuses_declared_sizes_over_the_limits() {
        let limits = Limits {
            max_file_bytes: 1000,
            max_total_bytes: 1500,
            max_entries: 10,
        };
        let mut big = zentry("go/big", b"", None);
        big.declared = Some(u32::MAX);
        let (st, result) = extract_bytes(&raw_zip(&[big]), &limits);
        let err = result.unwrap_err();
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
        assert!(!st.path("big").exists());

        let data = vec![1u8; 800];
        let mut a = zentry("go/a", b"", None);
        a.data = &data;
        let mut b = zentry("go/b", b"", None);
        b.data = &data;
        let (st, result) = extract_bytes(&raw_zip(&[a, b]), &limits);
        let err = result.unwrap_err();
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
        assert!(!st.path("b").exists());
    }

    #[test]
    fn refuses_too_many_entries() {
        let limits = Limits {
            max_entries: 2,
            ..Limits::default()
        };
        let entries = [
            zentry("go/a", b"", None),
            zentry("go/b", b"", None),
            zentry("go/c", b"", None),
        ];
        let (st, result) = extract_bytes(&raw_zip(&entries), &limits);
        let err = result.unwrap_err();
        assert!(
            matches!(
                err,
                ArchiveError::TooLarge {
                    limit: Limit::Entries,
                    max: 2,
                    ..
                }
            ),
            "{err}"
        );
        st.assert_contained();
        assert!(
            std::fs::read_dir(&st.dest).unwrap().next().is_none(),
            "refused before writing"
        );
    }

    #[test]
    fn reports_a_corrupt_zip() {
        let (_st, result) = extract_bytes(b"PK\x03\x04 not really", &Limits::default());
        let err = result.unwrap_err();
        assert!(matches!(err, ArchiveError::Zip { .. }), "{err}");
        assert!(
            err.to_string()
                .starts_with("could not read the zip archive `"),
            "{err}"
        );

        let mut entry = zentry("go/VERSION", b"go1.22.0\n", None);
        entry.deflate = false;
        let mut bytes = raw_zip(&[entry]);
        let at = bytes.windows(8).position(|w| w == b"go1.22.0").unwrap();
        bytes[at] ^= 0xff; // data no longer matches its CRC
        let (_st, result) = extract_bytes(&bytes, &Limits::default());
        let err = result.unwrap_err();
        assert!(matches!(err, ArchiveError::Read { .. }), "{err}");
    }
}
