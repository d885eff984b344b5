//! THE version selection, shared by the shim and every gvx command that reports on it.
//!
//! First hit wins: `GVX_GO_VERSION` → the nearest `.go-version` walking up from the working
//! directory → the nearest `.tool-versions` with a `golang` line → the global default. Then Go's
//! own startup rule: the nearest `go.work` (else `go.mod`) `toolchain`/`go` lines are a minimum,
//! satisfied from the store, unless `GOTOOLCHAIN` says otherwise. The result is either an
//! installed SDK to run or a request to install first; nothing here touches the network.

use crate::goenv::{GoEnv, Setting};
use crate::module::{ModuleError, Requirement};
use crate::pin::{self, Pin, PinError};
use crate::store::Store;
use crate::version::{GoVersion, VersionError, VersionRequest};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The environment variable that overrides every pin.
pub const GVX_GO_VERSION: &str = "GVX_GO_VERSION";

/// Everything selection reads besides the files it finds.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub cwd: PathBuf,
    /// `GVX_GO_VERSION`.
    pub version_override: Option<String>,
    /// `GOTOOLCHAIN` from the environment or the go env file; `None` means Go's default, `auto`.
    pub gotoolchain: Option<Setting>,
    /// `GOWORK`: `off`, a file, or `None` to search.
    pub gowork: Option<String>,
    /// `go install m@v` and `go run m@v` ignore the current module, as Go does.
    pub ignore_module: bool,
}

impl Inputs {
    pub fn from_env(cwd: PathBuf, goenv: &GoEnv) -> Self {
        Inputs {
            cwd,
            version_override: std::env::var(GVX_GO_VERSION)
                .ok()
                .filter(|v| !v.trim().is_empty()),
            gotoolchain: goenv.get("GOTOOLCHAIN"),
            gowork: goenv.get("GOWORK").map(|s| s.value),
            ignore_module: false,
        }
    }
}

/// What `GOTOOLCHAIN` asks for, in Go's grammar (`cmd/go/internal/toolchain/select.go`).
///
/// gvx applies it the way Go would, from the store: a named toolchain replaces the pins as what
/// runs (`go1.21.13`, `go1.21.13+auto`), `+auto`/`+path` let go.mod raise it, and the SDK that
/// finally runs is handed a `GOTOOLCHAIN` under which it does not switch again
/// ([`Selection::child_gotoolchain`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// `local`: the selection is final.
    Local,
    /// `auto`, `path`, `<name>+auto`, `<name>+path` (unset means Go's default, `auto`): go.mod
    /// may raise what runs. `base` is the named toolchain, which replaces the pins; `path` is
    /// true for the `path` forms, under which Go never downloads a toolchain.
    Auto { base: Option<GoVersion>, path: bool },
    /// `go1.21.13`: exactly that toolchain, whatever the pins and go.mod say.
    Exact(GoVersion),
    /// A name with a suffix (`go1.21.0-bigcorp`, `go1.21.0-bigcorp+auto`): a custom toolchain
    /// only Go can find (on PATH); gvx runs the selection and leaves GOTOOLCHAIN to Go.
    Custom,
    /// Something Go will reject with its own message; gvx runs the selection and lets it.
    Invalid,
}

impl Policy {
    pub fn parse(value: Option<&str>) -> Policy {
        let Some(value) = value else {
            return Policy::Auto {
                base: None,
                path: false,
            };
        };
        let (name, mode) = match value.split_once('+') {
            Some((name, mode @ ("auto" | "path"))) => (name, Some(mode == "path")),
            Some(_) => return Policy::Invalid,
            None => (value, None),
        };
        match (name, mode) {
            ("local", None) => Policy::Local,
            ("auto", None) => Policy::Auto {
                base: None,
                path: false,
            },
            ("path", None) => Policy::Auto {
                base: None,
                path: true,
            },
            ("local", Some(path)) => Policy::Auto { base: None, path },
            (name, mode) => match crate::module::from_toolchain(name) {
                Some(v) if v.name() != name => Policy::Custom,
                Some(v) => match mode {
                    Some(path) => Policy::Auto {
                        base: Some(v),
                        path,
                    },
                    None => Policy::Exact(v),
                },
                None => Policy::Invalid,
            },
        }
    }

