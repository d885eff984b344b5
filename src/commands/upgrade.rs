use crate::context::{Context, working_dir};
use crate::error::{Error, Exit, Result};
use crate::install::{self, Options};
use crate::prune::{self, Assumed};
use crate::upgrade::{self, StalePin, Step};
use crate::{default, report};
use gvx_shims::{GoVersion, VersionRequest};
use serde_json::json;
use std::process::ExitCode;

/// Install the newest patch of each installed line (or of the lines named).
///
/// The global default moves along when it was on an upgraded line; pins (`.go-version`,
/// `.tool-versions`) under the current directory that still name an older patch are listed.
/// The old patches stay installed until `gvx prune` (or `--prune`).
#[derive(Debug, clap::Args)]
pub struct Upgrade {
    /// Lines to upgrade, e.g. `1.22`; every installed line when left out.
    #[arg(value_name = "LINE")]
    pub lines: Vec<String>,
    /// Then remove the patches the upgrade superseded (as `gvx prune` would, on these lines).
    #[arg(long)]
    pub prune: bool,
    /// Say what would be installed, moved and removed, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the lines, the default, the stale pins (and what was pruned) as JSON.
    #[arg(long)]
    pub json: bool,
}

impl Upgrade {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let named = self
            .lines
            .iter()
            .map(|text| line_of(text))
            .collect::<Result<Vec<_>>>()?;
        let installed = crate::storefs::installed(&cx.store)?;
        let lines = upgrade::lines(&named, &installed);
        if lines.is_empty() {
            cx.status("no Go SDKs installed, so nothing to upgrade; `gvx install latest` installs the newest");
            return Ok(ExitCode::SUCCESS);
        }
        let index = cx.index()?;
        let mut steps = Vec::new();
        for line in &lines {
            match index.resolve(&VersionRequest::Line(line.0, line.1)) {
                Some(release) => steps.push(upgrade::step(*line, release.version, &installed)),
                None if named.contains(line) => {
                    return Err(Error::new(
                        Exit::NotFound,
                        format!(
                            "the download index ({}) has no stable {}.{} release for this platform",
                            index.url, line.0, line.1
                        ),
                    )
                    .hint("`gvx list --remote` shows the releases there"));
                }
                None => cx.status(&format!(
                    "{}.{}: no stable release in the index yet; left as it is",
                    line.0, line.1
                )),
            }
        }
        let default_before = default::read_version(&cx.store)?;
        let default_after = default_before.and_then(|d| {
            steps
                .iter()
                .find(|s| s.line == d.line() && d < s.to)
                .map(|s| s.to)
        });
        if !self.dry_run {
            for step in steps.iter().filter(|s| s.is_upgrade()) {
                install::install(cx, &VersionRequest::Exact(step.to), Options::default())?;
            }
            if let Some(to) = default_after {
                default::set(&cx.store, &to)?;
            }
        }
        let stale = upgrade::stale_pins(&working_dir()?, &steps);
        let pruned = if self.prune {
            let upgraded: Vec<(u64, u64)> = steps.iter().map(|s| s.line).collect();
            let assumed = Assumed {
                installed: steps.iter().map(|s| s.to).collect(),
                default: default_after,
            };
            let plan = prune::plan_here(cx, Some(&upgraded), &assumed)?;
            if !self.dry_run {
                prune::carry_out(cx, &plan)?;
            }
            Some(plan)
        } else {
            None
        };
        if self.json {
            let value = json!({
                "dry_run": self.dry_run,
                "lines": steps.iter().map(|s| json!({
                    "line": format!("{}.{}", s.line.0, s.line.1),
                    "from": s.from.map(|v| v.to_string()),
                    "to": s.to.to_string(),
                    "upgraded": s.is_upgrade(),
                })).collect::<Vec<_>>(),
                "default": default_after.map(|to| json!({
                    "from": default_before.map(|v| v.to_string()),
                    "to": to.to_string(),
                })),
                "stale_pins": stale.iter().map(|p| json!({
                    "file": p.file,
                    "line": p.line,
                    "pinned": p.pinned.to_string(),
                    "newest": p.newest.to_string(),
                })).collect::<Vec<_>>(),
                "pruned": pruned.as_ref().map(|plan| super::prune::to_json(plan, self.dry_run)),
            });
            report::out(&serde_json::to_string_pretty(&value).unwrap_or_default());
        } else {
            let text = describe(
                &steps,
                (default_before, default_after),
                &stale,
                self.dry_run,
                self.prune,
            );
            let text = match &pruned {
                Some(plan) => text + &super::prune::describe(plan, self.dry_run),
                None => text,
            };
            report::out(&text);
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// `1.22` → (1, 22); anything else is a usage error.
fn line_of(text: &str) -> Result<(u64, u64)> {
    match super::parse_request(text)? {
        VersionRequest::Line(major, minor) => Ok((major, minor)),
        _ => Err(Error::new(
            Exit::Usage,
            format!(
                "gvx upgrade takes release lines such as `1.22`, not `{}`",
                gvx_shims::text::untrusted(text)
            ),
        )
        .hint("to install one release exactly, run `gvx install <version>`")),
    }
}

fn describe(
    steps: &[Step],
    (default_before, default_after): (Option<GoVersion>, Option<GoVersion>),
    stale: &[StalePin],
    dry_run: bool,
    pruning: bool,
) -> String {
    let mut text = String::new();
    for step in steps {
        let (major, minor) = step.line;
        match step.from {
            _ if !step.is_upgrade() => text.push_str(&format!(
                "{major}.{minor}: {} is the newest {major}.{minor}.x\n",
                step.to.name()
            )),
            Some(from) => text.push_str(&format!(
                "{major}.{minor}: {} → {}{}\n",
                from.name(),
                step.to.name(),
                if dry_run { " (would install)" } else { "" }
            )),
            None => text.push_str(&format!(
                "{major}.{minor}: {}{}\n",
                step.to.name(),
                if dry_run {
                    " (would install)"
                } else {
                    " installed"
                }
            )),
        }
    }
    if let (Some(from), Some(to)) = (default_before, default_after) {
        let verb = if dry_run { "would move" } else { "moved" };
        text.push_str(&format!(
            "the global default {verb} from {} to {}\n",
            from.name(),
            to.name()
        ));
    }
    if !stale.is_empty() {
        text.push_str("pins that still name an older patch:\n");
        for pin in stale {
            text.push_str(&format!(
                "  {}:{}  {} (newest {}; `gvx use {} --project` in that directory updates it)\n",
                pin.file.display(),
                pin.line,
                pin.pinned,
                pin.newest,
                pin.newest
            ));
        }
    }
    let kept: Vec<String> = steps
        .iter()
        .filter(|s| s.is_upgrade())
        .filter_map(|s| s.from)
        .map(|v| v.name())
        .collect();
    if !kept.is_empty() && !pruning {
        text.push_str(&format!(
            "{} stay{} installed until `gvx prune` (or `gvx upgrade --prune`)\n",
            kept.join(", "),
            if kept.len() == 1 { "s" } else { "" }
        ));
    }
    text
}
