use crate::context::Context;
use crate::error::Result;
use crate::install::{self, Installed, Options};
use gvx_shims::select::Outcome;
use std::path::PathBuf;
use std::process::ExitCode;

/// Download, verify and install Go SDKs.
///
/// `1.22` installs the newest 1.22.x, `latest` the newest stable release, `1.23rc1` exactly
/// that. Without a version, installs what the current directory selects.
#[derive(Debug, clap::Args)]
pub struct Install {
    /// `1.22`, `1.22.10`, `go1.22.10`, `1.23rc1` or `latest`.
    #[arg(value_name = "VERSION", conflicts_with = "archive")]
    pub versions: Vec<String>,
    /// Reinstall even if already installed.
    #[arg(long)]
    pub force: bool,
    /// Fetch the download index even if the cached copy is fresh.
    #[arg(long)]
    pub refresh: bool,
    /// Install from an official archive on disk instead of downloading.
    #[arg(long, value_name = "FILE")]
    pub archive: Option<PathBuf>,
    /// The archive's sha256, for when no index can be had.
    #[arg(long, value_name = "HEX", requires = "archive")]
    pub sha256: Option<String>,
}

impl Install {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let options = Options { force: self.force };
        if let Some(archive) = &self.archive {
            report(
                cx,
                install::install_file(cx, archive, self.sha256.clone(), options)?,
            );
            return Ok(ExitCode::SUCCESS);
        }
        if self.versions.is_empty() {
            let selection = super::selection(cx)?;
            let request = match selection.outcome {
                Outcome::Install(request) => request,
                Outcome::Run(version) if self.force => gvx_shims::VersionRequest::Exact(version),
                Outcome::Run(version) => {
                    report(cx, Installed::Already(version));
                    return Ok(ExitCode::SUCCESS);
                }
            };
            report(cx, install::install(cx, &request, options)?);
            return Ok(ExitCode::SUCCESS);
        }
        let requests = self
            .versions
            .iter()
            .map(|v| super::parse_request(v))
            .collect::<Result<Vec<_>>>()?;
        for request in &requests {
            report(cx, install::install(cx, request, options)?);
        }
        Ok(ExitCode::SUCCESS)
    }
}

fn report(cx: &Context, installed: Installed) {
    if let Installed::Already(version) = installed {
        cx.status(&format!(
            "{} is already installed (--force reinstalls it)",
            version.name()
        ));
    }
}
