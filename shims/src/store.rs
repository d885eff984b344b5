//! The layout of `<GVX_HOME>`, the one place that knows where things live.
//!
//! ```text
//! <GVX_HOME>/
//!   bin/            gvx, go, gofmt, go1.22.10 … (one PATH entry serves them all)
//!   sdk/go1.22.10/  complete, verified SDKs; anything starting with `.` is scratch space
//!   sdk/.staging/   installs in progress (renamed into place when verified)
//!   default         the global default version, one line (`1.22.10`)
//!   cache/          the download index cache
//!   current         a link to the default SDK, for IDEs
//!   gvx.lock        held by every mutation
//! ```
//! Readers (the shim, `gvx list`) never take the lock: an SDK directory exists only once it is
//! complete, because installs rename a finished tree into place.

use crate::version::GoVersion;
use std::env;
use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The environment variable naming the store.
pub const GVX_HOME: &str = "GVX_HOME";

/// The executable suffix of this platform (`.exe` on Windows).
pub const EXE_SUFFIX: &str = env::consts::EXE_SUFFIX;

/// Paths inside one gvx store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Store {
    home: PathBuf,
}

impl Store {
    pub fn new(home: impl Into<PathBuf>) -> Self {
        Store { home: home.into() }
    }

    /// `GVX_HOME`, else `~/.gvx` (`%USERPROFILE%\.gvx` on Windows).
    pub fn from_env() -> Result<Self, StoreLocationError> {
        if let Some(home) = env::var_os(GVX_HOME).filter(|v| !v.is_empty()) {
            let home = PathBuf::from(home);
            if home.is_relative() {
                return Err(StoreLocationError::Relative(home));
            }
            return Ok(Store::new(home));
        }
        home_dir()
            .map(|h| Store::new(h.join(".gvx")))
            .ok_or(StoreLocationError::NoHome)
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    pub fn bin_dir(&self) -> PathBuf {
        self.home.join("bin")
    }

    pub fn sdk_dir(&self) -> PathBuf {
        self.home.join("sdk")
    }

    /// Where one SDK lives: `sdk/go1.22.10`.
    pub fn sdk(&self, version: &GoVersion) -> PathBuf {
        self.sdk_dir().join(version.name())
    }

    /// The SDK's own tool: `sdk/go1.22.10/bin/go`.
    pub fn tool(&self, version: &GoVersion, tool: &str) -> PathBuf {
        self.sdk(version)
            .join("bin")
            .join(format!("{tool}{EXE_SUFFIX}"))
    }

    /// Scratch space for installs and removals in progress; invisible to [`Store::installed`].
    pub fn staging_dir(&self) -> PathBuf {
        self.sdk_dir().join(".staging")
    }

    pub fn default_file(&self) -> PathBuf {
        self.home.join("default")
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.home.join("cache")
    }

    pub fn lock_file(&self) -> PathBuf {
        self.home.join("gvx.lock")
    }

    pub fn current_link(&self) -> PathBuf {
        self.home.join("current")
    }

    /// The gvx executable next to the shims.
    pub fn gvx_exe(&self) -> PathBuf {
        self.bin_dir().join(format!("gvx{EXE_SUFFIX}"))
    }

    /// Installed SDKs, oldest first. A missing `sdk/` means none.
    pub fn installed(&self) -> io::Result<Vec<GoVersion>> {
        let entries = match fs::read_dir(self.sdk_dir()) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut versions: Vec<GoVersion> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| sdk_dir_version(&entry.file_name()))
            .collect();
        versions.sort();
        Ok(versions)
    }

    pub fn is_installed(&self, version: &GoVersion) -> bool {
        self.tool(version, "go").is_file()
    }

    /// The global default written by `gvx use`, if any.
    pub fn read_default(&self) -> io::Result<Option<String>> {
        match fs::read_to_string(self.default_file()) {
            Ok(text) => Ok(text
                .lines()
                .next()
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// `go1.22.10` → 1.22.10; anything else (scratch dirs, stray files) → `None`.
fn sdk_dir_version(name: &OsStr) -> Option<GoVersion> {
    let name = name.to_str()?;
    let bare = name.strip_prefix("go")?;
    GoVersion::parse(bare).ok().filter(GoVersion::is_toolchain)
}

/// The user's home directory: `HOME`, or `USERPROFILE` on Windows.
pub fn home_dir() -> Option<PathBuf> {
    let var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Why the store's location could not be determined.
#[derive(Debug)]
pub enum StoreLocationError {
    NoHome,
    Relative(PathBuf),
}

impl std::fmt::Display for StoreLocationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreLocationError::NoHome => write!(
                f,
                "cannot find the gvx store: neither {GVX_HOME} nor {} is set",
                if cfg!(windows) { "USERPROFILE" } else { "HOME" }
            ),
            StoreLocationError::Relative(p) => {
                write!(
                    f,
                    "{GVX_HOME} must be an absolute path, not `{}`",
                    p.display()
                )
            }
        }
    }
}

impl std::error::Error for StoreLocationError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_names() {
        assert_eq!(
            sdk_dir_version(OsStr::new("go1.22.10")),
            GoVersion::parse("1.22.10").ok()
        );
        assert_eq!(
            sdk_dir_version(OsStr::new("go1.20")),
            GoVersion::parse("1.20").ok()
        );
        assert_eq!(sdk_dir_version(OsStr::new(".staging")), None);
        assert_eq!(
            sdk_dir_version(OsStr::new("go1.22")),
            None,
            "language versions are not SDKs"
        );
        assert_eq!(sdk_dir_version(OsStr::new("notes.txt")), None);
    }

    #[test]
    fn layout() {
        let store = Store::new("/x");
        let v = GoVersion::parse("1.22.10").unwrap();
        assert_eq!(store.sdk(&v), Path::new("/x/sdk/go1.22.10"));
        assert!(store.tool(&v, "gofmt").starts_with("/x/sdk/go1.22.10/bin"));
    }
}
