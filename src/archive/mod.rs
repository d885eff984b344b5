//! Safe extraction of official Go SDK archives into a fresh staging directory.
//!
//! An SDK archive arrives from the network (or from a mirror the user configured) and its
//! sha256 is only known to match *after* it has streamed through the extractor, so extraction
//! must be safe on hostile input by itself. Both formats go through the same policy: every
//! entry name is judged by one function, [`strip_check`]; only regular files and directories
//! under the top-level `go/` directory are accepted (links, devices and fifos are refused,
//! duplicates and file/directory clashes are errors); permissions are normalised to `0o755` or
//! `0o644`; and the bytes actually decompressed and written are capped by [`Limits`].
//!
//! Guarantees: nothing is created or written outside `dest` — no symlink is ever created, no
//! existing file is opened for writing (files are created with `create_new`), and every joined
//! path is checked to stay lexically under `dest`. Files are written by a scoped helper thread
//! (so decompression and file I/O overlap), which has finished before either function returns.
//! On error `dest` holds a partial tree: the caller must discard it (install does, by dropping
//! the staging directory). Modes are ignored on Windows.

mod name;
mod sink;
mod targz;
mod zipfile;

use crate::error::Exit;
use std::fmt;
use std::io;
use std::path::PathBuf;

pub use name::{Root, UnsafeReason, strip_check, strip_check_under};
pub use targz::extract_tar_gz;
pub use zipfile::{distpack_executable, extract_module_zip, extract_zip, repeated_name};

/// Ceilings on what one archive may produce; exceeding one is [`ArchiveError::TooLarge`].
///
/// Counted on the bytes actually decompressed and written, never trusted from headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Sum of all file sizes written.
    pub max_total_bytes: u64,
    /// Number of entries in the archive (files, directories, and tar long-name/PAX records).
    pub max_entries: u64,
    /// Size of any one file.
    pub max_file_bytes: u64,
}

impl Default for Limits {
    /// Roomy for a Go SDK (go1.23: ~220 MB in ~11k entries, largest file ~20 MB).
    fn default() -> Self {
        Limits {
            max_total_bytes: 2 << 30,
            max_entries: 100_000,
            max_file_bytes: 1 << 30,
        }
    }
}

/// A sha256 digest (`{:x}` formats it as hex).
pub type Sha256Digest = sha2::digest::Output<sha2::Sha256>;

/// What an extraction produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// Regular files written.
    pub files: u64,
    /// Bytes written to those files.
    pub bytes: u64,
    /// The sha256 of every file written, by the path it was created at, computed on the way
    /// to the disk (for the install manifest, without reading the tree back).
    pub digests: Vec<(PathBuf, Sha256Digest)>,
}

/// Which of the [`Limits`] was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// [`Limits::max_entries`]
    Entries,
    /// [`Limits::max_file_bytes`]
    FileBytes,
    /// [`Limits::max_total_bytes`] (also the cap on the whole decompressed tar stream)
    TotalBytes,
}

