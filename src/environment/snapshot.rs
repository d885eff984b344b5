//! Everything `gvx doctor` reads, gathered once into one read-only [`Snapshot`]: the process
//! ([`Process`]), the store, home and [`Site`], Go's settings and env file, PATH, the
//! selection, the shells' start-up files ([`startup`]), the module file for the working
//! directory, the cached index's answer for a pin, on Windows the registry ([`registry`]), and
//! a [`Disk`] through which every further question about files and programs is asked.
//!
//! [`Snapshot::capture`] reads the machine; [`Snapshot::gather`] builds one from a `Process`
//! and any `Disk` (tests pass `FakeDisk` and then set fields as data). System locations
//! (`/etc/...`, `/usr/local/go`) are read under a root prefix, `GVX_DOCTOR_ROOT` (for tests; in
//! the README's table), read here and nowhere else, so a sandbox can play the whole machine.

use super::disk::{self, Disk, RealDisk};
use super::registry::{self, Registry};
use super::startup::{self, Scan};
use super::{Process, Site};
use crate::context::Context;
use crate::error::{Error, Exit};
use crate::index::Index;
use crate::shell::Shell;
use gvx_shims::goenv::{self, GoEnv, Setting};
use gvx_shims::module::Requirement;
use gvx_shims::select::{self, GVX_GO_VERSION, Inputs, Outcome, Selection, Source as Why};
use gvx_shims::store::{Sdk, Skipped};
use gvx_shims::{GoVersion, Store, VersionRequest};
use std::path::{Path, PathBuf};

/// The variable that moves the doctor's `/` (tests only).
pub const ROOT_VAR: &str = "GVX_DOCTOR_ROOT";

/// One start-up file's gvx block as `gvx setup` would write it.
#[derive(Clone, Debug)]
pub struct BlockFile {
    pub path: PathBuf,
    /// The shells that read it (`bash (login)`), as `gvx setup` names them.
    pub reader: String,
    /// `missing`, `gvx block out of date`, `no gvx block`; empty when up to date.
    pub state: &'static str,
}

/// What `gvx setup` would change in the start-up files (computed by `setup`'s own plan and
/// handed in as data, so this layer does not call up into `setup`).
#[derive(Clone, Debug, Default)]
pub struct Blocks {
    /// Files that lack an up-to-date gvx block.
    pub lacking: Vec<BlockFile>,
    /// Files whose gvx block is up to date.
    pub set_up: Vec<BlockFile>,
    /// Files `gvx setup` leaves alone, and why.
    pub skipped: Vec<(PathBuf, String)>,
}

pub struct Snapshot {
    pub process: Process,
    pub store: Store,
    /// This host, as messages name it (`linux/amd64`).
    pub host: String,
    /// `/`, or the sandbox standing in for it.
    pub root: PathBuf,
    pub home: Option<PathBuf>,
    /// The user's shell, for the commands the report suggests.
    pub shell: Shell,
    pub goenv: GoEnv,
    /// Go's user env file and its `KEY=VALUE` lines (key, value, 1-based line).
    pub env_file: Option<PathBuf>,
    pub env_lines: Vec<(String, String, usize)>,
    /// This process's PATH, in order.
    pub path: Vec<PathBuf>,
    pub selection: Result<Selection, Error>,
    pub site: Option<Site>,
    pub rc: Scan,
    /// `gvx setup`'s plan, as data (`None` without a home directory).
    pub blocks: Option<Result<Blocks, Error>>,
    /// The nearest go.work (unless GOWORK says otherwise), else go.mod, parsed.
    pub module: Option<Result<Requirement, String>>,
    /// Whether any Go release matches the pin (only for a pin that is not installed): `None`
    /// when no index was at hand.
    pub pin_exists: Option<bool>,
    pub registry: Registry,
    /// `--online`: the network may be used (the proxy probe, a fresh index).
    pub online: bool,
    /// `--quiet`: skip what only adds detail (running `go version -m`).
    pub quick: bool,
    /// The shared stores (`GVX_SHARED_STORES`) that cannot serve SDKs, and why.
    pub skipped_stores: Vec<Skipped>,
    pub disk: Box<dyn Disk>,
}

impl Snapshot {
    /// This machine, now.
    pub fn capture(
        process: Process,
        cx: &Context,
        online: bool,
        quick: bool,
        blocks: &dyn Fn(&Site) -> Result<Blocks, Error>,
    ) -> Snapshot {
        Snapshot::capture_through(process, cx, online, quick, blocks, Box::new(RealDisk))
    }

