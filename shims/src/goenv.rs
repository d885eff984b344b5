//! Go's own settings, read the way `go` reads them: the process environment (non-empty), else
//! the user's go env file (`go env -w`), else Go's default. Each value remembers where it came
//! from, so errors and `gvx doctor` can say which file and line to change.

use crate::store::home_dir;
use std::env;
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

/// One setting's value and origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    pub value: String,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The process environment.
    Environment,
    /// A `KEY=VALUE` line of the go env file (1-based line).
    EnvFile(PathBuf, usize),
    /// Go's built-in default.
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Environment => f.write_str("the environment"),
            Origin::EnvFile(path, line) => write!(f, "{}:{line} (go env -w)", path.display()),
            Origin::Default => f.write_str("Go's default"),
        }
    }
}

/// The user's go env file, read once.
#[derive(Clone, Debug, Default)]
pub struct GoEnv {
    file: Option<PathBuf>,
    lines: Vec<(String, String, usize)>,
    /// The variables and home directory given as data ([`GoEnv::with_vars`]); `None` reads
    /// this process's environment (what the shim does).
    given: Option<Given>,
}

/// Variables a [`GoEnv`] reads instead of the process environment.
#[derive(Clone, Debug, Default)]
struct Given {
    vars: Vec<(String, String)>,
    home: Option<PathBuf>,
}

impl GoEnv {
    /// Reads the go env file named by `GOENV` or the platform default. A missing file is empty.
    pub fn load() -> Self {
        let Some(file) = env_file() else {
            return GoEnv::default();
        };
        let text = fs::read_to_string(&file).unwrap_or_default();
        GoEnv::parse(file, &text)
    }

    /// Parses go env file text as `cfg.readEnvFile` does: `KEY=VALUE`, keys start with A–Z.
    pub fn parse(file: PathBuf, text: &str) -> Self {
        let lines = text
            .lines()
            .enumerate()
            .filter(|(_, line)| line.starts_with(|c: char| c.is_ascii_uppercase()))
            .filter_map(|(index, line)| {
                let (key, value) = line.split_once('=')?;
                Some((key.to_owned(), value.to_owned(), index + 1))
            })
            .collect();
        GoEnv {
            file: Some(file),
            lines,
            given: None,
        }
    }

    /// The same settings, reading `vars` (name, value) and `home` instead of this process's
    /// environment: a snapshot of another process, or a test's data. Names compare as the OS
    /// compares them (ignoring case on Windows).
    #[must_use]
    pub fn with_vars(
        mut self,
        vars: impl IntoIterator<Item = (String, String)>,
        home: Option<PathBuf>,
    ) -> Self {
        self.given = Some(Given {
            vars: vars.into_iter().collect(),
            home,
        });
        self
    }

    /// A variable, if set and not empty.
    fn var(&self, key: &str) -> Option<String> {
        match &self.given {
            None => env::var_os(key)
                .filter(|v| !v.is_empty())
                .map(|v| v.to_string_lossy().into_owned()),
            Some(given) => given
                .vars
                .iter()
                .find(|(k, _)| {
                    if cfg!(windows) {
                        k.eq_ignore_ascii_case(key)
                    } else {
                        k == key
                    }
                })
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty()),
        }
    }

    fn home(&self) -> Option<PathBuf> {
        match &self.given {
            None => home_dir(),
            Some(given) => given.home.clone(),
        }
    }

    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The value `go` would use, without Go's defaults. The last line for a key wins, as in Go.
    pub fn get(&self, key: &str) -> Option<Setting> {
        if let Some(value) = self.var(key) {
            return Some(Setting {
                value,
                origin: Origin::Environment,
            });
        }
        let (_, value, line) = self
            .lines
            .iter()
            .rev()
            .find(|(k, v, _)| k == key && !v.is_empty())?;
        let file = self.file.clone().unwrap_or_default();
        Some(Setting {
            value: value.clone(),
            origin: Origin::EnvFile(file, *line),
        })
    }

    /// `GOPATH`, or Go's default `~/go`.
    pub fn gopath(&self) -> Option<Setting> {
        self.get("GOPATH").or_else(|| {
            let home = self.home()?;
            Some(Setting {
                value: home.join("go").to_string_lossy().into_owned(),
                origin: Origin::Default,
            })
        })
    }

    /// `GOMODCACHE`, or Go's default `<first GOPATH entry>/pkg/mod`.
    pub fn gomodcache(&self) -> Option<Setting> {
        self.get("GOMODCACHE").or_else(|| {
            let gopath = self.gopath()?;
            let first = env::split_paths(&gopath.value).next()?;
            Some(Setting {
                value: first.join("pkg").join("mod").to_string_lossy().into_owned(),
                origin: gopath.origin,
            })
        })
    }
}

/// `$GOENV`, or `os.UserConfigDir()/go/env`. `GOENV=off` means no file.
pub fn env_file() -> Option<PathBuf> {
    env_file_from(&|key| env::var_os(key))
}

/// [`env_file`], reading variables through `var` (a snapshot's, a test's).
pub fn env_file_from(var: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    if let Some(goenv) = var("GOENV").filter(|v| !v.is_empty()) {
        return (goenv != "off").then(|| PathBuf::from(goenv));
    }
    user_config_dir(var).map(|dir| dir.join("go").join("env"))
}

/// Go's `os.UserConfigDir`.
fn user_config_dir(var: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    let nonempty = |key: &str| var(key).filter(|v| !v.is_empty()).map(PathBuf::from);
    if cfg!(windows) {
        nonempty("AppData")
    } else if cfg!(target_os = "macos") {
        nonempty("HOME").map(|h| h.join("Library").join("Application Support"))
    } else {
        nonempty("XDG_CONFIG_HOME").or_else(|| nonempty("HOME").map(|h| h.join(".config")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_lines() {
        let goenv = GoEnv::parse(
            PathBuf::from("/cfg/go/env"),
            "GOROOT=/old/go\n# comment\nlower=x\nGVX_TEST_UNSET_KEY=a\nGVX_TEST_UNSET_KEY=b\nNOEQUALS\n",
        );
        let setting = goenv.get("GVX_TEST_UNSET_KEY").unwrap();
        assert_eq!(setting.value, "b");
        assert_eq!(
            setting.origin,
            Origin::EnvFile(PathBuf::from("/cfg/go/env"), 5)
        );
        assert_eq!(goenv.get("lower"), None);
        assert_eq!(goenv.get("NOEQUALS"), None);
    }

    #[test]
    fn variables_from_data() {
        let goenv = GoEnv::parse(PathBuf::from("/cfg/go/env"), "GOPROXY=off\nGOBIN=/file\n")
            .with_vars(
                [
                    ("GOBIN".to_owned(), "/env/bin".to_owned()),
                    ("GOPATH".to_owned(), String::new()),
                ],
                Some(PathBuf::from("/h")),
            );
        assert_eq!(goenv.get("GOBIN").unwrap().value, "/env/bin");
        assert_eq!(goenv.get("GOBIN").unwrap().origin, Origin::Environment);
        assert_eq!(goenv.get("GOPROXY").unwrap().value, "off");
        let gopath = goenv.gopath().unwrap();
        assert_eq!(PathBuf::from(gopath.value), PathBuf::from("/h").join("go"));
        assert_eq!(gopath.origin, Origin::Default);
        let file = env_file_from(&|k| (k == "GOENV").then(|| OsString::from("/x/env")));
        assert_eq!(file, Some(PathBuf::from("/x/env")));
        assert_eq!(
            env_file_from(&|k| (k == "GOENV").then(|| OsString::from("off"))),
            None
        );
    }
}
