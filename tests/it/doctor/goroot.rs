//! Check 2: GOROOT in the environment, the user's start-up files, Go's env file and the
//! system's files, against the selected SDK.

use super::Machine;

#[test]
fn goroot_everywhere_in_the_user_scope_is_found_and_removed() {
    let machine = Machine::new();
    machine.fake_sdk("/usr/local/go", "1.21.5");
    let old = machine.path("/usr/local/go").display().to_string();
    machine.append("~/.bashrc", &format!("export GOROOT={old}\n"));
    let line = machine.read("~/.bashrc").lines().count();
    machine.write(
        "~/.config/go/env",
        "GOPROXY=https://proxy.golang.org,direct\nGOROOT=/opt/missing-go\n",
    );
    let mut cmd = machine.home.gvx();
    cmd.args(["doctor"]).env("GOROOT", &old);
    let run = machine.run(cmd);
    run.code(1)
        .has("FAIL  GOROOT: set in 3 places")
        .has(&format!("GOROOT={old} is go1.21.5, but gvx selects go1.22.10 (this shell's environment)"))
        .has(&format!("GOROOT={old}  [~/.bashrc:{line}]"))
        .has(&format!("GOROOT={old} is go1.21.5, but gvx selects go1.22.10 (~/.bashrc:{line})"))
        .has("GOROOT=/opt/missing-go is not a Go SDK (no bin/go, src/runtime or VERSION there) (~/.config/go/env:2 (go env -w))")
        .has("IDEs, scripts and tools that run $GOROOT/bin/go")
        .has("unset GOROOT")
        .has(&format!("fix [--fix]: comment out line {line} of ~/.bashrc"))
        .has("fix [--fix]: remove GOROOT from ~/.config/go/env");

    let fixed = machine.fix_twice(&[]);
    fixed
        .has(&format!("commented out line {line} of ~/.bashrc"))
        .has("removed GOROOT from ~/.config/go/env (as `go env -u GOROOT` does)");
    assert_eq!(
        machine.read("~/.config/go/env"),
        "GOPROXY=https://proxy.golang.org,direct\n",
        "only the GOROOT line goes"
    );
    assert!(
        machine
            .read("~/.bashrc")
            .contains("# [gvx doctor --fix] export GOROOT=")
    );
    // This shell keeps its GOROOT until it is unset: the report says where it came from (nowhere now).
    let mut cmd = machine.home.gvx();
    cmd.args(["doctor"]).env("GOROOT", &old);
    machine
        .run(cmd)
        .code(1)
        .has("set in 1 place")
        .has("this shell inherited it from whatever started it");
    // A new shell has none.
    machine
        .doctor(&[])
        .code(0)
        .has("OK    GOROOT: not set anywhere");
}

#[test]
fn a_system_wide_goroot_is_left_alone_with_the_elevated_command() {
    let machine = Machine::new();
    machine.fake_sdk("/usr/local/go", "1.22.10");
    machine.write(
        "/etc/profile.d/golang.sh",
        "# Go\nexport GOROOT=/usr/local/go\nexport PATH=$PATH:$GOROOT/bin\n",
    );
    machine.write(
        "/etc/environment",
        "PATH=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin\"\nGOROOT=/usr/local/go\n",
    );
    let run = machine.doctor(&[]);
    run.code(0)
        .has("WARN  GOROOT: set in 2 places")
        .has("GOROOT=/usr/local/go is go1.22.10, outside gvx's store (/etc/profile.d/golang.sh:2, system-wide)")
        .has("GOROOT=/usr/local/go is go1.22.10, outside gvx's store (/etc/environment:2, system-wide)")
        .has("fix [elevated prompt]: comment out line 2 of /etc/profile.d/golang.sh")
        .has("sudo sed -i '2s/^/# /' /etc/profile.d/golang.sh")
        .has("[elevated prompt] affect every user");
    let before = machine.snapshot();
    let fixed = machine.doctor(&["--fix"]);
    fixed.code(0).has("gvx doctor --fix: nothing to change");
    assert_eq!(machine.snapshot(), before, "system files are never edited");

    // Another version system-wide is a failure.
    machine.fake_sdk("/usr/local/go", "1.20.14");
    machine
        .doctor(&[])
        .code(1)
        .has("GOROOT=/usr/local/go is go1.20.14, but gvx selects go1.22.10 (/etc/profile.d/golang.sh:2, system-wide)");
}
