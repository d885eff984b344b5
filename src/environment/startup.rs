//! The shells' start-up files, user and system-wide, read once: their lines, where the gvx
//! block sits ([`block`]), the lines that fight gvx ([`conflicts`]), and the macOS
//! `path_helper` lists. Read through a [`Disk`], so tests scan files that exist only as data.

use super::conflicts;
use super::disk::Disk;
use super::shell_line::assigned;
use super::{Site, block};
use gvx_shims::Store;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Which settings a change affects: this user, every user (needs an elevated prompt), or only
/// the running process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    User,
    System,
    Session,
}

/// A start-up file that exists.
#[derive(Clone, Debug)]
pub struct RcFile {
    pub path: PathBuf,
    pub scope: Scope,
    /// The gvx block's first and last line.
    pub block: Option<(usize, usize)>,
    pub lines: Vec<String>,
}

impl RcFile {
    /// True when 1-based `line` is inside the gvx block.
    pub fn in_block(&self, line: usize) -> bool {
        self.block.is_some_and(|(a, b)| (a..=b).contains(&line))
    }
}

/// What a line that fights gvx does.
pub use conflicts::What as Kind;

/// One line that fights gvx.
#[derive(Clone, Debug)]
pub struct RcLine {
    pub path: PathBuf,
    pub line: usize,
    pub text: String,
    pub scope: Scope,
    pub kind: Kind,
    pub problem: String,
}

/// A line that sets a variable.
#[derive(Clone, Debug)]
pub struct Assignment {
    pub path: PathBuf,
    pub line: usize,
    pub text: String,
    pub value: String,
    pub scope: Scope,
}

/// Everything read from the start-up files.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    pub files: Vec<RcFile>,
    pub conflicts: Vec<RcLine>,
    /// macOS `path_helper` lists (`/etc/paths`, `/etc/paths.d/*`) with their lines.
    pub paths_lists: Vec<(PathBuf, Vec<String>)>,
}

/// A system path under the root prefix: `sys(root, "/etc/profile")`.
pub fn sys(root: &Path, path: &str) -> PathBuf {
    root.join(path.trim_start_matches(['/', '\\']))
}

/// The user's start-up files every shell gvx knows reads (whether or not gvx set them up).
pub fn user_files(site: &Site, disk: &dyn Disk) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if cfg!(windows) {
        let documents = site.home.join("Documents");
        for dir in ["PowerShell", "WindowsPowerShell"] {
            for name in ["profile.ps1", "Microsoft.PowerShell_profile.ps1"] {
                files.push(documents.join(dir).join(name));
            }
        }
        return files;
    }
    for name in [".profile", ".bashrc", ".bash_profile", ".bash_login"] {
        files.push(site.home.join(name));
    }
    for name in [".zshenv", ".zprofile", ".zshrc", ".zlogin"] {
        files.push(site.zdotdir.join(name));
    }
    let fish = site.config_home.join("fish");
    files.extend(sorted(disk, &fish.join("conf.d"), ".fish", &["gvx.fish"]));
    files.push(fish.join("config.fish"));
    files.push(fish.join("fish_variables"));
    let nu = site.config_home.join("nushell");
    files.push(nu.join("env.nu"));
    files.push(nu.join("config.nu"));
    files.dedup();
    files
}

/// The system-wide start-up files (under the root prefix), in the order shells read them.
pub fn system_files(root: &Path, disk: &dyn Disk) -> Vec<PathBuf> {
    if cfg!(windows) {
        return Vec::new();
    }
    let mut files = vec![sys(root, "/etc/environment"), sys(root, "/etc/profile")];
    files.extend(sorted(disk, &sys(root, "/etc/profile.d"), ".sh", &[]));
    for name in [
        "/etc/bash.bashrc",
        "/etc/bashrc",
        "/etc/zshenv",
        "/etc/zsh/zshenv",
        "/etc/zprofile",
        "/etc/zsh/zprofile",
        "/etc/zshrc",
        "/etc/zsh/zshrc",
        "/etc/zlogin",
        "/etc/zsh/zlogin",
    ] {
        files.push(sys(root, name));
    }
    files.extend(sorted(disk, &sys(root, "/etc/fish/conf.d"), ".fish", &[]));
    files.push(sys(root, "/etc/fish/config.fish"));
    files
}

/// Files in `dir` ending with `ext`, sorted, except `skip`.
fn sorted(disk: &dyn Disk, dir: &Path, ext: &str, skip: &[&str]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = disk
        .read_dir(dir)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(ext) && !skip.contains(&n))
        })
        .collect();
    files.sort();
    files
}

/// Reads every start-up file (user ones only with a `site`) and finds the lines that fight gvx.
pub fn scan(site: Option<&Site>, store: &Store, root: &Path, disk: &dyn Disk) -> Scan {
    let mut scan = Scan::default();
    let user = site
        .map(|s| user_files(s, disk))
        .unwrap_or_default()
        .into_iter()
        .map(|p| (p, Scope::User));
    let system = system_files(root, disk)
        .into_iter()
        .map(|p| (p, Scope::System));
    for (path, scope) in user.chain(system) {
        let Some(bytes) = disk.read(&path) else {
            continue;
        };
        let block = match block::find(&bytes) {
            Ok(Some(found)) => Some((found.first_line, found.last_line)),
            _ => None,
        };
        let lines = String::from_utf8_lossy(&bytes)
            .split('\n')
            .map(|l| l.trim_end_matches('\r').to_owned())
            .collect();
        for conflict in conflicts::scan(&path, &bytes, store.home()) {
            scan.conflicts.push(RcLine {
                path: conflict.path,
                line: conflict.line,
                text: conflict.text,
                scope,
                kind: conflict.what,
                problem: conflict.problem,
            });
        }
        scan.files.push(RcFile {
            path,
            scope,
            block,
            lines,
        });
    }
    let mut lists = vec![sys(root, "/etc/paths")];
    lists.extend(sorted(disk, &sys(root, "/etc/paths.d"), "", &[]));
    for list in lists {
        if let Some(text) = disk.read_to_string(&list) {
            let lines = text.lines().map(str::to_owned).collect();
            scan.paths_lists.push((list, lines));
        }
    }
    scan
}

impl Scan {
    pub fn file(&self, path: &Path) -> Option<&RcFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// Lines (outside the gvx block, not comments) that set `name`, in every file.
    pub fn assignments(&self, name: &str) -> Vec<Assignment> {
        let mut found = Vec::new();
        for file in &self.files {
            for (i, line) in file.lines.iter().enumerate() {
                let number = i + 1;
                if file.in_block(number) {
                    continue;
                }
                if let Some(set) = assigned(line, name) {
                    found.push(Assignment {
                        path: file.path.clone(),
                        line: number,
                        text: line.trim().to_owned(),
                        value: set.value,
                        scope: file.scope,
                    });
                }
            }
        }
        found
    }
}
