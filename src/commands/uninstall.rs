use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::uninstall::{remove, say_what_runs_here};
use crate::{lock, report, storefs};
use gvx_shims::GoVersion;
use serde_json::json;
use std::process::ExitCode;

/// Remove installed Go SDKs.
///
/// Uninstalling the global default moves it to the newest installed SDK of the same line
/// (1.22.x), else clears it; what `go` runs instead is said.
#[derive(Debug, clap::Args)]
pub struct Uninstall {
    /// `1.22.10` (or `1.22` when exactly one 1.22.x is installed).
    #[arg(value_name = "VERSION", required = true)]
    pub versions: Vec<String>,
    /// Remove from this shared store instead of yours (run as its owner).
    #[arg(long, value_name = "DIR")]
    pub store: Option<std::path::PathBuf>,
    /// Print what was removed and what became of the global default, as JSON.
    #[arg(long)]
    pub json: bool,
}

impl Uninstall {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let shared = self
            .store
            .as_deref()
            .map(|dir| cx.for_shared_store(dir))
            .transpose()?;
        let cx = shared.as_ref().unwrap_or(cx);
        let store = &cx.store;
        let _lock = lock::lock(store)?;
        // What killed installs and uninstalls left: staging trees, records of removed SDKs.
        crate::install::clear_staging(store)?;
        let installed = storefs::installed(store)?;
        let mut versions: Vec<GoVersion> = Vec::new();
        for text in &self.versions {
            let version = resolve(text, &installed)?;
            refuse_shared(cx, version)?;
            if !versions.contains(&version) {
                versions.push(version);
            }
        }
        let here_before = cx.selection().ok();
        // A version a shared store also has stays available (and keeps its shim).
        let mut remaining: Vec<GoVersion> = installed
            .iter()
            .filter(|v| !versions.contains(v) || store.find_shared(v).is_some())
            .copied()
            .collect();
        remaining.sort();
        let mut done = Vec::new();
        for version in &versions {
            done.push(remove(cx, *version, &remaining)?);
        }
        if self.json {
            let items: Vec<_> = done
                .iter()
                .map(|r| {
                    json!({
                        "version": r.version.to_string(),
                        "path": store.sdk(&r.version),
                        "was_default": r.default_now.is_some(),
                        "default": r.default_now.flatten().map(|v| v.to_string()),
                    })
                })
                .collect();
            report::out(&serde_json::to_string_pretty(&items).unwrap_or_default());
        }
        say_what_runs_here(cx, here_before.as_ref(), &versions);
        Ok(ExitCode::SUCCESS)
    }
}

/// gvx never removes an SDK from a shared store it only reads.
fn refuse_shared(cx: &Context, version: GoVersion) -> Result<()> {
    match cx.store.find(&version).and_then(|s| s.shared) {
        Some(shared) => Err(Error::new(
            Exit::Store,
            format!(
                "{} is in the shared store {}, which gvx only reads",
                version.name(),
                shared.display()
            ),
        )
        .hint(format!(
            "its owner removes it with `gvx uninstall --store {} {version}`; to stop using the store, take it out of {}",
            crate::report::arg(&shared),
            gvx_shims::store::GVX_SHARED_STORES
        ))),
        _ => Ok(()),
    }
}

/// The one installed SDK `text` names.
fn resolve(text: &str, installed: &[GoVersion]) -> Result<GoVersion> {
    let request = super::parse_request(text)?;
    let matching: Vec<_> = installed.iter().filter(|v| request.matches(v)).collect();
    match matching.as_slice() {
        [one] => Ok(**one),
        [] => {
            let list: Vec<String> = installed.iter().map(ToString::to_string).collect();
            let have = if list.is_empty() {
                "none are installed".to_owned()
            } else {
                format!("installed: {}", list.join(", "))
            };
            Err(Error::new(
                Exit::NotFound,
                format!("Go {request} is not installed ({have})"),
            )
            .hint("`gvx list` shows the installed SDKs"))
        }
        many => {
            let list: Vec<String> = many.iter().map(ToString::to_string).collect();
            Err(Error::new(
                Exit::Usage,
                format!(
                    "`{text}` matches several installed SDKs: {}",
                    list.join(", ")
                ),
            )
            .hint("name the exact version"))
        }
    }
}
