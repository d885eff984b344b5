//! The machine as a plan would leave it, for the doctor's next round of checks: a [`Disk`]
//! whose answers about some files and directories come from the plan instead of the disk.

use super::disk::{Disk, Writable};
use crate::manifest::Verified;
use gvx_shims::{GoVersion, Store};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The machine as a plan would leave it: `base`, with some files' bytes replaced (`None`: the
/// file is gone) and some directories created. The doctor re-runs its checks over it to plan
/// what the first fixes uncover, before anything is written.
pub struct Planned {
    pub base: Box<dyn Disk>,
    pub files: Vec<(PathBuf, Option<Vec<u8>>)>,
    pub dirs: Vec<PathBuf>,
}

impl Planned {
    fn file(&self, path: &Path) -> Option<&Option<Vec<u8>>> {
        self.files.iter().find(|(p, _)| p == path).map(|(_, b)| b)
    }

    fn created(&self, path: &Path) -> bool {
        self.dirs.iter().any(|d| d.starts_with(path))
            || self
                .files
                .iter()
                .any(|(p, b)| b.is_some() && p.parent().is_some_and(|d| d.starts_with(path)))
    }
}

impl Disk for Planned {
    fn is_file(&self, path: &Path) -> bool {
        match self.file(path) {
            Some(bytes) => bytes.is_some(),
            None => self.base.is_file(path),
        }
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.created(path) || self.base.is_dir(path)
    }
    fn read(&self, path: &Path) -> Option<Vec<u8>> {
        match self.file(path) {
            Some(bytes) => bytes.clone(),
            None => self.base.read(path),
        }
    }
    fn read_dir(&self, dir: &Path) -> Vec<PathBuf> {
        let mut entries: Vec<PathBuf> = self
            .base
            .read_dir(dir)
            .into_iter()
            .filter(|p| !matches!(self.file(p), Some(None)))
            .collect();
        for (path, bytes) in &self.files {
            if bytes.is_some() && path.parent() == Some(dir) && !entries.contains(path) {
                entries.push(path.clone());
            }
        }
        entries.sort();
        entries
    }
    fn canonicalize(&self, path: &Path) -> Option<PathBuf> {
        self.base.canonicalize(path)
    }
    fn is_executable(&self, path: &Path) -> bool {
        self.base.is_executable(path)
    }
    fn writable(&self, dir: &Path) -> Writable {
        match self.base.writable(dir) {
            Writable::Creatable if self.created(dir) => Writable::Yes,
            other => other,
        }
    }
    fn run(
        &self,
        program: &Path,
        args: &[&str],
        env: &[(&str, &Path)],
        timeout: Duration,
    ) -> Result<String, String> {
        self.base.run(program, args, env, timeout)
    }
    fn installed(&self, store: &Store) -> Vec<GoVersion> {
        self.base.installed(store)
    }
    fn verify(&self, store: &Store, version: &GoVersion, root: &Path, quick: bool) -> Verified {
        self.base.verify(store, version, root, quick)
    }
    fn resolve(&self, path: &Path) -> PathBuf {
        self.base.resolve(path)
    }
    fn get(&self, url: &str) -> Result<String, String> {
        self.base.get(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::fake::FakeDisk;

    #[test]
    fn the_plan_answers_for_the_files_it_changes() {
        let mut base = FakeDisk::new();
        base.file("/h/.bashrc", "old\n").file("/h/gone", "x");
        let planned = Planned {
            base: Box::new(base),
            files: vec![
                ("/h/.bashrc".into(), Some(b"new\n".to_vec())),
                ("/h/gone".into(), None),
                ("/h/new/dir/file".into(), Some(b"made\n".to_vec())),
            ],
            dirs: vec!["/h/go/bin".into()],
        };
        assert_eq!(
            planned.read_to_string(Path::new("/h/.bashrc")).unwrap(),
            "new\n"
        );
        assert!(!planned.is_file(Path::new("/h/gone")));
        assert!(planned.is_file(Path::new("/h/new/dir/file")));
        assert!(planned.is_dir(Path::new("/h/new")) && planned.is_dir(Path::new("/h/go/bin")));
        let listed = planned.read_dir(Path::new("/h"));
        assert!(!listed.contains(&PathBuf::from("/h/gone")), "{listed:?}");
        assert!(listed.contains(&PathBuf::from("/h/.bashrc")), "{listed:?}");
    }
}
