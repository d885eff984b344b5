use crate::context::Context;
use crate::error::Result;
use crate::prune::{self, Plan};
use crate::report;
use serde_json::json;
use std::process::ExitCode;

/// Remove SDKs superseded by a newer installed patch of their line.
///
/// Keeps the global default, what the current directory selects, the newest installed patch
/// of each line, adopted SDKs and everything in shared stores; says why each one stays.
#[derive(Debug, clap::Args)]
pub struct Prune {
    /// Say what would be removed, and remove nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print what was (or would be) removed and kept, and why, as JSON.
    #[arg(long)]
    pub json: bool,
}

impl Prune {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let plan = prune::plan_here(cx, None, &prune::Assumed::default())?;
        if !self.dry_run {
            prune::carry_out(cx, &plan)?;
        }
        if self.json {
            report::out(
                &serde_json::to_string_pretty(&to_json(&plan, self.dry_run)).unwrap_or_default(),
            );
        } else {
            report::out(&describe(&plan, self.dry_run));
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// The plan as `gvx prune` and `gvx upgrade --prune` print it.
pub fn describe(plan: &Plan, dry_run: bool) -> String {
    let mut text = String::new();
    if plan.remove.is_empty() {
        text.push_str("nothing to prune\n");
    }
    for (version, why) in &plan.remove {
        let verb = if dry_run { "would remove" } else { "removed" };
        text.push_str(&format!("{verb} {} ({why})\n", version.name()));
    }
    if !plan.keep.is_empty() {
        text.push_str("kept:\n");
        for (version, why) in &plan.keep {
            text.push_str(&format!("  {version}  {why}\n"));
        }
    }
    text
}

pub fn to_json(plan: &Plan, dry_run: bool) -> serde_json::Value {
    let list = |items: &[(gvx_shims::GoVersion, prune::Reason)]| {
        items
            .iter()
            .map(|(v, why)| json!({"version": v.to_string(), "reason": why.to_string()}))
            .collect::<Vec<_>>()
    };
    json!({
        "dry_run": dry_run,
        "removed": list(&plan.remove),
        "kept": list(&plan.keep),
    })
}