    /// The toolchain GOTOOLCHAIN names, which runs instead of the pins.
    pub fn named(self) -> Option<GoVersion> {
        match self {
            Policy::Exact(v) | Policy::Auto { base: Some(v), .. } => Some(v),
            _ => None,
        }
    }

    /// True for the `path` forms: Go never downloads a toolchain under them.
    pub fn forbids_downloads(self) -> bool {
        matches!(self, Policy::Auto { path: true, .. })
    }
}

/// Why a version was chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Override,
    GoVersionFile(PathBuf, usize),
    ToolVersions(PathBuf, usize),
    Default(PathBuf),
    /// No pin and no default: the module's requirement alone decides.
    Module,
    /// `GOTOOLCHAIN=go1.X.Y` (or `go1.X.Y+auto`, `go1.X.Y+path`) names the toolchain.
    GoToolchain(Setting),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Override => write!(f, "set by {GVX_GO_VERSION}"),
            Source::GoVersionFile(path, _) | Source::ToolVersions(path, _) => {
                write!(f, "pinned by {}", path.display())
            }
            Source::Default(path) => write!(f, "global default ({})", path.display()),
            Source::Module => f.write_str("required by the module (no pin or default set)"),
            Source::GoToolchain(setting) => {
                write!(f, "GOTOOLCHAIN={} (from {})", setting.value, setting.origin)
            }
        }
    }
}

/// A minimum that raised the selection: a go.work/go.mod `go` or `toolchain` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Raise {
    pub minimum: GoVersion,
    /// The file and line that asked for it.
    pub at: (PathBuf, usize),
    /// True for a `toolchain` line: that exact release is installed when nothing installed
    /// satisfies it. A `go` line installs the newest patch of its line.
    pub exact: bool,
}

impl fmt::Display for Raise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (file, line) = &self.at;
        write!(
            f,
            "{} is required by {} (line {line})",
            self.minimum.name(),
            file.display()
        )
    }
}

/// What to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Run this installed SDK.
    Run(GoVersion),
    /// Nothing installed satisfies the selection: install this, then select again.
    Install(VersionRequest),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub source: Source,
    /// The request behind `source` (`None` for [`Source::Module`]).
    pub request: Option<VersionRequest>,
    /// Set when a module's minimum decided the outcome.
    pub raised: Option<Raise>,
    pub policy: Policy,
    pub outcome: Outcome,
}

impl Selection {
    /// The `GOTOOLCHAIN` to hand the SDK that runs, when the user's would make it switch again.
    ///
    /// Under `<name>+auto` Go runs the newest of the name and the module's lines *exactly*
    /// (`go1.21.13+auto` in a `go 1.23.0` module means go1.23.0); gvx has already met both from
    /// the store, so the SDK it runs gets `go<itself>+auto`: the same floor for nested `go`
    /// calls, and nothing left for Go to switch to. Every other form already leaves the SDK gvx
    /// chose in charge (`auto` and `path` because it is at least what the module needs, `local`
    /// and an exact name by definition), so it is passed on untouched.
    pub fn child_gotoolchain(&self) -> Option<String> {
        match (self.policy, self.outcome) {
            (
                Policy::Auto {
                    base: Some(_),
                    path,
                },
                Outcome::Run(v),
            ) => Some(format!(
                "{}+{}",
                v.name(),
                if path { "path" } else { "auto" }
            )),
            _ => None,
        }
    }
}

