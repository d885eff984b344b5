//! The destination side shared by both formats: entry bookkeeping (duplicates, file/directory
//! clashes), limits, directory creation, and file writing on a scoped writer thread.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender};

use sha2::{Digest, Sha256};

use super::name::{Root, strip_check_under};
use super::{ArchiveError, Extracted, Limit, Limits, Sha256Digest, UnsafeReason};

/// Bytes of file data per batch handed to the writer thread (batches are recycled).
const BATCH_BYTES: usize = 1 << 20;
/// Most jobs per batch, so a run of small files does not wait long for the writer.
const BATCH_JOBS: usize = 256;
/// Batches queued for the writer thread; memory stays near `(QUEUE + 2) * BATCH_BYTES`.
const QUEUE: usize = 4;
/// A read window smaller than this flushes the batch first, so reads stay large.
const MIN_WINDOW: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    File,
    /// A directory entry of the archive.
    Dir,
    /// A directory created only as the parent of another entry.
    ImplicitDir,
}

/// The destination side shared by both formats: entry bookkeeping, limits, directory
/// creation and file writing.
pub(super) struct Sink<'a> {
    dest: &'a Path,
    /// The top-level directory entries sit under, stripped from their paths.
    root: Root<'a>,
    limits: Limits,
    archive: Option<&'a Path>,
    /// Every path produced so far, relative to `dest` (the root `go/` is the empty path).
    seen: HashMap<PathBuf, Seen>,
    entries: u64,
    out: Extracted,
    /// File creation and writes happen on a writer thread, overlapping decompression; jobs
    /// travel in batches so a Go tree's ~10k small files cost a few hundred hand-offs.
    batch: Batch,
    queue: SyncSender<Batch>,
    /// Emptied batches coming back from the writer thread, for reuse.
    free: Receiver<Batch>,
    /// The writer thread has stopped early; its own error is the one to report.
    writer_gone: bool,
}

/// Jobs for the writer thread, and the file data they refer to.
struct Batch {
    jobs: Vec<Job>,
    /// Always `BATCH_BYTES` long; `used` bytes are filled.
    data: Vec<u8>,
    used: usize,
}

enum Job {
    /// Create (`create_new`) a file, closing the previous one.
    Create { path: PathBuf, mode: u32 },
    /// Append `data[start..end]` of the batch to the current file.
    Write { start: usize, end: usize },
}

impl Batch {
    fn new() -> Self {
        Batch {
            jobs: Vec::with_capacity(BATCH_JOBS),
            data: vec![0; BATCH_BYTES],
            used: 0,
        }
    }

    fn is_full(&self) -> bool {
        self.jobs.len() >= BATCH_JOBS || BATCH_BYTES - self.used < MIN_WINDOW
    }
}

/// Runs `extract` with a [`Sink`] whose files are written by a scoped writer thread, and
/// reports the first error of either side.
pub(super) fn with_sink(
    dest: &Path,
    root: Root<'_>,
    limits: &Limits,
    archive: Option<&Path>,
    extract: impl FnOnce(&mut Sink<'_>) -> Result<(), ArchiveError>,
) -> Result<Extracted, ArchiveError> {
    std::thread::scope(|scope| {
        let (queue, batches) = mpsc::sync_channel(QUEUE);
        let (recycle, free) = mpsc::channel();
        let writer = std::thread::Builder::new()
            .name("gvx-extract".to_owned())
            .spawn_scoped(scope, move || write_files(batches, recycle))?;
        let mut sink = Sink {
            dest,
            root,
            limits: *limits,
            archive,
            seen: HashMap::new(),
            entries: 0,
            out: Extracted::default(),
            batch: Batch::new(),
            queue,
            free,
            writer_gone: false,
        };
        let result = extract(&mut sink).and_then(|()| sink.flush());
        let (mut out, writer_gone) = (std::mem::take(&mut sink.out), sink.writer_gone);
        drop(sink); // closes the queue: the writer finishes what is queued, then returns
        let written = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        match (result, written) {
            (Err(_), Err(e)) if writer_gone => Err(e.into()),
            (Err(e), _) => Err(e),
            (Ok(()), Err(e)) => Err(e.into()),
            (Ok(()), Ok(digests)) => {
                out.digests = digests;
                Ok(out)
            }
        }
    })
}

/// The writer thread: no policy here, only `create_new` files and their bytes, each hashed
/// on its way to the disk (overlapping the decompression on the other thread).
fn write_files(
    batches: Receiver<Batch>,
    recycle: mpsc::Sender<Batch>,
) -> io::Result<Vec<(PathBuf, Sha256Digest)>> {
    let mut digests = Vec::new();
    let mut file: Option<(fs_err::File, PathBuf, Sha256)> = None;
    for mut batch in batches {
        for job in batch.jobs.drain(..) {
            match job {
                Job::Create { path, mode } => {
                    // Close the previous file first.
                    if let Some((_, done, hasher)) = file.take() {
                        digests.push((done, hasher.finalize()));
                    }
                    file = Some((create_file(&path, mode)?, path, Sha256::new()));
                }
                Job::Write { start, end } => {
                    if let Some((file, _, hasher)) = file.as_mut() {
                        file.write_all(&batch.data[start..end])?;
                        hasher.update(&batch.data[start..end]);
                    }
                }
            }
        }
        batch.used = 0;
        let _ = recycle.send(batch);
    }
    if let Some((_, done, hasher)) = file.take() {
        digests.push((done, hasher.finalize()));
    }
    Ok(digests)
}

fn create_file(path: &Path, mode: u32) -> io::Result<fs_err::File> {
    let mut options = fs_err::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use fs_err::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    let file = options.open(path)?;
    // The umask may have narrowed the mode given to open(); set it exactly.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    Ok(file)
}

/// What the archive says an entry is, after refusing everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    File,
    Dir,
}

