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
//!
//! Besides the user's store, SDKs are read from the shared stores listed in
//! `GVX_SHARED_STORES` (a PATH-like list of store roots laid out the same way, e.g. `/opt/gvx`
//! baked into a CI image). gvx never writes into them, except `gvx install --store DIR` run by
//! their owner. The user's store wins a tie, then the list's order. A shared store that cannot
//! be read is skipped ([`Store::skipped_shared`] says why), never fatal.

use crate::version::GoVersion;
use std::env;
use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The environment variable naming the store.
pub const GVX_HOME: &str = "GVX_HOME";

/// The environment variable listing read-only shared stores, like PATH.
pub const GVX_SHARED_STORES: &str = "GVX_SHARED_STORES";

/// The executable suffix of this platform (`.exe` on Windows).
pub const EXE_SUFFIX: &str = env::consts::EXE_SUFFIX;

/// Paths inside one gvx store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Store {
    home: PathBuf,
    /// Shared stores, in the order they are searched after `home`.
    shared: Vec<PathBuf>,
}

/// An installed SDK and the store it was found in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sdk {
    pub version: GoVersion,
    /// `<store>/sdk/go1.22.10`
    pub root: PathBuf,
    /// The shared store it is in; `None` for the user's own store.
    pub shared: Option<PathBuf>,
}

impl Sdk {
    /// The store it is in, whose `manifests/` hold its records.
    pub fn store(&self) -> Store {
        let home = self
            .root
            .parent()
            .and_then(Path::parent)
            .unwrap_or(&self.root);
        Store::new(home)
    }

    /// The SDK's own tool: `<root>/bin/go`.
    pub fn tool(&self, tool: &str) -> PathBuf {
        self.root.join("bin").join(format!("{tool}{EXE_SUFFIX}"))
    }
}

/// A shared store that is skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the shared store {} ({GVX_SHARED_STORES}) is skipped: {}",
            self.path.display(),
            self.reason
        )
    }
}

impl Store {
    pub fn new(home: impl Into<PathBuf>) -> Self {
        Store {
            home: home.into(),
            shared: Vec::new(),
        }
    }

    /// This store with `shared` searched after it (empty entries and the store itself left out).
    pub fn with_shared(mut self, shared: impl IntoIterator<Item = PathBuf>) -> Self {
        self.shared = shared
            .into_iter()
            .filter(|p| !p.as_os_str().is_empty() && *p != self.home)
            .collect();
        self
    }

    /// This store with the shared stores `GVX_SHARED_STORES` lists.
    pub fn with_shared_from_env(self) -> Self {
        match env::var_os(GVX_SHARED_STORES) {
            Some(list) => self.with_shared(env::split_paths(&list).collect::<Vec<_>>()),
            None => self,
        }
    }

    /// `GVX_HOME`, else `~/.gvx` (`%USERPROFILE%\.gvx` on Windows).
    pub fn from_env() -> Result<Self, StoreLocationError> {
        if let Some(home) = env::var_os(GVX_HOME).filter(|v| !v.is_empty()) {
            let home = PathBuf::from(home);
            if home.is_relative() {
                return Err(StoreLocationError::Relative(home));
            }
            return Ok(Store::new(home).with_shared_from_env());
        }
        home_dir()
            .map(|h| Store::new(h.join(".gvx")).with_shared_from_env())
            .ok_or(StoreLocationError::NoHome)
    }

    /// The shared stores, in search order.
    pub fn shared(&self) -> &[PathBuf] {
        &self.shared
    }

