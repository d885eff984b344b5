use crate::context::Context;
use crate::error::{Error, Exit, Result};
use std::ffi::OsString;
use std::process::{Command, ExitCode};

/// Run any command with a given Go SDK: GOROOT set, its bin/ first on PATH.
///
/// Example: `gvx exec 1.21 -- go test ./...`. Installs the SDK when needed.
#[derive(Debug, clap::Args)]
pub struct Exec {
    /// `1.22`, `1.22.10`, `latest`, …
    #[arg(value_name = "VERSION")]
    pub spec: String,
    /// The command and its arguments.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,
}

impl Exec {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let request = super::parse_request(&self.spec)?;
        let version = super::installed_or_install(cx, &request)?;
        let sdk = cx.store.sdk(&version);
        let mut path = vec![sdk.join("bin")];
        path.extend(
            std::env::var_os("PATH")
                .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
                .unwrap_or_default(),
        );
        let path = std::env::join_paths(path)
            .map_err(|e| Error::new(Exit::Failure, "cannot build PATH").source(e))?;
        let (program, args) = self.command.split_first().expect("clap requires a command");
        let status = Command::new(program)
            .args(args)
            .env("GOROOT", &sdk)
            .env("PATH", path)
            .env(crate::env::GVX_GO_VERSION, version.to_string())
            .status()
            .map_err(|e| {
                Error::new(
                    Exit::Failure,
                    format!("cannot run `{}`", program.to_string_lossy()),
                )
                .source(e)
            })?;
        Ok(exit_code(status))
    }
}

/// The child's exit status as ours (a signal death becomes 128 + signal, as shells report it).
fn exit_code(status: std::process::ExitStatus) -> ExitCode {
    if let Some(code) = status.code() {
        return ExitCode::from(u8::try_from(code & 0xff).unwrap_or(1));
    }
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return ExitCode::from(u8::try_from(128 + signal).unwrap_or(1));
    }
    ExitCode::FAILURE
}