impl<'a> Sink<'a> {
    fn archive(&self) -> Option<PathBuf> {
        self.archive.map(Path::to_path_buf)
    }

    fn too_large(&self, limit: Limit, entry: Option<&str>) -> ArchiveError {
        let max = match limit {
            Limit::Entries => self.limits.max_entries,
            Limit::FileBytes => self.limits.max_file_bytes,
            Limit::TotalBytes => self.limits.max_total_bytes,
        };
        ArchiveError::TooLarge {
            archive: self.archive(),
            entry: entry.map(str::to_owned),
            limit,
            max,
        }
    }

    /// Counts one more archive entry against [`Limits::max_entries`].
    pub(super) fn count_entry(&mut self) -> Result<(), ArchiveError> {
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            return Err(self.too_large(Limit::Entries, None));
        }
        Ok(())
    }

    /// Judges an entry name: `Ok(None)` is the root (`go/`) itself.
    pub(super) fn check(&self, name: &str) -> Result<Option<PathBuf>, ArchiveError> {
        strip_check_under(name, self.root).map_err(|reason| self.unsafe_path(name, reason))
    }

    pub(super) fn unsafe_path(&self, name: &str, reason: UnsafeReason) -> ArchiveError {
        ArchiveError::UnsafePath {
            archive: self.archive(),
            entry: name.to_owned(),
            reason,
        }
    }

    pub(super) fn unsupported(&self, name: &str, kind: &'static str) -> ArchiveError {
        ArchiveError::UnsupportedEntry {
            archive: self.archive(),
            entry: name.to_owned(),
            kind,
        }
    }

    fn conflict(&self, name: &str) -> ArchiveError {
        ArchiveError::FileDirConflict {
            archive: self.archive(),
            entry: name.to_owned(),
        }
    }

    pub(super) fn read_error(&self, name: &str, error: io::Error) -> ArchiveError {
        ArchiveError::Read {
            archive: self.archive(),
            entry: Some(name.to_owned()),
            error,
        }
    }

    /// Checks a header-declared size against the limits before anything is written.
    pub(super) fn check_declared(&self, name: &str, size: u64) -> Result<(), ArchiveError> {
        if size > self.limits.max_file_bytes {
            return Err(self.too_large(Limit::FileBytes, Some(name)));
        }
        if size > self.limits.max_total_bytes.saturating_sub(self.out.bytes) {
            return Err(self.too_large(Limit::TotalBytes, Some(name)));
        }
        Ok(())
    }

    /// `dest/rel`, after checking again that `rel` is only plain components.
    fn join(&self, name: &str, rel: &Path) -> Result<PathBuf, ArchiveError> {
        if rel.components().all(|c| matches!(c, Component::Normal(_))) {
            let path = self.dest.join(rel);
            if path.starts_with(self.dest) {
                return Ok(path);
            }
        }
        Err(self.unsafe_path(name, UnsafeReason::Escapes))
    }

    /// Records the root `go/` directory entry (`rel == None`).
    pub(super) fn root(&mut self, name: &str, kind: Kind) -> Result<(), ArchiveError> {
        if kind == Kind::File {
            return Err(self.conflict(name));
        }
        self.mark_dir(name, PathBuf::new())
    }

    /// A directory entry: duplicates and clashes with files are errors.
    pub(super) fn dir(&mut self, name: &str, rel: PathBuf) -> Result<(), ArchiveError> {
        if let Some(parent) = rel.parent() {
            self.ensure_dir(name, parent)?;
        }
        let path = self.join(name, &rel)?;
        let known = self.seen.contains_key(&rel);
        self.mark_dir(name, rel)?;
        if known {
            Ok(())
        } else {
            self.create_dir(name, &path)
        }
    }

    fn mark_dir(&mut self, name: &str, rel: PathBuf) -> Result<(), ArchiveError> {
        match self.seen.insert(rel, Seen::Dir) {
            None | Some(Seen::ImplicitDir) => Ok(()),
            Some(Seen::Dir) => Err(ArchiveError::Duplicate {
                archive: self.archive(),
                entry: name.to_owned(),
            }),
            Some(Seen::File) => Err(self.conflict(name)),
        }
    }

    /// Makes sure `rel` (a parent of entry `name`) exists as a directory, creating the
    /// missing ancestors top-down. Iterative: a name may have thousands of components.
    fn ensure_dir(&mut self, name: &str, rel: &Path) -> Result<(), ArchiveError> {
        let mut missing = Vec::new();
        let mut cur = rel;
        loop {
            if cur.as_os_str().is_empty() {
                break;
            }
            match self.seen.get(cur) {
                Some(Seen::Dir | Seen::ImplicitDir) => break,
                Some(Seen::File) => return Err(self.conflict(name)),
                None => missing.push(cur),
            }
            match cur.parent() {
                Some(parent) => cur = parent,
                None => break,
            }
        }
        for rel in missing.into_iter().rev() {
            let path = self.join(name, rel)?;
            self.create_dir(name, &path)?;
            self.seen.insert(rel.to_path_buf(), Seen::ImplicitDir);
        }
        Ok(())
    }

    fn create_dir(&self, name: &str, path: &Path) -> Result<(), ArchiveError> {
        match fs_err::create_dir(path) {
            Ok(()) => set_mode(path, 0o755),
            // Only possible if `dest` was not empty (or names collide on a case-insensitive
            // file system): accept a real directory, never a symlink or a file.
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {
                if fs_err::symlink_metadata(path)?.is_dir() {
                    Ok(())
                } else {
                    Err(self.conflict(name))
                }
            }
            Err(err) => Err(err.into()),
        }
    }

    /// Queues a regular file whose bytes `data` yields up to EOF, and returns their count.
    /// Bytes past the per-file or remaining total limit are never written.
    pub(super) fn file(
        &mut self,
        name: &str,
        rel: PathBuf,
        executable: bool,
        data: &mut dyn Read,
    ) -> Result<u64, ArchiveError> {
        if let Some(parent) = rel.parent() {
            self.ensure_dir(name, parent)?;
        }
        let path = self.join(name, &rel)?;
        match self.seen.insert(rel, Seen::File) {
            None => {}
            Some(Seen::File) => {
                return Err(ArchiveError::Duplicate {
                    archive: self.archive(),
                    entry: name.to_owned(),
                });
            }
            Some(Seen::Dir | Seen::ImplicitDir) => return Err(self.conflict(name)),
        }

        let mode = if executable { 0o755 } else { 0o644 };
        self.push(Job::Create { path, mode })?;

        let file_cap = self.limits.max_file_bytes;
        let total_cap = self.limits.max_total_bytes.saturating_sub(self.out.bytes);
        let cap = file_cap.min(total_cap);
        let mut written: u64 = 0;
        loop {
            if self.batch.is_full() {
                self.flush()?;
            }
            let start = self.batch.used;
            let len =
                fill(data, &mut self.batch.data[start..]).map_err(|e| self.read_error(name, e))?;
            if len == 0 {
                break;
            }
            written += len as u64;
            if written > cap {
                let limit = if written > file_cap {
                    Limit::FileBytes
                } else {
                    Limit::TotalBytes
                };
                return Err(self.too_large(limit, Some(name)));
            }
            self.batch.used += len;
            self.push(Job::Write {
                start,
                end: start + len,
            })?;
        }
        self.out.files += 1;
        self.out.bytes += written;
        Ok(written)
    }

    fn push(&mut self, job: Job) -> Result<(), ArchiveError> {
        if self.batch.jobs.len() >= BATCH_JOBS {
            self.flush()?;
        }
        self.batch.jobs.push(job);
        Ok(())
    }

    /// Hands the current batch to the writer thread and starts another.
    fn flush(&mut self) -> Result<(), ArchiveError> {
        if self.batch.jobs.is_empty() {
            return Ok(());
        }
        let next = self.free.try_recv().unwrap_or_else(|_| Batch::new());
        let full = std::mem::replace(&mut self.batch, next);
        self.queue.send(full).map_err(|_| {
            self.writer_gone = true;
            ArchiveError::Io(io::Error::other("the extraction writer thread stopped"))
        })
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> Result<(), ArchiveError> {
    use std::os::unix::fs::PermissionsExt;
    fs_err::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    Ok(())
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> Result<(), ArchiveError> {
    Ok(())
}

/// Reads until `buf` is full or `src` is at EOF, so reads and writes stay large.
fn fill(src: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match src.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