    /// [`Snapshot::capture`], reading files through `disk` (the machine as a plan would leave
    /// it: [`super::planned::Planned`]).
    pub fn capture_through(
        process: Process,
        cx: &Context,
        online: bool,
        quick: bool,
        blocks: &dyn Fn(&Site) -> Result<Blocks, Error>,
        disk: Box<dyn Disk>,
    ) -> Snapshot {
        let mut s = Snapshot::gather(process, cx.store.clone(), disk);
        s.host = cx.host.describe();
        s.online = online;
        s.quick = quick;
        s.registry = registry::read();
        s.skipped_stores = cx.store.skipped_shared();
        if let Some(site) = s.site.as_mut() {
            site.completions = cx.completions;
        }
        s.blocks = s.site.as_ref().map(blocks);
        s.pin_exists = pin_exists(&s, cx);
        s
    }

    /// The snapshot of `process` with `store`, reading files through `disk`. The selection is
    /// computed from the process's own variables and working directory.
    pub fn gather(process: Process, store: Store, disk: Box<dyn Disk>) -> Snapshot {
        let root = process
            .var_os(ROOT_VAR)
            .filter(|v| !v.is_empty())
            .map_or_else(
                || PathBuf::from(std::path::MAIN_SEPARATOR_STR),
                PathBuf::from,
            );
        let home = process.home();
        let env_file = goenv::env_file_from(&|k| process.var_os(k).cloned());
        let text = env_file.as_deref().and_then(|f| disk.read_to_string(f));
        let env_lines = text
            .as_deref()
            .map(disk::env_file_lines)
            .unwrap_or_default();
        let goenv = match &env_file {
            Some(file) => GoEnv::parse(file.clone(), text.as_deref().unwrap_or_default()),
            None => GoEnv::default(),
        };
        let vars = process
            .vars()
            .map(|(k, v)| (k.to_owned(), v.to_string_lossy().into_owned()));
        let goenv = goenv.with_vars(vars, home.clone());
        let site = Site::new(&process, &store, |_| String::new());
        let rc = startup::scan(site.as_ref(), &store, &root, disk.as_ref());
        let selection = selection(&process, &goenv, &store);
        let module = process
            .cwd
            .as_deref()
            .and_then(|cwd| module(cwd, &goenv, disk.as_ref()));
        Snapshot {
            shell: Shell::detect_from(process.var_os("SHELL").map(|s| s.as_os_str())),
            path: process.path(),
            host: String::new(),
            root,
            home,
            goenv,
            env_file,
            env_lines,
            selection,
            site,
            rc,
            blocks: None,
            module,
            pin_exists: None,
            registry: Registry::default(),
            online: false,
            quick: false,
            skipped_stores: Vec::new(),
            process,
            store,
            disk,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A system path under the root prefix: `sys("/etc/profile")`.
    pub fn sys(&self, path: &str) -> PathBuf {
        startup::sys(&self.root, path)
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
            || path.starts_with(self.store.home())
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
            }) => Some((
                *v,
                self.find(v).map_or_else(|| self.store.sdk(v), |s| s.root),
            )),
            _ => None,
        }
    }

    /// Where `version` is installed, in the user's store or a shared one.
    pub fn find(&self, version: &GoVersion) -> Option<Sdk> {
        self.store
            .find_with(version, &|path| self.disk.is_file(path))
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

    /// The index (1-based) of `dir` among this process's PATH entries.
    pub fn on_path(&self, dir: &Path) -> Option<usize> {
        self.path
            .iter()
            .position(|p| self.disk.same_dir(p, dir))
            .map(|i| i + 1)
    }

    /// A value from a start-up file line as a path: `$HOME`, `~` and `%USERPROFILE%` expanded;
    /// `None` when it holds anything else to expand.
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
        disk::go_in(dir)
    }
}

/// The one selection, from the process's own variables and working directory.
fn selection(process: &Process, goenv: &GoEnv, store: &Store) -> Result<Selection, Error> {
    let Some(cwd) = process.cwd.clone() else {
        return Err(Error::new(
            Exit::Environment,
            "the working directory cannot be read (deleted, or no permission)",
        )
        .hint("cd to a directory that exists and that you may read, then run gvx again"));
    };
    let inputs = Inputs {
        cwd,
        version_override: process.var(GVX_GO_VERSION).filter(|v| !v.trim().is_empty()),
        gotoolchain: goenv.get("GOTOOLCHAIN"),
        gowork: goenv.get("GOWORK").map(|s| s.value),
        ignore_module: false,
    };
    select::select(&inputs, store).map_err(|e| crate::error::selection_error(e, store))
}