/// Why an archive was refused or could not be extracted.
///
/// `archive` is the archive's path when it is known (zip); tar.gz is streamed and has none.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    /// An entry name that could escape the destination or is not part of the `go/` tree.
    #[error("refusing archive entry `{entry}`{}: {reason}", at(.archive))]
    UnsafePath {
        archive: Option<PathBuf>,
        entry: String,
        reason: UnsafeReason,
    },
    /// A symlink, hard link, device, fifo or other non-file, non-directory entry.
    #[error(
        "refusing archive entry `{entry}`{}: it is a {kind}, and a Go SDK archive holds only files and directories",
        at(.archive)
    )]
    UnsupportedEntry {
        archive: Option<PathBuf>,
        entry: String,
        kind: &'static str,
    },
    /// The same path appears twice.
    #[error("refusing archive entry `{entry}`{}: the same path appears twice", at(.archive))]
    Duplicate {
        archive: Option<PathBuf>,
        entry: String,
    },
    /// A path is used as a file and as a directory.
    #[error("refusing archive entry `{entry}`{}: the path is used both as a file and as a directory", at(.archive))]
    FileDirConflict {
        archive: Option<PathBuf>,
        entry: String,
    },
    /// One of the [`Limits`] was exceeded.
    #[error("refusing to extract the archive{}: {}", at(.archive), too_large(*.limit, *.max, .entry.as_deref()))]
    TooLarge {
        archive: Option<PathBuf>,
        /// The entry being extracted when the limit was hit, if any.
        entry: Option<String>,
        limit: Limit,
        max: u64,
    },
    /// A zip entry whose data does not match its declared uncompressed size.
    #[error(
        "refusing archive entry `{entry}`{}: its data does not match its declared size of {declared} bytes",
        at(.archive)
    )]
    SizeMismatch {
        archive: Option<PathBuf>,
        entry: String,
        declared: u64,
    },
    /// The archive stream could not be read or decoded (truncated, corrupt, network error).
    #[error("could not read the archive{}{}: {error}", at(.archive), within(.entry))]
    Read {
        archive: Option<PathBuf>,
        entry: Option<String>,
        error: io::Error,
    },
    /// The zip container could not be parsed, or an entry uses an unsupported feature.
    #[error("could not read the zip archive `{}`{}: {error}", .archive.display(), within(.entry))]
    Zip {
        archive: PathBuf,
        entry: Option<String>,
        error: zip::result::ZipError,
    },
    /// Writing into the destination failed (the message names the path, via fs-err).
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl ArchiveError {
    /// The kind of error: writing the extracted tree is the store's problem; everything else
    /// says the archive is not one gvx will install.
    pub fn kind(&self) -> Exit {
        match self {
            ArchiveError::Io(_) => Exit::Store,
            _ => Exit::Verification,
        }
    }

    /// The next step to suggest to the user, if there is a useful one.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            ArchiveError::UnsafePath { .. }
            | ArchiveError::UnsupportedEntry { .. }
            | ArchiveError::Duplicate { .. }
            | ArchiveError::FileDirConflict { .. }
            | ArchiveError::SizeMismatch { .. } => Some(
                "this is not an official Go archive; check GVX_GO_MIRROR points at a Go download mirror",
            ),
            ArchiveError::TooLarge { .. } => Some(
                "this is far larger than any Go SDK, so it is not an official Go archive; check GVX_GO_MIRROR points at a Go download mirror",
            ),
            ArchiveError::Read { .. } | ArchiveError::Zip { .. } => Some(
                "the download looks truncated or corrupt; run the command again, and if it keeps failing check GVX_GO_MIRROR points at a Go download mirror",
            ),
            ArchiveError::Io(_) => Some(
                "check that the disk has free space and that the gvx home directory is writable",
            ),
        }
    }
}

fn at(archive: &Option<PathBuf>) -> String {
    match archive {
        Some(path) => format!(" in `{}`", path.display()),
        None => String::new(),
    }
}

fn within(entry: &Option<String>) -> String {
    match entry {
        Some(entry) => format!(" at entry `{entry}`"),
        None => String::new(),
    }
}

fn too_large(limit: Limit, max: u64, entry: Option<&str>) -> String {
    match (limit, entry) {
        (Limit::Entries, _) => format!("it has more than {max} entries"),
        (Limit::FileBytes, Some(entry)) => {
            format!("entry `{entry}` is larger than the {max}-byte limit for one file")
        }
        (Limit::FileBytes, None) => format!("a file is larger than the {max}-byte limit"),
        (Limit::TotalBytes, Some(entry)) => {
            format!("its contents exceed the {max}-byte limit (reached at entry `{entry}`)")
        }
        (Limit::TotalBytes, None) => format!("its contents exceed the {max}-byte limit"),
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::Entries => "entry count",
            Limit::FileBytes => "file size",
            Limit::TotalBytes => "total size",
        })
    }
}

#[cfg(test)]
pub(crate) mod testutil;
