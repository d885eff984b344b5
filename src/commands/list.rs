use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::provenance::{self, Provenance};
use crate::report;
use crate::toolchain::{self, settings::Settings};
use gvx_shims::GoVersion;
use gvx_shims::goenv::GoEnv;
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
        let index = match cx.index() {
            Ok(index) => index,
            Err(e) if e.exit() == Exit::Network => {
                return self.remote_from_proxy(cx, e, &installed);
            }
            Err(e) => return Err(e),
        };
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

    /// `--remote` when the index cannot be reached: the releases the Go module proxy lists as
    /// `golang.org/toolchain` versions for this platform (what `--source proxy` installs).
    /// When the proxy cannot be had either, the index's error is the one reported.
    fn remote_from_proxy(
        &self,
        cx: &Context,
        index_error: Error,
        installed: &[GoVersion],
    ) -> Result<ExitCode> {
        let Ok((versions, url)) =
            Settings::load(&GoEnv::load()).and_then(|s| toolchain::available(cx, &s))
        else {
            return Err(index_error);
        };
        report::warn(&format!(
            "{}; listing what the Go module proxy has instead ({url})",
            index_error.message()
        ));
        let filter = self
            .filter
            .as_deref()
            .map(super::parse_request)
            .transpose()?;
        let shown: Vec<&GoVersion> = versions
            .iter()
            .rev()
            .filter(|v| self.all || !v.is_prerelease())
            .filter(|v| filter.as_ref().is_none_or(|r| r.matches(v)))
            .collect();
        if self.json {
            let items: Vec<_> = shown
                .iter()
                .map(|v| {
                    json!({
                        "version": v.to_string(),
                        "stable": !v.is_prerelease(),
                        "installed": installed.contains(v),
                        "source": "proxy",
                    })
                })
                .collect();
            report::out(&serde_json::to_string_pretty(&items).unwrap_or_default());
            return Ok(ExitCode::SUCCESS);
        }
        let mut text = String::new();
        for version in shown {
            let note = if installed.contains(version) {
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