    /// The shared stores searched for SDKs: a relative entry means nothing and is skipped.
    fn readable_shared(&self) -> impl Iterator<Item = &PathBuf> {
        self.shared.iter().filter(|p| p.is_absolute())
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

    /// Where one SDK lives in the user's own store: `sdk/go1.22.10` (where gvx installs it).
    /// [`Store::find`] is where an installed one is, which may be a shared store.
    pub fn sdk(&self, version: &GoVersion) -> PathBuf {
        self.sdk_dir().join(version.name())
    }

    /// The SDK's own tool in the user's own store: `sdk/go1.22.10/bin/go`.
    pub fn tool(&self, version: &GoVersion, tool: &str) -> PathBuf {
        self.sdk(version)
            .join("bin")
            .join(format!("{tool}{EXE_SUFFIX}"))
    }

    /// Where `version` is installed: the user's store, else the first shared store that has
    /// it complete (with its `bin/go`).
    pub fn find(&self, version: &GoVersion) -> Option<Sdk> {
        self.find_with(version, &|path| path.is_file())
    }

    /// [`Store::find`], asking `is_file` (a snapshot's disk, a test's data) about each `bin/go`.
    pub fn find_with(&self, version: &GoVersion, is_file: &dyn Fn(&Path) -> bool) -> Option<Sdk> {
        let own = Sdk {
            version: *version,
            root: self.sdk(version),
            shared: None,
        };
        Some(own)
            .filter(|sdk| is_file(&sdk.tool("go")))
            .or_else(|| self.find_shared_with(version, is_file))
    }

    /// The first shared store that has `version`, whether or not the user's store has it too.
    pub fn find_shared(&self, version: &GoVersion) -> Option<Sdk> {
        self.find_shared_with(version, &|path| path.is_file())
    }

    fn find_shared_with(
        &self,
        version: &GoVersion,
        is_file: &dyn Fn(&Path) -> bool,
    ) -> Option<Sdk> {
        self.readable_shared()
            .map(|home| Sdk {
                version: *version,
                root: home.join("sdk").join(version.name()),
                shared: Some(home.clone()),
            })
            .find(|sdk| is_file(&sdk.tool("go")))
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

    /// Installed SDK versions in every store, oldest first. A missing `sdk/` means none; an
    /// unreadable one is an error in the user's store and skipped in a shared one.
    pub fn installed(&self) -> io::Result<Vec<GoVersion>> {
        let mut versions = versions_in(&self.sdk_dir())?;
        for shared in self.readable_shared() {
            let dir = shared.join("sdk");
            let found: Vec<GoVersion> = versions_in(&dir)
                .unwrap_or_default()
                .into_iter()
                .filter(|v| !versions.contains(v) && sdk_is_complete(&dir.join(v.name())))
                .collect();
            versions.extend(found);
        }
        versions.sort();
        versions.dedup();
        Ok(versions)
    }

    /// Installed SDKs with the store each is taken from, oldest first.
    pub fn sdks(&self) -> io::Result<Vec<Sdk>> {
        let versions = self.installed()?;
        Ok(versions.iter().filter_map(|v| self.find(v)).collect())
    }

    /// Whether `version` is installed in any store.
    pub fn is_installed(&self, version: &GoVersion) -> bool {
        self.find(version).is_some()
    }

    /// Whether `version` is installed in the user's own store.
    pub fn has_own(&self, version: &GoVersion) -> bool {
        self.tool(version, "go").is_file()
    }

    /// The shared stores that cannot serve SDKs (missing, not a directory, unreadable, no
    /// `sdk/` inside, a relative path), each with the reason.
    pub fn skipped_shared(&self) -> Vec<Skipped> {
        self.shared
            .iter()
            .filter_map(|path| {
                let reason = shared_problem(path)?;
                Some(Skipped {
                    path: path.clone(),
                    reason,
                })
            })
            .collect()
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

/// The SDK versions named in one `sdk/` directory (not checked for completeness).
fn versions_in(dir: &Path) -> io::Result<Vec<GoVersion>> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(entries
        .filter_map(Result::ok)
        .filter_map(|entry| sdk_dir_version(&entry.file_name()))
        .collect())
}

/// A shared store's SDK counts once its `bin/go` is there: a tree copied in by hand and
/// interrupted is left out rather than run.
fn sdk_is_complete(root: &Path) -> bool {
    root.join("bin").join(format!("go{EXE_SUFFIX}")).is_file()
}

/// Why a shared store cannot serve SDKs, if it cannot.
fn shared_problem(path: &Path) -> Option<String> {
    if path.is_relative() {
        return Some("it is not an absolute path".into());
    }
    match fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Some("it does not exist".into()),
        Ok(meta) if !meta.is_dir() => return Some("it is not a directory".into()),
        _ => {}
    }
    let sdk = path.join("sdk");
    match fs::read_dir(&sdk) {
        Ok(_) => None,
        Err(e) if e.kind() == io::ErrorKind::NotFound => Some(format!(
            "it has no sdk/ directory; `gvx install --store {} <version>` prepares it",
            if path.to_string_lossy().contains(' ') {
                format!("\"{}\"", path.display())
            } else {
                path.display().to_string()
            }
        )),
        Err(e) => Some(format!("cannot read {}: {e}", sdk.display())),
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

    /// A store at `home` with complete SDKs for `complete` and bare directories for `partial`.
    fn store_with(home: &Path, complete: &[&str], partial: &[&str]) {
        for v in complete {
            let bin = home.join("sdk").join(format!("go{v}")).join("bin");
            fs::create_dir_all(&bin).unwrap();
            fs::write(bin.join(format!("go{EXE_SUFFIX}")), "").unwrap();
        }
        for v in partial {
            fs::create_dir_all(home.join("sdk").join(format!("go{v}"))).unwrap();
        }
    }

    fn versions(list: &[&str]) -> Vec<GoVersion> {
        list.iter().map(|v| GoVersion::parse(v).unwrap()).collect()
    }

    #[test]
    fn shared_stores_add_their_complete_sdks_and_the_users_store_wins_a_tie() {
        let dir = tempfile::tempdir().unwrap();
        let (user, first, second) = (
            dir.path().join("u"),
            dir.path().join("a"),
            dir.path().join("b"),
        );
        store_with(&user, &["1.22.10"], &[]);
        store_with(&first, &["1.22.10", "1.21.13"], &["1.23.9"]);
        store_with(&second, &["1.21.13", "1.23.9"], &[]);
        let store = Store::new(&user).with_shared([first.clone(), second.clone()]);
        assert_eq!(
            store.installed().unwrap(),
            versions(&["1.21.13", "1.22.10", "1.23.9"]),
        );
        let v = |s| GoVersion::parse(s).unwrap();
        assert_eq!(
            store.find(&v("1.22.10")).unwrap().shared,
            None,
            "the user's copy wins"
        );
        assert_eq!(
            store.find(&v("1.21.13")).unwrap().shared,
            Some(first.clone())
        );
        assert_eq!(
            store.find(&v("1.23.9")).unwrap().shared,
            Some(second.clone()),
            "the first store's go1.23.9 has no bin/go: half-copied, so passed over"
        );
        assert_eq!(
            store.find_shared(&v("1.22.10")).unwrap().shared,
            Some(first.clone())
        );
        assert_eq!(store.find(&v("1.20.1")), None);
        assert_eq!(
            store.find(&v("1.21.13")).unwrap().store(),
            Store::new(&first)
        );
        assert!(store.has_own(&v("1.22.10")) && !store.has_own(&v("1.21.13")));
        assert!(store.skipped_shared().is_empty());
    }

    #[test]
    fn a_shared_store_that_cannot_serve_is_skipped_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let user = dir.path().join("u");
        store_with(&user, &["1.22.10"], &[]);
        let empty = dir.path().join("empty");
        fs::create_dir_all(&empty).unwrap();
        let file = dir.path().join("file");
        fs::write(&file, "").unwrap();
        let store = Store::new(&user).with_shared([
            dir.path().join("missing"),
            empty.clone(),
            file.clone(),
            PathBuf::from("relative/gvx"),
            PathBuf::new(),
            user.clone(),
        ]);
        assert_eq!(
            store.shared().len(),
            4,
            "empty entries and the user's store are left out"
        );
        let reasons: Vec<String> = store
            .skipped_shared()
            .iter()
            .map(|s| s.reason.clone())
            .collect();
        assert_eq!(reasons[0], "it does not exist");
        assert!(
            reasons[1].starts_with("it has no sdk/ directory"),
            "{}",
            reasons[1]
        );
        assert_eq!(reasons[2], "it is not a directory");
        assert_eq!(reasons[3], "it is not an absolute path");
        assert_eq!(
            store.installed().unwrap(),
            versions(&["1.22.10"]),
            "never fatal"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_shared_store_is_skipped() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("s");
        store_with(&shared, &["1.21.13"], &[]);
        fs::set_permissions(shared.join("sdk"), fs::Permissions::from_mode(0o000)).unwrap();
        let readable = fs::read_dir(shared.join("sdk")).is_ok();
        let store = Store::new(dir.path().join("u")).with_shared([shared.clone()]);
        let installed = store.installed();
        let skipped = store.skipped_shared();
        fs::set_permissions(shared.join("sdk"), fs::Permissions::from_mode(0o755)).unwrap();
        assert!(installed.is_ok(), "never fatal");
        if !readable {
            // (root reads it anyway)
            assert_eq!(installed.unwrap(), Vec::<GoVersion>::new());
            assert!(
                skipped[0].reason.starts_with("cannot read"),
                "{:?}",
                skipped
            );
        }
    }

    #[test]
    fn layout() {
        let store = Store::new("/x");
        let v = GoVersion::parse("1.22.10").unwrap();
        assert_eq!(store.sdk(&v), Path::new("/x/sdk/go1.22.10"));
        assert!(store.tool(&v, "gofmt").starts_with("/x/sdk/go1.22.10/bin"));
    }
}
