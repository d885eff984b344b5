//! `--fix`: the automatic fixes as one plan of edits, computed from what was diagnosed before
//! anything is written, with the same editors `gvx setup` uses (the gvx block, a line commented
//! out, a line added, the Windows user Path). `--dry-run` prints the plan; the environment
//! layer's writer carries it out (user scope only; each file backed up to
//! `<GVX_HOME>/backups/doctor-<time>/` first) and its journal, kept there, is what
//! `gvx doctor --undo` reverses byte for byte. Several edits of one file become one edit, so
//! they cannot fight; a plan that would comment out a line gvx itself adds is refused.

mod write;

pub use write::{Run, undo};

use super::model::Action;
use crate::environment::Snapshot;
use crate::environment::lines::{self, APPEND_MARK, LineError};
use crate::environment::user_path;
use crate::environment::{self, Edit, FileEdit, RegData, RegistryEdit};
use crate::error::{Error, Exit, Result};
use crate::setup::{self, Kind};
use std::path::{Path, PathBuf};

/// Everything one `--fix` run does.
#[derive(Debug, Default)]
pub struct Plan {
    pub edits: Vec<Edit>,
    /// What each change does, in report order, with the file it changes.
    pub said: Vec<(String, Option<PathBuf>)>,
    /// Work that is not an edit of the user's files, done after them.
    pub steps: Vec<Step>,
    /// Fixes that could not be planned, and why.
    pub errors: Vec<String>,
}

/// Work `--fix` does besides edits.
#[derive(Clone, Debug)]
pub enum Step {
    /// Recreate the go and gofmt shims (inside the store).
    Reshim,
    /// `go install package@version` into `gobin`, then move `tool` out of the SDK.
    Reinstall {
        tool: PathBuf,
        spec: String,
        gobin: PathBuf,
    },
}

/// The files as the plan has edited them so far: each path's bytes when read, and now.
#[derive(Default)]
struct Draft {
    files: Vec<DraftFile>,
}

struct DraftFile {
    path: PathBuf,
    read: Option<Vec<u8>>,
    now: Option<Vec<u8>>,
}

impl Draft {
    fn get(&mut self, path: &Path) -> Result<Option<Vec<u8>>> {
        if let Some(file) = self.files.iter().find(|f| f.path == path) {
            return Ok(file.now.clone());
        }
        let bytes = environment::apply::read(path)?;
        self.files.push(DraftFile {
            path: path.to_owned(),
            read: bytes.clone(),
            now: bytes.clone(),
        });
        Ok(bytes)
    }

    fn set(&mut self, path: &Path, bytes: Option<Vec<u8>>) {
        if let Some(file) = self.files.iter_mut().find(|f| f.path == path) {
            file.now = bytes;
        }
    }

    fn edits(self) -> Vec<Edit> {
        self.files
            .into_iter()
            .filter(|f| f.read != f.now)
            .map(|f| {
                Edit::File(FileEdit {
                    path: f.path,
                    before: f.read,
                    after: f.now,
                    reader: "gvx doctor --fix".into(),
                    summary: None,
                    backup: true,
                    by_hand: None,
                })
            })
            .collect()
    }
}

/// Order: lines commented out first (their line numbers are as diagnosed), then the gvx
/// blocks, then lines added after them, tool reinstalls last.
fn rank(action: &Action) -> u8 {
    match action {
        Action::CommentLine { .. }
        | Action::UnsetGoEnv { .. }
        | Action::Registry { .. }
        | Action::UserPath { .. } => 0,
        Action::Setup => 1,
        Action::CreateDir { .. } => 2,
        Action::AppendPath { .. } => 3,
        Action::Reshim => 4,
        Action::ReinstallTool { .. } => 5,
    }
}

/// Plans `--fix` in rounds before anything is written: each round adds the fixes for what the
/// checks find on the machine as the earlier rounds would leave it ([`Planner::machine`]).
#[derive(Default)]
pub struct Planner {
    draft: Draft,
    plan: Plan,
}

