use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::manifest::{self, Comparison};
use crate::provenance::{self, Provenance};
use crate::report;
use crate::source::proxy::modzip;
use gvx_shims::GoVersion;
use serde_json::json;
use std::process::ExitCode;

/// Re-check installed SDKs against what they were verified with at install.
///
/// Every file is hashed again and compared with the manifest recorded at install; an SDK
/// from a Go module proxy is also hashed as its module (`h1:`) and compared with the hash
/// the checksum database proved. Exits 5 when an SDK does not match.
#[derive(Debug, clap::Args)]
pub struct Verify {
    /// `1.22.10` (or `1.22` for every installed 1.22.x); all installed SDKs when left out.
    #[arg(value_name = "VERSION")]
    pub versions: Vec<String>,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

/// One SDK's result.
struct Outcome {
    version: GoVersion,
    provenance: Option<Provenance>,
    problem: Option<String>,
    files: usize,
}

impl Verify {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let installed = crate::storefs::installed(&cx.store)?;
        let mut versions = Vec::new();
        for text in &self.versions {
            let request = super::parse_request(text)?;
            let matching: Vec<_> = installed.iter().filter(|v| request.matches(v)).collect();
            if matching.is_empty() {
                return Err(
                    Error::new(Exit::NotFound, format!("Go {request} is not installed"))
                        .hint("`gvx list` shows the installed SDKs"),
                );
            }
            versions.extend(matching);
        }
        if self.versions.is_empty() {
            versions = installed.iter().collect();
        }
        let outcomes: Vec<Outcome> = versions
            .into_iter()
            .map(|v| check(cx, *v))
            .collect::<Result<_>>()?;
        let failed = outcomes.iter().filter(|o| o.problem.is_some()).count();
        if self.json {
            let items: Vec<_> = outcomes
                .iter()
                .map(|o| {
                    json!({
                        "version": o.version.to_string(),
                        "ok": o.problem.is_none(),
                        "problem": o.problem,
                        "files": o.files,
                        "source": o.provenance.as_ref().map(Provenance::source),
                        "verification": o.provenance.as_ref().map(Provenance::verification),
                    })
                })
                .collect();
            report::out(&serde_json::to_string_pretty(&items).unwrap_or_default());
        } else if outcomes.is_empty() {
            cx.status("no Go SDKs installed");
        } else {
            let mut text = String::new();
            for o in &outcomes {
                let mut from = o.provenance.as_ref().map_or_else(
                    || "provenance not recorded".to_owned(),
                    Provenance::describe,
                );
                if let Some(shared) = cx.store.find(&o.version).and_then(|s| s.shared) {
                    from.push_str(&format!(" (shared store {})", shared.display()));
                }
                match &o.problem {
                    None => text.push_str(&format!(
                        "{}: ok, {} files as installed; {from}\n",
                        o.version.name(),
                        o.files
                    )),
                    Some(problem) => {
                        text.push_str(&format!("{}: FAILED: {problem}\n", o.version.name()))
                    }
                }
            }
            report::out(&text);
        }
        if failed == 0 {
            return Ok(ExitCode::SUCCESS);
        }
        Err(Error::new(
            Exit::Verification,
            format!(
                "{failed} of {} SDKs do not match what was verified at install",
                outcomes.len()
            ),
        )
        .hint("reinstall them with `gvx install --force <version>`"))
    }
}

fn check(cx: &Context, version: GoVersion) -> Result<Outcome> {
    let found = cx.sdk(&version)?;
    let sdk = found.root.clone();
    // The records live in the store the SDK is in, shared or the user's.
    let records = found.store();
    let provenance = provenance::read(&records, &version);
    let recorded = match manifest::read(&records, &version) {
        Ok(Some(files)) => files,
        Ok(None) => {
            return Ok(Outcome {
                version,
                provenance,
                files: 0,
                problem: Some(format!(
                    "no manifest was recorded at install ({} is missing: installed by an older gvx)",
                    manifest::path(&records, &version).display()
                )),
            });
        }
        Err(e) => {
            return Ok(Outcome {
                version,
                provenance,
                files: 0,
                problem: Some(format!("the manifest cannot be read: {e}")),
            });
        }
    };
    let now = manifest::scan(&sdk, &manifest::hash_file)
        .map_err(|e| crate::storefs::read_error(&sdk, e))?;
    let comparison = manifest::compare(&recorded, &now);
    let mut problem = describe(&comparison);
    if problem.is_none()
        && let Some((module, h1)) = provenance.as_ref().and_then(Provenance::proven_module)
    {
        let tree = modzip::tree_hash(module, now.iter().map(|f| (&*f.name, &*f.sha256)));
        if tree != h1 {
            problem = Some(format!(
                "the tree hashes as {tree}, not {h1} as proven at install"
            ));
        }
    }
    Ok(Outcome {
        version,
        provenance,
        files: comparison.files,
        problem,
    })
}

/// What a comparison found, in a sentence; `None` when the tree is as installed.
fn describe(c: &Comparison) -> Option<String> {
    if c.is_intact() {
        return None;
    }
    let list = |what: &str, names: &[String]| {
        (!names.is_empty()).then(|| {
            let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
            let more = names.len().saturating_sub(5);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!("{} {what} ({}{more})", names.len(), shown.join(", "))
        })
    };
    let parts: Vec<String> = [
        list("changed", &c.changed),
        list("missing", &c.missing),
        list("added", &c.added),
    ]
    .into_iter()
    .flatten()
    .collect();
    Some(format!("files {}", parts.join(", ")))
}
