//! The one error type the CLI renders: what went wrong (with where: URL, path, version), the
//! chain of causes, and the next step as a hint. Every error has a kind, and the exit code
//! follows from the kind alone; the codes are part of the interface (README, "Exit codes").

use std::fmt;
use std::io;
use std::path::Path;
use std::process::ExitCode;

/// The kind of an error; [`Exit::code`] is the process exit code for it (README, "Exit codes").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Anything not listed below (including `gvx doctor` finding a problem).
    Failure = 1,
    /// The command line is wrong: clap's own errors, and arguments gvx refuses (a malformed
    /// `--sha256`, a version naming several installed SDKs).
    Usage = 2,
    /// No version matches what was asked for, or it is not installed.
    NotFound = 3,
    /// The network or the server failed.
    Network = 4,
    /// A download did not match the official sha256, or an archive is unsafe or incomplete.
    Verification = 5,
    /// The store (`GVX_HOME`) could not be read, written or locked.
    Store = 6,
    /// The user's environment is wrong: home or working directory, a pin or go.mod the
    /// selection refuses, a variable such as GOPROXY or GVX_HTTP_TIMEOUT, a Go directory
    /// overlapping the store, start-up files or registry values gvx cannot read or write.
    Environment = 7,
}

impl Exit {
    /// The process exit code of this kind (the discriminant, so `as u8` agrees).
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

/// An error with its hint and exit code.
pub struct Error {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    hint: Option<String>,
    /// Further attempts and their outcome, printed after the hint.
    also: Vec<String>,
    exit: Exit,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Error {
            message: message.into(),
            source: None,
            hint: None,
            also: Vec::new(),
            exit,
        }
    }

    /// An I/O error: `cannot <operation> <path>: <error>`, or the error's own text when it
    /// already names the path (as `fs_err`'s do). `kind` says whose file it is: the store's
    /// ([`Exit::Store`]) or the user's ([`Exit::Environment`]).
    pub fn io(kind: Exit, operation: &str, path: &Path, e: io::Error) -> Self {
        let text = e.to_string();
        let shown = path.display().to_string();
        let message = if !shown.is_empty() && text.contains(&shown) {
            text
        } else {
            format!("cannot {operation} {shown}: {text}")
        };
        Error::new(kind, message).source(e)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// Adds a line after the hint: something else that was tried and how it went.
    pub fn also(mut self, line: impl Into<String>) -> Self {
        self.also.push(line.into());
        self
    }

    pub fn exit(&self) -> Exit {
        self.exit
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn hint_text(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The causes, outermost first, without repeating text the message already holds.
    pub fn causes(&self) -> Vec<String> {
        let mut causes = Vec::new();
        let mut next: Option<&(dyn std::error::Error + 'static)> =
            self.source.as_deref().map(|e| e as _);
        while let Some(cause) = next {
            let text = cause.to_string();
            if !self.message.contains(&text) && !causes.contains(&text) {
                causes.push(text);
            }
            next = cause.source();
        }
        causes
    }

    /// Prints `error:`, `caused by:` and `hint:` lines to stderr and returns the exit code.
    pub fn report(&self) -> ExitCode {
        let mut text = format!("error: {}\n", self.message);
        for cause in self.causes() {
            text.push_str(&format!("  caused by: {cause}\n"));
        }
        if let Some(hint) = &self.hint {
            text.push_str(&format!("hint: {hint}\n"));
        }
        for line in &self.also {
            text.push_str(&format!("also: {line}\n"));
        }
        crate::report::eprint(&text);
        self.exit.into()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:?})", self.message, self.exit)?;
        for cause in self.causes() {
            write!(f, ": {cause}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the selection refuses: a malformed pin, go.mod or GVX_GO_VERSION, or a file it cannot
/// read, is the user's environment; the global default and `sdk/` are the store's; nothing
/// selected at all is a version not found.
pub fn selection_error(e: gvx_shims::select::SelectError, store: &gvx_shims::Store) -> Error {
    use gvx_shims::select::SelectError;
    let kind = match &e {
        SelectError::NothingSelected { .. } => Exit::NotFound,
        SelectError::Default(..) => Exit::Store,
        SelectError::Io(path, _) if path.starts_with(store.home()) => Exit::Store,
        _ => Exit::Environment,
    };
    let hint = e.hint();
    Error::new(kind, e.to_string()).hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gvx_shims::select::SelectError;
    use std::path::PathBuf;

    #[test]
    fn each_kind_has_its_documented_code() {
        let table = [
            (Exit::Failure, 1),
            (Exit::Usage, 2),
            (Exit::NotFound, 3),
            (Exit::Network, 4),
            (Exit::Verification, 5),
            (Exit::Store, 6),
            (Exit::Environment, 7),
        ];
        for (kind, code) in table {
            assert_eq!(kind.code(), code, "{kind:?}");
            assert_eq!(ExitCode::from(kind), ExitCode::from(code), "{kind:?}");
            assert_eq!(Error::new(kind, "x").exit().code(), code);
        }
    }

    #[test]
    fn an_io_error_names_the_operation_and_the_path() {
        let path = Path::new("/nowhere/a.txt");
        let e = io::Error::new(io::ErrorKind::NotFound, "No such file or directory");
        let error = Error::io(Exit::Environment, "read", path, e);
        assert_eq!(error.exit(), Exit::Environment);
        assert_eq!(
            error.message(),
            "cannot read /nowhere/a.txt: No such file or directory"
        );
        // The cause is kept, but not printed again.
        assert!(error.causes().is_empty(), "{:?}", error.causes());
    }

    #[test]
    fn an_io_error_that_names_its_path_is_not_told_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing.txt");
        let e = fs_err::read(&path).unwrap_err();
        let error = Error::io(Exit::Store, "read", &path, e);
        let shown = path.display().to_string();
        assert_eq!(error.exit(), Exit::Store);
        assert_eq!(error.message().matches(&shown).count(), 1, "{error:?}");
        assert!(!error.message().starts_with("cannot read"), "{error:?}");
        assert!(error.causes().is_empty(), "{:?}", error.causes());
    }

    #[test]
    fn what_the_selection_refuses_is_the_environment_unless_it_is_the_store() {
        let store = gvx_shims::Store::new("/home/u/.gvx");
        let io = || io::Error::new(io::ErrorKind::PermissionDenied, "denied");
        let bad = gvx_shims::VersionRequest::parse("banana").unwrap_err();
        let cases = [
            (
                SelectError::Io(PathBuf::from("/work/.go-version"), io()),
                Exit::Environment,
            ),
            (SelectError::Override(bad.clone()), Exit::Environment),
            (SelectError::Io(store.sdk_dir(), io()), Exit::Store),
            (SelectError::Default(store.default_file(), bad), Exit::Store),
            (
                SelectError::NothingSelected {
                    cwd: PathBuf::from("/work"),
                },
                Exit::NotFound,
            ),
        ];
        for (e, kind) in cases {
            let text = e.to_string();
            let error = selection_error(e, &store);
            assert_eq!(error.exit(), kind, "{text}");
            assert_eq!(error.message(), text);
            assert!(error.hint_text().is_some(), "{text}");
        }
    }
}
