//! Keeps what Go writes apart from what gvx owns.
//!
//! `go install` writes to GOBIN (or each GOPATH entry's `bin/`), `go get` to GOMODCACHE and
//! GOPATH's `pkg/`. If any of those lay inside an SDK, Go would write into the SDK; if an SDK
//! lay inside one of them, `go clean -modcache` or a tool install could overwrite the SDK. The
//! checks are lexical (cleaned, case-folded on Windows): no directory walks on the shim's path.

use crate::goenv::{GoEnv, Origin, Setting};
use std::env;
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// One place Go writes to, with the variable and origin that put it there.
#[derive(Clone, Debug)]
pub struct GoDir {
    pub var: &'static str,
    pub origin: Origin,
    pub path: PathBuf,
    /// True when Go writes *inside* this directory (GOBIN, GOMODCACHE, GOPATH's bin/ and pkg/),
    /// false for a GOPATH entry itself, which may contain the store (`GOPATH=$HOME`).
    pub written: bool,
}

/// The directories Go writes to, as `go` would compute them.
pub fn go_dirs(goenv: &GoEnv) -> Vec<GoDir> {
    let mut dirs = Vec::new();
    let mut push = |var: &'static str, setting: &Setting, path: PathBuf, written: bool| {
        dirs.push(GoDir {
            var,
            origin: setting.origin.clone(),
            path,
            written,
        });
    };
    if let Some(gopath) = goenv.gopath() {
        for entry in env::split_paths(&gopath.value).filter(|p| !p.as_os_str().is_empty()) {
            push("GOPATH", &gopath, entry.clone(), false);
            push("GOPATH", &gopath, entry.join("bin"), true);
            push("GOPATH", &gopath, entry.join("pkg"), true);
        }
    }
    if let Some(gobin) = goenv.get("GOBIN") {
        push("GOBIN", &gobin, PathBuf::from(&gobin.value), true);
    }
    if let Some(cache) = goenv.gomodcache() {
        push("GOMODCACHE", &cache, PathBuf::from(&cache.value), true);
    }
    dirs
}

/// Checks every Go directory against the store (which holds every SDK) and the SDK to be run.
pub fn check(dirs: &[GoDir], store_home: &Path, sdk_root: &Path) -> Result<(), Box<Overlap>> {
    for dir in dirs {
        for (owned, what) in [(sdk_root, OwnedKind::Sdk), (store_home, OwnedKind::Store)] {
            let relation = if same(&dir.path, owned) {
                Relation::Equal
            } else if inside(&dir.path, owned) {
                Relation::Inside
            } else if dir.written && inside(owned, &dir.path) {
                Relation::Contains
            } else {
                continue;
            };
            return Err(Box::new(Overlap {
                dir: dir.clone(),
                owned: owned.to_owned(),
                what,
                relation,
            }));
        }
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnedKind {
    Sdk,
    Store,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// The Go directory is the SDK (or store) itself.
    Equal,
    /// The Go directory lies inside the SDK (or store).
    Inside,
    /// The SDK (or store) lies inside a directory Go writes to.
    Contains,
}

/// A Go directory that overlaps an SDK or the store.
#[derive(Clone, Debug)]
pub struct Overlap {
    pub dir: GoDir,
    pub owned: PathBuf,
    pub what: OwnedKind,
    pub relation: Relation,
}

impl fmt::Display for Overlap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.what {
            OwnedKind::Sdk => "the Go SDK",
            OwnedKind::Store => "the gvx store",
        };
        let (var, dir, owned) = (self.dir.var, self.dir.path.display(), self.owned.display());
        match self.relation {
            Relation::Equal => write!(f, "{var} ({dir}) is {what} itself")?,
            Relation::Inside => write!(f, "{var} ({dir}) lies inside {what} ({owned})")?,
            Relation::Contains => {
                write!(
                    f,
                    "{what} ({owned}) lies inside {dir}, where Go writes because of {var}"
                )?;
            }
        }
        write!(f, "; {var} comes from {}", self.dir.origin)
    }
}

impl std::error::Error for Overlap {}

impl Overlap {
    /// What to do about it, for the hint line.
    pub fn fix(&self) -> String {
        let var = self.dir.var;
        let change = match &self.dir.origin {
            Origin::Environment => format!("change or unset {var} in your shell profile"),
            Origin::EnvFile(..) => format!("run `go env -u {var}` or `go env -w {var}=<dir>`"),
            Origin::Default => {
                format!("set {var} to a directory of your own (Go's default is ~/go)")
            }
        };
        format!(
            "{change}, or move the gvx store with GVX_HOME; `go install` must never write into an SDK"
        )
    }
}

/// Lexically cleaned components, case-folded on Windows.
fn key(path: &Path) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop();
            }
            other => {
                let text = other.as_os_str().to_string_lossy();
                parts.push(if cfg!(windows) {
                    text.to_lowercase().replace('/', "\\")
                } else {
                    text.into_owned()
                });
            }
        }
    }
    parts
}

fn same(a: &Path, b: &Path) -> bool {
    key(a) == key(b)
}

/// True when `inner` lies strictly inside `outer`.
pub fn inside(inner: &Path, outer: &Path) -> bool {
    let (inner, outer) = (key(inner), key(outer));
    inner.len() > outer.len() && inner.starts_with(&outer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(var: &'static str, path: &str, written: bool) -> GoDir {
        GoDir {
            var,
            origin: Origin::Environment,
            path: PathBuf::from(path),
            written,
        }
    }

    fn gopath(entry: &str) -> Vec<GoDir> {
        let e = Path::new(entry);
        vec![
            dir("GOPATH", entry, false),
            dir("GOPATH", &e.join("bin").to_string_lossy(), true),
            dir("GOPATH", &e.join("pkg").to_string_lossy(), true),
        ]
    }

    const STORE: &str = "/home/u/.gvx";
    const SDK: &str = "/home/u/.gvx/sdk/go1.22.10";

    fn relation(dirs: &[GoDir]) -> Option<Relation> {
        check(dirs, Path::new(STORE), Path::new(SDK))
            .err()
            .map(|e| e.relation)
    }

    #[test]
    fn gopath_home_with_store_inside_is_fine() {
        assert_eq!(relation(&gopath("/home/u")), None);
        assert_eq!(relation(&gopath("/home/u/go")), None);
    }

    #[test]
    fn gopath_equal_to_or_inside_an_sdk_is_refused() {
        assert_eq!(relation(&gopath(SDK)), Some(Relation::Equal));
        assert_eq!(
            relation(&gopath("/home/u/.gvx/sdk/go1.22.10/src/../gopath")),
            Some(Relation::Inside)
        );
        assert_eq!(relation(&gopath("/home/u/.gvx")), Some(Relation::Equal));
    }

    #[test]
    fn store_inside_a_written_dir_is_refused() {
        let err = check(
            &gopath("/home/u/.gvx/.."),
            Path::new("/home/u/pkg/gvx"),
            Path::new(SDK),
        );
        assert_eq!(err.unwrap_err().relation, Relation::Contains);
        let gobin = [dir("GOBIN", "/home/u/.gvx/sdk/go1.22.10/bin", true)];
        let err = check(&gobin, Path::new(STORE), Path::new(SDK)).unwrap_err();
        assert_eq!(err.relation, Relation::Inside);
        let text = err.to_string();
        assert!(
            text.starts_with("GOBIN (/home/u/.gvx/sdk/go1.22.10/bin) lies inside the Go SDK"),
            "{text}"
        );
        let cache = [dir("GOMODCACHE", "/home/u", true)];
        assert_eq!(relation(&cache), Some(Relation::Contains));
    }
}
