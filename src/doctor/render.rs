//! The report as text: the full human report, `--quiet` (problems only, nothing when all is
//! well), and `--json`.

use super::model::{Check, Fix, Item, Report, Source, Status};
use crate::environment::Snapshot;

/// One indented line; the terminal wraps it, so each stays one line for grep.
fn wrap(text: &str, indent: usize, out: &mut String) {
    out.push_str(&format!("{}{text}\n", " ".repeat(indent)));
}

fn fix_text(fix: &Fix) -> String {
    let tag = if fix.automatic {
        " [--fix]"
    } else if fix.elevated {
        " [elevated prompt]"
    } else {
        ""
    };
    format!("fix{tag}: {}", fix.description)
}

fn item(m: &Snapshot, item: &Item, out: &mut String) {
    let mark = match item.status {
        Status::Ok => "-",
        Status::Warn => "!",
        Status::Fail => "x",
    };
    out.push_str(&format!("      {mark} {}\n", item.message));
    for evidence in &item.evidence {
        let source = m.describe(&evidence.source);
        let same = match &evidence.source {
            Source::Disk { path } => evidence.value == path.display().to_string(),
            _ => evidence.value == source,
        };
        if same {
            out.push_str(&format!("          [{source}]\n"));
        } else {
            // Evidence quotes start-up files and env files as found: shown escaped.
            let value = gvx_shims::text::untrusted_up_to(&evidence.value, 1000);
            out.push_str(&format!("          {value}  [{source}]\n"));
        }
    }
    if let Some(detail) = &item.detail {
        wrap(detail, 8, out);
    }
    if let Some(fix) = &item.fix {
        wrap(&fix_text(fix), 8, out);
        if let Some(command) = &fix.command {
            out.push_str(&format!("            {command}\n"));
        }
    }
}

fn check(m: &Snapshot, check: &Check, out: &mut String) {
    out.push_str(&format!(
        "{:<5} {}: {}\n",
        check.status.label(),
        check.title,
        check.summary
    ));
    for it in &check.items {
        item(m, it, out);
    }
}

/// The full report.
pub fn human(m: &Snapshot, report: &Report) -> String {
    let mut out = String::new();
    if let Some(fixed) = &report.fixed {
        if fixed.is_empty() && report.fix_errors.is_empty() {
            out.push_str("gvx doctor --fix: nothing to change\n\n");
        } else {
            if !fixed.is_empty() {
                out.push_str("gvx doctor --fix changed:\n");
            }
            let mut shown: Vec<&std::path::PathBuf> = Vec::new();
            for applied in fixed {
                out.push_str(&format!("  {}\n", applied.change));
                if let Some(backup) = applied.backup.as_ref().filter(|b| !shown.contains(b)) {
                    out.push_str(&format!("    backup: {}\n", m.show(backup)));
                    shown.push(backup);
                }
            }
            if !fixed.is_empty() {
                out.push_str("  open a new terminal: running shells keep their old environment\n");
            }
            if !report.fix_errors.is_empty() {
                out.push_str("gvx doctor --fix could not change:\n");
            }
            for error in &report.fix_errors {
                out.push_str(&format!("  {error}\n"));
            }
            out.push('\n');
        }
    }
    match &report.selected {
        Some(selected) => out.push_str(&format!(
            "gvx doctor: go{}{} selected here ({})\n\n",
            selected.version,
            if selected.installed {
                ""
            } else {
                " (not installed)"
            },
            selected.source
        )),
        None => out.push_str("gvx doctor: no Go version is selected here\n\n"),
    }
    for c in &report.checks {
        check(m, c, &mut out);
    }
    let auto = report.actions().len();
    let elevated = report
        .checks
        .iter()
        .flat_map(|c| c.problems())
        .filter(|i| i.fix.as_ref().is_some_and(|f| f.elevated))
        .count();
    out.push_str(&format!(
        "\n{} failed, {} warning{}, {} ok.",
        report.counts.fail,
        report.counts.warn,
        if report.counts.warn == 1 { "" } else { "s" },
        report.counts.ok
    ));
    if auto > 0 {
        out.push_str(&format!(
            " `gvx doctor --fix` makes the {auto} change{} marked [--fix].",
            if auto == 1 { "" } else { "s" }
        ));
    }
    if elevated > 0 {
        out.push_str(" Changes marked [elevated prompt] affect every user: run their commands as root or Administrator.");
    }
    out.push('\n');
    out
}

/// Problems only, one line each with its fix; empty when nothing is wrong.
pub fn quiet(report: &Report) -> String {
    let mut out = String::new();
    for check in &report.checks {
        for item in check.problems() {
            out.push_str(&format!(
                "gvx doctor: {} {}: {}\n",
                item.status.label(),
                check.title,
                item.message
            ));
            if let Some(fix) = &item.fix {
                out.push_str(&format!("  {}", fix_text(fix)));
                if let Some(command) = &fix.command {
                    out.push_str(&format!(": {command}"));
                }
                out.push('\n');
            }
        }
    }
    if let Some(fixed) = &report.fixed {
        for applied in fixed {
            out.push_str(&format!("gvx doctor --fix: {}\n", applied.change));
        }
    }
    out
}

pub fn json(report: &Report) -> String {
    serde_json::to_string_pretty(report).unwrap_or_default()
}
