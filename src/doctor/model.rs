//! The doctor's findings as data: each check has an id, a status, items with their evidence
//! (the value and where it comes from) and a fix. The human report, `--quiet` and `--json`
//! all render this one structure.

use serde::Serialize;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
        }
    }
}

/// One check of the report.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub id: &'static str,
    pub title: &'static str,
    /// The worst status of the items; OK without items.
    pub status: Status,
    /// One line: what was found.
    pub summary: String,
    pub items: Vec<Item>,
}

impl Check {
    pub fn new(id: &'static str, title: &'static str) -> Check {
        Check {
            id,
            title,
            status: Status::Ok,
            summary: String::new(),
            items: Vec::new(),
        }
    }

    pub fn push(&mut self, item: Item) {
        self.status = self.status.max(item.status);
        self.items.push(item);
    }

    #[must_use]
    pub fn summary(mut self, summary: impl Into<String>) -> Check {
        self.summary = summary.into();
        self
    }

    /// The items that are not OK.
    pub fn problems(&self) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(|i| i.status != Status::Ok)
    }
}

/// One finding: a problem (or, with status OK, a fact worth showing).
#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub status: Status,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Why it matters, when the message alone does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
}

impl Item {
    pub fn new(status: Status, message: impl Into<String>) -> Item {
        Item {
            status,
            message: message.into(),
            evidence: Vec::new(),
            detail: None,
            fix: None,
        }
    }

    pub fn ok(message: impl Into<String>) -> Item {
        Item::new(Status::Ok, message)
    }

    pub fn warn(message: impl Into<String>) -> Item {
        Item::new(Status::Warn, message)
    }

    pub fn fail(message: impl Into<String>) -> Item {
        Item::new(Status::Fail, message)
    }

    #[must_use]
    pub fn evidence(mut self, value: impl Into<String>, source: Source) -> Item {
        self.evidence.push(Evidence {
            value: value.into(),
            source,
        });
        self
    }

    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Item {
        self.detail = Some(detail.into());
        self
    }

    #[must_use]
    pub fn fix(mut self, fix: Fix) -> Item {
        self.fix = Some(fix);
        self
    }

    #[must_use]
    pub fn maybe_fix(mut self, fix: Option<Fix>) -> Item {
        self.fix = fix;
        self
    }
}

/// A value and where it was found.
#[derive(Clone, Debug, Serialize)]
pub struct Evidence {
    pub value: String,
    pub source: Source,
}

/// Which settings a change affects (user, system, session): defined with the start-up files.
pub use crate::environment::Scope;

/// Where a value comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// This process's environment (inherited from the shell or program that started gvx).
    Environment,
    /// The `index`-th entry (1-based) of this process's PATH.
    PathEntry { index: usize },
    /// A line of a start-up or system file.
    File {
        path: PathBuf,
        line: usize,
        scope: Scope,
    },
    /// A line of Go's user env file (`go env -w`).
    GoEnvFile { path: PathBuf, line: usize },
    /// A registry value, e.g. `HKCU\Environment` `Path`.
    Registry {
        key: String,
        name: String,
        scope: Scope,
    },
    /// Go's built-in default.
    Default,
    /// Found on disk.
    Disk { path: PathBuf },
    /// The output of a command.
    Command { command: String },
}

/// What to do about an item.
#[derive(Clone, Debug, Serialize)]
pub struct Fix {
    /// What the fix does, in words.
    pub description: String,
    /// The exact command to run by hand, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// `gvx doctor --fix` does it.
    pub automatic: bool,
    /// Needs an elevated prompt (sudo, Administrator); never done by `--fix`.
    pub elevated: bool,
    #[serde(skip)]
    pub action: Option<Action>,
}

impl Fix {
    /// A fix `--fix` applies.
    pub fn auto(description: impl Into<String>, action: Action) -> Fix {
        Fix {
            description: description.into(),
            command: None,
            automatic: true,
            elevated: false,
            action: Some(action),
        }
    }