impl Planner {
    /// Adds the fixes for `actions`; false when they add nothing new.
    pub fn round(&mut self, m: &Snapshot, actions: &[(Action, String)]) -> bool {
        let mut actions: Vec<&(Action, String)> = actions.iter().collect();
        actions.sort_by_key(|(a, _)| rank(a));
        let before = self.plan.said.len() + self.plan.steps.len() + self.plan.edits.len();
        for (action, description) in actions {
            if let Err(e) = one(m, action, &mut self.draft, &mut self.plan) {
                let error = format!("{description}: {}", one_line(&e));
                if !self.plan.errors.contains(&error) {
                    self.plan.errors.push(error);
                }
            }
        }
        self.plan.said.len() + self.plan.steps.len() + self.plan.edits.len() > before
    }

    /// The machine's files and directories as the plan so far would leave them.
    pub fn machine(&self, base: Box<dyn environment::Disk>) -> environment::planned::Planned {
        environment::planned::Planned {
            base,
            files: self
                .draft
                .files
                .iter()
                .map(|f| (f.path.clone(), f.now.clone()))
                .collect(),
            dirs: self
                .plan
                .edits
                .iter()
                .filter_map(|e| match e {
                    Edit::Dir(path) => Some(path.clone()),
                    _ => None,
                })
                .collect(),
        }
    }

    /// The whole plan: one edit per file, then the others.
    pub fn finish(self) -> Plan {
        let mut plan = self.plan;
        let mut edits = self.draft.edits();
        edits.append(&mut plan.edits);
        plan.edits = edits;
        plan
    }
}

pub(super) fn failure(message: impl Into<String>) -> Error {
    Error::new(Exit::Environment, message)
}

/// An error as the report lists it: the message, its causes and the hint, on one line.
pub(super) fn one_line(e: &Error) -> String {
    let mut text = e.message().to_owned();
    for cause in e.causes() {
        text.push_str(&format!(": {cause}"));
    }
    if let Some(hint) = e.hint_text() {
        text.push_str(&format!(" ({hint})"));
    }
    text
}

fn one(m: &Snapshot, action: &Action, draft: &mut Draft, plan: &mut Plan) -> Result<()> {
    match action {
        Action::CommentLine { path, line, text } => {
            comment_line(m, path, *line, text, draft, plan)?;
        }
        Action::UnsetGoEnv { path, key } => unset_go_env(m, path, key, draft, plan)?,
        Action::Setup => setup_blocks(m, draft, plan)?,
        Action::AppendPath { dir } => append_path(m, dir, draft, plan)?,
        Action::CreateDir { path } => {
            if !path.is_dir() && !plan.edits.contains(&Edit::Dir(path.clone())) {
                plan.edits.push(Edit::Dir(path.clone()));
                plan.said.push((format!("created {}", m.show(path)), None));
            }
        }
        Action::Reshim => {
            if !plan.steps.iter().any(|s| matches!(s, Step::Reshim)) {
                plan.steps.push(Step::Reshim);
            }
        }
        Action::ReinstallTool {
            tool,
            package,
            version,
            gobin,
        } => {
            let planned = plan
                .steps
                .iter()
                .any(|s| matches!(s, Step::Reinstall { tool: t, .. } if t == tool));
            if tool.exists() && !planned {
                plan.steps.push(Step::Reinstall {
                    tool: tool.clone(),
                    spec: format!("{package}@{version}"),
                    gobin: gobin.clone(),
                });
            }
        }
        Action::Registry { key, name, value } => registry_value(key, name, value.as_deref(), plan)?,
        Action::UserPath { front, back } => {
            user_path_edit(m, front.as_deref(), back.as_deref(), plan)?
        }
    }
    Ok(())
}

/// Line `line` of `path` commented out, if it still reads `text`.
fn comment_line(
    m: &Snapshot,
    path: &Path,
    line: usize,
    text: &str,
    draft: &mut Draft,
    plan: &mut Plan,
) -> Result<()> {
    let Some(bytes) = draft.get(path)? else {
        return Err(failure(format!("{} does not exist any more", m.show(path))));
    };
    let current = String::from_utf8_lossy(&bytes)
        .split('\n')
        .nth(line.saturating_sub(1))
        .unwrap_or_default()
        .trim()
        .to_owned();
    if current.contains(APPEND_MARK) {
        return Err(failure(format!(
            "line {line} of {} is one gvx doctor --fix added; left alone",
            m.show(path)
        )));
    }
    match lines::comment_out(&bytes, line, text) {
        Ok(Some(after)) => {
            draft.set(path, Some(after));
            plan.said.push((
                format!("commented out line {line} of {}: {current}", m.show(path)),
                Some(path.to_owned()),
            ));
        }
        Ok(None) => {}
        Err(LineError::Gone { .. }) => {
            return Err(failure(format!(
                "{} has no line {line} any more",
                m.show(path)
            )));
        }
        Err(LineError::Changed { .. }) => {
            return Err(failure(format!(
                "line {line} of {} changed since it was read; left alone",
                m.show(path)
            )));
        }
    }
    Ok(())
}

