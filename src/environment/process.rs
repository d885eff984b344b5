//! The process state `setup` and `doctor` read: environment variables, the working directory and
//! the user's home. [`Process::capture`] is the only place under `environment/` (and so under
//! `setup/` and `doctor/`) that reads them; tests build a [`Process`] from data instead.

use std::ffi::OsString;
use std::path::PathBuf;

/// A copy of this process's environment, taken once.
#[derive(Clone, Debug, Default)]
pub struct Process {
    vars: Vec<(String, OsString)>,
    /// The working directory; `None` when it cannot be read (deleted, no permission).
    pub cwd: Option<PathBuf>,
}

impl Process {
    /// This process: every variable and the working directory.
    pub fn capture() -> Process {
        Process {
            vars: std::env::vars_os()
                .map(|(k, v)| (k.to_string_lossy().into_owned(), v))
                .collect(),
            cwd: std::env::current_dir().ok(),
        }
    }

    /// A process with exactly these variables (for tests).
    pub fn from_vars<K: Into<String>, V: Into<OsString>>(
        vars: impl IntoIterator<Item = (K, V)>,
        cwd: Option<PathBuf>,
    ) -> Process {
        Process {
            vars: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            cwd,
        }
    }

    /// A variable as set, empty or not. Names compare as the OS does: ignoring case on Windows.
    pub fn var_os(&self, name: &str) -> Option<&OsString> {
        self.vars
            .iter()
            .find(|(k, _)| {
                if cfg!(windows) {
                    k.eq_ignore_ascii_case(name)
                } else {
                    k == name
                }
            })
            .map(|(_, v)| v)
    }

    /// A variable's text, if set and not empty.
    pub fn var(&self, name: &str) -> Option<String> {
        self.var_os(name)
            .filter(|v| !v.is_empty())
            .map(|v| v.to_string_lossy().into_owned())
    }

    /// A variable holding an absolute directory (`XDG_CONFIG_HOME`, `ZDOTDIR`, …); relative
    /// values are ignored, as the specifications say.
    pub fn dir(&self, name: &str) -> Option<PathBuf> {
        self.var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    }

    /// PATH's entries, in order (empty entries kept, as the OS keeps them).
    pub fn path(&self) -> Vec<PathBuf> {
        self.var_os("PATH")
            .map(|p| std::env::split_paths(p).collect())
            .unwrap_or_default()
    }

    /// The user's home: `HOME` (`USERPROFILE` on Windows).
    pub fn home(&self) -> Option<PathBuf> {
        let name = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
        self.var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    }

    /// Every variable, as `(name, value)` pairs (for Go's settings).
    pub fn vars(&self) -> impl Iterator<Item = (&str, &OsString)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_from_data() {
        let p = Process::from_vars(
            [("HOME", "/h"), ("EMPTY", ""), ("XDG_CONFIG_HOME", "rel")],
            None,
        );
        assert_eq!(p.var("EMPTY"), None);
        assert!(p.var_os("EMPTY").is_some());
        assert_eq!(p.dir("XDG_CONFIG_HOME"), None);
        assert_eq!(p.var("NOPE"), None);
        if cfg!(unix) {
            assert_eq!(p.home(), Some(PathBuf::from("/h")));
        }
    }
}
