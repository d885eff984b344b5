//! The facts every check reads, gathered once per run: the environment, Go's env file, the
//! selection, the shells' start-up files. System locations (`/etc/...`, `/usr/local/go`) are
//! read under a root prefix (`GVX_DOCTOR_ROOT`, for tests; in the README's table), so a sandbox can
//! play the whole machine.

use super::model::{Scope, Source};
use super::rc::{self, Scan};
use crate::context::Context;
use crate::error::Error;
use crate::setup::Site;
use gvx_shims::goenv::{self, GoEnv, Origin, Setting};
use gvx_shims::select::{Outcome, Selection};
use gvx_shims::{GoVersion, Store};
use std::path::{Path, PathBuf};

pub use super::probe::*;

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
        let site = Site::new(
            &crate::environment::Process::capture(),
            &cx.store,
            cx.completions,
        );
        let mut machine = Machine {
            cx,
            root,
            home: crate::shell::user_home(),
            goenv: GoEnv::load(),
            env_file,
            env_lines,
            path,
            selection: cx.selection(),
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
        super::probe::go_in(dir)
    }
}
