//! Test lanes: the parts of the suite that need more than a Rust toolchain (wine, the real Go
//! SDKs, more shells, root, openssl). A plain `cargo test` skips a lane it cannot run here and
//! says so once per lane, on stderr, past libtest's output capture; under `GVX_TEST_STRICT=1`
//! (which `scripts/test.sh` exports after installing everything) a skipped lane fails the test.
//!
//! Shared by every test target: `tests/it` has it as `support::lanes`, `tests/windows` includes
//! this file by path.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

/// The one command that runs every lane.
pub const EVERYTHING: &str = "scripts/test.sh";

/// The variable that makes every lane mandatory.
pub const STRICT: &str = "GVX_TEST_STRICT";

/// Notes that `lane` cannot run here because of `why` (e.g. "wine not found on PATH"); the
/// caller then returns without testing. The first skip of each lane in this test process
/// writes one line to stderr. Under `GVX_TEST_STRICT` (set, not empty, not `0`) it fails the
/// test instead: `scripts/test.sh` never passes by skipping.
#[track_caller]
pub fn skip(lane: &str, why: &str) {
    static SKIPS: Skips = Skips::new();
    SKIPS.skip(strict(), lane, why, &mut std::io::stderr());
}

/// Whether `GVX_TEST_STRICT` makes every lane mandatory in this process.
pub fn strict() -> bool {
    strict_value(std::env::var_os(STRICT).as_deref())
}

/// Whether a value of `GVX_TEST_STRICT` makes every lane mandatory: any but unset, empty, `0`.
pub fn strict_value(value: Option<&OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "0")
}

/// The lanes skipped so far (each is reported once).
pub struct Skips(Mutex<BTreeSet<String>>);

impl Skips {
    pub const fn new() -> Self {
        Skips(Mutex::new(BTreeSet::new()))
    }

    /// [`skip`] with its inputs explicit: panics if `strict`, else writes [`line`] to `out`
    /// unless `lane` was reported already.
    #[track_caller]
    pub fn skip(&self, strict: bool, lane: &str, why: &str, out: &mut dyn Write) {
        assert!(
            !strict,
            "lane `{lane}` cannot run here: {why}. {STRICT} is set (by {EVERYTHING}), which \
             makes every lane mandatory; scripts/deps.sh installs what the lanes need"
        );
        let first = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(lane.to_owned());
        if first {
            // One write of the whole line, so lines of parallel tests do not interleave.
            let _ = out.write_all(line(lane, why).as_bytes());
        }
    }
}

/// The line that reports a skipped lane.
pub fn line(lane: &str, why: &str) -> String {
    format!("gvx tests: SKIPPED lane `{lane}`: {why}; run `{EVERYTHING}` to run every lane\n")
}

/// `program` in the directories of `path` (a PATH value), if it is there as a file.
pub fn find_in(program: &str, path: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// `program` on this process's PATH, if it is there.
pub fn find_program(program: &str) -> Option<PathBuf> {
    find_in(program, &std::env::var_os("PATH").unwrap_or_default())
}

/// An input directory a lane's fixture script prepares and `scripts/test.sh` exports: `Some`
/// if `var` names a directory; `None` after [`skip`]ping `lane` if `var` is unset or empty.
/// Set to something that is not a directory, it is a mistake, never a skip: the test fails.
pub fn input_dir(lane: &str, var: &str, made_by: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => {
            let dir = PathBuf::from(v);
            assert!(
                dir.is_dir(),
                "{var}={} is not a directory; {made_by} prepares it (or unset {var})",
                dir.display()
            );
            Some(dir)
        }
        _ => {
            skip(lane, &format!("{var} is not set ({made_by} prepares it)"));
            None
        }
    }
}

/// The lane of the tests that run the real Go SDKs (archives from `scripts/real-sdks.sh`).
pub const REAL_SDKS: &str = "real Go SDKs";

/// `$GVX_TEST_SDKS`, the real Go SDK archives and their index; `None` after [`skip`] if unset.
pub fn real_sdks() -> Option<PathBuf> {
    let dir = input_dir(REAL_SDKS, "GVX_TEST_SDKS", "scripts/real-sdks.sh")?;
    assert!(
        dir.join("index.json").is_file(),
        "{} has no index.json: run scripts/real-sdks.sh",
        dir.display()
    );
    Some(dir)
}
