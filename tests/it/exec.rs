//! `gvx exec` on Unix becomes the command (exec, as the shim does): the pid, signals and exit
//! status are the command's, and a command that cannot be started is a gvx error.

use crate::support::{FakeSdk, TestHome};
use predicates::prelude::*;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const SIGTERM: i32 = 15;

/// A home whose store holds Go 1.22.10 (no server: nothing is installed).
fn home_with_sdk() -> TestHome {
    let home = TestHome::new();
    FakeSdk::new("1.22.10").write_tree(&home.gvx_home().join("sdk").join("go1.22.10"));
    home
}

fn kill(signal: &str, pid: &str) -> bool {
    std::process::Command::new("kill")
        .args([signal, pid])
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success()
}

/// Waits for `child` at most `limit`; kills it and fails the test after that.
fn wait_at_most(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gvx exec did not end within {limit:?} of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn exec_becomes_the_command_so_sigterm_to_its_pid_ends_it() {
    let home = home_with_sdk();
    let mut child = home
        .gvx_std()
        .args(["exec", "1.22", "--", "sh", "-c", "echo $$; exec sleep 30"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let command_pid = line.trim().to_owned();
    let gvx_pid = child.id().to_string();
    assert!(kill("-TERM", &gvx_pid), "gvx ({gvx_pid}) is gone already");
    let status = wait_at_most(&mut child, Duration::from_secs(10));
    // Spawned instead of exec'd, the command would live on after gvx: end it before failing.
    let left_running = command_pid != gvx_pid && kill("-KILL", &command_pid);
    assert_eq!(
        command_pid, gvx_pid,
        "the command runs as gvx's own process"
    );
    assert!(
        !left_running,
        "the command ({command_pid}) outlived SIGTERM to gvx"
    );
    assert_eq!(status.signal(), Some(SIGTERM), "{status:?}");
}

#[test]
fn exit_status_is_the_commands_own() {
    let home = home_with_sdk();
    home.gvx()
        .args(["exec", "1.22", "--", "sh", "-c", "exit 7"])
        .assert()
        .code(7);
    home.gvx()
        .args(["exec", "1.22", "--", "sh", "-c", "exit 0"])
        .assert()
        .success();
    // A signal death stays one (a spawning gvx would exit 143 instead).
    let status = home
        .gvx_std()
        .args(["exec", "1.22", "--", "sh", "-c", "kill -TERM $$"])
        .status()
        .unwrap();
    assert_eq!(status.signal(), Some(SIGTERM), "{status:?}");
}

#[test]
fn the_command_sees_the_sdk_and_finds_its_tools_first() {
    let home = home_with_sdk();
    let sdk = home.gvx_home().join("sdk").join("go1.22.10");
    home.gvx()
        .args([
            "exec",
            "1.22",
            "--",
            "sh",
            "-c",
            "echo \"$GOROOT $GVX_GO_VERSION\"; command -v go",
        ])
        .assert()
        .success()
        .stdout(format!(
            "{} 1.22.10\n{}\n",
            sdk.display(),
            sdk.join("bin").join("go").display()
        ));
}

#[test]
fn a_command_that_cannot_start_is_a_gvx_error() {
    let home = home_with_sdk();
    let bin = home.gvx_home().join("sdk").join("go1.22.10").join("bin");
    home.gvx()
        .args(["exec", "1.22", "--", "no-such-command-gvx", "x"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "error: cannot run `no-such-command-gvx`",
        ))
        .stderr(predicate::str::contains(format!(
            "it is looked for in {} first, then on PATH",
            bin.display()
        )));
    // Not a program at all: named, with a different hint.
    let file = home.work().join("notes.txt");
    std::fs::write(&file, "not a program\n").unwrap();
    home.gvx()
        .args(["exec", "1.22", "--"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "error: cannot run `{}`",
            file.display()
        )))
        .stderr(predicate::str::contains("is a program you may run"));
}
