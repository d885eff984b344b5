//! `gvx self uninstall`: what `gvx setup` added is taken out (start-up files, the Windows user
//! Path), then the store with its SDKs, shims and gvx itself is deleted. Shared stores, GOPATH
//! and the module cache are not gvx's and stay.

use crate::context::Context;
use crate::environment::{Process, Site};
use crate::error::{Error, Exit, Result};
use crate::setup::{self, Plan};
use std::path::{Path, PathBuf};

/// Everything one `gvx self uninstall` removes, computed before anything is.
pub struct Removal {
    pub site: Site,
    pub setup: Plan,
    /// `GVX_HOME`, if it exists.
    pub home: Option<PathBuf>,
    /// The SDKs in it (`go1.22.10`).
    pub sdks: Vec<String>,
    /// The running gvx, when it is not inside the store (installed by other means): left.
    pub outside: Option<PathBuf>,
}

pub fn plan_removal(cx: &Context) -> Result<Removal> {
    let site = Site::new(&Process::capture(), &cx.store, cx.completions).ok_or_else(|| {
        Error::new(Exit::Environment, "cannot find your home directory")
            .hint("set HOME (USERPROFILE on Windows) and run `gvx self uninstall` again")
    })?;
    let setup = setup::plan(&site, true)?;
    let home = cx.store.home();
    let home = home.is_dir().then(|| home.to_owned());
    let sdks = match &home {
        Some(home) => crate::storefs::installed(&gvx_shims::Store::new(home.clone()))?
            .iter()
            .map(gvx_shims::GoVersion::name)
            .collect(),
        None => Vec::new(),
    };
    let outside = super::running_exe().ok().filter(|exe| {
        home.as_ref()
            .is_none_or(|home| !exe.starts_with(canonical(home)))
    });
    Ok(Removal {
        site,
        setup,
        home,
        sdks,
        outside,
    })
}

impl Removal {
    /// What will be removed and what stays, one line each.
    pub fn describe(&self) -> Vec<String> {
        let show = |p: &Path| self.site.show(p);
        let mut lines = Vec::new();
        for change in &self.setup.changes {
            lines.push(match change.after {
                None => format!("delete {} ({})", show(&change.path), change.target.reader),
                Some(_) => format!(
                    "remove the gvx block from {} ({})",
                    show(&change.path),
                    change.target.reader
                ),
            });
        }
        if let Some(edit) = &self.setup.path_edit {
            lines.push(format!("set {} to {}", edit.place, edit.after));
        }
        if let Some(home) = &self.home {
            let sdks = match self.sdks.len() {
                0 => "no SDKs".to_owned(),
                _ => format!("{} SDK(s): {}", self.sdks.len(), self.sdks.join(", ")),
            };
            lines.push(format!(
                "delete {} (GVX_HOME: {sdks}, the go/gofmt shims, gvx itself, caches)",
                show(home)
            ));
        }
        if let Some(exe) = &self.outside {
            lines.push(format!(
                "keep {}: gvx was installed there by other means; remove it with whatever installed it",
                show(exe)
            ));
        }
        lines
    }

    pub fn is_empty(&self) -> bool {
        self.setup.changes.is_empty() && self.setup.path_edit.is_none() && self.home.is_none()
    }
}

/// Carries out `removal`; returns the status lines to print.
pub fn remove(cx: &Context, removal: &Removal) -> Result<Vec<String>> {
    let mut said = Vec::new();
    if !removal.setup.changes.is_empty() || removal.setup.path_edit.is_some() {
        let lock = crate::lock::lock(&cx.store)?;
        let applied = setup::apply(&removal.site, &removal.setup)?;
        drop(lock);
        for change in &removal.setup.changes {
            let verb = match change.after {
                None => "deleted",
                Some(_) => "took gvx out of",
            };
            said.push(format!("{verb} {}", removal.site.show(&change.path)));
        }
        said.extend(applied.registry);
    }
    if let Some(home) = &removal.home {
        let users = crate::platform::processes_using(home);
        if !users.is_empty() {
            return Err(Error::new(
                Exit::Store,
                format!(
                    "{} is in use by process {}",
                    home.display(),
                    users.join(", ")
                ),
            )
            .hint("the start-up files are already restored; let those programs finish (or stop them), then run `gvx self uninstall -y` again"));
        }
        move_running_exe_out(home)?;
        fs_err::remove_dir_all(home).map_err(|e| {
            Error::new(Exit::Store, format!("could not delete all of {}", home.display()))
                .source(e)
                .hint(format!(
                    "a program may be running from it (a `go` build, an editor); close it and run `gvx self uninstall -y` again, or delete {} yourself",
                    crate::report::arg(home)
                ))
        })?;
        said.push(format!("deleted {}", removal.site.show(home)));
    }
    Ok(said)
}

/// On Windows a running program cannot be deleted, but it can be renamed: gvx.exe moves from
/// the store to the temporary directory (`gvx-uninstalled-<pid>.exe`), which Windows cleans.
/// Elsewhere a running program is deleted like any file.
fn move_running_exe_out(home: &Path) -> Result<()> {
    if !cfg!(windows) {
        return Ok(());
    }
    let Some(exe) = super::running_exe()
        .ok()
        .filter(|exe| exe.starts_with(canonical(home)))
    else {
        return Ok(());
    };
    let aside = std::env::temp_dir().join(format!("gvx-uninstalled-{}.exe", std::process::id()));
    crate::platform::rename(&exe, &aside).map_err(|e| {
        Error::new(
            Exit::Store,
            format!("cannot move the running {} out of the store", exe.display()),
        )
        .source(e)
        .hint("run `gvx self uninstall -y` again; if it persists, delete the directory yourself after gvx exits")
    })?;
    log::info!("moved the running {} to {}", exe.display(), aside.display());
    Ok(())
}

fn canonical(path: &Path) -> PathBuf {
    fs_err::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}
