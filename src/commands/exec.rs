use crate::context::Context;
use crate::error::{Error, Exit, Result};
use std::ffi::OsString;
use std::process::{Command, ExitCode};

/// Run any command with a given Go SDK: GOROOT set, its bin/ first on PATH.
///
/// Example: `gvx exec 1.21 -- go test ./...`. Installs the SDK when needed. On Unix gvx then
/// replaces itself with the command (its pid, signals and exit status are the command's); on
/// Windows it waits for the command and exits with its full exit code.
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
        let sdk = cx.sdk(&version)?.root;
        let mut path = vec![sdk.join("bin")];
        path.extend(
            std::env::var_os("PATH")
                .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
                .unwrap_or_default(),
        );
        let path = std::env::join_paths(path)
            .map_err(|e| Error::new(Exit::Environment, "cannot build PATH").source(e))?;
        let (program, args) = self.command.split_first().expect("clap requires a command");
        let mut command = Command::new(program);
        command
            .args(args)
            .env("GOROOT", &sdk)
            .env("PATH", path)
            .env(crate::env::GVX_GO_VERSION, version.to_string());
        // Returns only when the command could not be started.
        let error = crate::platform::hand_over(command);
        let shown = gvx_shims::text::untrusted(&program.to_string_lossy());
        let hint = if error.kind() == std::io::ErrorKind::NotFound {
            format!(
                "check the command's name; it is looked for in {} first, then on PATH",
                sdk.join("bin").display()
            )
        } else {
            format!("check that `{shown}` is a program you may run")
        };
        Err(Error::new(Exit::Failure, format!("cannot run `{shown}`"))
            .source(error)
            .hint(hint))
    }
}
