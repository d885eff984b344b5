//! The one error type the CLI renders: what went wrong (with where: URL, path, version), the
//! chain of causes, and the next step as a hint. Exit codes are part of the interface.

use std::fmt;
use std::process::ExitCode;

/// Documented exit codes (README, "Exit codes").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Anything not listed below.
    Failure = 1,
    /// No version matches what was asked for.
    NotFound = 3,
    /// The network or the server failed.
    Network = 4,
    /// A download did not match the official sha256, or an archive is unsafe or incomplete.
    Verification = 5,
    /// The store could not be read, written or locked.
    Store = 6,
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
        ExitCode::from(self.exit as u8)
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

/// Store and filesystem errors: `fs_err` already names the path.
impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new(Exit::Store, e.to_string())
    }
}

impl From<gvx_shims::select::SelectError> for Error {
    fn from(e: gvx_shims::select::SelectError) -> Self {
        let hint = e.hint();
        Error::new(Exit::Failure, e.to_string()).hint(hint)
    }
}
