//! An official archive's bytes — from a mirror URL or a file on disk — streamed through sha256
//! into the extractor and checked against the sha256 and size expected: the verified stream the
//! `official` and `file` sources share.

use crate::archive::{self, ArchiveError, Extracted, Limits};
use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::http::{HttpError, into_http_error};
use crate::index::Archive;
use crate::report::Progress;
use sha2::{Digest, Sha256};
use std::io::{self, Read};
use std::path::Path;

/// Why fetching an archive failed, for the caller's next step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Failed {
    /// The bytes of this file were not those the expected sha256 and size describe.
    Mismatch(String),
    /// The host could not be reached or broke off (anything but "no such file").
    Unreachable,
}

/// Where an official archive's bytes come from.
pub(super) enum From<'a> {
    Url {
        url: &'a str,
        archive: &'a Archive,
    },
    File {
        path: &'a Path,
        archive: &'a Archive,
    },
}

/// The most bytes read for an archive whose size the index does not give.
const MAX_ARCHIVE_BYTES: u64 = 1 << 30;

/// The sha256 the bytes must have, and who says so (`from the index at URL`,
/// `given with --sha256`).
pub(super) struct Expected<'a> {
    pub sha256: &'a str,
    pub from: String,
}

impl Expected<'_> {
    fn by_index(&self) -> bool {
        self.from.starts_with("from the index")
    }
}

/// Streams the archive through sha256 into the extractor (tar.gz), or into a file that is
/// checked before extraction (zip, whose directory sits at its end). Never reads more than
/// one byte past the size the index gives. Sets `failed` when the bytes did not match or the
/// host could not be reached.
pub(super) fn fetch_and_extract(
    cx: &Context,
    source: &From<'_>,
    expected: &Expected<'_>,
    staging: &Path,
    sdk: &Path,
    failed: &mut Option<Failed>,
) -> Result<Extracted> {
    let (archive, location) = match source {
        From::Url { url, archive } => (*archive, (*url).to_owned()),
        From::File { path, archive } => (*archive, path.display().to_string()),
    };
    let progress = Progress::new(
        &format!("downloading {}", archive.filename),
        archive.size,
        cx.quiet,
    );
    let reader: Box<dyn Read + '_> = match source {
        From::Url { url, .. } => match cx.http()?.open(url, &progress) {
            Ok(body) => Box::new(body),
            Err(e) => {
                if !e.is_not_found() {
                    *failed = Some(Failed::Unreachable);
                }
                return Err(e.into());
            }
        },
        From::File { path, .. } => Box::new(
            fs_err::File::open(path).map_err(|e| Error::io(Exit::Environment, "open", path, e))?,
        ),
    };
    let limit = archive.size.unwrap_or(MAX_ARCHIVE_BYTES);
    let mut hashing = HashReader::new(reader, limit);
    let limits = Limits::default();
    let zip = archive.filename.ends_with(".zip");
    let file = staging.join(&archive.filename);
    let extracted = if zip {
        let mut out = fs_err::File::create(&file)
            .map_err(|e| crate::storefs::write_error(e, "installing"))?;
        io::copy(&mut hashing, &mut crate::storefs::StoreWriter(&mut out)).map(|_| None)
    } else {
        let extracted = archive::extract_tar_gz(&mut hashing, sdk, &limits);
        // Read to the end whatever happened: the digest decides whether the bytes were bad
        // (a corrupted download also breaks the gzip stream) or the archive itself is.
        io::copy(&mut hashing, &mut io::sink()).map(|_| Some(extracted))
    };
    let extracted = extracted.map_err(|e| {
        let error = transfer_error(e, &location, archive, limit);
        if error.exit() == Exit::Network {
            *failed = Some(Failed::Unreachable);
        }
        error
    })?;
    if let Err(e) = verify(&hashing.finish(), expected, archive, &location) {
        *failed = Some(Failed::Mismatch(archive.filename.clone()));
        return Err(e);
    }
    match extracted {
        Some(extracted) => extracted.map_err(archive_error),
        None => archive::extract_zip(&file, sdk, &limits).map_err(archive_error),
    }
}

