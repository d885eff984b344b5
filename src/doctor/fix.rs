//! `--fix`: carries out the automatic fixes, user scope only. Every file is backed up to
//! `<GVX_HOME>/backups/doctor-<time>/` before its first change, each change is checked again
//! against what was diagnosed (a line that changed since is left alone), and each is
//! idempotent: a second run finds nothing to do.

use super::gobin::APPEND_MARK;
use super::model::{Action, Applied};
use crate::environment::{Snapshot, disk as machine};
use crate::setup::{self, Kind};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Backups of this run, one per file.
struct Backups {
    dir: PathBuf,
    home: Option<PathBuf>,
    saved: Vec<(PathBuf, PathBuf)>,
}

impl Backups {
    fn new(m: &Snapshot) -> Backups {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Backups {
            dir: m
                .store()
                .home()
                .join("backups")
                .join(format!("doctor-{stamp}")),
            home: m.home.clone(),
            saved: Vec::new(),
        }
    }

    /// Copies `path` before its first change in this run; returns the copy.
    fn save(&mut self, path: &Path) -> std::io::Result<PathBuf> {
        if let Some((_, copy)) = self.saved.iter().find(|(p, _)| p == path) {
            return Ok(copy.clone());
        }
        let relative: PathBuf = match self.home.as_deref().map(|h| path.strip_prefix(h)) {
            Some(Ok(rest)) => rest.to_owned(),
            _ => path
                .components()
                .filter(|c| matches!(c, std::path::Component::Normal(_)))
                .collect(),
        };
        let mut copy = self.dir.join(&relative);
        let mut n = 1;
        while copy.exists() {
            copy = self.dir.join(format!("{}.{n}", relative.display()));
            n += 1;
        }
        if let Some(parent) = copy.parent() {
            fs_err::create_dir_all(parent)?;
        }
        fs_err::copy(path, &copy)?;
        self.saved.push((path.to_owned(), copy.clone()));
        Ok(copy)
    }
}

/// Order: the gvx blocks first (later PATH lines go after them), tool reinstalls last.
fn rank(action: &Action) -> u8 {
    match action {
        Action::Setup => 0,
        Action::CommentLine { .. }
        | Action::UnsetGoEnv { .. }
        | Action::Registry { .. }
        | Action::UserPath { .. } => 1,
        Action::CreateDir { .. } => 2,
        Action::AppendPath { .. } => 3,
        Action::Reshim => 4,
        Action::ReinstallTool { .. } => 5,
    }
}

/// Applies `actions`; returns what changed and what failed.
pub fn apply(m: &Snapshot, actions: &[(Action, String)]) -> (Vec<Applied>, Vec<String>) {
    let mut actions: Vec<&(Action, String)> = actions.iter().collect();
    actions.sort_by_key(|(a, _)| rank(a));
    let mut backups = Backups::new(m);
    let mut applied = Vec::new();
    let mut errors = Vec::new();
    let _lock = match crate::lock::lock(m.store()) {
        Ok(lock) => Some(lock),
        Err(e) => {
            errors.push(format!("cannot lock the store: {e}"));
            return (applied, errors);
        }
    };
    for (action, description) in actions {
        match one(m, action, &mut backups) {
            Ok(changes) => applied.extend(changes),
            Err(e) => errors.push(format!("{description}: {e}")),
        }
    }
    (applied, errors)
}

