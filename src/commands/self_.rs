//! `gvx self update` and `gvx self uninstall`.

use crate::context::Context;
use crate::error::{Error, Exit, Result};
use crate::report;
use crate::selfupdate::{self, Outcome, Request};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

/// Update or remove gvx itself.
#[derive(Debug, clap::Args)]
pub struct SelfCommand {
    #[command(subcommand)]
    pub command: SelfAction,
}

#[derive(Debug, clap::Subcommand)]
pub enum SelfAction {
    Update(Update),
    Uninstall(Uninstall),
}

/// Replace gvx and its shim with the newest release (or --version's).
///
/// The release's SHA256SUMS must carry a signature by the gvx release key built into this gvx
/// (README, "Releases"), and the archive must match its line; only then are gvx and gvx-shim
/// replaced (each written beside itself and renamed into place) and the shims refreshed.
/// Never goes back to an older release unless --version names it. GVX_RELEASE_URL names a
/// mirror of the releases.
#[derive(Debug, clap::Args)]
pub struct Update {
    /// Install this release (e.g. 0.2.0), newer or older.
    #[arg(long, value_name = "VERSION", value_parser = parse_version)]
    pub version: Option<semver::Version>,
    /// Only say whether a newer release exists (exit 0 either way).
    #[arg(long, conflicts_with = "version")]
    pub check: bool,
}

/// Undo `gvx setup` and delete GVX_HOME (SDKs, shims, gvx itself).
///
/// Lists what it removes and asks first (-y: do not ask). Shared stores, GOPATH and the module
/// cache are left alone.
#[derive(Debug, clap::Args)]
pub struct Uninstall {
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub yes: bool,
    /// List what would be removed, and remove nothing.
    #[arg(long)]
    pub dry_run: bool,
}

fn parse_version(text: &str) -> std::result::Result<semver::Version, String> {
    semver::Version::parse(text.trim_start_matches('v'))
        .map_err(|e| format!("{e}; a gvx release looks like 0.2.0"))
}

impl SelfCommand {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        match self.command {
            SelfAction::Update(c) => c.run(cx),
            SelfAction::Uninstall(c) => c.run(cx),
        }
    }
}

impl Update {
    fn run(self, cx: &Context) -> Result<ExitCode> {
        let request = Request {
            version: self.version,
            check: self.check,
        };
        match selfupdate::update(cx, &request)? {
            Outcome::UpToDate(version) => report::out(&format!("gvx {version} is up to date")),
            Outcome::Available { from, to } => report::out(&format!(
                "gvx {to} is available (this is gvx {from}); `gvx self update` installs it"
            )),
            Outcome::Updated {
                from,
                to,
                dir,
                reshim_failed,
            } => {
                report::out(&format!(
                    "updated gvx {from} to {to} in {} (signature and sha256 verified)",
                    dir.display()
                ));
                if let Some(why) = reshim_failed {
                    report::warn(&format!(
                        "the shims were not refreshed ({why}); run `gvx reshim`"
                    ));
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}

impl Uninstall {
    fn run(self, cx: &Context) -> Result<ExitCode> {
        let removal = selfupdate::plan_removal(cx)?;
        if removal.is_empty() {
            report::out("gvx is not set up here: nothing to remove");
            return Ok(ExitCode::SUCCESS);
        }
        let verb = if self.dry_run { "would" } else { "will" };
        let mut text = format!("gvx self uninstall {verb}:\n");
        for line in removal.describe() {
            text.push_str(&format!("  {line}\n"));
        }
        if !cx.store.shared().is_empty() {
            text.push_str("  keep the shared stores (GVX_SHARED_STORES)\n");
        }
        text.push_str("  keep GOPATH and the module cache\n");
        if self.dry_run {
            report::out(&text);
            return Ok(ExitCode::SUCCESS);
        }
        report::eprint(&text);
        if !self.yes && !confirmed()? {
            report::out("nothing was removed");
            return Ok(ExitCode::SUCCESS);
        }
        for line in selfupdate::remove(cx, &removal)? {
            cx.status(&line);
        }
        report::out("gvx is uninstalled; open terminals keep their PATH until they are closed");
        Ok(ExitCode::SUCCESS)
    }
}

/// Asks on the terminal; without one, refuses (a script says -y).
fn confirmed() -> Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Error::new(
            Exit::Usage,
            "gvx self uninstall asks before removing, and there is no terminal to ask on",
        )
        .hint("run `gvx self uninstall -y` to remove without asking (`--dry-run` lists what it removes)"));
    }
    report::eprint("remove gvx? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer).ok();
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES"))
}
