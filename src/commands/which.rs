use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::report;
use gvx_shims::select::Outcome;
use std::process::ExitCode;

/// Print the real binary the shim would run here (or with --goroot, the SDK directory).
#[derive(Debug, clap::Args)]
pub struct Which {
    /// `go` or `gofmt`.
    #[arg(default_value = "go", value_parser = ["go", "gofmt"])]
    pub tool: String,
    /// Print the SDK directory (GOROOT) instead, e.g. for an IDE's SDK setting.
    #[arg(long)]
    pub goroot: bool,
}

impl Which {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let selection = cx.selection()?;
        let version = match selection.outcome {
            Outcome::Run(version) => version,
            Outcome::Install(request) => {
                return Err(Error::new(
                    Exit::NotFound,
                    format!(
                        "Go {request} is selected ({}) but not installed",
                        selection.source
                    ),
                )
                .hint(format!("run `gvx install {request}`")));
            }
        };
        let sdk = cx.sdk(&version)?;
        let path = if self.goroot {
            sdk.root
        } else {
            sdk.tool(&self.tool)
        };
        report::out(&path.display().to_string());
        Ok(ExitCode::SUCCESS)
    }
}
