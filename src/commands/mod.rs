//! One file per subcommand; each is a clap `Args` struct with a small `run`.

pub mod adopt;
pub mod completions;
pub mod current;
pub mod doctor;
pub mod env;
pub mod exec;
pub mod install;
pub mod list;
pub mod prune;
pub mod reshim;
pub mod self_;
pub mod setup;
pub mod uninstall;
pub mod upgrade;
pub mod use_;
pub mod verify;
pub mod which;

use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::install::Options;
use gvx_shims::{GoVersion, VersionRequest};

/// Parses a version argument, with the examples in the error.
pub fn parse_request(text: &str) -> Result<VersionRequest> {
    VersionRequest::parse(text).map_err(|e| {
        Error::new(Exit::NotFound, e.to_string()).hint(gvx_shims::version::VERSION_EXAMPLES)
    })
}

/// The newest installed SDK matching `request`, else installs the newest matching release.
pub fn installed_or_install(cx: &Context, request: &VersionRequest) -> Result<GoVersion> {
    if let Some(version) = request.best(&crate::storefs::installed(&cx.store)?) {
        return Ok(version);
    }
    Ok(crate::install::install(cx, request, Options::default())?.version())
}
