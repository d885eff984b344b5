//! Keeps what Go writes apart from what gvx owns.
//!
//! `go install` writes to GOBIN (or each GOPATH entry's `bin/`), `go get` to GOMODCACHE and
//! GOPATH's `pkg/`. If any of those lay inside an SDK, Go would write into the SDK; if an SDK
//! lay inside one of them, `go clean -modcache` or a tool install could overwrite the SDK.
//!
//! The rule: the guard compares places, not spellings. Every path is first resolved to where
//! it really is ([`resolve`]: symlinks and `..`; on Windows also junctions, case, `\\?\` and
//! 8.3 short names), a path that does not exist yet through its nearest existing ancestor. That
//! costs one `realpath` per directory and no walks of directory trees.

use crate::goenv::{GoEnv, Origin, Setting};
use std::env;
use std::ffi::OsString;
use std::fmt;
use std::fs;
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

/// Checks every Go directory against the store (which holds every SDK) and the SDK to be run,
/// comparing where each really is (see [`resolve`]).
pub fn check(dirs: &[GoDir], store_home: &Path, sdk_root: &Path) -> Result<(), Box<Overlap>> {
    check_with(dirs, store_home, sdk_root, &resolve)
}

/// [`check`], finding where each path really is with `resolve` (a snapshot's disk, a test's
/// data) instead of the file system.
pub fn check_with(
    dirs: &[GoDir],
    store_home: &Path,
    sdk_root: &Path,
    resolve: &dyn Fn(&Path) -> PathBuf,
) -> Result<(), Box<Overlap>> {
    let owned = [
        (sdk_root, key(&resolve(sdk_root)), OwnedKind::Sdk),
        (store_home, key(&resolve(store_home)), OwnedKind::Store),
    ];
    for dir in dirs {
        let real = resolve(&dir.path);
        let place = key(&real);
        for (owned, owned_place, what) in &owned {
            let relation = if place == *owned_place {
                Relation::Equal
            } else if strictly_inside(&place, owned_place) {
                Relation::Inside
            } else if dir.written && strictly_inside(owned_place, &place) {
                Relation::Contains
            } else {
                continue;
            };
            let (owned, what) = (*owned, *what);
            return Err(Box::new(Overlap {
                dir: dir.clone(),
                real,
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
    /// Where `dir` really is (see [`resolve`]).
    pub real: PathBuf,
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
        let dir = if key(&self.real) == key(&self.dir.path) {
            dir.to_string()
        } else {
            format!("{dir}, really {}", self.real.display())
        };
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

/// Where `path` really is: the nearest existing ancestor resolved by the file system
/// (`fs::canonicalize`: symlinks, `..`, and on Windows junctions, case and 8.3 short names),
/// then the part that does not exist yet appended as written (`..` in it taken lexically).
/// A path that cannot be resolved at all is returned as it is.
pub fn resolve(path: &Path) -> PathBuf {
    let mut missing: Vec<OsString> = Vec::new();
    let mut at = path;
    loop {
        if let Ok(mut real) = fs::canonicalize(at) {
            for part in missing.iter().rev() {
                match part.to_str() {
                    Some("..") => {
                        real.pop();
                    }
                    Some(".") => {}
                    _ => real.push(part),
                }
            }
            return real;
        }
        // Up past every ancestor that is not there at all: one `lstat` each, where a failing
        // `realpath` would walk every component again.
        loop {
            match (at.parent(), at.components().next_back()) {
                (Some(parent), Some(last)) if !parent.as_os_str().is_empty() => {
                    missing.push(last.as_os_str().to_owned());
                    at = parent;
                }
                _ => return path.to_owned(),
            }
            if fs::symlink_metadata(at).is_ok() {
                break;
            }
        }
    }
}

/// Lexically cleaned components, case-folded and with `\\?\` dropped on Windows.
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
                    windows_key(&text)
                } else {
                    text.into_owned()
                });
            }
        }
    }
    parts
}

/// `\\?\C:` → `c:`, `\\?\UNC\server\share` → `\\server\share`, other text lowercased.
fn windows_key(text: &str) -> String {
    let text = text.to_lowercase().replace('/', "\\");
    if let Some(unc) = text.strip_prefix(r"\\?\unc\") {
        format!(r"\\{unc}")
    } else if let Some(rest) = text.strip_prefix(r"\\?\") {
        rest.to_owned()
    } else {
        text
    }
}

fn strictly_inside(inner: &[String], outer: &[String]) -> bool {
    inner.len() > outer.len() && inner.starts_with(outer)
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

    #[test]
    fn windows_spellings_of_one_place_have_one_key() {
        assert_eq!(windows_key(r"\\?\C:"), "c:");
        assert_eq!(windows_key("C:"), "c:");
        assert_eq!(windows_key(r"\\?\UNC\Server\Share"), r"\\server\share");
        assert_eq!(windows_key("Go1.22.10"), "go1.22.10");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_followed_to_the_sdk() {
        let tmp = std::env::temp_dir().join(format!("gvx-guard-{}", std::process::id()));
        let store = tmp.join("store");
        let sdk = store.join("sdk").join("go1.22.10");
        fs::create_dir_all(sdk.join("bin")).unwrap();
        let link = tmp.join("sdklink");
        let bin_link = tmp.join("binlink");
        let store_link = tmp.join("storelink");
        for (target, name) in [
            (&sdk, &link),
            (&sdk.join("bin"), &bin_link),
            (&store, &store_link),
        ] {
            let _ = fs::remove_file(name);
            std::os::unix::fs::symlink(target, name).unwrap();
        }
        let refused = |dirs: Vec<GoDir>| check(&dirs, &store, &sdk).err().map(|e| e.relation);
        assert_eq!(
            refused(gopath(&link.to_string_lossy())),
            Some(Relation::Equal)
        );
        let gobin = |p: &Path| vec![dir("GOBIN", &p.to_string_lossy(), true)];
        assert_eq!(refused(gobin(&bin_link)), Some(Relation::Inside));
        // Not there yet: resolved through the nearest existing ancestor.
        assert_eq!(
            refused(gobin(&link.join("new").join("bin"))),
            Some(Relation::Inside)
        );
        assert_eq!(
            refused(gobin(&store_link.join("bin"))),
            Some(Relation::Inside)
        );
        // `..` after a symlink is taken where the link leads, as the OS does.
        let parent = link.join("..").join("go1.22.10");
        assert_eq!(refused(gobin(&parent)), Some(Relation::Equal));
        let err = check(&gobin(&bin_link), &store, &sdk)
            .unwrap_err()
            .to_string();
        assert!(err.contains(", really "), "{err}");
        assert_eq!(
            refused(gopath(&tmp.join("elsewhere").to_string_lossy())),
            None
        );
        fs::remove_dir_all(&tmp).unwrap();
    }
}