/// Every `key=` line taken out of Go's env file at `path`.
fn unset_go_env(
    m: &Snapshot,
    path: &Path,
    key: &str,
    draft: &mut Draft,
    plan: &mut Plan,
) -> Result<()> {
    let Some(bytes) = draft.get(path)? else {
        return Ok(());
    };
    if let Some(after) = lines::unset_go_env(&bytes, key) {
        draft.set(path, Some(after));
        plan.said.push((
            format!(
                "removed {key} from {} (as `go env -u {key}` does)",
                m.show(path)
            ),
            Some(path.to_owned()),
        ));
    }
    Ok(())
}

/// The gvx blocks `gvx setup` keeps, written over whatever the plan already changed.
fn setup_blocks(m: &Snapshot, draft: &mut Draft, plan: &mut Plan) -> Result<()> {
    let site = m
        .site
        .as_ref()
        .ok_or_else(|| failure("no home directory"))?;
    let setup = setup::plan(site, false)?;
    for change in &setup.changes {
        let before = draft.get(&change.path)?;
        let after = match change.target.kind {
            Kind::Block => Some(
                environment::block::with_block(before.as_deref(), &change.target.text)
                    .map_err(|e| failure(format!("cannot edit {}: {e}", m.show(&change.path))))?,
            ),
            Kind::Owned => change.after.clone(),
        };
        if after == before {
            continue;
        }
        draft.set(&change.path, after);
        let verb = if change.before.is_some() {
            "updated the gvx block in"
        } else {
            "created"
        };
        plan.said.push((
            format!(
                "{verb} {} ({}; gvx setup)",
                m.show(&change.path),
                change.target.reader
            ),
            Some(change.path.clone()),
        ));
    }
    if let Some(change) = setup.path_edit {
        plan.edits
            .extend(change.edits.into_iter().map(Edit::Registry));
        plan.said.extend(change.said.into_iter().map(|s| (s, None)));
    }
    Ok(())
}

/// `dir` added at the end of PATH in the sh-like start-up files that carry the gvx block (as the
/// plan leaves them).
fn append_path(m: &Snapshot, dir: &Path, draft: &mut Draft, plan: &mut Plan) -> Result<()> {
    let site = m
        .site
        .as_ref()
        .ok_or_else(|| failure("no home directory"))?;
    let setup = setup::plan(site, false)?;
    let targets = setup
        .changes
        .iter()
        .map(|c| &c.target)
        .chain(&setup.unchanged)
        .filter(|t| t.kind == Kind::Block)
        .filter(|t| t.path.extension().is_none_or(|e| e != "ps1"));
    let mut files = Vec::new();
    for target in targets {
        let bytes = draft.get(&target.path)?;
        if let Some(bytes) = bytes.filter(|b| matches!(environment::block::find(b), Ok(Some(_)))) {
            files.push((target.path.clone(), bytes));
        }
    }
    if files.is_empty() {
        return Err(failure(
            "no start-up file carries the gvx block: run `gvx setup` first",
        ));
    }
    for (file, bytes) in files {
        if let Some(after) = lines::append_path(&bytes, dir) {
            draft.set(&file, Some(after));
            plan.said.push((
                format!("added {} to PATH in {}", m.show(dir), m.show(&file)),
                Some(file),
            ));
        }
    }
    Ok(())
}