/// Selects the Go version for `inputs.cwd` from the pins, the module and the store.
pub fn select(inputs: &Inputs, store: &Store) -> Result<Selection, SelectError> {
    let installed = store
        .installed()
        .map_err(|e| SelectError::Io(store.sdk_dir(), e))?;
    let policy = Policy::parse(inputs.gotoolchain.as_ref().map(|s| s.value.as_str()));
    let named = policy.named().zip(inputs.gotoolchain.as_ref());
    let wants_module = matches!(policy, Policy::Auto { .. }) && !inputs.ignore_module;
    let found = walk(
        &inputs.cwd,
        inputs.version_override.is_none() && named.is_none(),
        wants_module,
        inputs.gowork.as_deref(),
    )?;
    let (source, request) = match named {
        Some((version, setting)) => (
            Some(Source::GoToolchain(setting.clone())),
            Some(VersionRequest::Exact(version)),
        ),
        None => base(inputs, store, found.pin)?,
    };
    let raise = found.requirement.as_ref().and_then(|r| {
        r.minimum().map(|(minimum, line)| Raise {
            minimum,
            at: (r.file.clone(), line),
            exact: r.decided_by_toolchain_line(),
        })
    });
    let Some(source) = source else {
        let raise = raise.ok_or_else(|| SelectError::NothingSelected {
            cwd: inputs.cwd.clone(),
        })?;
        let outcome = satisfy(&raise, &installed);
        return Ok(Selection {
            source: Source::Module,
            request: None,
            raised: Some(raise),
            policy,
            outcome,
        });
    };
    let request = request.expect("a source always comes with a request");
    let chosen = request.best(&installed);
    let selection = |raised, outcome| Selection {
        source: source.clone(),
        request: Some(request),
        raised,
        policy,
        outcome,
    };
    match (chosen, raise) {
        (Some(version), Some(raise)) if version < raise.minimum => {
            Ok(selection(Some(raise.clone()), satisfy(&raise, &installed)))
        }
        (Some(version), _) => Ok(selection(None, Outcome::Run(version))),
        (None, Some(raise)) if below(&request, &raise.minimum) => {
            Ok(selection(Some(raise.clone()), satisfy(&raise, &installed)))
        }
        (None, _) => Ok(selection(None, Outcome::Install(request))),
    }
}

/// The newest installed SDK of the minimum's line at or above it, else what to install.
fn satisfy(raise: &Raise, installed: &[GoVersion]) -> Outcome {
    let minimum = raise.minimum;
    let fits = installed
        .iter()
        .filter(|v| v.line() == minimum.line() && **v >= minimum && v.is_toolchain());
    match fits.max() {
        Some(version) => Outcome::Run(*version),
        None if raise.exact || minimum.is_prerelease() => {
            Outcome::Install(VersionRequest::Exact(minimum))
        }
        None => Outcome::Install(VersionRequest::Line(minimum.major, minimum.minor)),
    }
}

/// True when every version the request could resolve to is older than `minimum`.
fn below(request: &VersionRequest, minimum: &GoVersion) -> bool {
    match request {
        VersionRequest::Latest => false,
        VersionRequest::Line(major, minor) => (*major, *minor) < minimum.line(),
        VersionRequest::Exact(version) => version < minimum,
    }
}

fn base(
    inputs: &Inputs,
    store: &Store,
    pin: Option<(Pin, bool)>,
) -> Result<(Option<Source>, Option<VersionRequest>), SelectError> {
    if let Some(text) = &inputs.version_override {
        let request = VersionRequest::parse(text).map_err(SelectError::Override)?;
        return Ok((Some(Source::Override), Some(request)));
    }
    if let Some((pin, tool_versions)) = pin {
        let source = if tool_versions {
            Source::ToolVersions(pin.file, pin.line)
        } else {
            Source::GoVersionFile(pin.file, pin.line)
        };
        return Ok((Some(source), Some(pin.request)));
    }
    let file = store.default_file();
    match store
        .read_default()
        .map_err(|e| SelectError::Io(file.clone(), e))?
    {
        Some(text) => {
            let request =
                VersionRequest::parse(&text).map_err(|e| SelectError::Default(file.clone(), e))?;
            Ok((Some(Source::Default(file)), Some(request)))
        }
        None => Ok((None, None)),
    }
}

/// What one walk up from the working directory found.
#[derive(Debug, Default)]
struct Found {
    /// The nearest pin, and whether it came from `.tool-versions`.
    pin: Option<(Pin, bool)>,
    /// The nearest go.work's (else go.mod's) requirement.
    requirement: Option<Requirement>,
}

