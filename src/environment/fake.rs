//! An in-memory [`Disk`] for tests: files with their text, directories, executables, Go SDKs,
//! the answers of programs, and nothing else. Paths need not exist anywhere.

use super::disk::{Disk, Writable, go_in};
use crate::manifest::Verified;
use gvx_shims::{GoVersion, Store};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Clone, Debug, Default)]
pub struct FakeDisk {
    pub files: BTreeMap<PathBuf, String>,
    pub dirs: BTreeSet<PathBuf>,
    pub executables: BTreeSet<PathBuf>,
    /// Symlinks: where each path really is.
    pub links: BTreeMap<PathBuf, PathBuf>,
    /// Directories Go cannot write in, with why.
    pub read_only: BTreeMap<PathBuf, String>,
    /// What a program prints, by program and arguments joined with spaces.
    pub programs: BTreeMap<(PathBuf, String), Result<String, String>>,
    pub installed: Vec<GoVersion>,
    /// The manifest check's answer: `(files, missing, changed)` when damaged; intact when not
    /// set.
    pub damaged: Option<(usize, Vec<String>, Vec<String>)>,
    /// No manifest was recorded.
    pub unrecorded: bool,
    pub urls: BTreeMap<String, Result<String, String>>,
}

impl FakeDisk {
    pub fn new() -> FakeDisk {
        FakeDisk::default()
    }

    /// A directory and all its parents.
    pub fn dir(&mut self, path: impl AsRef<Path>) -> &mut Self {
        for dir in path.as_ref().ancestors() {
            self.dirs.insert(dir.to_owned());
        }
        self
    }

    /// A file with its text (parents created).
    pub fn file(&mut self, path: impl AsRef<Path>, text: &str) -> &mut Self {
        let path = path.as_ref();
        if let Some(parent) = path.parent() {
            self.dir(parent);
        }
        self.files.insert(path.to_owned(), text.to_owned());
        self
    }

    /// An executable file.
    pub fn exe(&mut self, path: impl AsRef<Path>) -> &mut Self {
        let path = path.as_ref().to_owned();
        self.file(&path, "");
        self.executables.insert(path);
        self
    }

    /// A Go root: `bin/go` (printing `go version <version>`), `bin/gofmt`, `src/runtime`,
    /// `VERSION`.
    pub fn sdk(&mut self, root: impl AsRef<Path>, version: &str) -> &mut Self {
        let root = root.as_ref();
        let go = go_in(&root.join("bin"));
        self.exe(&go);
        self.dir(root.join("src").join("runtime"));
        self.file(root.join("VERSION"), &format!("{version}\ntime x\n"));
        self.program(
            &go,
            "version",
            Ok(format!("go version {version} test/os\n")),
        );
        self
    }

    pub fn program(
        &mut self,
        program: impl AsRef<Path>,
        args: &str,
        answer: Result<String, String>,
    ) -> &mut Self {
        self.programs
            .insert((program.as_ref().to_owned(), args.to_owned()), answer);
        self
    }

    fn real(&self, path: &Path) -> PathBuf {
        for (link, target) in &self.links {
            if let Ok(rest) = path.strip_prefix(link) {
                return if rest.as_os_str().is_empty() {
                    target.clone()
                } else {
                    target.join(rest)
                };
            }
        }
        path.to_owned()
    }
}

impl Disk for FakeDisk {
    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(&self.real(path))
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.dirs.contains(&self.real(path))
    }

    fn read(&self, path: &Path) -> Option<Vec<u8>> {
        self.files
            .get(&self.real(path))
            .map(|t| t.clone().into_bytes())
    }

    fn read_dir(&self, dir: &Path) -> Vec<PathBuf> {
        let real = self.real(dir);
        let children = self.files.keys().chain(&self.dirs);
        let mut found: Vec<PathBuf> = children
            .filter(|p| p.parent() == Some(real.as_path()))
            .filter_map(|p| p.file_name().map(|n| dir.join(n)))
            .collect();
        found.sort();
        found.dedup();
        found
    }

    fn canonicalize(&self, path: &Path) -> Option<PathBuf> {
        let real = self.real(path);
        (self.files.contains_key(&real) || self.dirs.contains(&real)).then_some(real)
    }

    fn is_executable(&self, path: &Path) -> bool {
        self.executables.contains(&self.real(path))
    }

    fn writable(&self, dir: &Path) -> Writable {
        let mut at = dir.to_owned();
        let mut missing = false;
        while !self.exists(&at) {
            missing = true;
            match at.parent() {
                Some(parent) => at = parent.to_owned(),
                None => break,
            }
        }
        if self.is_file(&at) {
            return Writable::No {
                why: "it is a file, not a directory".into(),
                at,
            };
        }
        match self.read_only.get(&at) {
            Some(why) => Writable::No {
                at,
                why: why.clone(),
            },
            None if missing => Writable::Creatable,
            None => Writable::Yes,
        }
    }

    fn run(
        &self,
        program: &Path,
        args: &[&str],
        _env: &[(&str, &Path)],
        _timeout: Duration,
    ) -> Result<String, String> {
        let key = (self.real(program), args.join(" "));
        match self.programs.get(&key) {
            Some(answer) => answer.clone(),
            None => Err("No such file or directory (os error 2)".into()),
        }
    }

    fn installed(&self, _store: &Store) -> Vec<GoVersion> {
        self.installed.clone()
    }

    fn verify(&self, _store: &Store, _version: &GoVersion, _root: &Path, _quick: bool) -> Verified {
        match &self.damaged {
            _ if self.unrecorded => Verified::Unrecorded,
            Some((files, missing, changed)) => Verified::Damaged {
                files: *files,
                missing: missing.clone(),
                changed: changed.clone(),
            },
            None => Verified::Intact { files: 3 },
        }
    }

    fn resolve(&self, path: &Path) -> PathBuf {
        self.real(path)
    }

    fn get(&self, url: &str) -> Result<String, String> {
        self.urls
            .get(url)
            .cloned()
            .unwrap_or_else(|| Err("connection refused".into()))
    }
}