/// A user-scope registry value deleted (`value: None`) or set.
fn registry_value(key: &str, name: &str, value: Option<&str>, plan: &mut Plan) -> Result<()> {
    let sub = match key {
        crate::platform::windows_env::USER_ENV => "Environment",
        r"HKCU\Volatile Environment" => "Volatile Environment",
        other => return Err(failure(format!("{other} is not a user-scope key"))),
    };
    if planned_value(plan, sub, name).is_some() {
        return Ok(());
    }
    let before = environment::registry::user_value(sub, name)?;
    let after = value.map(|v| RegData::ExpandSz(v.to_owned()));
    if before == after {
        return Ok(());
    }
    plan.said.push((
        match value {
            None => format!("deleted {name} from {key}"),
            Some(_) => format!("set {name} in {key}"),
        },
        None,
    ));
    plan.edits.push(Edit::Registry(RegistryEdit {
        key: sub.to_owned(),
        name: name.to_owned(),
        before,
        after,
    }));
    Ok(())
}

/// The user Path with `front` moved to the front and `back` added at the end.
fn user_path_edit(
    m: &Snapshot,
    front: Option<&Path>,
    back: Option<&Path>,
    plan: &mut Plan,
) -> Result<()> {
    let mut now =
        user_path::read().map_err(|e| failure(format!("cannot read {}: {e}", user_path::PLACE)))?;
    // An earlier fix in this plan already edits it: start from what that leaves.
    let planned = planned_value(plan, "Environment", "Path").map(|e| e.after.clone());
    if let Some(Some(after)) = &planned {
        now.value = Some(crate::platform::windows_env::RawValue {
            kind: match after {
                RegData::Sz(_) => crate::platform::windows_env::Kind::Sz,
                _ => crate::platform::windows_env::Kind::ExpandSz,
            },
            text: after.text().unwrap_or_default().to_owned(),
        });
    }
    if let Some(kind) = now.not_a_string() {
        return Err(failure(format!(
            "{} is a {} value, not a string; not modifying it",
            user_path::PLACE,
            kind.name()
        )));
    }
    let lookup = |name: &str| m.process.var(name);
    let same = |dir: String| {
        move |s: &str| {
            crate::platform::windows_env::same_dir(
                &crate::platform::windows_env::expand(s, &lookup),
                &dir,
            )
        }
    };
    let front = front.map(|d| d.display().to_string());
    let back = back.map(|d| d.display().to_string());
    let is_front = same(front.clone().unwrap_or_default());
    let is_back = same(back.clone().unwrap_or_default());
    let change = now.for_doctor(
        front
            .as_deref()
            .map(|f| (f, &is_front as &dyn Fn(&str) -> bool)),
        back.as_deref()
            .map(|b| (b, &is_back as &dyn Fn(&str) -> bool)),
    );
    let Some(change) = change else {
        return Ok(());
    };
    plan.said.extend(change.said.into_iter().map(|s| (s, None)));
    for edit in change.edits {
        match planned_value(plan, &edit.key, &edit.name) {
            Some(earlier) => earlier.after = edit.after,
            None => plan.edits.push(Edit::Registry(edit)),
        }
    }
    Ok(())
}

/// The edit of `HKCU\<key>\<name>` the plan already holds.
fn planned_value<'a>(plan: &'a mut Plan, key: &str, name: &str) -> Option<&'a mut RegistryEdit> {
    plan.edits.iter_mut().find_map(|e| match e {
        Edit::Registry(value)
            if value.key.eq_ignore_ascii_case(key) && value.name.eq_ignore_ascii_case(name) =>
        {
            Some(value)
        }
        _ => None,
    })
}

/// The plan as `--dry-run` prints it.
pub fn describe(m: &Snapshot, plan: &Plan) -> String {
    if plan.edits.is_empty() && plan.steps.is_empty() && plan.errors.is_empty() {
        return "gvx doctor --fix --dry-run: nothing to change\n".to_owned();
    }
    let mut out = String::from("gvx doctor --fix would make these changes (nothing is written):\n");
    for (change, _) in &plan.said {
        out.push_str(&format!("  {change}\n"));
    }
    for step in &plan.steps {
        match step {
            Step::Reshim => out.push_str(&format!(
                "  recreate the shims in {}\n",
                m.show(&m.store().bin_dir())
            )),
            Step::Reinstall { spec, gobin, .. } => out.push_str(&format!(
                "  reinstall {spec} into {} and move the SDK's copy out\n",
                m.show(gobin)
            )),
        }
    }
    out.push_str(&environment::edit::describe(&plan.edits, &|p| m.show(p)));
    for error in &plan.errors {
        out.push_str(&format!("cannot change: {error}\n"));
    }
    out
}
