//! Everything gvx prints goes through here: results on stdout, status and progress on stderr.
//! Library code reports download progress through [`Progress`]; only this module knows indicatif.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Prints a result line (or block) to stdout.
pub fn out(text: &str) {
    if text.ends_with('\n') {
        print!("{text}");
    } else {
        println!("{text}");
    }
}

/// A path as an argument of a command a message suggests: double-quoted when it holds
/// whitespace, which sh, cmd and PowerShell all read as one word.
pub fn arg(path: &std::path::Path) -> String {
    let text = path.display().to_string();
    if text.chars().any(char::is_whitespace) {
        format!("\"{text}\"")
    } else {
        text
    }
}

/// Prints a status line to stderr.
pub fn status(text: &str) {
    eprintln!("{text}");
}

/// Prints raw text to stderr.
pub fn eprint(text: &str) {
    eprint!("{text}");
}

/// A warning line on stderr.
pub fn warn(text: &str) {
    eprintln!("warning: {text}");
}

/// Turns on `--verbose` output: what gvx decided and why (the `log` records of this crate),
/// on stderr, each line marked with the time since gvx started. Level 1 is `info`, 2 and up
/// `debug`; 0 leaves logging off.
pub fn verbose(level: u8) {
    let filter = match level {
        0 => return,
        1 => log::LevelFilter::Info,
        _ => log::LevelFilter::Debug,
    };
    let started = std::time::Instant::now();
    let _ = env_logger::Builder::new()
        .filter_module("gvx", filter)
        .target(env_logger::Target::Stderr)
        .format(move |out, record| {
            use std::io::Write;
            writeln!(
                out,
                "gvx [{:>5} ms] {}",
                started.elapsed().as_millis(),
                record.args()
            )
        })
        .try_init();
}

/// Download progress: bytes, rate and ETA on stderr when it is a terminal and not `--quiet`.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(label: &str, total: Option<u64>, quiet: bool) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
        let template = if total.is_some() {
            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}"
        } else {
            "{msg} {bytes} {bytes_per_sec}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(label.to_owned());
        Progress { bar: Some(bar) }
    }

    /// A progress that never draws.
    pub fn hidden() -> Self {
        Progress { bar: None }
    }

    pub fn advance(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
        }
    }

    /// Moves back to `position` (a download restarted from there).
    pub fn reset_to(&self, position: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(position);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
