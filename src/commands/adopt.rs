use crate::adopt::{self, Options};
use crate::context::Context;
use crate::error::Result;
use crate::install::Installed;
use std::path::PathBuf;
use std::process::ExitCode;

/// Take a Go SDK already on disk into the store, proven by the Go checksum database.
///
/// DIR is an SDK's root (`/usr/local/go`, `~/sdk/go1.22.10`, `C:\Program Files\Go`). Its files
/// are hashed as the `golang.org/toolchain` module of its version is and checked against the
/// checksum database (GOSUMDB) before anything is copied into the store; the original stays
/// as it was unless --move. A tree that does not match is refused, naming what is out of place.
#[derive(Debug, clap::Args)]
pub struct Adopt {
    /// The SDK's root directory (the one holding bin/, src/ and VERSION).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Move it in: the original directory is replaced by a link into the store (a junction on
    /// Windows), so its path keeps working.
    #[arg(long = "move")]
    pub move_tree: bool,
    /// Adopt it as it is, without proof (for Go before 1.21, or a tree that was changed);
    /// `gvx list` and `gvx verify` show it as unverified.
    #[arg(long)]
    pub unverified: bool,
}

impl Adopt {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let options = Options {
            move_tree: self.move_tree,
            unverified: self.unverified,
        };
        if let Installed::Already(version) = adopt::adopt(cx, &self.dir, options)? {
            cx.status(&format!(
                "{} is already installed ({}); nothing was adopted and {} is unchanged",
                version.name(),
                cx.store.sdk(&version).display(),
                self.dir.display()
            ));
        }
        Ok(ExitCode::SUCCESS)
    }
}