/// The nearest go.work (unless GOWORK says otherwise), else go.mod, as Go finds them.
fn module(cwd: &Path, goenv: &GoEnv, disk: &dyn Disk) -> Option<Result<Requirement, String>> {
    let gowork = goenv.get("GOWORK").map(|s| s.value);
    let mut file: Option<PathBuf> = match gowork.as_deref() {
        Some("off") | None => None,
        Some(path) => Some(PathBuf::from(path)),
    };
    if file.is_none() {
        for dir in cwd.ancestors() {
            if gowork.is_none() && disk.is_file(&dir.join("go.work")) {
                file = Some(dir.join("go.work"));
                break;
            }
            if disk.is_file(&dir.join("go.mod")) {
                file = Some(dir.join("go.mod"));
                break;
            }
        }
    }
    let file = file?;
    let text = disk.read_to_string(&file)?;
    Some(Requirement::parse(&file, &text).map_err(|e| e.to_string()))
}

/// Whether a Go release matches a pinned request that is not installed: from the cached index,
/// or (with `--online`) a fresh one. `None` when there is no such pin or no index at hand.
fn pin_exists(s: &Snapshot, cx: &Context) -> Option<bool> {
    let selection = s.selection.as_ref().ok()?;
    let pinned = matches!(
        selection.source,
        Why::GoVersionFile(..) | Why::ToolVersions(..)
    );
    let request: &VersionRequest = selection.request.as_ref()?;
    if !pinned || !matches!(selection.outcome, Outcome::Install(_)) {
        return None;
    }
    if s.online
        && let Ok(index) = cx.index()
    {
        return Some(index.resolve(request).is_some());
    }
    let dir = s.store.cache_dir();
    let mut cached: Vec<(std::time::SystemTime, PathBuf)> = fs_err::read_dir(&dir)
        .ok()?
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("index-") && name.ends_with(".json")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    cached.sort();
    let (_, newest) = cached.pop()?;
    let bytes = fs_err::read(&newest).ok()?;
    let index = Index::parse("the cached index", &bytes, &cx.host).ok()?;
    Some(index.resolve(request).is_some())
}

/// A PATH-like list (`GOPATH`), split the way this OS splits it; empty entries kept.
pub fn split_list(value: &str) -> Vec<PathBuf> {
    std::env::split_paths(value).collect()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::environment::Scope;
    use crate::environment::fake::FakeDisk;

    #[test]
    fn gathered_from_a_process_and_a_fake_disk() {
        let mut disk = FakeDisk::new();
        disk.file("/box/etc/profile", "export GOROOT=/usr/local/go\n")
            .file("/h/.config/go/env", "GOPROXY=off\n")
            .file("/h/.profile", "export GOPATH=$HOME/src\n")
            .file("/h/p/go.mod", "module x\n\ngo 1.23.0\n")
            .dir("/h/p/sub");
        let process = Process::from_vars(
            [
                ("HOME", "/h"),
                (ROOT_VAR, "/box"),
                ("PATH", "/a:/b"),
                ("GOBIN", "/h/bin"),
                ("SHELL", "/bin/zsh"),
            ],
            Some(PathBuf::from("/h/p/sub")),
        );
        let s = Snapshot::gather(
            process,
            Store::new(PathBuf::from("/h/.gvx")),
            Box::new(disk),
        );
        assert_eq!(s.root, PathBuf::from("/box"));
        assert_eq!(s.sys("/etc/profile"), PathBuf::from("/box/etc/profile"));
        assert_eq!(
            s.unroot(Path::new("/box/etc/profile")),
            PathBuf::from("/etc/profile")
        );
        assert_eq!(s.path, vec![PathBuf::from("/a"), PathBuf::from("/b")]);
        assert_eq!(s.shell, Shell::Zsh);
        assert_eq!(s.env_file, Some(PathBuf::from("/h/.config/go/env")));
        assert_eq!(s.setting("GOPROXY").unwrap().value, "off");
        assert_eq!(s.setting("GOBIN").unwrap().value, "/h/bin");
        let system = s.rc.file(Path::new("/box/etc/profile")).unwrap();
        assert_eq!(system.scope, Scope::System);
        assert_eq!(s.rc.conflicts.len(), 1);
        assert_eq!(s.rc.assignments("GOPATH")[0].value, "$HOME/src");
        let module = s.module.as_ref().unwrap().as_ref().unwrap();
        assert_eq!(module.file, PathBuf::from("/h/p/go.mod"));
        assert_eq!(s.expand("~/x"), Some(PathBuf::from("/h/x")));
        assert_eq!(s.expand("$GOROOT/bin"), None);
    }

    #[test]
    fn no_working_directory_is_no_selection() {
        let process = Process::from_vars([("HOME", "/h")], None);
        let s = Snapshot::gather(
            process,
            Store::new(PathBuf::from("/h/.gvx")),
            Box::new(FakeDisk::new()),
        );
        let e = s.selection.as_ref().err().unwrap();
        assert!(e.message().contains("working directory"));
        assert!(s.module.is_none());
    }
}
