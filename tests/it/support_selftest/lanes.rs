//! The lane helper (`support::lanes`): a skipped lane is reported once, past libtest's output
//! capture, and fails the test under `GVX_TEST_STRICT`.

use crate::support::lanes::{self, Skips};
use std::ffi::OsStr;
use std::process::Command;

#[test]
fn strict_is_set_and_not_empty_and_not_zero() {
    assert!(!lanes::strict_value(None));
    assert!(!lanes::strict_value(Some(OsStr::new(""))));
    assert!(!lanes::strict_value(Some(OsStr::new("0"))));
    assert!(lanes::strict_value(Some(OsStr::new("1"))));
    assert!(lanes::strict_value(Some(OsStr::new("yes"))));
}

#[test]
fn a_skipped_lane_is_reported_once_with_the_command_that_runs_everything() {
    let skips = Skips::new();
    let mut out = Vec::new();
    skips.skip(false, "wine", "wine not found on PATH", &mut out);
    skips.skip(false, "zsh", "zsh not found", &mut out);
    skips.skip(false, "wine", "wine not found on PATH", &mut out);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "gvx tests: SKIPPED lane `wine`: wine not found on PATH; run `scripts/test.sh` to run \
         every lane\ngvx tests: SKIPPED lane `zsh`: zsh not found; run `scripts/test.sh` to run \
         every lane\n"
    );
}

#[test]
fn a_skipped_lane_fails_the_test_when_strict() {
    let skips = Skips::new();
    let mut out = Vec::new();
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        skips.skip(true, "wine", "wine not found on PATH", &mut out)
    }));
    let message = *failed
        .expect_err("a strict skip panics")
        .downcast::<String>()
        .unwrap();
    assert!(
        message.contains("lane `wine` cannot run here: wine not found on PATH")
            && message.contains("GVX_TEST_STRICT is set"),
        "{message}"
    );
    assert!(out.is_empty());
}

/// Set for [`probe_skips_a_lane_twice`] by the test below, which runs this test binary again.
const PROBE: &str = "GVX_TEST_LANE_PROBE";

/// A stand-in for a lane test, for the test below: with `GVX_TEST_LANE_PROBE` set it skips the
/// lane `probe` twice (as two tests of one lane would); otherwise it does nothing.
#[test]
fn probe_skips_a_lane_twice() {
    if std::env::var_os(PROBE).is_none() {
        return;
    }
    lanes::skip("probe", "GVX_TEST_LANE_PROBE is set");
    lanes::skip("probe", "GVX_TEST_LANE_PROBE is set");
}

/// This test binary, run on the probe alone (output captured, as in any `cargo test`).
fn probe(strict: Option<&str>) -> std::process::Output {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "support_selftest::lanes::probe_skips_a_lane_twice",
        "--test-threads",
        "1",
    ])
    .env(PROBE, "1")
    .env_remove(lanes::STRICT);
    if let Some(value) = strict {
        cmd.env(lanes::STRICT, value);
    }
    cmd.output().unwrap()
}

/// End to end through libtest: the line gets past the output capture, once; `GVX_TEST_STRICT=1`
/// turns the skip into a failed test.
#[test]
fn a_skip_is_one_line_past_the_capture_and_a_failure_when_strict() {
    let line = lanes::line("probe", "GVX_TEST_LANE_PROBE is set");
    let out = probe(None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr.matches(&line).count(), 1, "{stderr}");

    let out = probe(Some("1"));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("1 failed"), "{all}");
    assert!(
        all.contains("lane `probe` cannot run here: GVX_TEST_LANE_PROBE is set"),
        "{all}"
    );
}
