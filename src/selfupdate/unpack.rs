//! The two binaries out of a release archive (`.tar.gz` or `.zip`, both at the root), read
//! into memory: a release archive is a few megabytes.

use std::io::Read;

/// A release binary is well under this; anything larger is not one.
const MAX_BINARY: u64 = 128 << 20;

/// The contents of each of `names` at the root of `archive` (`./name` counts too), in order.
/// `zip` selects the format. Errors name the member that is missing or unreadable.
pub fn binaries(archive: &[u8], zip: bool, names: &[String]) -> Result<Vec<Vec<u8>>, String> {
    let mut found: Vec<Option<Vec<u8>>> = vec![None; names.len()];
    if zip {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive))
            .map_err(|e| format!("not a zip archive: {e}"))?;
        for (slot, name) in found.iter_mut().zip(names) {
            if let Ok(file) = zip.by_name(name) {
                *slot = Some(read_member(file, name)?);
            }
        }
    } else {
        let gz = flate2::read::GzDecoder::new(archive);
        let mut tar = tar::Archive::new(gz);
        let entries = tar
            .entries()
            .map_err(|e| format!("not a .tar.gz archive: {e}"))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("a damaged .tar.gz archive: {e}"))?;
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let path = entry.path().map_err(|e| e.to_string())?.into_owned();
            let path = path.strip_prefix(".").unwrap_or(&path).to_owned();
            let Some(i) = names.iter().position(|n| path.as_os_str() == n.as_str()) else {
                continue;
            };
            found[i] = Some(read_member(entry, &names[i])?);
        }
    }
    names
        .iter()
        .zip(found)
        .map(|(name, bytes)| bytes.ok_or_else(|| format!("it holds no {name} at its root")))
        .collect()
}

fn read_member(reader: impl Read, name: &str) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_BINARY + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    if bytes.len() as u64 > MAX_BINARY {
        return Err(format!("{name} is larger than {MAX_BINARY} bytes"));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::testutil::{file, tar};
    use std::io::Write;

    fn names() -> Vec<String> {
        vec!["gvx".into(), "gvx-shim".into()]
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(data).unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn both_binaries_come_out_of_a_tar_gz() {
        let archive = gzip(&tar(&[
            file("./gvx-shim", 0o755, b"shim"),
            file("README.md", 0o644, b"readme"),
            file("gvx", 0o755, b"gvx"),
        ]));
        let got = binaries(&archive, false, &names()).unwrap();
        assert_eq!(got, [b"gvx".to_vec(), b"shim".to_vec()]);
    }

    #[test]
    fn a_missing_binary_is_named() {
        let archive = gzip(&tar(&[file("gvx", 0o755, b"gvx")]));
        let err = binaries(&archive, false, &names()).unwrap_err();
        assert_eq!(err, "it holds no gvx-shim at its root");
        let err = binaries(b"garbage", false, &names()).unwrap_err();
        assert!(err.contains(".tar.gz"), "{err}");
        let err = binaries(b"garbage", true, &names()).unwrap_err();
        assert!(err.starts_with("not a zip archive"), "{err}");
    }

    #[test]
    fn both_binaries_come_out_of_a_zip() {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, data) in [("gvx.exe", b"gvx"), ("gvx-shim.exe", b"shm")] {
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(data).unwrap();
        }
        let archive = zip.finish().unwrap().into_inner();
        let names = vec!["gvx.exe".to_owned(), "gvx-shim.exe".to_owned()];
        let got = binaries(&archive, true, &names).unwrap();
        assert_eq!(got, [b"gvx".to_vec(), b"shm".to_vec()]);
    }
}