    /// A fix the user applies by hand.
    pub fn manual(description: impl Into<String>, command: Option<String>) -> Fix {
        Fix {
            description: description.into(),
            command,
            automatic: false,
            elevated: false,
            action: None,
        }
    }

    /// A system-scope fix: printed with its command, never applied.
    pub fn elevated(description: impl Into<String>, command: impl Into<String>) -> Fix {
        Fix {
            description: description.into(),
            command: Some(command.into()),
            automatic: false,
            elevated: true,
            action: None,
        }
    }

    #[must_use]
    pub fn command(mut self, command: impl Into<String>) -> Fix {
        self.command = Some(command.into());
        self
    }
}

/// A change `--fix` can make. Each is idempotent: applied twice, the second does nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Turns a line of a user's start-up file into a comment (`# ` in every shell gvx knows).
    CommentLine {
        path: PathBuf,
        line: usize,
        /// The line as it was read (trimmed), checked again before editing.
        text: String,
    },
    /// Deletes every `KEY=` line of Go's env file, as `go env -u KEY` does.
    UnsetGoEnv { path: PathBuf, key: String },
    /// Writes the gvx blocks `gvx setup` keeps in the shells' start-up files.
    Setup,
    /// Recreates the go and gofmt shims.
    Reshim,
    /// Adds `dir` at the end of PATH in the start-up files that carry the gvx block.
    AppendPath { dir: PathBuf },
    /// Creates a directory (GOPATH, GOBIN).
    CreateDir { path: PathBuf },
    /// `go install package@version` into `gobin`, then moves `tool` out of the SDK.
    ReinstallTool {
        tool: PathBuf,
        package: String,
        version: String,
        gobin: PathBuf,
    },
    /// A user-scope registry edit (Windows): delete `name`, or set it to `value`.
    Registry {
        key: String,
        name: String,
        value: Option<String>,
    },
    /// The user PATH in the registry (Windows): move `front` to the front, add `back` at the
    /// end, and store it as `REG_EXPAND_SZ`.
    UserPath {
        front: Option<PathBuf>,
        back: Option<PathBuf>,
    },
}

/// One change `--fix` made.
#[derive(Clone, Debug, Serialize)]
pub struct Applied {
    pub change: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup: Option<PathBuf>,
}

/// The selected SDK, as `gvx current` reports it.
#[derive(Clone, Debug, Serialize)]
pub struct Selected {
    pub version: String,
    pub source: String,
    pub installed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goroot: Option<PathBuf>,
}

/// Everything one run found (and, with `--fix`, changed).
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The JSON format's version.
    pub format: u32,
    pub status: Status,
    pub counts: Counts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected: Option<Selected>,
    pub checks: Vec<Check>,
    /// Present with `--fix`: what was changed (empty when nothing needed changing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: Option<Vec<Applied>>,
    /// Present with `--fix`: changes that failed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fix_errors: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Counts {
    pub ok: usize,
    pub warn: usize,
    pub fail: usize,
}

impl Report {
    pub fn new(selected: Option<Selected>, checks: Vec<Check>) -> Report {
        let mut counts = Counts::default();
        for check in &checks {
            match check.status {
                Status::Ok => counts.ok += 1,
                Status::Warn => counts.warn += 1,
                Status::Fail => counts.fail += 1,
            }
        }
        let status = checks.iter().map(|c| c.status).max().unwrap_or(Status::Ok);
        Report {
            format: 1,
            status,
            counts,
            selected,
            checks,
            fixed: None,
            fix_errors: Vec::new(),
        }
    }

    /// The automatic fixes, once each, in report order.
    pub fn actions(&self) -> Vec<(Action, String)> {
        let mut actions: Vec<(Action, String)> = Vec::new();
        for item in self.checks.iter().flat_map(|c| c.problems()) {
            if let Some(Fix {
                action: Some(action),
                automatic: true,
                description,
                ..
            }) = &item.fix
                && !actions.iter().any(|(a, _)| a == action)
            {
                actions.push((action.clone(), description.clone()));
            }
        }
        actions
    }
}
