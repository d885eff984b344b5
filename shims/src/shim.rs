//! What the shim does between being started as `go` and handing over to the SDK's `go`:
//! find the tool it stands for, select the SDK (installing it through the sibling `gvx` when
//! missing), refuse a GOPATH that overlaps an SDK, set `GOROOT`, and launch by absolute path.
//! It writes only to stderr: tools such as gopls parse `go`'s stdout.

use crate::goenv::GoEnv;
use crate::guard;
use crate::launch;
use crate::select::{self, Inputs, Outcome, Selection};
use crate::store::{EXE_SUFFIX, Store};
use crate::version::{GoVersion, VersionRequest};
use std::env;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

/// Counts nested shim invocations (`go run` of a tool that runs `go` …), handed to every
/// process the SDK's `go` starts. A backstop against loops that pass through another process.
pub const DEPTH_VAR: &str = "GVX_SHIM_DEPTH";
/// The pid of the shim that launched the SDK's `go`. A shim that finds itself started directly
/// by that shim (the same pid after `exec` on Unix, its child on Windows), with no SDK `go` in
/// between, is in a loop: the SDK's `go` leads back to the shim.
pub const PID_VAR: &str = "GVX_SHIM_PID";
/// `0`, `false`, `no` or `off` turn off installing a missing SDK from the shim.
pub const AUTO_INSTALL_VAR: &str = "GVX_AUTO_INSTALL";

/// `1` (or `2`): gvx says what it decided and why on stderr; the shim says which SDK it runs.
pub const VERBOSE_VAR: &str = "GVX_VERBOSE";

/// How verbose `GVX_VERBOSE` asks gvx to be: 0 (unset, empty, `0`, `false`, `no`, `off`), 2
/// for `2` and up, else 1.
pub fn verbosity(value: Option<&str>) -> u8 {
    match value.map(|v| v.trim().to_ascii_lowercase()) {
        None => 0,
        Some(v) if matches!(v.as_str(), "" | "0" | "false" | "no" | "off") => 0,
        Some(v) if v.parse::<u32>().is_ok_and(|n| n >= 2) => 2,
        Some(_) => 1,
    }
}
/// Nested shim calls allowed before the backstop stops them; legitimate chains are far shorter.
const MAX_DEPTH: u32 = 16;
/// Installs the shim may start for one command before giving up (pin, then module minimum).
const MAX_INSTALLS: usize = 3;

/// The shim's exit code for its own errors (the child's code passes through untouched).
pub const EXIT_SHIM_ERROR: u8 = 1;

pub fn main() -> ExitCode {
    let args: Vec<OsString> = env::args_os().collect();
    let error = run(&args);
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "gvx: error: {}", error.message);
    if let Some(hint) = &error.hint {
        let _ = writeln!(stderr, "gvx: hint: {hint}");
    }
    ExitCode::from(EXIT_SHIM_ERROR)
}

