use crate::context::Context;
use crate::error::{Exit, Result};
use crate::report;
use gvx_shims::select::Outcome;
use serde_json::json;
use std::process::ExitCode;

/// Show the Go version selected here, why, and its GOROOT. Never uses the network.
#[derive(Debug, clap::Args)]
pub struct Current {
    /// Print only the version (for shell prompts).
    #[arg(long, conflicts_with = "json")]
    pub short: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

impl Current {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let selection = cx.selection()?;
        let reason = selection.source.to_string();
        let raised = selection.raised.as_ref().map(ToString::to_string);
        let gotoolchain = selection.child_gotoolchain();
        let (version, installed) = match selection.outcome {
            Outcome::Run(v) => (v.to_string(), true),
            Outcome::Install(request) => (request.to_string(), false),
        };
        let sdk = match selection.outcome {
            Outcome::Run(v) => cx.store.find(&v),
            Outcome::Install(_) => None,
        };
        let goroot = sdk.as_ref().map(|s| s.root.clone());
        let shared = sdk.and_then(|s| s.shared);
        if self.json {
            let value = json!({ "version": version, "installed": installed, "source": reason, "raised_by": raised, "goroot": goroot, "shared_store": shared, "gotoolchain": gotoolchain });
            report::out(&serde_json::to_string_pretty(&value).unwrap_or_default());
        } else if self.short {
            report::out(&version);
        } else {
            let mut text = format!(
                "go{version}{}\n  why:    {reason}\n",
                if installed { "" } else { " (not installed)" }
            );
            if let Some(raised) = raised {
                text.push_str(&format!("  raised: {raised}\n"));
            }
            if let Some(value) = gotoolchain {
                text.push_str(&format!(
                    "  GOTOOLCHAIN: {value} for go (already met: nothing left to switch to)\n"
                ));
            }
            if let Some(shared) = shared {
                text.push_str(&format!(
                    "  from:   the shared store {}\n",
                    shared.display()
                ));
            }
            match goroot {
                Some(goroot) => text.push_str(&format!("  GOROOT: {}\n", goroot.display())),
                None => text.push_str(&format!(
                    "  install it with `gvx install {version}` (the go shim does so on first use)\n"
                )),
            }
            report::out(&text);
        }
        Ok(if installed {
            ExitCode::SUCCESS
        } else {
            Exit::NotFound.into()
        })
    }
}
