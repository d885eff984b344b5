//! Networks that misbehave, against the real binary: a server that accepts and never answers,
//! one that stalls in the middle of a body, and one that streams without end. Each must fail
//! in bounded time (`GVX_HTTP_TIMEOUT=1`) with an error that names the host and how long gvx
//! waited, and leave the store as it was; the `go` shim's auto-install is bounded the same way.

use super::{assert_no_leftovers, snapshot, text};
use crate::support::{FakeSdk, Fault, TestHome, TestServer, publish};
use std::fs;
use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const ARCHIVE: &str = "go1.22.10.linux-amd64.tar.gz";

/// Runs `cmd` to its end and says how long it took; kills it and fails the test when it is
/// still running after `limit` (so a hang is a failure, not a stuck test run).
fn bounded(cmd: &mut Command, limit: Duration) -> (Output, Duration) {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let drain = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = stderr.join().unwrap();
            panic!(
                "still running after {limit:?}; stderr so far: {}",
                String::from_utf8_lossy(&stderr)
            );
        }
        thread::sleep(Duration::from_millis(20));
    };
    let took = started.elapsed();
    let output = Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    (output, took)
}

/// A server with 1.22.10 and 1.21.13, a home that waits at most 1 s and has 1.21.13 installed.
fn setup() -> (TestServer, TestHome) {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10"), FakeSdk::new("1.21.13")]);
    let home = TestHome::new()
        .with_server(&server)
        .env("GVX_HTTP_TIMEOUT", "1");
    home.gvx().args(["install", "1.21.13"]).assert().success();
    (server, home)
}

fn host(server: &TestServer) -> String {
    server.url().trim_start_matches("http://").to_owned()
}

const LIMIT: Duration = Duration::from_secs(60);
/// 4 attempts of 1 s and the backoff between them take about 6 s.
const EXPECTED: Duration = Duration::from_secs(30);

#[test]
fn a_server_that_accepts_and_never_answers_fails_in_bounded_time() {
    let (server, home) = setup();
    let before = snapshot(&home);
    let path = format!("/go/{ARCHIVE}");
    server.set_fault(&path, Fault::Stall { ms: 10_000 });
    let (out, took) = bounded(home.gvx_std().args(["install", "1.22.10"]), LIMIT);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{} sent nothing for 1 s", host(&server)))
            && stderr.contains(&path)
            && stderr.contains("tried 4 times")
            && stderr.contains("GVX_HTTP_TIMEOUT"),
        "{}",
        text(&out)
    );
    assert!(took < EXPECTED, "took {took:?}");
    assert_eq!(server.request_count(&path), 4);
    assert_eq!(snapshot(&home), before);
    assert_no_leftovers(&home);

    // The index the same way (it is fetched before the store is locked): with a cached copy,
    // that copy is used with a warning naming the host; without one, the error does.
    server.set_fault("/dl/", Fault::Stall { ms: 10_000 });
    let stalled = format!("{} sent nothing for 1 s", host(&server));
    let (out, took) = bounded(
        home.gvx_std().args(["list", "--remote", "--refresh"]),
        LIMIT,
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&stalled),
        "{}",
        text(&out)
    );
    assert!(took < EXPECTED, "took {took:?}");
    assert_eq!(snapshot(&home), before);
    let fresh = TestHome::new()
        .with_server(&server)
        .env("GVX_HTTP_TIMEOUT", "1");
    let (out, took) = bounded(fresh.gvx_std().args(["install", "1.22.10"]), LIMIT);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&stalled),
        "{}",
        text(&out)
    );
    assert!(took < EXPECTED, "took {took:?}");
    assert!(super::sdk_dirs(&fresh).is_empty());
}

#[test]
fn a_server_that_stalls_mid_body_is_retried_then_fails_naming_host_and_wait() {
    let (server, home) = setup();
    let before = snapshot(&home);
    let len = FakeSdk::new("1.22.10").archive().len();
    // Each answer sends 50 more bytes, then nothing: resumed with Range until attempts run out.
    server.set_file_fault(ARCHIVE, Fault::StallAfter { at: 50, ms: 10_000 });
    let (out, took) = bounded(home.gvx_std().args(["install", "1.22.10"]), LIMIT);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{} sent nothing for 1 s", host(&server)))
            && stderr.contains(&format!("after 200 of {len} bytes")),
        "{}",
        text(&out)
    );
    assert!(took < EXPECTED, "took {took:?}");
    assert_eq!(snapshot(&home), before);
    assert_no_leftovers(&home);

    // One stall is retried like a cut-off transfer: resumed, and the install succeeds.
    server.set_file_fault(
        ARCHIVE,
        Fault::fail_first(1, Fault::StallAfter { at: 50, ms: 10_000 }),
    );
    let (out, _) = bounded(home.gvx_std().args(["install", "1.22.10"]), LIMIT);
    assert!(out.status.success(), "{}", text(&out));
    let requests = server.requests_to(&format!("/go/{ARCHIVE}"));
    assert_eq!(
        requests.last().and_then(|r| r.header("Range")),
        Some("bytes=50-")
    );
}

#[test]
fn an_archive_that_streams_without_end_is_cut_one_byte_past_its_size() {
    let (server, home) = setup();
    let before = snapshot(&home);
    let size = FakeSdk::new("1.22.10").archive().len();
    server.set_file_fault(ARCHIVE, Fault::Endless);
    let (out, took) = bounded(home.gvx_std().args(["install", "1.22.10"]), LIMIT);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{} is larger than the {size} bytes the index lists for it; gvx stopped reading after {} bytes",
            server.file_url(ARCHIVE),
            size + 1
        )),
        "{}",
        text(&out)
    );
    assert!(took < EXPECTED, "took {took:?}");
    assert_eq!(snapshot(&home), before);
    assert_no_leftovers(&home);
}

#[test]
fn the_shims_auto_install_is_bounded_too() {
    let (server, home) = setup();
    let bin = home.gvx_home().join("bin");
    fs::copy(assert_cmd::cargo::cargo_bin("gvx"), bin.join("gvx")).unwrap();
    fs::write(home.work().join(".go-version"), "1.22.10\n").unwrap();
    let before = snapshot(&home);
    server.set_file_fault(ARCHIVE, Fault::StallAfter { at: 50, ms: 10_000 });
    let (out, took) = bounded(home.std_cmd_path(bin.join("go")).arg("version"), LIMIT);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains(&format!("{} sent nothing for 1 s", host(&server))),
        "{}",
        text(&out)
    );
    assert!(took < EXPECTED, "took {took:?}");
    assert_eq!(snapshot(&home), before);
    assert_no_leftovers(&home);
}

#[test]
fn a_bad_timeout_value_is_a_clear_error() {
    let (_server, home) = setup();
    let out = home
        .gvx()
        .args(["list", "--remote", "--refresh"])
        .env("GVX_HTTP_TIMEOUT", "soon\u{1b}[31m")
        .output()
        .unwrap();
    // A variable the user set wrong: the environment (exit 7).
    assert_eq!(out.status.code(), Some(7), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("GVX_HTTP_TIMEOUT is `soon\\u{1b}[31m`, not a number of seconds"),
        "{stderr}"
    );
}
