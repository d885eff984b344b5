//! The facts every check reads, gathered once per run: the environment, Go's env file, the
//! selection, the shells' start-up files. System locations (`/etc/...`, `/usr/local/go`) are
//! read under a root prefix (`GVX_DOCTOR_ROOT`, undocumented, for tests), so a sandbox can
//! play the whole machine.

use super::model::{Scope, Source};
use super::rc::{self, Scan};
use crate::context::Context;
use crate::error::Error;
use crate::setup::Site;
use gvx_shims::goenv::{self, GoEnv, Origin, Setting};
use gvx_shims::select::{Outcome, Selection};
use gvx_shims::store::EXE_SUFFIX;
use gvx_shims::{GoVersion, Store};
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The variable that moves the doctor's `/` (tests only).
pub const ROOT_VAR: &str = "GVX_DOCTOR_ROOT";

pub struct Machine<'a> {
    pub cx: &'a Context,
    /// `/`, or the sandbox standing in for it.
    pub root: PathBuf,
    pub home: Option<PathBuf>,
    pub goenv: GoEnv,
    /// Go's user env file and its `KEY=VALUE` lines (key, value, 1-based line).
    pub env_file: Option<PathBuf>,
    pub env_lines: Vec<(String, String, usize)>,
    /// This process's PATH, in order.
    pub path: Vec<PathBuf>,
    pub selection: Result<Selection, Error>,
    pub site: Option<Site>,
    pub rc: Scan,
    pub online: bool,
    /// `--quiet`: skip what only adds detail (running `go version -m`).
    pub quick: bool,
}

impl<'a> Machine<'a> {
    pub fn load(cx: &'a Context, online: bool, quick: bool) -> Machine<'a> {
        let root = std::env::var_os(ROOT_VAR)
            .filter(|v| !v.is_empty())
            .map_or_else(
                || PathBuf::from(std::path::MAIN_SEPARATOR_STR),
                PathBuf::from,
            );
        let env_file = goenv::env_file();
        let env_lines = env_file
            .as_deref()
            .and_then(|f| fs_err::read_to_string(f).ok())
            .map(|text| env_file_lines(&text))
            .unwrap_or_default();
        let path = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).collect())
            .unwrap_or_default();
        let site = Site::from_env(&cx.store).ok();
        let mut machine = Machine {
            cx,
            root,
            home: crate::shell::user_home(),
            goenv: GoEnv::load(),
            env_file,
            env_lines,
            path,
            selection: crate::commands::selection(cx),
            site,
            rc: Scan::default(),
            online,
            quick,
        };
        machine.rc = rc::scan(&machine);
        machine
    }

    pub fn store(&self) -> &Store {
        &self.cx.store
    }

    /// A system path under the root prefix: `sys("/etc/profile")`.
    pub fn sys(&self, path: &str) -> PathBuf {
        self.root.join(path.trim_start_matches(['/', '\\']))
    }

    /// The path as the machine names it: the root prefix taken off again.
    pub fn unroot(&self, path: &Path) -> PathBuf {
        match path.strip_prefix(&self.root) {
            Ok(rest) if self.root.parent().is_some() => Path::new("/").join(rest),
            _ => path.to_owned(),
        }
    }

    /// An absolute path named in a file or setting, as found under the root prefix.
    pub fn on_machine(&self, path: &Path) -> PathBuf {
        let elsewhere = path.starts_with(&self.root)
            || path.starts_with(self.store().home())
            || self.home.as_ref().is_some_and(|h| path.starts_with(h));
        if self.root.parent().is_some() && path.is_absolute() && !elsewhere {
            self.sys(&path.display().to_string())
        } else {
            path.to_owned()
        }
    }

    /// `~/...` for messages.
    pub fn show(&self, path: &Path) -> String {
        match &self.home {
            Some(home) => crate::shell::tilde(path, home),
            None => path.display().to_string(),
        }
    }

    /// The installed SDK the selection runs here, if any.
    pub fn sdk(&self) -> Option<(GoVersion, PathBuf)> {
        match &self.selection {
            Ok(Selection {
                outcome: Outcome::Run(v),
                ..
            }) => Some((*v, self.store().sdk(v))),
            _ => None,
        }
    }

    /// The selected version's name (`go1.22.10`, or the request when not installed).
    pub fn selected_name(&self) -> Option<String> {
        match &self.selection {
            Ok(s) => Some(match s.outcome {
                Outcome::Run(v) => v.name(),
                Outcome::Install(r) => format!("go{r}"),
            }),
            Err(_) => None,
        }
    }

    /// A Go setting with where it comes from (environment, env file), or `None`.
    pub fn setting(&self, key: &str) -> Option<Setting> {
        self.goenv.get(key)
    }

    /// Where a setting comes from, as evidence.
    pub fn origin_source(&self, origin: &Origin) -> Source {
        match origin {
            Origin::Environment => Source::Environment,
            Origin::EnvFile(path, line) => Source::GoEnvFile {
                path: path.clone(),
                line: *line,
            },
            Origin::Default => Source::Default,
        }
    }

    /// Describes a source for the human report.
    pub fn describe(&self, source: &Source) -> String {
        match source {
            Source::Environment => "this shell's environment".into(),
            Source::PathEntry { index } => format!("PATH entry {index}"),
            Source::File { path, line, scope } => {
                let scope = if *scope == Scope::System {
                    ", system-wide"
                } else {
                    ""
                };
                format!("{}:{line}{scope}", self.show(&self.unroot(path)))
            }
            Source::GoEnvFile { path, line } => {
                format!("{}:{line} (go env -w)", self.show(path))
            }
            Source::Registry { key, name, .. } => format!("{key} {name} (registry)"),
            Source::Default => "Go's default".into(),
            Source::Disk { path } => self.show(&self.unroot(path)),
            Source::Command { command } => format!("`{command}`"),
        }
    }

    /// True when `dir` is one of this process's PATH entries.
    pub fn on_path(&self, dir: &Path) -> Option<usize> {
        self.path
            .iter()
            .position(|p| same_dir(p, dir))
            .map(|i| i + 1)
    }

    /// Where the user's home directory is, for `$HOME`/`~` in start-up file lines.
    pub fn expand(&self, value: &str) -> Option<PathBuf> {
        let value = value.trim().trim_matches(['"', '\'']);
        let home = self.home.as_ref().map(|h| h.display().to_string());
        let expanded = match &home {
            Some(h) => value
                .replacen("${HOME}", h, 1)
                .replacen("$HOME", h, 1)
                .replacen("$env:USERPROFILE", h, 1)
                .replacen("%USERPROFILE%", h, 1),
            None => value.to_owned(),
        };
        let expanded = match (expanded.strip_prefix('~'), &home) {
            (Some(rest), Some(h)) if rest.is_empty() || rest.starts_with(['/', '\\']) => {
                format!("{h}{rest}")
            }
            _ => expanded,
        };
        if expanded.contains(['$', '%', '`', '(']) || expanded.is_empty() {
            return None;
        }
        Some(PathBuf::from(expanded))
    }

    /// `go` (`go.exe`) in `dir`.
    pub fn go_in(dir: &Path) -> PathBuf {
        dir.join(format!("go{EXE_SUFFIX}"))
    }
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
    Machine::go_in(&dir.join("bin")).is_file()
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