fn walk(
    cwd: &Path,
    want_pin: bool,
    want_module: bool,
    gowork: Option<&str>,
) -> Result<Found, SelectError> {
    let mut found = Found::default();
    let mut work: Option<PathBuf> = match gowork {
        Some("off") | None => None,
        Some(path) => Some(PathBuf::from(path)),
    };
    let search_work = want_module && gowork.is_none();
    let mut module: Option<PathBuf> = None;
    let mut pin_done = !want_pin;
    for dir in cwd.ancestors() {
        if !pin_done {
            let go_version = dir.join(pin::GO_VERSION_FILE);
            if go_version.is_file() {
                found.pin = Some((pin::read_go_version(&go_version)?, false));
                pin_done = true;
            } else {
                let tool_versions = dir.join(pin::TOOL_VERSIONS_FILE);
                if tool_versions.is_file()
                    && let Some(pin) = pin::read_tool_versions(&tool_versions)?
                {
                    found.pin = Some((pin, true));
                    pin_done = true;
                }
            }
        }
        if want_module {
            if search_work && work.is_none() && dir.join("go.work").is_file() {
                work = Some(dir.join("go.work"));
            }
            if module.is_none() && dir.join("go.mod").is_file() {
                module = Some(dir.join("go.mod"));
            }
        }
        let module_done = !want_module || work.is_some() || (!search_work && module.is_some());
        if pin_done && module_done {
            break;
        }
    }
    if want_module && let Some(file) = work.or(module) {
        let text = fs::read_to_string(&file).map_err(|e| SelectError::Io(file.clone(), e))?;
        found.requirement = Some(Requirement::parse(&file, &text)?);
    }
    Ok(found)
}

/// Selection failed; each variant says where and what to do.
#[derive(Debug)]
pub enum SelectError {
    Pin(PinError),
    Module(ModuleError),
    Override(VersionError),
    Default(PathBuf, VersionError),
    Io(PathBuf, io::Error),
    NothingSelected { cwd: PathBuf },
}

impl From<PinError> for SelectError {
    fn from(e: PinError) -> Self {
        SelectError::Pin(e)
    }
}

impl From<ModuleError> for SelectError {
    fn from(e: ModuleError) -> Self {
        SelectError::Module(e)
    }
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectError::Pin(e) => e.fmt(f),
            SelectError::Module(e) => e.fmt(f),
            SelectError::Override(e) => write!(f, "{GVX_GO_VERSION}: {e}"),
            SelectError::Default(path, e) => {
                write!(f, "the global default in {}: {e}", path.display())
            }
            SelectError::Io(path, e) => write!(f, "cannot read {}: {e}", path.display()),
            SelectError::NothingSelected { cwd } => {
                write!(f, "no Go version is selected for {}", cwd.display())
            }
        }
    }
}

impl std::error::Error for SelectError {}

