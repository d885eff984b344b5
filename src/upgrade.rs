//! `gvx upgrade`: which lines get a newer patch, and the pins in the working tree that still
//! name an older one. The installs themselves go through [`crate::install`].

use gvx_shims::pin::{self, Pin};
use gvx_shims::{GoVersion, VersionRequest};
use std::fs;
use std::path::{Path, PathBuf};

/// One line's upgrade.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub line: (u64, u64),
    /// The newest installed patch of the line before (`None`: a line named but not installed).
    pub from: Option<GoVersion>,
    /// The newest release of the line; equal to `from` when up to date.
    pub to: GoVersion,
}

impl Step {
    pub fn is_upgrade(&self) -> bool {
        self.from.is_none_or(|from| from < self.to)
    }
}

/// The lines to upgrade: the ones named, else every installed line; prereleases and language
/// versions name no line of their own beyond their `1.X`.
pub fn lines(named: &[(u64, u64)], installed: &[GoVersion]) -> Vec<(u64, u64)> {
    let mut lines: Vec<(u64, u64)> = if named.is_empty() {
        installed.iter().map(GoVersion::line).collect()
    } else {
        named.to_vec()
    };
    lines.sort();
    lines.dedup();
    lines
}

/// The step for `line`, given its newest release.
pub fn step(line: (u64, u64), newest: GoVersion, installed: &[GoVersion]) -> Step {
    let from = installed
        .iter()
        .filter(|v| v.line() == line && v.is_toolchain())
        .max()
        .copied();
    Step {
        line,
        from,
        to: newest.max(from.unwrap_or(newest)),
    }
}

/// A pin under the working tree that names an exact patch older than an upgrade's target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StalePin {
    pub file: PathBuf,
    pub line: usize,
    pub pinned: GoVersion,
    pub newest: GoVersion,
}

/// Directories the pin search does not enter: version control, dependencies, build output.
const SKIPPED_DIRS: &[&str] = &["node_modules", "vendor", "testdata", "target"];

/// At most this many directories are searched, so a huge tree (a home directory) stays quick.
const MAX_DIRS: usize = 5000;

/// The `.go-version` and `.tool-versions` pins under `root` naming an exact patch older than
/// the target of one of `steps`.
pub fn stale_pins(root: &Path, steps: &[Step]) -> Vec<StalePin> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    let mut seen = 0;
    while let Some(dir) = pending.pop() {
        seen += 1;
        if seen > MAX_DIRS {
            break;
        }
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_ref()) {
                    pending.push(path);
                }
                continue;
            }
            let read = match name.as_ref() {
                ".go-version" => pin::read_go_version(&path).ok(),
                ".tool-versions" => pin::read_tool_versions(&path).ok().flatten(),
                _ => None,
            };
            if let Some(stale) = read.and_then(|p| stale(p, steps)) {
                found.push(stale);
            }
        }
    }
    found.sort_by(|a, b| a.file.cmp(&b.file));
    found
}

fn stale(pin: Pin, steps: &[Step]) -> Option<StalePin> {
    let VersionRequest::Exact(pinned) = pin.request else {
        return None;
    };
    let step = steps.iter().find(|s| s.line == pinned.line())?;
    (pinned < step.to).then_some(StalePin {
        file: pin.file,
        line: pin.line,
        pinned,
        newest: step.to,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> GoVersion {
        GoVersion::parse(text).unwrap()
    }

    #[test]
    fn every_installed_line_or_the_ones_named() {
        let installed = [v("1.21.0"), v("1.22.3"), v("1.22.8"), v("1.23rc1")];
        assert_eq!(lines(&[], &installed), [(1, 21), (1, 22), (1, 23)]);
        assert_eq!(lines(&[(1, 22)], &installed), [(1, 22)]);
    }

    #[test]
    fn a_step_starts_at_the_newest_installed_patch() {
        let installed = [v("1.22.3"), v("1.22.8"), v("1.21.13")];
        let s = step((1, 22), v("1.22.10"), &installed);
        assert_eq!(
            (s.from, s.to, s.is_upgrade()),
            (Some(v("1.22.8")), v("1.22.10"), true)
        );
        let s = step((1, 21), v("1.21.13"), &installed);
        assert!(!s.is_upgrade());
        let s = step((1, 23), v("1.23.9"), &installed);
        assert_eq!((s.from, s.is_upgrade()), (None, true));
    }

    #[test]
    fn pins_naming_an_older_patch_are_found_and_others_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        };
        write(".go-version", "1.22.3\n");
        write("svc/a/.go-version", "# pinned\n1.22\n");
        write("svc/b/.tool-versions", "nodejs 20\ngolang 1.22.8\n");
        write("svc/c/.go-version", "1.21.0\n");
        write("svc/d/.go-version", "1.22.10\n");
        write("vendor/x/.go-version", "1.22.1\n");
        write(".git/.go-version", "1.22.1\n");
        let steps = [step((1, 22), v("1.22.10"), &[v("1.22.8")])];
        let found: Vec<(String, usize, String)> = stale_pins(root, &steps)
            .into_iter()
            .map(|p| {
                let rel = p.file.strip_prefix(root).unwrap().display().to_string();
                (rel, p.line, p.pinned.to_string())
            })
            .collect();
        assert_eq!(
            found,
            [
                (".go-version".to_owned(), 1, "1.22.3".to_owned()),
                ("svc/b/.tool-versions".to_owned(), 2, "1.22.8".to_owned()),
            ]
        );
    }
}
