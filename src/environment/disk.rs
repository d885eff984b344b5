//! Questions about the disk and the programs on it — is this a Go root, what does its `VERSION`
//! say, what does `go version` print, which executables are in a directory, can Go write here —
//! asked through one trait, [`Disk`]. [`RealDisk`] asks the machine; tests answer from data
//! (`environment::fake::FakeDisk`), so the doctor's checks never touch the machine themselves.

use crate::manifest::{self, Verified};
use gvx_shims::store::EXE_SUFFIX;
use gvx_shims::{GoVersion, Store};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Whether Go can write in a directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Writable {
    Yes,
    /// Missing, but its nearest existing parent is writable, so Go creates it.
    Creatable,
    /// Missing, and `at` (the nearest existing parent) is not writable.
    No {
        at: PathBuf,
        why: String,
    },
}

/// What the doctor may ask about files and programs. The first group is what an
/// implementation answers; the rest is derived from it.
pub trait Disk {
    fn is_file(&self, path: &Path) -> bool;
    fn is_dir(&self, path: &Path) -> bool;
    fn exists(&self, path: &Path) -> bool {
        self.is_file(path) || self.is_dir(path)
    }
    /// A file's bytes, if it can be read.
    fn read(&self, path: &Path) -> Option<Vec<u8>>;
    fn read_to_string(&self, path: &Path) -> Option<String> {
        String::from_utf8(self.read(path)?).ok()
    }
    /// The entries of a directory (full paths), sorted; empty when it cannot be read.
    fn read_dir(&self, dir: &Path) -> Vec<PathBuf>;
    fn canonicalize(&self, path: &Path) -> Option<PathBuf>;
    fn is_executable(&self, path: &Path) -> bool;
    /// Tries to write in `dir` (or its nearest existing parent).
    fn writable(&self, dir: &Path) -> Writable;
    /// Runs a program and returns its stdout, or why it failed; gives up after `timeout`.
    fn run(
        &self,
        program: &Path,
        args: &[&str],
        env: &[(&str, &Path)],
        timeout: Duration,
    ) -> Result<String, String>;
    /// The SDKs installed in the store.
    fn installed(&self, store: &Store) -> Vec<GoVersion>;
    /// The SDK's tree against its install manifest.
    fn verify(&self, store: &Store, version: &GoVersion, root: &Path, quick: bool) -> Verified;
    /// Where `path` really is: its nearest existing ancestor resolved (as the shims'
    /// `guard::resolve` does), the rest appended.
    fn resolve(&self, path: &Path) -> PathBuf;
    /// A GET of `url` (only with `--online`): the response's status line, or why it failed.
    fn get(&self, url: &str) -> Result<String, String>;

    /// Lexical equality of two directories (trailing separators ignored; case-folded on
    /// Windows), or the same place once resolved.
    fn same_dir(&self, a: &Path, b: &Path) -> bool {
        lexically_same(a, b)
            || matches!((self.canonicalize(a), self.canonicalize(b)), (Some(x), Some(y)) if x == y)
    }

    /// The release a Go root says it is (`go1.22.10`), from its `VERSION` file.
    fn sdk_version(&self, root: &Path) -> Option<String> {
        let text = self.read_to_string(&root.join("VERSION"))?;
        let first = text.lines().next()?.trim();
        first.starts_with("go").then(|| first.to_owned())
    }

    /// A Go root has `bin/go`, `src/runtime` and `VERSION`.
    fn is_go_root(&self, dir: &Path) -> bool {
        self.is_file(&go_in(&dir.join("bin")))
            && self.is_dir(&dir.join("src").join("runtime"))
            && self.is_file(&dir.join("VERSION"))
    }

    /// The Go root a `go` binary belongs to, following symlinks (Homebrew, `/usr/bin/go`).
    fn root_of_binary(&self, go: &Path) -> Option<PathBuf> {
        let real = self.canonicalize(go)?;
        let root = real.parent()?.parent()?;
        self.is_go_root(root).then(|| root.to_owned())
    }

    /// The executable files in `dir` (names, no dot files), sorted.
    fn executables(&self, dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = self
            .read_dir(dir)
            .into_iter()
            .filter(|p| self.is_executable(p))
            .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_owned))
            .filter(|n| !n.starts_with('.'))
            .collect();
        names.sort();
        names
    }

    /// `go version` of a binary: the version word (`go1.22.10`), or why it could not be had.
    fn go_version(&self, go: &Path, goroot: Option<&Path>) -> Result<String, String> {
        let env: Vec<(&str, &Path)> = goroot.map(|r| ("GOROOT", r)).into_iter().collect();
        let out = self.run(go, &["version"], &env, Duration::from_secs(10))?;
        parse_go_version(&out).ok_or_else(|| format!("it printed `{}`", out.trim()))
    }

    /// The version of the Go a `go` binary runs: its root's `VERSION`, else `go version`.
    fn binary_version(&self, go: &Path) -> Option<String> {
        if let Some(root) = self.root_of_binary(go)
            && let Some(version) = self.sdk_version(&root)
        {
            return Some(version);
        }
        self.go_version(go, None).ok()
    }
}

/// `go` (`go.exe`) in `dir`.
pub fn go_in(dir: &Path) -> PathBuf {
    dir.join(format!("go{EXE_SUFFIX}"))
}

