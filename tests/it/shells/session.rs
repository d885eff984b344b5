//! The whole promise, per shell: run `install.sh` in a fresh home, then in a new login shell
//! and a new interactive shell `go` is the shim, `go version` is the default SDK, a project's
//! `.go-version` wins inside it and the default is back one `cd ..` later. No GOROOT is set.

use super::{have, home_with_sdks, new_shell, run_install_sh, stdout_of};
use crate::support::{TestHome, host_os_arch};

/// Valid in POSIX shells and in fish alike.
const SCRIPT: &str = "command -v go; go version; cd proj; go version; cd ..; go version; \
                      env | grep '^GOROOT=' || echo no GOROOT";

/// How one shell is installed with and started.
struct Shell {
    /// Runs install.sh (fish users run it with sh).
    installer: &'static [&'static str],
    /// Followed by the script as the last argument.
    login: &'static [&'static str],
    interactive: &'static [&'static str],
}

fn check(shell: &Shell) {
    if !have(&[shell.installer[0], shell.login[0], shell.interactive[0]]) {
        return;
    }
    let (_server, home) = home_with_sdks();
    run_install_sh(&home, shell.installer, &[])
        .assert()
        .success();
    home.gvx()
        .args(["install", "1.23.4", "1.22.10"])
        .assert()
        .success();
    home.gvx().args(["use", "1.23.4"]).assert().success();
    let project = home.work().join("proj");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(project.join(".go-version"), "1.22.10\n").unwrap();

    let expected = expected_output(&home);
    for argv in [shell.login, shell.interactive] {
        let mut cmd = new_shell(&home, argv);
        cmd.arg(SCRIPT);
        let out = stdout_of(&mut cmd);
        assert_eq!(without_banner(&out), expected, "{argv:?}");
    }
}

/// An interactive busybox sh greets on stdout even with `-c`.
fn without_banner(out: &str) -> &str {
    match out.split_once("Enter 'help' for a list of built-in commands.\n\n") {
        Some((banner, rest)) if banner.trim_start().starts_with("BusyBox v") => rest,
        _ => out,
    }
}

fn expected_output(home: &TestHome) -> String {
    let (os, arch) = host_os_arch();
    let go = home.gvx_home().join("bin").join("go");
    format!(
        "{}\ngo version go1.23.4 {os}/{arch}\ngo version go1.22.10 {os}/{arch}\ngo version go1.23.4 {os}/{arch}\nno GOROOT\n",
        go.display()
    )
}

#[test]
fn bash_login_and_interactive() {
    check(&Shell {
        installer: &["bash"],
        login: &["bash", "-l", "-c"],
        interactive: &["bash", "-i", "-c"],
    });
}

/// dash reads only `.profile` (login); an interactive dash in a terminal inherits the session
/// environment, so it is started from a login shell here.
#[test]
fn dash_login_and_interactive() {
    check(&Shell {
        installer: &["dash"],
        login: &["dash", "-l", "-c"],
        interactive: &["dash", "-l", "-c", "exec dash -i -c \"$1\"", "dash"],
    });
}

#[test]
fn zsh_login_and_interactive() {
    check(&Shell {
        installer: &["zsh"],
        login: &["zsh", "-l", "-c"],
        interactive: &["zsh", "-i", "-c"],
    });
}

#[test]
fn fish_login_and_interactive() {
    check(&Shell {
        installer: &["sh"],
        login: &["fish", "-l", "-c"],
        interactive: &["fish", "-i", "-c"],
    });
}

/// busybox sh, like dash, reads `.profile` as a login shell.
#[test]
fn busybox_sh_login_and_interactive() {
    check(&Shell {
        installer: &["busybox", "sh"],
        login: &["busybox", "sh", "-l", "-c"],
        interactive: &[
            "busybox",
            "sh",
            "-l",
            "-c",
            "exec busybox sh -i -c \"$1\"",
            "sh",
        ],
    });
}
