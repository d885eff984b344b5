//! Check 9: the gvx block in every shell's start-up files (through `gvx setup`'s own plan),
//! nothing after it that puts another Go ahead, and a session that did not read them.

use super::goroot::line_fix;
use super::model::{Action, Check, Fix, Item, Source};
use super::path::session_command;
use super::rc::Kind;
use crate::environment::Snapshot;
use crate::environment::shell_line::adds_shims;
use crate::environment::snapshot::{BlockFile, Blocks};
use crate::environment::{Site, block};
use crate::error::Error;
use crate::setup;

/// `gvx setup`'s plan for `site`, as data for the snapshot.
pub fn blocks(site: &Site) -> Result<Blocks, Error> {
    let plan = setup::plan(site, false)?;
    let lacking = plan
        .changes
        .iter()
        .filter(|c| c.target.summary.is_none())
        .map(|change| {
            let has_block = change
                .before
                .as_deref()
                .is_some_and(|b| matches!(block::find(b), Ok(Some(_))));
            BlockFile {
                path: change.path.clone(),
                reader: change.target.reader.clone(),
                state: match (&change.before, has_block) {
                    (None, _) => "missing",
                    (Some(_), true) => "gvx block out of date",
                    (Some(_), false) => "no gvx block",
                },
            }
        })
        .collect();
    let set_up = plan
        .unchanged
        .iter()
        .filter(|t| t.summary.is_none())
        .map(|target| BlockFile {
            path: target.path.clone(),
            reader: target.reader.clone(),
            state: "",
        })
        .collect();
    Ok(Blocks {
        lacking,
        set_up,
        skipped: plan.skipped,
    })
}

pub fn check(m: &Snapshot) -> Check {
    let mut check = Check::new("shells", "shell start-up files");
    if m.site.is_none() {
        check.push(Item::warn(
            "cannot find your home directory, so no start-up file was read",
        ));
        return check.summary("no home directory");
    }
    let (set_up, missing) = match &m.blocks {
        Some(Ok(blocks)) => blocks_items(m, blocks, &mut check),
        Some(Err(e)) => {
            check.push(
                Item::fail(e.message().to_owned())
                    .maybe_fix(e.hint_text().map(|h| Fix::manual(h, None))),
            );
            (0, 0)
        }
        None => (0, 0),
    };
    let late = late_lines(m, &mut check);
    let bin = m.store().bin_dir();
    if m.on_path(&bin).is_none() && set_up > 0 {
        let mut detail = "it was started without reading them: a terminal opened before `gvx setup`, `su` without `-`, an IDE or service with its own environment, cron, or an elevated prompt".to_owned();
        if m.process.var_os("SUDO_USER").is_some() {
            detail.push_str(". Under sudo, secure_path replaces PATH: run `sudo env \"PATH=$PATH\" …` or `sudo -i`");
        }
        check.push(
            Item::fail(format!(
                "this session's PATH lacks {}, although your start-up files add it",
                m.show(&bin)
            ))
            .evidence(
                m.process.var("PATH").unwrap_or_default(),
                Source::Environment,
            )
            .detail(detail)
            .fix(Fix::manual(
                "put the shims first in this session",
                Some(session_command(m.shell)),
            )),
        );
    }
    let summary = match (set_up, missing) {
        _ if late > 0 => format!("{late} line(s) put another Go ahead after the gvx block"),
        (0, 0) => "no start-up files to set up".to_owned(),
        (n, 0) => format!("gvx block in all {n} start-up files"),
        (_, n) => format!("{n} start-up file(s) without the gvx block"),
    };
    check.summary(summary)
}

/// The files with and without an up-to-date gvx block; returns how many of each.
fn blocks_items(m: &Snapshot, blocks: &Blocks, check: &mut Check) -> (usize, usize) {
    let in_session = m.on_path(&m.store().bin_dir());
    let manual = manual_setup(m);
    let lacking = &blocks.lacking;
    if !lacking.is_empty() {
        let message = match lacking.as_slice() {
            [one] => format!("no up-to-date gvx block in {}", m.show(&one.path)),
            many => format!("{} start-up files lack an up-to-date gvx block", many.len()),
        };
        let mut item = if in_session.is_some() && !manual.is_empty() {
            Item::ok(message).detail(
                "your start-up files put the shims on PATH themselves (`gvx env`, below); `gvx setup` would manage it for you",
            )
        } else if in_session.is_some() {
            Item::warn(message)
                .detail("this shell has the shims, but new shells that read these files will not")
        } else {
            Item::fail(message)
                .detail("new shells that read these files do not put the gvx shims on PATH")
        };
        for file in lacking {
            item = item.evidence(
                format!("{}: {}", file.state, file.reader),
                Source::Disk {
                    path: file.path.clone(),
                },
            );
        }
        for source in &manual {
            item = item.evidence("puts the shims on PATH", source.clone());
        }
        check.push(
            item.fix(
                Fix::auto(
                    "write the gvx block into each shell's start-up files (what `gvx setup` does; backups first)",
                    Action::Setup,
                )
                .command("gvx setup"),
            ),
        );
    }
    for file in &blocks.set_up {
        check.push(Item::ok(format!(
            "gvx block in {} ({})",
            m.show(&file.path),
            file.reader
        )));
    }
    for (path, why) in &blocks.skipped {
        check.push(Item::warn(format!("{}: {why}", m.show(path))));
    }
    (blocks.set_up.len(), lacking.len())
}

/// Lines after the gvx block that put another Go ahead of the shims; returns how many.
fn late_lines(m: &Snapshot, check: &mut Check) -> usize {
    let mut late = 0;
    for conflict in &m.rc.conflicts {
        let Kind::PathAhead(dir) = &conflict.kind else {
            continue;
        };
        if !super::rc::runs_late(m, &conflict.path, conflict.line) {
            continue;
        }
        late += 1;
        check.push(
            Item::fail(format!(
                "{} puts {dir} ahead of the gvx shims after the gvx block",
                m.describe(&conflict.source())
            ))
            .evidence(conflict.text.clone(), conflict.source())
            .detail("in shells that read this file, `go` is that SDK's")
            .fix(line_fix(
                m,
                &conflict.path,
                conflict.line,
                &conflict.text,
                conflict.scope,
            )),
        );
    }
    late
}

/// Lines outside any gvx block that put the shims on PATH by hand (`eval "$(gvx env)"`, or the
/// store's bin directory on a PATH line): users who chose `install.sh --no-modify-path`.
fn manual_setup(m: &Snapshot) -> Vec<Source> {
    let bin = m.store().bin_dir().display().to_string();
    let tilde = m.show(&m.store().bin_dir());
    let mut found = Vec::new();
    for file in
        m.rc.files
            .iter()
            .filter(|f| f.scope == super::model::Scope::User)
    {
        for (i, line) in file.lines.iter().enumerate() {
            let number = i + 1;
            if !file.in_block(number) && adds_shims(line, &[&bin, &tilde]) {
                found.push(Source::File {
                    path: file.path.clone(),
                    line: number,
                    scope: file.scope,
                });
            }
        }
    }
    found
}
