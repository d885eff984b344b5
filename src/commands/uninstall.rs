use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::{lock, platform, shimfarm};
use std::process::ExitCode;

/// Remove installed Go SDKs.
#[derive(Debug, clap::Args)]
pub struct Uninstall {
    /// `1.22.10` (or `1.22` when exactly one 1.22.x is installed).
    #[arg(value_name = "VERSION", required = true)]
    pub versions: Vec<String>,
}

impl Uninstall {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let store = &cx.store;
        let _lock = lock::lock(store)?;
        for text in &self.versions {
            let request = super::parse_request(text)?;
            let installed = store.installed()?;
            let matching: Vec<_> = installed.iter().filter(|v| request.matches(v)).collect();
            let version = match matching.as_slice() {
                [one] => **one,
                [] => {
                    let list: Vec<String> = installed.iter().map(ToString::to_string).collect();
                    let have = if list.is_empty() {
                        "none are installed".to_owned()
                    } else {
                        format!("installed: {}", list.join(", "))
                    };
                    return Err(Error::new(
                        Exit::NotFound,
                        format!("Go {request} is not installed ({have})"),
                    )
                    .hint("`gvx list` shows the installed SDKs"));
                }
                many => {
                    let list: Vec<String> = many.iter().map(ToString::to_string).collect();
                    return Err(Error::new(
                        Exit::Failure,
                        format!(
                            "`{text}` matches several installed SDKs: {}",
                            list.join(", ")
                        ),
                    )
                    .hint("name the exact version"));
                }
            };
            // Rename out of sdk/ first, so the SDK disappears whole even if deleting is slow or fails.
            fs_err::create_dir_all(store.staging_dir())?;
            let trash = tempfile::Builder::new()
                .prefix("remove-")
                .tempdir_in(store.staging_dir())?;
            let sdk = store.sdk(&version);
            let users = platform::processes_using(&sdk);
            if !users.is_empty() {
                return Err(Error::new(
                    Exit::Store,
                    format!("{} is in use by process {}", version.name(), users.join(", ")),
                )
                .hint("removing it now would break those programs; let them finish (or stop them), then run `gvx uninstall` again"));
            }
            platform::rename(&sdk, &trash.path().join("go")).map_err(|e| {
                Error::new(Exit::Store, format!("cannot remove {}", sdk.display()))
                    .source(e)
                    .hint("a program may be using it; close it and try again")
            })?;
            drop(trash);
            let _ = fs_err::remove_file(crate::manifest::path(store, &version));
            let _ = fs_err::remove_file(crate::provenance::path(store, &version));
            cx.status(&format!("removed {} ({})", version.name(), sdk.display()));
            if store.read_default()?.as_deref() == Some(version.to_string().as_str()) {
                crate::report::warn(&format!(
                    "{} was the global default; choose another with `gvx use <version>`",
                    version.name()
                ));
            }
        }
        shimfarm::refresh(store)?;
        Ok(ExitCode::SUCCESS)
    }
}
