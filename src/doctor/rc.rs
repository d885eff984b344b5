//! The shells' start-up files, user and system-wide: the lines that fight gvx (found by
//! `gvx setup`'s own scanner, `setup::conflicts`), where the gvx block sits (`setup::block`),
//! and where a variable or PATH entry is set, so every finding can name its file and line.

use super::machine::Machine;
use super::model::{Scope, Source};
use crate::environment::shell_line::{assigned, names_dir};
use crate::environment::{block, conflicts};
use std::path::{Path, PathBuf};

/// A start-up file that exists.
#[derive(Clone, Debug)]
pub struct RcFile {
    pub path: PathBuf,
    pub scope: Scope,
    /// The gvx block's first and last line.
    pub block: Option<(usize, usize)>,
    pub lines: Vec<String>,
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

impl RcLine {
    pub fn source(&self) -> Source {
        Source::File {
            path: self.path.clone(),
            line: self.line,
            scope: self.scope,
        }
    }
}

/// Everything read from the start-up files.
#[derive(Clone, Debug, Default)]
pub struct Scan {
    pub files: Vec<RcFile>,
    pub conflicts: Vec<RcLine>,
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

impl Assignment {
    pub fn source(&self) -> Source {
        Source::File {
            path: self.path.clone(),
            line: self.line,
            scope: self.scope,
        }
    }
}

/// The user's start-up files every shell gvx knows reads (whether or not gvx set them up).
pub fn user_files(m: &Machine) -> Vec<PathBuf> {
    let Some(site) = &m.site else {
        return Vec::new();
    };
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
    files.extend(sorted(&fish.join("conf.d"), ".fish", &["gvx.fish"]));
    files.push(fish.join("config.fish"));
    files.push(fish.join("fish_variables"));
    let nu = site.config_home.join("nushell");
    files.push(nu.join("env.nu"));
    files.push(nu.join("config.nu"));
    files.dedup();
    files
}

/// The system-wide start-up files (under the root prefix), in the order shells read them.
pub fn system_files(m: &Machine) -> Vec<PathBuf> {
    if cfg!(windows) {
        return Vec::new();
    }
    let mut files = vec![m.sys("/etc/environment"), m.sys("/etc/profile")];
    files.extend(sorted(&m.sys("/etc/profile.d"), ".sh", &[]));
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
        files.push(m.sys(name));
    }
    files.extend(sorted(&m.sys("/etc/fish/conf.d"), ".fish", &[]));
    files.push(m.sys("/etc/fish/config.fish"));
    files
}

/// Files in `dir` ending with `ext`, sorted, except `skip`.
fn sorted(dir: &Path, ext: &str, skip: &[&str]) -> Vec<PathBuf> {
    let Ok(entries) = fs_err::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(ext) && !skip.contains(&n))
        })
        .collect();
    files.sort();
    files
}

/// Reads every start-up file and finds the lines that fight gvx.
pub fn scan(m: &Machine) -> Scan {
    let mut scan = Scan::default();
    let store = m.store().home().to_owned();
    let user = user_files(m).into_iter().map(|p| (p, Scope::User));
    let system = system_files(m).into_iter().map(|p| (p, Scope::System));
    for (path, scope) in user.chain(system) {
        let Ok(bytes) = fs_err::read(&path) else {
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
        for conflict in conflicts::scan(&path, &bytes, &store) {
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
                if file.block.is_some_and(|(a, b)| (a..=b).contains(&number)) {
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

    /// Lines that name `dir` on a PATH line (or list it, as `/etc/paths.d` files do).
    pub fn path_mentions(&self, m: &Machine, dir: &Path) -> Vec<Source> {
        let wanted = m.unroot(dir).display().to_string();
        let tilde = m.show(dir);
        let mut found = Vec::new();
        for file in &self.files {
            for (i, line) in file.lines.iter().enumerate() {
                let trimmed = line.trim();
                if trimmed.starts_with('#') {
                    continue;
                }
                let number = i + 1;
                if file.block.is_some_and(|(a, b)| (a..=b).contains(&number)) {
                    continue;
                }
                let names = names_dir(trimmed, &wanted)
                    || (tilde.starts_with('~')
                        && (names_dir(trimmed, &tilde)
                            || names_dir(trimmed, &tilde.replacen('~', "$HOME", 1))));
                if names && trimmed.to_ascii_lowercase().contains("path") {
                    found.push(Source::File {
                        path: file.path.clone(),
                        line: number,
                        scope: file.scope,
                    });
                }
            }
        }
        for paths in paths_files(m) {
            let Ok(text) = fs_err::read_to_string(&paths) else {
                continue;
            };
            for (i, line) in text.lines().enumerate() {
                if line.trim() == wanted {
                    found.push(Source::File {
                        path: paths.clone(),
                        line: i + 1,
                        scope: Scope::System,
                    });
                }
            }
        }
        found
    }

    /// True when the line runs after the last gvx block its shell reads, so what it puts on
    /// PATH ends up ahead of the shims.
    pub fn runs_late(&self, m: &Machine, path: &Path, line: usize) -> bool {
        let Some(file) = self.file(path) else {
            return false;
        };
        if let Some((_, last)) = file.block {
            return line > last;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let has_block = |p: PathBuf| self.file(&p).is_some_and(|f| f.block.is_some());
        if file.scope == Scope::System {
            return name == "zlogin" || path.ends_with("fish/config.fish");
        }
        let Some(site) = &m.site else {
            return true;
        };
        match name {
            ".zshenv" | ".zprofile" => !has_block(site.zdotdir.join(".zshrc")),
            "env.nu" | "config.nu" => !site
                .data_home
                .join("nushell/vendor/autoload/gvx.nu")
                .is_file(),
            _ if path.parent().is_some_and(|p| p.ends_with("conf.d")) => name > "gvx.fish",
            _ => true,
        }
    }
}

/// macOS `path_helper` lists: `/etc/paths` and `/etc/paths.d/*`.
fn paths_files(m: &Machine) -> Vec<PathBuf> {
    let mut files = vec![m.sys("/etc/paths")];
    files.extend(sorted(&m.sys("/etc/paths.d"), "", &[]));
    files
}