/// Runs the shim; returns only on error (success replaces or exits the process).
fn run(args: &[OsString]) -> ShimError {
    // The executable's own name decides, not argv[0]: Go's toolchain switch runs a `go1.X.Y`
    // found on PATH with argv[0] still saying `go`.
    let exe = env::current_exe().ok();
    let invoked = args.first().map(Path::new).unwrap_or(Path::new("go"));
    let Some(tool) = exe
        .as_deref()
        .and_then(Tool::from_invoked)
        .or_else(|| Tool::from_invoked(invoked))
    else {
        return ShimError::new(
            format!(
                "this is the gvx shim; it runs as `go` or `gofmt`, not as `{}`",
                invoked.display()
            ),
            Some("run `gvx reshim` to recreate the go and gofmt shims".into()),
        );
    };
    let depth = env::var(DEPTH_VAR)
        .ok()
        .and_then(|d| d.parse::<u32>().ok())
        .unwrap_or(0);
    // Go's own toolchain switch execs the `go1.X.Y` shim too (same pid), and says so.
    let switched_by_go = env::var_os("GOTOOLCHAIN_INTERNAL_SWITCH_VERSION").is_some();
    let looped = !switched_by_go
        && env::var(PID_VAR)
            .ok()
            .and_then(|pid| pid.parse::<u32>().ok())
            .is_some_and(launch::started_by);
    if looped || depth >= MAX_DEPTH {
        let how = if looped {
            "started itself again with no Go SDK in between".to_owned()
        } else {
            format!("was started {depth} times, one inside the other")
        };
        return ShimError::new(
            format!(
                "the gvx shim {how}: the SDK's `{}` leads back to the shim",
                tool.name()
            ),
            Some("check that the SDK's bin/ holds Go's own tools and that GOROOT and PATH do not point into the gvx bin directory; `gvx doctor` shows all three".into()),
        );
    }
    let store = match store_for_shim(exe.as_deref()) {
        Ok(store) => store,
        Err(e) => {
            return ShimError::new(e.to_string(), Some("set GVX_HOME to the gvx store".into()));
        }
    };
    let goenv = GoEnv::load();
    let (version, gotoolchain, why) = match tool {
        Tool::Exact(version) => match ensure_exact(&store, version) {
            Ok(()) => (version, None, format!("{} was run by name", version.name())),
            Err(e) => return e,
        },
        Tool::Go | Tool::Gofmt => match select_installing(&store, &goenv, args) {
            Ok(chosen) => chosen,
            Err(e) => return e,
        },
    };
    let Some(found) = store.find(&version) else {
        return just_uninstalled(version);
    };
    let sdk = found.root.clone();
    if let Err(overlap) = guard::check(&guard::go_dirs(&goenv), store.home(), &sdk) {
        let fix = overlap.fix();
        return ShimError::new(format!("refusing to run go: {overlap}"), Some(fix));
    }
    let program = found.tool(tool.name());
    if verbosity(env::var(VERBOSE_VAR).ok().as_deref()) > 0 {
        let _ = writeln!(
            std::io::stderr(),
            "gvx: {} runs {} ({why})",
            tool.name(),
            program.display()
        );
    }
    let depth = (depth + 1).to_string();
    let pid = std::process::id().to_string();
    let mut child_env: Vec<(&str, &OsStr)> = vec![
        ("GOROOT", sdk.as_os_str()),
        (DEPTH_VAR, OsStr::new(&depth)),
        (PID_VAR, OsStr::new(&pid)),
    ];
    if let Some(value) = &gotoolchain {
        child_env.push(("GOTOOLCHAIN", OsStr::new(value)));
    }
    let error = launch::launch(&program, &args[1..], &child_env);
    if !sdk.is_dir() {
        return just_uninstalled(version);
    }
    let hint = match &found.shared {
        None => format!("reinstall it with `gvx install --force {version}`"),
        Some(shared) => format!(
            "it is in the shared store {}, which gvx only reads: ask its owner to repair it, or install your own copy with `gvx install --force {version}`",
            shared.display()
        ),
    };
    ShimError::new(
        format!("cannot run {}: {error}", program.display()),
        Some(hint),
    )
}

fn just_uninstalled(version: GoVersion) -> ShimError {
    ShimError::new(
        format!(
            "{} was just uninstalled, as go was about to run it",
            version.name()
        ),
        Some("run the command again: gvx selects anew".into()),
    )
}

/// The tool a shim stands for, from the name it was started as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    Go,
    Gofmt,
    /// `go1.22.10`: exactly that SDK's `go`, for Go's own toolchain switches.
    Exact(GoVersion),
}

impl Tool {
    fn from_invoked(path: &Path) -> Option<Tool> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let stem = name.strip_suffix(".exe").unwrap_or(&name);
        match stem {
            "go" => Some(Tool::Go),
            "gofmt" => Some(Tool::Gofmt),
            _ => crate::module::from_toolchain(stem)
                .filter(|v| v.name() == stem)
                .map(Tool::Exact),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Tool::Go | Tool::Exact(_) => "go",
            Tool::Gofmt => "gofmt",
        }
    }
}

/// `GVX_HOME`, else the store this shim sits in (`<home>/bin/go`), else `~/.gvx`.
fn store_for_shim(exe: Option<&Path>) -> Result<Store, crate::store::StoreLocationError> {
    if env::var_os(crate::store::GVX_HOME).is_some_and(|v| !v.is_empty()) {
        return Store::from_env();
    }
    let from_exe = exe.and_then(|exe| {
        let bin = exe.parent()?;
        if bin.file_name()? != "bin" {
            return None;
        }
        Some(Store::new(bin.parent()?))
    });
    match from_exe {
        Some(store) if store.sdk_dir().is_dir() => Ok(store.with_shared_from_env()),
        _ => Store::from_env(),
    }
}

fn ensure_exact(store: &Store, version: GoVersion) -> Result<(), ShimError> {
    if !store.is_installed(&version) {
        let reason = format!("{} was requested by name", version.name());
        install(store, VersionRequest::Exact(version), &reason)?;
    }
    Ok(())
}

