//! Carrying out a `--fix` plan through the environment layer's writer, with one backups
//! directory and one journal per run, the steps that are not edits (shims, tool reinstalls),
//! and `--undo`, which takes the newest journal back.

use super::{Plan, Step, failure, one_line};
use crate::doctor::model::Applied;
use crate::environment::{self, Backups, Edit, Journal, Writer};
use crate::environment::{Snapshot, disk as machine};
use crate::error::Result;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where this run's backups and journal go: `<GVX_HOME>/backups/doctor-<time>[-n]`.
fn backup_dir(m: &Snapshot) -> PathBuf {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let base = m.store().home().join("backups");
    let mut dir = base.join(format!("doctor-{stamp}"));
    let mut n = 2;
    while dir.exists() {
        dir = base.join(format!("doctor-{stamp}-{n}"));
        n += 1;
    }
    dir
}

/// One run's writing: the backups directory and the journal.
pub struct Run {
    dir: PathBuf,
    journal: Journal,
}

impl Run {
    pub fn new(m: &Snapshot) -> Run {
        Run {
            dir: backup_dir(m),
            journal: Journal::default(),
        }
    }

    /// Carries out `plan`; returns what changed and what failed.
    pub fn apply(&mut self, m: &Snapshot, plan: Plan) -> (Vec<Applied>, Vec<String>) {
        let mut errors = plan.errors;
        let mut applied = Vec::new();
        let _lock = match crate::lock::lock(m.store()) {
            Ok(lock) => lock,
            Err(e) => {
                errors.push(format!("cannot lock the store: {}", one_line(&e)));
                return (applied, errors);
            }
        };
        let show = |p: &Path| m.show(p);
        let writer = Writer {
            name: "gvx doctor --fix",
            show: &show,
        };
        let home = m.home.clone().unwrap_or_default();
        let backups = Backups::new(self.dir.clone(), home, false);
        if !plan.edits.is_empty() {
            match environment::apply(&plan.edits, Some(&backups), &writer) {
                Ok(journal) => {
                    let copies = journal.backups();
                    self.journal.entries.extend(journal.entries);
                    for (change, file) in plan.said {
                        let backup = file.and_then(|f| {
                            let real = fs_err::canonicalize(&f).unwrap_or(f);
                            copies
                                .iter()
                                .find(|(p, _)| *p == real)
                                .map(|(_, b)| b.clone())
                        });
                        applied.push(Applied { change, backup });
                    }
                }
                Err(e) => {
                    errors.push(one_line(&e));
                    return (applied, errors);
                }
            }
        }
        for step in plan.steps {
            match self.step(m, &step, &writer) {
                Ok(Some(done)) => applied.push(done),
                Ok(None) => {}
                Err(e) => errors.push(one_line(&e)),
            }
        }
        if !self.journal.entries.is_empty()
            && let Err(e) = self.journal.save(&self.dir)
        {
            errors.push(one_line(&e));
        }
        (applied, errors)
    }

    fn step(&mut self, m: &Snapshot, step: &Step, writer: &Writer) -> Result<Option<Applied>> {
        match step {
            Step::Reshim => {
                crate::shimfarm::refresh(m.store())?;
                Ok(Some(Applied {
                    change: format!("recreated the shims in {}", m.show(&m.store().bin_dir())),
                    backup: None,
                }))
            }
            Step::Reinstall { tool, spec, gobin } => {
                if !tool.exists() {
                    return Ok(None);
                }
                if !gobin.is_dir() {
                    let journal = environment::apply(&[Edit::Dir(gobin.clone())], None, writer)?;
                    self.journal.entries.extend(journal.entries);
                }
                reinstall(m, tool, spec, gobin)?;
                let to = self
                    .dir
                    .join("sdk-tools")
                    .join(tool.strip_prefix(m.store().home()).unwrap_or(tool));
                let moved = Edit::Move {
                    from: tool.clone(),
                    to: to.clone(),
                };
                let journal = environment::apply(&[moved], None, writer)?;
                self.journal.entries.extend(journal.entries);
                Ok(Some(Applied {
                    change: format!(
                        "reinstalled {spec} into {} and moved the SDK's copy out",
                        m.show(gobin)
                    ),
                    backup: Some(to),
                }))
            }
        }
    }
}

/// `go install spec` into `gobin` with the selected SDK.
fn reinstall(m: &Snapshot, tool: &Path, spec: &str, gobin: &Path) -> Result<()> {
    let Some((_, root)) = m.sdk() else {
        return Err(failure(
            "no installed SDK is selected to run `go install` with",
        ));
    };
    let go = machine::go_in(&root.join("bin"));
    machine::run(
        &go,
        &["install", spec],
        &[("GOROOT", &root), ("GOBIN", gobin)],
        Duration::from_secs(600),
    )
    .map_err(|e| failure(format!("`go install {spec}` failed: {e}")))?;
    let name = tool.file_name().unwrap_or_default();
    if !gobin.join(name).is_file() {
        return Err(failure(format!(
            "`go install {spec}` did not put {} into {}",
            name.to_string_lossy(),
            m.show(gobin)
        )));
    }
    Ok(())
}

/// `gvx doctor --undo`: takes the last `--fix` run back. Returns what was restored.
pub fn undo(m: &Snapshot) -> Result<Vec<String>> {
    let Some(dir) = last_run(m) else {
        return Ok(Vec::new());
    };
    let show = |p: &Path| m.show(p);
    let journal = Journal::load(&dir, &show)?;
    let writer = Writer {
        name: "gvx doctor --undo",
        show: &show,
    };
    let _lock = crate::lock::lock(m.store())?;
    let edits = environment::undo(&journal, &writer)?;
    environment::apply(&edits, None, &writer)?;
    environment::apply::remove_created_dirs(&journal);
    Journal::mark_undone(&dir)?;
    let mut said: Vec<String> = edits
        .iter()
        .map(|e| match e {
            Edit::File(file) if file.after.is_none() => format!("removed {}", m.show(&file.path)),
            other => format!("restored {}", other.place(&show)),
        })
        .collect();
    said.extend(journal.entries.iter().filter_map(|e| match e {
        environment::apply::Entry::Dir(path) if !path.exists() => {
            Some(format!("removed {}", m.show(path)))
        }
        _ => None,
    }));
    Ok(said)
}

/// The newest `doctor-*` backups directory with a journal not undone yet.
fn last_run(m: &Snapshot) -> Option<PathBuf> {
    let base = m.store().home().join("backups");
    let mut runs: Vec<(u64, u64, PathBuf)> = fs_err::read_dir(&base)
        .ok()?
        .flatten()
        .filter(|e| e.path().join(environment::apply::JOURNAL).is_file())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix("doctor-")?;
            let (stamp, n) = rest.split_once('-').unwrap_or((rest, "1"));
            Some((stamp.parse().ok()?, n.parse().ok()?, e.path()))
        })
        .collect();
    runs.sort();
    runs.pop().map(|(_, _, path)| path)
}
