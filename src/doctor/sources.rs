//! Where a value comes from, in the report's words: a Go setting's origin as evidence, and how
//! the human report names each [`Source`].

use super::model::{Scope, Source};
use crate::environment::Snapshot;
use gvx_shims::goenv::Origin;

impl Snapshot {
    /// Where a setting comes from, as evidence.
    pub fn origin_source(&self, origin: &Origin) -> Source {
        match origin {
            Origin::Environment => Source::Environment,
            Origin::EnvFile(path, line) => Source::GoEnvFile {
                path: path.clone(),
                line: *line,
            },
            Origin::Default => Source::Default,
        }
    }

    /// Describes a source for the human report.
    pub fn describe(&self, source: &Source) -> String {
        match source {
            Source::Environment => "this shell's environment".into(),
            Source::PathEntry { index } => format!("PATH entry {index}"),
            Source::File { path, line, scope } => {
                let scope = if *scope == Scope::System {
                    ", system-wide"
                } else {
                    ""
                };
                format!("{}:{line}{scope}", self.show(&self.unroot(path)))
            }
            Source::GoEnvFile { path, line } => {
                format!("{}:{line} (go env -w)", self.show(path))
            }
            Source::Registry { key, name, .. } => format!("{key} {name} (registry)"),
            Source::Default => "Go's default".into(),
            Source::Disk { path } => self.show(&self.unroot(path)),
            Source::Command { command } => format!("`{command}`"),
        }
    }
}