impl SelectError {
    /// The next step, for the hint line.
    pub fn hint(&self) -> String {
        match self {
            SelectError::Pin(_) => "fix the file, or pin again with `gvx use <version> --project`".into(),
            SelectError::Module(_) => "fix the line; Go would reject it too".into(),
            SelectError::Override(_) => format!("set {GVX_GO_VERSION} to e.g. `1.22` or unset it"),
            SelectError::Default(..) => "set the default again with `gvx use <version>`".into(),
            SelectError::Io(..) => "check the file's permissions".into(),
            SelectError::NothingSelected { .. } => {
                "choose one: `gvx use 1.22` (global default) or `gvx use 1.22 --project` (this directory)".into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::goenv::Origin;

    fn v(s: &str) -> GoVersion {
        GoVersion::parse(s).unwrap()
    }

    /// A store holding `versions`, a project with `go_mod` and a global default of 1.22.10.
    fn fixture(name: &str, versions: &[&str], go_mod: &str) -> (Store, PathBuf) {
        let root = std::env::temp_dir().join(format!("gvx-select-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let store = Store::new(root.join("store"));
        for version in versions {
            fs::create_dir_all(store.sdk(&v(version)).join("bin")).unwrap();
        }
        fs::write(store.default_file(), "1.22.10\n").unwrap();
        let project = root.join("project");
        fs::create_dir_all(&project).unwrap();
        fs::write(project.join("go.mod"), go_mod).unwrap();
        (store, project)
    }

    fn select_with(store: &Store, cwd: &Path, gotoolchain: Option<&str>) -> Selection {
        let inputs = Inputs {
            cwd: cwd.to_owned(),
            gotoolchain: gotoolchain.map(|value| Setting {
                value: value.to_owned(),
                origin: Origin::Environment,
            }),
            ..Inputs::default()
        };
        select(&inputs, store).unwrap()
    }

    #[test]
    fn gotoolchain_grammar() {
        let auto = |base: Option<&str>, path| Policy::Auto {
            base: base.map(v),
            path,
        };
        assert_eq!(Policy::parse(None), auto(None, false));
        assert_eq!(Policy::parse(Some("auto")), auto(None, false));
        assert_eq!(Policy::parse(Some("local+auto")), auto(None, false));
        assert_eq!(Policy::parse(Some("path")), auto(None, true));
        assert_eq!(Policy::parse(Some("local+path")), auto(None, true));
        assert_eq!(Policy::parse(Some("local")), Policy::Local);
        assert_eq!(
            Policy::parse(Some("go1.21.13")),
            Policy::Exact(v("1.21.13"))
        );
        assert_eq!(
            Policy::parse(Some("go1.21.13+auto")),
            auto(Some("1.21.13"), false)
        );
        assert_eq!(
            Policy::parse(Some("go1.21.13+path")),
            auto(Some("1.21.13"), true)
        );
        assert_eq!(Policy::parse(Some("go1.21.0-bigcorp")), Policy::Custom);
        assert_eq!(Policy::parse(Some("go1.21.0-bigcorp+auto")), Policy::Custom);
        for invalid in ["banana", "go1.21.13+local", "1.21.13", "go1.21", "local+x"] {
            assert_eq!(Policy::parse(Some(invalid)), Policy::Invalid, "{invalid}");
        }
    }

    /// Each form in a module that needs go1.23.0, with 1.21.13, 1.22.10 and 1.23.9 installed:
    /// what runs, and the GOTOOLCHAIN under which that SDK's go does not switch again.
    #[test]
    fn every_gotoolchain_form_in_a_module_that_needs_newer() {
        let (store, project) = fixture(
            "forms",
            &["1.21.13", "1.22.10", "1.23.9"],
            "module x\n\ngo 1.23.0\n",
        );
        let cases: [(Option<&str>, &str, Option<&str>); 9] = [
            (None, "1.23.9", None),
            (Some("auto"), "1.23.9", None),
            (Some("path"), "1.23.9", None),
            (Some("local"), "1.22.10", None),
            (Some("go1.21.13"), "1.21.13", None),
            (Some("go1.21.13+auto"), "1.23.9", Some("go1.23.9+auto")),
            (Some("go1.21.13+path"), "1.23.9", Some("go1.23.9+path")),
            (Some("local+auto"), "1.23.9", None),
            (Some("go1.21.0-bigcorp"), "1.22.10", None),
        ];
        for (gotoolchain, runs, child) in cases {
            let selection = select_with(&store, &project, gotoolchain);
            assert_eq!(
                selection.outcome,
                Outcome::Run(v(runs)),
                "GOTOOLCHAIN={gotoolchain:?}"
            );
            assert_eq!(
                selection.child_gotoolchain().as_deref(),
                child,
                "GOTOOLCHAIN={gotoolchain:?}"
            );
        }
    }

    #[test]
    fn a_named_toolchain_replaces_the_pins() {
        let (store, project) = fixture("named", &["1.21.13", "1.22.10"], "module x\n\ngo 1.21\n");
        fs::write(project.join(".go-version"), "1.22.10\n").unwrap();
        let selection = select_with(&store, &project, Some("go1.21.13+auto"));
        assert_eq!(selection.outcome, Outcome::Run(v("1.21.13")));
        assert!(matches!(selection.source, Source::GoToolchain(_)));
        assert_eq!(
            selection.child_gotoolchain().as_deref(),
            Some("go1.21.13+auto")
        );
        // Not installed: installed exactly, as Go would download exactly it.
        let selection = select_with(&store, &project, Some("go1.20.14"));
        assert_eq!(
            selection.outcome,
            Outcome::Install(VersionRequest::Exact(v("1.20.14")))
        );
        let selection = select_with(&store, &project, Some("go1.20.14+path"));
        assert!(selection.policy.forbids_downloads());
        // A minimum the module raises is met from the store, not installed.
        let selection = select_with(&store, &project, Some("go1.20.14+auto"));
        assert_eq!(selection.outcome, Outcome::Run(v("1.21.13")));
    }
}
