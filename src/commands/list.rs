use crate::context::Context;
use crate::error::Result;
use crate::provenance::{self, Provenance};
use crate::report;
use gvx_shims::select::Outcome;
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
        let installed = cx.store.installed()?;
        let default = cx.store.read_default()?;
        // A broken pin must not hide the list: the active marker is simply left out.
        let active = super::selection(cx).ok().and_then(|s| match s.outcome {
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
                .map(|v| {
                    let provenance = provenance::read(&cx.store, v);
                    json!({
                        "version": v.to_string(),
                        "path": cx.store.sdk(v),
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
        for version in installed.iter().rev() {
            let mark = match &active {
                Some((a, why)) if a == version => format!("* {version}  ({why})"),
                _ if default.as_deref() == Some(version.to_string().as_str()) => {
                    format!("  {version}  (default)")
                }
                _ => format!("  {version}"),
            };
            text.push_str(&mark);
            // The official archive is the norm; a module-proxy install says so.
            if let Some(p @ Provenance::Proxy { .. }) = provenance::read(&cx.store, version) {
                text.push_str(&format!("  [from proxy {}]", p.source_url()));
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
        let installed = cx.store.installed()?;
        let index = cx.index()?;
        let releases: Vec<_> = index
            .releases
            .iter()
            .filter(|r| r.archive.is_some() && (self.all || r.stable))
            .filter(|r| match &filter {
                Some(gvx_shims::VersionRequest::Line(major, minor)) => {
                    r.version.line() == (*major, *minor)
                }
                Some(request) => request.matches(&r.version),
                None => true,
            })
            .collect();
        if self.json {
            let items: Vec<_> = releases
                .iter()
                .map(|r| {
                    let archive = r.archive.as_ref();
                    json!({
                        "version": r.version.to_string(),
                        "stable": r.stable,
                        "installed": installed.contains(&r.version),
                        "filename": archive.map(|a| a.filename.clone()),
                        "sha256": archive.and_then(|a| a.sha256.clone()),
                    })
                })
                .collect();
            report::out(&serde_json::to_string_pretty(&items).unwrap_or_default());
            return Ok(ExitCode::SUCCESS);
        }
        let mut text = String::new();
        for release in releases {
            let note = if installed.contains(&release.version) {
                "  (installed)"
            } else {
                ""
            };
            text.push_str(&format!("{}{note}\n", release.version));
        }
        report::out(&text);
        Ok(ExitCode::SUCCESS)
    }
}