fn one(m: &Snapshot, action: &Action, backups: &mut Backups) -> Result<Vec<Applied>, String> {
    let io = |e: std::io::Error| e.to_string();
    match action {
        Action::CommentLine { path, line, text } => {
            let bytes = fs_err::read(path).map_err(io)?;
            let mut lines: Vec<Vec<u8>> = bytes
                .split_inclusive(|&b| b == b'\n')
                .map(<[u8]>::to_vec)
                .collect();
            let Some(current) = lines.get(line - 1) else {
                return Err(format!("{} has no line {line} any more", m.show(path)));
            };
            let current_text = String::from_utf8_lossy(current).trim().to_owned();
            if current_text.starts_with('#') {
                return Ok(Vec::new());
            }
            let expected = text.strip_suffix("...").unwrap_or(text);
            if !current_text.starts_with(expected) {
                return Err(format!(
                    "line {line} of {} changed since it was read; left alone",
                    m.show(path)
                ));
            }
            let indent = current.len() - current.trim_ascii_start().len();
            let mut edited = current[..indent].to_vec();
            edited.extend_from_slice(b"# [gvx doctor --fix] ");
            edited.extend_from_slice(&current[indent..]);
            lines[line - 1] = edited;
            let backup = backups.save(path).map_err(io)?;
            write(path, &lines.concat()).map_err(io)?;
            Ok(vec![Applied {
                change: format!(
                    "commented out line {line} of {}: {current_text}",
                    m.show(path)
                ),
                backup: Some(backup),
            }])
        }
        Action::UnsetGoEnv { path, key } => {
            let text = match fs_err::read_to_string(path) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
                Err(e) => return Err(e.to_string()),
            };
            let prefix = format!("{key}=");
            let kept: Vec<&str> = text
                .split_inclusive('\n')
                .filter(|l| !l.trim_start().starts_with(&prefix))
                .collect();
            let kept = kept.concat();
            if kept == text {
                return Ok(Vec::new());
            }
            let backup = backups.save(path).map_err(io)?;
            write(path, kept.as_bytes()).map_err(io)?;
            Ok(vec![Applied {
                change: format!(
                    "removed {key} from {} (as `go env -u {key}` does)",
                    m.show(path)
                ),
                backup: Some(backup),
            }])
        }
        Action::Setup => {
            let Some(site) = &m.site else {
                return Err("no home directory".into());
            };
            let plan = setup::plan(site, false).map_err(|e| e.message().to_owned())?;
            if plan.changes.is_empty() {
                return Ok(Vec::new());
            }
            let done = setup::apply(site, &plan).map_err(|e| e.message().to_owned())?;
            Ok(plan
                .changes
                .iter()
                .map(|c| Applied {
                    change: format!(
                        "{} {} ({}; gvx setup)",
                        if c.before.is_some() {
                            "updated the gvx block in"
                        } else {
                            "created"
                        },
                        m.show(&c.path),
                        c.target.reader
                    ),
                    backup: done
                        .backups
                        .iter()
                        .find(|(p, _)| *p == c.path)
                        .map(|(_, b)| b.clone()),
                })
                .collect())
        }
        Action::Reshim => {
            crate::shimfarm::refresh(m.store()).map_err(|e| e.message().to_owned())?;
            Ok(vec![Applied {
                change: format!("recreated the shims in {}", m.show(&m.store().bin_dir())),
                backup: None,
            }])
        }
        Action::CreateDir { path } => {
            if path.is_dir() {
                return Ok(Vec::new());
            }
            fs_err::create_dir_all(path).map_err(io)?;
            Ok(vec![Applied {
                change: format!("created {}", m.show(path)),
                backup: None,
            }])
        }
        Action::AppendPath { dir } => append_path(m, dir, backups),
        Action::ReinstallTool {
            tool,
            package,
            version,
            gobin,
        } => reinstall(m, tool, &format!("{package}@{version}"), gobin, backups),
        Action::Registry { key, name, value } => registry(key, name, value.as_deref()),
        Action::UserPath { front, back } => user_path(front.as_deref(), back.as_deref()),
    }
}

#[cfg(windows)]
fn registry(key: &str, name: &str, value: Option<&str>) -> Result<Vec<Applied>, String> {
    super::windows::apply_registry(key, name, value)
}

#[cfg(windows)]
fn user_path(front: Option<&Path>, back: Option<&Path>) -> Result<Vec<Applied>, String> {
    super::windows::apply_user_path(front, back)
}

#[cfg(not(windows))]
fn registry(key: &str, _name: &str, _value: Option<&str>) -> Result<Vec<Applied>, String> {
    Err(format!("{key} is a Windows registry key"))
}

#[cfg(not(windows))]
fn user_path(_front: Option<&Path>, _back: Option<&Path>) -> Result<Vec<Applied>, String> {
    Err("the user PATH in the registry exists only on Windows".into())
}

