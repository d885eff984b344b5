use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::install::{self, Installed, Options};
use crate::provenance::{self, Provenance};
use crate::report;
use crate::source::Source;
use gvx_shims::select::Outcome;
use serde_json::json;
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
    /// Where to download from: `dl` (the official archive, verified against the download
    /// index), `proxy` (the golang.org/toolchain module from GOPROXY, proven by the checksum
    /// database GOSUMDB), or `auto`: dl, and the proxy when dl cannot be reached. Not used
    /// with --archive.
    #[arg(long, value_enum, env = "GVX_GO_SOURCE", default_value_t)]
    pub source: Source,
    /// Install into this shared store instead of yours (run as its owner): the SDK and its
    /// records only, for others to read through GVX_SHARED_STORES.
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Print what was installed, from where and how it was verified, as JSON.
    #[arg(long)]
    pub json: bool,
}

impl Install {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let shared = self
            .store
            .as_deref()
            .map(|dir| cx.for_shared_store(dir))
            .transpose()?;
        let cx = shared.as_ref().unwrap_or(cx);
        let options = Options {
            force: self.force,
            source: self.source,
            into_shared: self.store.is_some(),
        };
        if let Some(hex) = &self.sha256
            && !(hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(Error::new(
                Exit::Usage,
                format!(
                    "--sha256 takes the 64 hexadecimal digits of a sha256, not `{}`",
                    gvx_shims::text::untrusted(hex)
                ),
            )
            .hint("copy the checksum from a source you trust, such as the go.dev/dl page"));
        }
        let mut done = Vec::new();
        if let Some(archive) = &self.archive {
            done.push(install::install_file(
                cx,
                archive,
                self.sha256.clone(),
                options,
            )?);
        } else if self.versions.is_empty() {
            let selection = cx.selection()?;
            done.push(match selection.outcome {
                Outcome::Install(request) => install::install(cx, &request, options)?,
                Outcome::Run(version) if self.force => {
                    let request = gvx_shims::VersionRequest::Exact(version);
                    install::install(cx, &request, options)?
                }
                Outcome::Run(version) => Installed::Already(version),
            });
        } else {
            let requests = self
                .versions
                .iter()
                .map(|v| super::parse_request(v))
                .collect::<Result<Vec<_>>>()?;
            for request in &requests {
                done.push(install::install(cx, request, options)?);
            }
        }
        if self.json {
            let items: Vec<_> = done.iter().map(|i| describe(cx, *i)).collect();
            report::out(&serde_json::to_string_pretty(&items).unwrap_or_default());
        } else {
            for installed in done {
                if let Installed::Already(version) = installed {
                    let shared = cx.store.find(&version).and_then(|s| s.shared);
                    cx.status(&match shared {
                        None => format!(
                            "{} is already installed (--force reinstalls it)",
                            version.name()
                        ),
                        Some(shared) => format!(
                            "{} is already installed in the shared store {} (--force installs your own copy)",
                            version.name(),
                            shared.display()
                        ),
                    });
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// An install's result for `--json`: the version, whether it was new, and its provenance.
fn describe(cx: &Context, installed: Installed) -> serde_json::Value {
    let version = installed.version();
    let sdk = cx.store.find(&version);
    let provenance = sdk
        .as_ref()
        .and_then(|s| provenance::read(&s.store(), &version));
    json!({
        "version": version.to_string(),
        "path": sdk.as_ref().map(|s| &s.root),
        "shared_store": sdk.as_ref().and_then(|s| s.shared.as_ref()),
        "new": matches!(installed, Installed::New(_)),
        "source": provenance.as_ref().map(Provenance::source),
        "verification": provenance.as_ref().map(Provenance::verification),
        "provenance": provenance,
    })
}
