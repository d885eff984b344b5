//! The `go` and `toolchain` lines of a `go.work` or `go.mod`: the only part of those files that
//! version selection needs, read the way `cmd/go/internal/gover.GoModLookup` reads them.

use crate::version::GoVersion;
use std::fmt;
use std::path::{Path, PathBuf};

/// What a module or workspace file requires of the toolchain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub file: PathBuf,
    /// The `go` line and its 1-based line number.
    pub go: Option<(GoVersion, usize)>,
    /// The `toolchain` line and its line number.
    pub toolchain: Option<(Toolchain, usize)>,
}

/// The value of a `toolchain` line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toolchain {
    /// `toolchain go1.23.9` (also `go1.23.9-custom`: the suffix is ignored, as Go does).
    Version(GoVersion),
    /// `toolchain local` or `toolchain default`: no suggestion beyond the `go` line.
    Local,
}

impl Requirement {
    /// Parses the file's text. Lines that are not valid versions are errors naming the line.
    pub fn parse(file: &Path, text: &str) -> Result<Self, ModuleError> {
        let mut requirement = Requirement {
            file: file.to_owned(),
            go: None,
            toolchain: None,
        };
        if let Some((value, line)) = lookup(text, "go") {
            let version = GoVersion::parse(value)
                .ok()
                .filter(|_| !value.starts_with("go"))
                .ok_or_else(|| ModuleError::new(file, line, "go", value))?;
            requirement.go = Some((version, line));
        }
        if let Some((value, line)) = lookup(text, "toolchain") {
            let toolchain = match value {
                "local" | "default" => Toolchain::Local,
                _ => Toolchain::Version(
                    from_toolchain(value)
                        .ok_or_else(|| ModuleError::new(file, line, "toolchain", value))?,
                ),
            };
            requirement.toolchain = Some((toolchain, line));
        }
        Ok(requirement)
    }

    /// The newest toolchain this file asks for, Go's startup rule: the `toolchain` line, raised
    /// to the `go` line when that is newer (`go 1.22` means `go1.22.0`). `None` when the file
    /// asks for nothing or says `toolchain local`. The line number says which line decided.
    pub fn minimum(&self) -> Option<(GoVersion, usize)> {
        let toolchain = match self.toolchain {
            Some((Toolchain::Local, _)) => return None,
            Some((Toolchain::Version(v), line)) => Some((v, line)),
            None => None,
        };
        let go = self.go.map(|(v, line)| (v.as_minimum_toolchain(), line));
        match (toolchain, go) {
            (Some(t), Some(g)) => Some(if g.0 > t.0 { g } else { t }),
            (t, g) => t.or(g),
        }
    }

    /// True when the deciding line is the `toolchain` line (an exact release to install).
    pub fn decided_by_toolchain_line(&self) -> bool {
        matches!((self.minimum(), self.toolchain), (Some((_, a)), Some((_, b))) if a == b)
    }
}

/// `go1.23.9`, `go1.23.9-bigcorp` → 1.23.9 (Go's `FromToolchain`).
pub fn from_toolchain(name: &str) -> Option<GoVersion> {
    let bare = name.strip_prefix("go")?;
    let end = bare.find([' ', '\t', '-']).unwrap_or(bare.len());
    GoVersion::parse(&bare[..end])
        .ok()
        .filter(GoVersion::is_toolchain)
}

/// The first line that is `key` followed by a space or tab; the value ends at `//`.
fn lookup<'a>(text: &'a str, key: &str) -> Option<(&'a str, usize)> {
    text.lines().enumerate().find_map(|(index, line)| {
        let rest = line.trim().strip_prefix(key)?;
        if !rest.starts_with([' ', '\t']) {
            return None;
        }
        let value = rest.split("//").next().unwrap_or("").trim();
        Some((value, index + 1))
    })
}

/// A `go` or `toolchain` line that Go itself would reject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleError {
    pub file: PathBuf,
    pub line: usize,
    pub key: &'static str,
    pub value: String,
}

impl ModuleError {
    fn new(file: &Path, line: usize, key: &'static str, value: &str) -> Self {
        ModuleError {
            file: file.to_owned(),
            line,
            key,
            value: value.to_owned(),
        }
    }
}

impl fmt::Display for ModuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let example = if self.key == "go" {
            "go 1.22"
        } else {
            "toolchain go1.22.10"
        };
        write!(
            f,
            "{}:{}: invalid {} line `{}` (expected e.g. `{example}`)",
            self.file.display(),
            self.line,
            self.key,
            crate::text::untrusted(&self.value)
        )
    }
}

impl std::error::Error for ModuleError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> GoVersion {
        GoVersion::parse(s).unwrap()
    }

    fn req(text: &str) -> Requirement {
        Requirement::parse(Path::new("go.mod"), text).unwrap()
    }

    #[test]
    fn go_and_toolchain_lines() {
        let r = req("module x\n\ngo 1.22 // comment\n\ntoolchain go1.23.9\n");
        assert_eq!(r.go, Some((v("1.22"), 3)));
        assert_eq!(r.toolchain, Some((Toolchain::Version(v("1.23.9")), 5)));
        assert_eq!(r.minimum(), Some((v("1.23.9"), 5)));
        assert!(r.decided_by_toolchain_line());
    }

    #[test]
    fn go_line_is_a_minimum_release() {
        assert_eq!(req("module x\ngo 1.22\n").minimum(), Some((v("1.22.0"), 2)));
        assert_eq!(req("go\t1.21rc1").minimum(), Some((v("1.21rc1"), 1)));
        assert_eq!(req("go 1.20").minimum(), Some((v("1.20"), 1)));
        let newer_go = req("go 1.24.1\ntoolchain go1.23.9\n");
        assert_eq!(newer_go.minimum(), Some((v("1.24.1"), 1)));
        assert!(!newer_go.decided_by_toolchain_line());
    }

    #[test]
    fn toolchain_local_means_no_requirement() {
        assert_eq!(req("go 1.23.0\ntoolchain local\n").minimum(), None);
        assert_eq!(req("go 1.23.0\ntoolchain default\n").minimum(), None);
        assert_eq!(req("module x\n").minimum(), None);
    }

    #[test]
    fn lookalike_keys_are_not_lines() {
        let r = req("module x\ngopher 1\ngo1.22\ntoolchains go1.1\n");
        assert_eq!(r.go, None);
        assert_eq!(r.toolchain, None);
    }

    #[test]
    fn custom_toolchain_suffix() {
        assert_eq!(from_toolchain("go1.21.0-bigcorp"), Some(v("1.21.0")));
        assert_eq!(from_toolchain("1.21.0"), None);
        assert_eq!(from_toolchain("go1.22"), None);
    }

    #[test]
    fn invalid_lines_are_errors() {
        let err = Requirement::parse(Path::new("/p/go.mod"), "module x\ngo banana\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "/p/go.mod:2: invalid go line `banana` (expected e.g. `go 1.22`)"
        );
        let err = Requirement::parse(Path::new("go.work"), "toolchain 1.22.1\n").unwrap_err();
        assert_eq!(err.line, 1);
    }
}
