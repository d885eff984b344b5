//! Questions about the shells' start-up files (read once into the snapshot by
//! `environment::startup`): which lines name a directory on PATH, and whether a line runs after
//! the gvx block its shell reads.

use super::model::{Scope, Source};
use crate::environment::Snapshot;
use crate::environment::shell_line::names_on_path;
use std::path::{Path, PathBuf};

pub use crate::environment::startup::{Assignment, Kind, RcLine};

impl RcLine {
    pub fn source(&self) -> Source {
        Source::File {
            path: self.path.clone(),
            line: self.line,
            scope: self.scope,
        }
    }
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

/// Lines that name `dir` on a PATH line (or list it, as `/etc/paths.d` files do).
pub fn path_mentions(m: &Snapshot, dir: &Path) -> Vec<Source> {
    let wanted = m.unroot(dir).display().to_string();
    let tilde = m.show(dir);
    let home = tilde.replacen('~', "$HOME", 1);
    let mut spellings = vec![wanted.as_str()];
    if tilde.starts_with('~') {
        spellings.extend([tilde.as_str(), home.as_str()]);
    }
    let mut found = Vec::new();
    for file in &m.rc.files {
        for (i, line) in file.lines.iter().enumerate() {
            let number = i + 1;
            if !file.in_block(number) && names_on_path(line, &spellings) {
                found.push(Source::File {
                    path: file.path.clone(),
                    line: number,
                    scope: file.scope,
                });
            }
        }
    }
    for (list, lines) in &m.rc.paths_lists {
        for (i, line) in lines.iter().enumerate() {
            if line.trim() == wanted {
                found.push(Source::File {
                    path: list.clone(),
                    line: i + 1,
                    scope: Scope::System,
                });
            }
        }
    }
    found
}

/// True when the line runs after the last gvx block its shell reads, so what it puts on PATH
/// ends up ahead of the shims.
pub fn runs_late(m: &Snapshot, path: &Path, line: usize) -> bool {
    let Some(file) = m.rc.file(path) else {
        return false;
    };
    if let Some((_, last)) = file.block {
        return line > last;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let has_block = |p: PathBuf| m.rc.file(&p).is_some_and(|f| f.block.is_some());
    if file.scope == Scope::System {
        return name == "zlogin" || path.ends_with("fish/config.fish");
    }
    let Some(site) = &m.site else {
        return true;
    };
    match name {
        ".zshenv" | ".zprofile" => !has_block(site.zdotdir.join(".zshrc")),
        "env.nu" | "config.nu" => !m
            .disk
            .is_file(&site.data_home.join("nushell/vendor/autoload/gvx.nu")),
        _ if path.parent().is_some_and(|p| p.ends_with("conf.d")) => name > "gvx.fish",
        _ => true,
    }
}
