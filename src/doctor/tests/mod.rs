//! The checks tested from data: a [`World`] is a machine made of variables and a
//! [`FakeDisk`]; its [`Snapshot`] is what a check reads. Nothing here touches the real machine
//! (paths under `/home/u` and `/usr/local/go` need not exist).

mod ci;
mod gobin;
mod gopath;
mod goroot;
mod others;
mod path;
mod pins;
mod sdk;
mod settings;
mod shells;
mod windows;

use super::model::{Action, Check, Item, Status};
use crate::environment::fake::FakeDisk;
use crate::environment::{Process, Snapshot};
use gvx_shims::select::{Outcome, Policy, Selection, Source as Why};
use gvx_shims::{GoVersion, Store, VersionRequest};
use std::path::{Path, PathBuf};

pub const HOME: &str = "/home/u";
pub const STORE: &str = "/home/u/.gvx";
pub const BIN: &str = "/home/u/.gvx/bin";
/// The selected SDK (the global default), installed.
pub const SELECTED: &str = "1.22.10";

pub fn v(text: &str) -> GoVersion {
    GoVersion::parse(text).unwrap()
}

/// The installed SDK's root.
pub fn sdk_root(version: &str) -> PathBuf {
    Store::new(PathBuf::from(STORE)).sdk(&v(version))
}

/// A machine: gvx's shims in `~/.gvx/bin` (first on PATH), go1.22.10 installed and selected by
/// the global default, `/usr/bin` after the shims.
pub struct World {
    pub disk: FakeDisk,
    pub vars: Vec<(String, String)>,
    pub cwd: Option<PathBuf>,
}

impl World {
    pub fn new() -> World {
        let mut disk = FakeDisk::new();
        disk.exe(Path::new(BIN).join("go"))
            .exe(Path::new(BIN).join("gofmt"))
            .sdk(sdk_root(SELECTED), "go1.22.10")
            .dir(HOME)
            .dir("/usr/bin");
        disk.installed = vec![v(SELECTED)];
        World {
            disk,
            vars: vec![
                ("HOME".into(), HOME.into()),
                ("PATH".into(), format!("{BIN}:/usr/bin")),
                ("XDG_CONFIG_HOME".into(), format!("{HOME}/.config")),
                ("XDG_CACHE_HOME".into(), format!("{HOME}/.cache")),
            ],
            cwd: Some(PathBuf::from(HOME).join("project")),
        }
    }

    /// Sets (or replaces) a variable.
    pub fn var(&mut self, name: &str, value: &str) -> &mut Self {
        self.vars.retain(|(k, _)| k != name);
        self.vars.push((name.into(), value.into()));
        self
    }

    pub fn snapshot(&self) -> Snapshot {
        let process = Process::from_vars(self.vars.clone(), self.cwd.clone());
        let mut s = Snapshot::gather(
            process,
            Store::new(PathBuf::from(STORE)),
            Box::new(self.disk.clone()),
        );
        s.host = "linux/amd64".into();
        s.selection = Ok(Selection {
            source: Why::Default(PathBuf::from(STORE).join("default")),
            request: Some(VersionRequest::parse(SELECTED).unwrap()),
            raised: None,
            policy: Policy::parse(s.setting("GOTOOLCHAIN").as_ref().map(|g| g.value.as_str())),
            outcome: Outcome::Run(v(SELECTED)),
        });
        s
    }
}

/// `(status, message)` of every item.
pub fn items(check: &Check) -> Vec<(Status, String)> {
    check
        .items
        .iter()
        .map(|i| (i.status, i.message.clone()))
        .collect()
}

/// The one item whose message contains `text`.
#[track_caller]
pub fn item<'a>(check: &'a Check, text: &str) -> &'a Item {
    let found: Vec<&Item> = check
        .items
        .iter()
        .filter(|i| i.message.contains(text))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one item with `{text}` in {:#?}",
        items(check)
    );
    found[0]
}

/// The automatic action of an item's fix.
pub fn action(item: &Item) -> Option<&Action> {
    item.fix.as_ref().and_then(|f| f.action.as_ref())
}