fn transfer_error(e: io::Error, location: &str, archive: &Archive, limit: u64) -> Error {
    let e = match crate::storefs::copy_error(e) {
        crate::storefs::CopyError::Write(e) => return crate::storefs::write_error(e, "installing"),
        crate::storefs::CopyError::Read(e) => e,
    };
    if e.get_ref().is_some_and(|inner| inner.is::<TooLarge>()) {
        let (whose, hint) = match archive.size {
            Some(_) => (
                format!("the {limit} bytes the index lists for it"),
                "the mirror serves other bytes than the official archive; nothing was installed. Check GVX_GO_MIRROR, or run with --refresh if the index was wrong",
            ),
            None => (
                format!("the {limit} bytes gvx accepts for an SDK archive"),
                "this is not an official Go archive; nothing was installed",
            ),
        };
        return Error::new(
            Exit::Verification,
            format!(
                "{location} is larger than {whose}; gvx stopped reading after {} bytes",
                limit + 1
            ),
        )
        .hint(hint);
    }
    if e.get_ref().is_some_and(|inner| inner.is::<HttpError>()) {
        return into_http_error(e, location).into();
    }
    Error::new(Exit::Network, format!("cannot read {location}")).source(e)
}

fn archive_error(e: ArchiveError) -> Error {
    let hint = e
        .hint()
        .unwrap_or("this is not an official Go archive; check GVX_GO_MIRROR");
    Error::new(e.kind(), e.to_string()).hint(hint)
}

/// The bytes read have the expected sha256, and the size the index gives. A sha256 mismatch
/// and a size mismatch are told apart.
fn verify(
    (actual, bytes): &(String, u64),
    expected: &Expected<'_>,
    archive: &Archive,
    location: &str,
) -> Result<()> {
    let by_index = expected.by_index();
    if actual != expected.sha256 {
        let mut message = format!(
            "sha256 mismatch for {location}\n  expected: {} ({})\n  actual:   {actual} ({bytes} bytes)",
            expected.sha256, expected.from
        );
        if let Some(size) = archive.size.filter(|size| size != bytes) {
            message.push_str(&format!("\n  the index lists {size} bytes"));
        }
        let hint = if by_index {
            "the download is corrupt, the mirror serves other bytes, or the index was wrong; nothing was installed. Try again, check GVX_GO_MIRROR, or run with --refresh to fetch the index again"
        } else {
            "the file is not the archive the checksum given with --sha256 describes; nothing was installed. Check the file and the checksum"
        };
        return Err(Error::new(Exit::Verification, message).hint(hint));
    }
    if let Some(size) = archive.size.filter(|size| size != bytes) {
        return Err(Error::new(
            Exit::Verification,
            format!(
                "size mismatch for {location}: the index lists {size} bytes, {bytes} bytes arrived (their sha256 is the one the index lists)"
            ),
        )
        .hint("the index contradicts itself; nothing was installed. Check GVX_GO_INDEX, or run with --refresh once the index is fixed"));
    }
    log::info!(
        "sha256 {actual} of {location} ({bytes} bytes) matches the one {}",
        expected.from
    );
    Ok(())
}

/// sha256 of everything read through it, and at most `limit` bytes: reading byte
/// `limit + 1` fails with [`TooLarge`] (and so does every read after it).
struct HashReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
    limit: u64,
}

/// More bytes arrived than the archive may have.
#[derive(Debug, thiserror::Error)]
#[error("more than {limit} bytes")]
struct TooLarge {
    limit: u64,
}

impl<R: Read> HashReader<R> {
    fn new(inner: R, limit: u64) -> Self {
        HashReader {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
            limit,
        }
    }

    /// The hex digest and byte count so far.
    fn finish(&self) -> (String, u64) {
        let digest = self.hasher.clone().finalize();
        (format!("{digest:x}"), self.bytes)
    }
}

impl<R: Read> Read for HashReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let limit = self.limit;
        let too_large = move || io::Error::other(TooLarge { limit });
        if self.bytes > self.limit {
            return Err(too_large());
        }
        let room = usize::try_from(self.limit + 1 - self.bytes).unwrap_or(usize::MAX);
        let len = buf.len().min(room);
        let n = self.inner.read(&mut buf[..len])?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        if self.bytes > self.limit {
            return Err(too_large());
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_reader_stops_one_byte_past_its_limit() {
        let endless = io::repeat(7);
        let mut reader = HashReader::new(endless, 1000);
        let err = io::copy(&mut reader, &mut io::sink()).unwrap_err();
        assert!(err.get_ref().is_some_and(|e| e.is::<TooLarge>()), "{err}");
        assert_eq!(reader.finish().1, 1001);
        assert!(reader.read(&mut [0; 16]).is_err(), "and it stays failed");
        let mut exact = HashReader::new(&[1u8; 1000][..], 1000);
        assert_eq!(io::copy(&mut exact, &mut io::sink()).unwrap(), 1000);
    }
}
