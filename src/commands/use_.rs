use crate::context::Context;
use crate::error::{Error, Exit, Result};
use gvx_shims::pin::GO_VERSION_FILE;
use std::process::ExitCode;

/// Choose the Go version: the global default, or with --project this directory's `.go-version`.
///
/// Uses the newest installed SDK that matches, installing the newest release when none does.
#[derive(Debug, clap::Args)]
pub struct Use {
    /// `1.22`, `1.22.10`, `go1.22.10`, `1.23rc1` or `latest`.
    #[arg(value_name = "VERSION")]
    pub spec: String,
    /// Pin the current directory (writes `.go-version`) instead of the global default.
    #[arg(long)]
    pub project: bool,
}

impl Use {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let request = super::parse_request(&self.spec)?;
        let version = super::installed_or_install(cx, &request)?;
        if self.project {
            let file = crate::context::working_dir()?.join(GO_VERSION_FILE);
            fs_err::write(&file, format!("{version}\n"))
                .map_err(|e| Error::io(Exit::Environment, "write", &file, e))?;
            cx.status(&format!("pinned {} in {}", version.name(), file.display()));
        } else {
            // Installing (above) takes the lock itself; the default changes under it too.
            let _lock = crate::lock::lock(&cx.store)?;
            crate::default::set(&cx.store, &version)?;
            cx.status(&format!("{} is now the global default", version.name()));
        }
        // Say so when something else still wins here.
        if let Ok(selection) = cx.selection() {
            let wins = match selection.outcome {
                gvx_shims::select::Outcome::Run(v) => v != version,
                gvx_shims::select::Outcome::Install(_) => true,
            };
            if wins {
                let why = selection
                    .raised
                    .map_or_else(|| selection.source.to_string(), |r| r.to_string());
                crate::report::warn(&format!("in this directory Go is still {why}"));
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