/// Writes through a temporary file beside the real one (a symlink's target), keeping modes.
fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let real = fs_err::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let dir = real.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".gvx-doctor-")
        .tempfile_in(dir)?;
    std::io::Write::write_all(&mut temp, bytes)?;
    if let Ok(meta) = fs_err::metadata(&real) {
        fs_err::set_permissions(temp.path(), meta.permissions())?;
    }
    temp.persist(&real).map_err(|e| e.error)?;
    Ok(())
}

/// The sh line that appends `dir` to PATH once.
pub fn append_line(dir: &Path) -> String {
    let d = crate::shell::sh_quote(&dir.display().to_string());
    format!(
        "case \":$PATH:\" in *:{d}:*) ;; *) PATH=\"$PATH:\"{d}; export PATH ;; esac  {APPEND_MARK}\n"
    )
}

/// Appends `dir` to PATH in the sh-like start-up files that carry the gvx block.
fn append_path(m: &Snapshot, dir: &Path, backups: &mut Backups) -> Result<Vec<Applied>, String> {
    let Some(site) = &m.site else {
        return Err("no home directory".into());
    };
    let plan = setup::plan(site, false).map_err(|e| e.message().to_owned())?;
    let files: Vec<PathBuf> = plan
        .unchanged
        .iter()
        .filter(|t| t.kind == Kind::Block)
        .map(|t| t.path.clone())
        .filter(|p| p.extension().is_none_or(|e| e != "ps1"))
        .collect();
    if files.is_empty() {
        return Err("no start-up file carries the gvx block: run `gvx setup` first".into());
    }
    let line = append_line(dir);
    let mut applied = Vec::new();
    for file in files {
        let mut bytes = fs_err::read(&file).map_err(|e| e.to_string())?;
        if String::from_utf8_lossy(&bytes).contains(line.trim_end()) {
            continue;
        }
        let backup = backups.save(&file).map_err(|e| e.to_string())?;
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            bytes.push(b'\n');
        }
        bytes.extend_from_slice(line.as_bytes());
        write(&file, &bytes).map_err(|e| e.to_string())?;
        applied.push(Applied {
            change: format!("added {} to PATH in {}", m.show(dir), m.show(&file)),
            backup: Some(backup),
        });
    }
    Ok(applied)
}

/// `go install spec` into `gobin` with the selected SDK, then moves `tool` to the backups.
fn reinstall(
    m: &Snapshot,
    tool: &Path,
    spec: &str,
    gobin: &Path,
    backups: &mut Backups,
) -> Result<Vec<Applied>, String> {
    if !tool.exists() {
        return Ok(Vec::new());
    }
    let Some((_, root)) = m.sdk() else {
        return Err("no installed SDK is selected to run `go install` with".into());
    };
    let go = Snapshot::go_in(&root.join("bin"));
    fs_err::create_dir_all(gobin).map_err(|e| e.to_string())?;
    machine::run(
        &go,
        &["install", spec],
        &[("GOROOT", &root), ("GOBIN", gobin)],
        Duration::from_secs(600),
    )
    .map_err(|e| format!("`go install {spec}` failed: {e}"))?;
    let name = tool.file_name().unwrap_or_default();
    if !gobin.join(name).is_file() {
        return Err(format!(
            "`go install {spec}` did not put {} into {}",
            name.to_string_lossy(),
            m.show(gobin)
        ));
    }
    let backup = backups
        .dir
        .join("sdk-tools")
        .join(tool.strip_prefix(m.store().home()).unwrap_or(tool));
    if let Some(parent) = backup.parent() {
        fs_err::create_dir_all(parent).map_err(|e| e.to_string())?;
    }
    if fs_err::rename(tool, &backup).is_err() {
        fs_err::copy(tool, &backup).map_err(|e| e.to_string())?;
        fs_err::remove_file(tool).map_err(|e| e.to_string())?;
    }
    Ok(vec![Applied {
        change: format!(
            "reinstalled {spec} into {} and moved the SDK's copy out",
            m.show(gobin)
        ),
        backup: Some(backup),
    }])
}
