//! Check 9: the gvx block in every shell's start-up files (through `gvx setup`'s own plan),
//! nothing after it that puts another Go ahead, and a session that did not read them.

use super::goroot::line_fix;
use super::machine::Machine;
use super::model::{Action, Check, Fix, Item, Source};
use super::path::session_command;
use super::rc::Kind;
use crate::environment::block;
use crate::setup;

pub fn check(m: &Machine) -> Check {
    let mut check = Check::new("shells", "shell start-up files");
    let Some(site) = &m.site else {
        check.push(Item::warn(
            "cannot find your home directory, so no start-up file was read",
        ));
        return check.summary("no home directory");
    };
    let bin = m.store().bin_dir();
    let in_session = m.on_path(&bin);
    let setup_fix = || {
        Fix::auto(
            "write the gvx block into each shell's start-up files (what `gvx setup` does; backups first)",
            Action::Setup,
        )
        .command("gvx setup")
    };
    let manual = manual_setup(m);
    let mut set_up = 0;
    let mut missing = 0;
    let mut late = 0;
    match setup::plan(site, false) {
        Err(e) => check.push(
            Item::fail(e.message().to_owned())
                .maybe_fix(e.hint_text().map(|h| Fix::manual(h, None))),
        ),
        Ok(plan) => {
            let lacking: Vec<_> = plan
                .changes
                .iter()
                .filter(|c| c.target.summary.is_none())
                .collect();
            missing = lacking.len();
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
                    Item::warn(message).detail(
                        "this shell has the shims, but new shells that read these files will not",
                    )
                } else {
                    Item::fail(message)
                        .detail("new shells that read these files do not put the gvx shims on PATH")
                };
                for change in lacking {
                    let has_block = change
                        .before
                        .as_deref()
                        .is_some_and(|b| matches!(block::find(b), Ok(Some(_))));
                    let state = match (&change.before, has_block) {
                        (None, _) => "missing",
                        (Some(_), true) => "gvx block out of date",
                        (Some(_), false) => "no gvx block",
                    };
                    item = item.evidence(
                        format!("{state}: {}", change.target.reader),
                        Source::Disk {
                            path: change.path.clone(),
                        },
                    );
                }
                for source in &manual {
                    item = item.evidence("puts the shims on PATH", source.clone());
                }
                check.push(item.fix(setup_fix()));
            }
            for target in plan.unchanged.iter().filter(|t| t.summary.is_none()) {
                set_up += 1;
                check.push(Item::ok(format!(
                    "gvx block in {} ({})",
                    m.show(&target.path),
                    target.reader
                )));
            }
            for (path, why) in &plan.skipped {
                check.push(Item::warn(format!("{}: {why}", m.show(path))));
            }
        }
    }
    for conflict in &m.rc.conflicts {
        let Kind::PathAhead(dir) = &conflict.kind else {
            continue;
        };
        if !m.rc.runs_late(m, &conflict.path, conflict.line) {
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
    if in_session.is_none() && set_up > 0 {
        let mut detail = "it was started without reading them: a terminal opened before `gvx setup`, `su` without `-`, an IDE or service with its own environment, cron, or an elevated prompt".to_owned();
        if std::env::var_os("SUDO_USER").is_some() {
            detail.push_str(". Under sudo, secure_path replaces PATH: run `sudo env \"PATH=$PATH\" …` or `sudo -i`");
        }
        check.push(
            Item::fail(format!(
                "this session's PATH lacks {}, although your start-up files add it",
                m.show(&bin)
            ))
            .evidence(
                std::env::var("PATH").unwrap_or_default(),
                Source::Environment,
            )
            .detail(detail)
            .fix(Fix::manual(
                "put the shims first in this session",
                Some(session_command()),
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

/// Lines outside any gvx block that put the shims on PATH by hand (`eval "$(gvx env)"`, or the
/// store's bin directory on a PATH line): users who chose `install.sh --no-modify-path`.
fn manual_setup(m: &Machine) -> Vec<Source> {
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
            let text = line.trim();
            let in_block = file.block.is_some_and(|(a, b)| (a..=b).contains(&number));
            if in_block || text.starts_with('#') {
                continue;
            }
            let by_hand = text.contains("gvx env")
                || (text.contains("PATH") && (text.contains(&bin) || text.contains(&tilde)));
            if by_hand {
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