/// Go's env file as `cfg.readEnvFile` reads it: `KEY=VALUE` lines whose key starts A–Z.
pub fn env_file_lines(text: &str) -> Vec<(String, String, usize)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.starts_with(|c: char| c.is_ascii_uppercase()))
        .filter_map(|(i, line)| {
            let (key, value) = line.split_once('=')?;
            Some((key.trim().to_owned(), value.trim().to_owned(), i + 1))
        })
        .collect()
}

/// The same directory by name alone: trailing separators and `.` ignored, case-folded on
/// Windows.
pub fn lexically_same(a: &Path, b: &Path) -> bool {
    let key = |p: &Path| -> Vec<String> {
        p.components()
            .filter(|c| !matches!(c, Component::CurDir))
            .map(|c| {
                let s = c.as_os_str().to_string_lossy();
                if cfg!(windows) {
                    s.to_lowercase()
                } else {
                    s.into_owned()
                }
            })
            .collect()
    };
    key(a) == key(b)
}

/// `go version go1.22.10 linux/amd64` → `go1.22.10`.
pub fn parse_go_version(out: &str) -> Option<String> {
    let mut words = out.split_whitespace();
    (words.next()? == "go" && words.next()? == "version")
        .then(|| words.next().map(str::to_owned))
        .flatten()
        .filter(|v| v.starts_with("go"))
}

/// The machine itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct RealDisk;

impl Disk for RealDisk {
    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn exists(&self, path: &Path) -> bool {
        path.exists()
    }

    fn read(&self, path: &Path) -> Option<Vec<u8>> {
        fs_err::read(path).ok()
    }

    fn read_dir(&self, dir: &Path) -> Vec<PathBuf> {
        let Ok(entries) = fs_err::read_dir(dir) else {
            return Vec::new();
        };
        let mut found: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        found.sort();
        found
    }

    fn canonicalize(&self, path: &Path) -> Option<PathBuf> {
        fs_err::canonicalize(path).ok()
    }

    fn is_executable(&self, path: &Path) -> bool {
        is_executable(path)
    }

    fn writable(&self, dir: &Path) -> Writable {
        writable(dir)
    }

    fn run(
        &self,
        program: &Path,
        args: &[&str],
        env: &[(&str, &Path)],
        timeout: Duration,
    ) -> Result<String, String> {
        run(program, args, env, timeout)
    }

    fn installed(&self, store: &Store) -> Vec<GoVersion> {
        store.installed().unwrap_or_default()
    }

    fn verify(&self, store: &Store, version: &GoVersion, root: &Path, quick: bool) -> Verified {
        manifest::verify(store, version, root, quick)
    }

    fn resolve(&self, path: &Path) -> PathBuf {
        gvx_shims::guard::resolve(path)
    }

    fn get(&self, url: &str) -> Result<String, String> {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(8))
            .user_agent(concat!("gvx/", env!("CARGO_PKG_VERSION")))
            .build();
        client
            .map_err(|e| e.to_string())
            .and_then(|c| c.get(url).send().map_err(|e| e.to_string()))
            .map(|response| response.status().to_string())
    }
}

#[cfg(unix)]
pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs_err::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
pub fn is_executable(path: &Path) -> bool {
    path.is_file()
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "exe" | "cmd" | "bat"))
}

/// Tries to write in `dir` (or its nearest existing parent) with a temporary file.
pub fn writable(dir: &Path) -> Writable {
    let mut at = dir.to_owned();
    let mut missing = false;
    while !at.exists() {
        missing = true;
        match at.parent() {
            Some(parent) if parent != at => at = parent.to_owned(),
            _ => break,
        }
    }
    if at.exists() && !at.is_dir() {
        return Writable::No {
            why: "it is a file, not a directory".into(),
            at,
        };
    }
    match tempfile::Builder::new()
        .prefix(".gvx-doctor-")
        .tempfile_in(&at)
    {
        Ok(_) if missing => Writable::Creatable,
        Ok(_) => Writable::Yes,
        Err(e) => Writable::No {
            at,
            why: e.kind().to_string(),
        },
    }
}

/// Runs a program and returns its stdout, or why it failed; gives up after `timeout`.
pub fn run(
    program: &Path,
    args: &[&str],
    env: &[(&str, &Path)],
    timeout: Duration,
) -> Result<String, String> {
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().map_err(|e| e.to_string())?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("no answer within {}s", timeout.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(e.to_string()),
        }
    };
    let mut out = String::new();
    let mut err = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_string(&mut out);
    }
    if let Some(mut stderr) = child.stderr.take() {
        let _ = stderr.read_to_string(&mut err);
    }
    if status.success() {
        Ok(out)
    } else {
        let first = err.lines().next().unwrap_or("").trim().to_owned();
        Err(if first.is_empty() {
            format!("it exited with {status}")
        } else {
            first
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_version_words() {
        assert_eq!(
            parse_go_version("go version go1.22.10 linux/amd64\n").as_deref(),
            Some("go1.22.10")
        );
        assert_eq!(parse_go_version("fake-go go1.22.10"), None);
    }

    #[test]
    fn env_file() {
        let lines = env_file_lines("GOROOT=/x\n# c\nlower=1\nGOPROXY=off\n");
        assert_eq!(lines[0], ("GOROOT".into(), "/x".into(), 1));
        assert_eq!(lines[1], ("GOPROXY".into(), "off".into(), 4));
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn writable_dirs() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(writable(dir.path()), Writable::Yes);
        assert_eq!(writable(&dir.path().join("a/b")), Writable::Creatable);
        let file = dir.path().join("f");
        fs_err::write(&file, "").unwrap();
        assert!(matches!(writable(&file.join("x")), Writable::No { .. }));
    }
}
