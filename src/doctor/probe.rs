//! Facts about single files and programs: Go roots and their versions, executables, whether a
//! directory can be written, running a program with a timeout.

use gvx_shims::store::EXE_SUFFIX;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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

/// Lexical equality of two directories (trailing separators ignored; case-folded on Windows).
pub fn same_dir(a: &Path, b: &Path) -> bool {
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
        || matches!((fs_err::canonicalize(a), fs_err::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

/// The release a Go root says it is (`go1.22.10`), from its `VERSION` file.
pub fn sdk_version(root: &Path) -> Option<String> {
    let text = fs_err::read_to_string(root.join("VERSION")).ok()?;
    let first = text.lines().next()?.trim();
    first.starts_with("go").then(|| first.to_owned())
}

/// A Go root has `bin/go`, `src/runtime` and `VERSION`.
pub fn is_go_root(dir: &Path) -> bool {
    go_in(&dir.join("bin")).is_file()
        && dir.join("src").join("runtime").is_dir()
        && dir.join("VERSION").is_file()
}

/// The Go root a `go` binary belongs to, following symlinks (Homebrew, Debian's `/usr/bin/go`).
pub fn root_of_binary(go: &Path) -> Option<PathBuf> {
    let real = fs_err::canonicalize(go).ok()?;
    let root = real.parent()?.parent()?;
    is_go_root(root).then(|| root.to_owned())
}

/// The executable files in `dir` (names), sorted.
pub fn executables(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs_err::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| is_executable(&e.path()))
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
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

/// Whether Go can write in a directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Writable {
    Yes,
    /// Missing, but its nearest existing parent is writable, so Go creates it.
    Creatable,
    /// Missing, and `parent` (the nearest existing one) is not writable.
    No {
        at: PathBuf,
        why: String,
    },
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

/// `go version` of a binary: the version word (`go1.22.10`), or why it could not be had.
pub fn go_version(go: &Path, goroot: Option<&Path>) -> Result<String, String> {
    let env: Vec<(&str, &Path)> = goroot.map(|r| ("GOROOT", r)).into_iter().collect();
    let out = run(go, &["version"], &env, Duration::from_secs(10))?;
    parse_go_version(&out).ok_or_else(|| format!("it printed `{}`", out.trim()))
}

/// `go version go1.22.10 linux/amd64` → `go1.22.10`.
pub fn parse_go_version(out: &str) -> Option<String> {
    let mut words = out.split_whitespace();
    (words.next()? == "go" && words.next()? == "version")
        .then(|| words.next().map(str::to_owned))
        .flatten()
        .filter(|v| v.starts_with("go"))
}

/// The version of the Go a `go` binary runs: its root's `VERSION`, else `go version`.
pub fn binary_version(go: &Path) -> Option<String> {
    if let Some(root) = root_of_binary(go)
        && let Some(version) = sdk_version(&root)
    {
        return Some(version);
    }
    go_version(go, None).ok()
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