/// The SDK to run, and the `GOTOOLCHAIN` to hand it when the user's would make it switch.
fn select_installing(
    store: &Store,
    goenv: &GoEnv,
    args: &[OsString],
) -> Result<(GoVersion, Option<String>, String), ShimError> {
    let cwd = env::current_dir()
        .map_err(|e| ShimError::new(format!("cannot read the working directory: {e}"), None))?;
    let mut inputs = Inputs::from_env(cwd, goenv);
    inputs.ignore_module = ignores_module(args);
    for _ in 0..=MAX_INSTALLS {
        let selection = select::select(&inputs, store)
            .map_err(|e| ShimError::new(e.to_string(), Some(e.hint())))?;
        match selection.outcome {
            Outcome::Run(version) => {
                return Ok((version, selection.child_gotoolchain(), reason(&selection)));
            }
            Outcome::Install(request) if selection.policy.forbids_downloads() => {
                return Err(ShimError::new(
                    format!(
                        "{}, and GOTOOLCHAIN={} forbids downloading a toolchain",
                        reason(&selection),
                        inputs.gotoolchain.as_ref().map_or("path", |s| &s.value)
                    ),
                    Some(format!(
                        "install it with `gvx install {request}`, or unset GOTOOLCHAIN"
                    )),
                ));
            }
            Outcome::Install(request) => install(store, request, &reason(&selection))?,
        }
    }
    Err(ShimError::new(
        "the installed SDKs still do not satisfy the selection after installing".into(),
        Some("run `gvx current` to see what is selected and why".into()),
    ))
}

fn reason(selection: &Selection) -> String {
    match &selection.raised {
        Some(raise) => raise.to_string(),
        None => format!(
            "{} ({})",
            selection.request.map(|r| r.to_string()).unwrap_or_default(),
            selection.source
        ),
    }
}

/// `go install m@v` and `go run m@v` build another module with its own go.mod.
fn ignores_module(args: &[OsString]) -> bool {
    let mut words = args.iter().skip(1).filter_map(|a| a.to_str());
    matches!(words.next(), Some("install" | "run"))
        && words.any(|w| !w.starts_with('-') && w.contains('@'))
}

/// Runs the sibling `gvx install <request>`, with its progress on stderr.
fn install(store: &Store, request: VersionRequest, reason: &str) -> Result<(), ShimError> {
    let off = env::var(AUTO_INSTALL_VAR).is_ok_and(|v| {
        matches!(
            v.to_ascii_lowercase().as_str(),
            "0" | "false" | "no" | "off"
        )
    });
    let spec = request.to_string();
    if off {
        for skipped in store.skipped_shared() {
            let _ = writeln!(std::io::stderr(), "gvx: warning: {skipped}");
        }
        return Err(ShimError::new(
            format!("{reason}, but no matching SDK is installed"),
            Some(format!(
                "run `gvx install {spec}` ({AUTO_INSTALL_VAR}=0 turned off installing from the shim)"
            )),
        ));
    }
    let gvx = gvx_exe(store);
    let _ = writeln!(std::io::stderr(), "gvx: {reason}; installing {spec}");
    let status = Command::new(&gvx)
        .args(["install", &spec])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .map_err(|e| {
            ShimError::new(
                format!("cannot run {}: {e}", gvx.display()),
                Some("reinstall gvx (see `install.sh`)".into()),
            )
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(ShimError::new(
            format!("`gvx install {spec}` failed"),
            Some("the error above says why".into()),
        ))
    }
}

/// The gvx next to this shim, else the store's, else whatever `gvx` is on PATH.
fn gvx_exe(store: &Store) -> PathBuf {
    let name = format!("gvx{EXE_SUFFIX}");
    let beside = env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(&name)));
    [beside, Some(store.gvx_exe())]
        .into_iter()
        .flatten()
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from(name))
}

/// An error of the shim's own, with the next step.
struct ShimError {
    message: String,
    hint: Option<String>,
}

impl ShimError {
    fn new(message: String, hint: Option<String>) -> Self {
        ShimError { message, hint }
    }
}

impl fmt::Debug for ShimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_names() {
        assert_eq!(Tool::from_invoked(Path::new("/x/bin/go")), Some(Tool::Go));
        assert_eq!(Tool::from_invoked(Path::new("C:/x/GO.EXE")), Some(Tool::Go));
        assert_eq!(
            Tool::from_invoked(Path::new("gofmt.exe")),
            Some(Tool::Gofmt)
        );
        assert_eq!(
            Tool::from_invoked(Path::new("go1.22.10")),
            Some(Tool::Exact(GoVersion::parse("1.22.10").unwrap()))
        );
        assert_eq!(
            Tool::from_invoked(Path::new("go1.20")),
            Some(Tool::Exact(GoVersion::parse("1.20").unwrap()))
        );
        assert_eq!(Tool::from_invoked(Path::new("go1.22")), None);
        assert_eq!(Tool::from_invoked(Path::new("gvx-shim")), None);
    }

    #[test]
    fn module_ignored_for_install_at_version() {
        let args = |s: &str| s.split(' ').map(OsString::from).collect::<Vec<_>>();
        assert!(ignores_module(&args(
            "go install golang.org/x/tools/gopls@latest"
        )));
        assert!(ignores_module(&args("go run -v example.com/cmd@v1.2.3")));
        assert!(!ignores_module(&args("go install ./...")));
        assert!(!ignores_module(&args("go build x@y")));
    }
}
