use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::provenance::{self, Provenance};
use crate::report;
use crate::source::proxy::{self, settings::Settings};
use gvx_shims::goenv::GoEnv;
use gvx_shims::select::Outcome;
use gvx_shims::{GoVersion, VersionRequest};
use serde_json::json;
use std::process::ExitCode;

/// List installed SDKs, or with --remote the releases in the download index.
#[derive(Debug, clap::Args)]
pub struct List {
    /// List releases from the download index instead of installed SDKs.
    #[arg(long)]
    pub remote: bool,
    /// With --remote: only releases matching this, e.g. `1.22`.
    #[arg(value_name = "VERSION", requires = "remote")]
    pub filter: Option<String>,
    /// With --remote: include release candidates and betas.
    #[arg(long, requires = "remote")]
    pub all: bool,
    /// With --remote: fetch the index even if the cached copy is fresh.
    #[arg(long, requires = "remote")]
    pub refresh: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

impl List {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        if self.remote {
            return self.remote(cx);
        }
        let installed = crate::storefs::sdks(&cx.store)?;
        let default = crate::default::read(&cx.store)?;
        // A broken pin must not hide the list: the active marker is simply left out.
        let active = cx.selection().ok().and_then(|s| match s.outcome {
            Outcome::Run(v) => Some((
                v,
                s.raised
                    .map_or_else(|| s.source.to_string(), |r| r.to_string()),
            )),
            Outcome::Install(_) => None,
        });
        if self.json {
            let items: Vec<_> = installed
                .iter()
                .rev()
                .map(|sdk| {
                    let v = &sdk.version;
                    let provenance = provenance::read(&sdk.store(), v);
                    json!({
                        "version": v.to_string(),
                        "path": sdk.root,
                        "shared_store": sdk.shared,
                        "default": default.as_deref() == Some(v.to_string().as_str()),
                        "active": active.as_ref().is_some_and(|(a, _)| a == v),
                        "source": provenance.as_ref().map(Provenance::source),
                        "verification": provenance.as_ref().map(Provenance::verification),
                    })
                })
                .collect();
            report::out(&serde_json::to_string_pretty(&items).unwrap_or_default());
            return Ok(ExitCode::SUCCESS);
        }
        if installed.is_empty() {
            cx.status("no Go SDKs installed; `gvx install latest` installs the newest");
            return Ok(ExitCode::SUCCESS);
        }
        let mut text = String::new();
        for sdk in installed.iter().rev() {
            let version = &sdk.version;
            let mark = match &active {
                Some((a, why)) if a == version => format!("* {version}  ({why})"),
                _ if default.as_deref() == Some(version.to_string().as_str()) => {
                    format!("  {version}  (default)")
                }
                _ => format!("  {version}"),
            };
            text.push_str(&mark);
            // The official archive is the norm; a module-proxy install or an adopted SDK says so.
            if let Some(note) = provenance::read(&sdk.store(), version).and_then(|p| p.note()) {
                text.push_str(&format!("  [{note}]"));
            }
            if let Some(shared) = &sdk.shared {
                text.push_str(&format!("  [shared store {}]", shared.display()));
            }
            text.push('\n');
        }
        report::out(&text);
        Ok(ExitCode::SUCCESS)
    }

    fn remote(&self, cx: &Context) -> Result<ExitCode> {
        let filter = self
            .filter
            .as_deref()
            .map(super::parse_request)
            .transpose()?;
        let installed = crate::storefs::installed(&cx.store)?;
        // Each release: its version, whether it is stable, and what the source adds to --json.
        let releases: Vec<(GoVersion, bool, serde_json::Value)> = match cx.index() {
            Ok(index) => index
                .releases
                .iter()
                .filter_map(|r| {
                    let archive = r.archive.as_ref()?;
                    let extra = json!({"filename": archive.filename, "sha256": archive.sha256});
                    Some((r.version, r.stable, extra))
                })
                .collect(),
            Err(e) if e.exit() == Exit::Network => proxy_releases(cx, e)?,
            Err(e) => return Err(e),
        };
        let shown = releases.into_iter().filter(|(version, stable, _)| {
            (self.all || *stable)
                && match &filter {
                    Some(VersionRequest::Line(major, minor)) => version.line() == (*major, *minor),
                    Some(request) => request.matches(version),
                    None => true,
                }
        });
        if self.json {
            let items: Vec<_> = shown
                .map(|(version, stable, mut item)| {
                    item["version"] = json!(version.to_string());
                    item["stable"] = json!(stable);
                    item["installed"] = json!(installed.contains(&version));
                    item
                })
                .collect();
            report::out(&serde_json::to_string_pretty(&items).unwrap_or_default());
            return Ok(ExitCode::SUCCESS);
        }
        let mut text = String::new();
        for (version, _, _) in shown {
            let note = if installed.contains(&version) {
                "  (installed)"
            } else {
                ""
            };
            text.push_str(&format!("{version}{note}\n"));
        }
        report::out(&text);
        Ok(ExitCode::SUCCESS)
    }
}

/// `--remote` when the index cannot be reached: the releases the Go module proxy lists as
/// `golang.org/toolchain` versions for this platform (what `--source proxy` installs), newest
/// first. When the proxy cannot be had either, the index's error is the one reported.
fn proxy_releases(
    cx: &Context,
    index_error: Error,
) -> Result<Vec<(GoVersion, bool, serde_json::Value)>> {
    let Ok((versions, url)) = Settings::load(&GoEnv::load()).and_then(|s| proxy::available(cx, &s))
    else {
        return Err(index_error);
    };
    report::warn(&format!(
        "{}; listing what the Go module proxy has instead ({url})",
        index_error.message()
    ));
    Ok(versions
        .into_iter()
        .rev()
        .map(|v| (v, !v.is_prerelease(), json!({"source": "proxy"})))
        .collect())
}
