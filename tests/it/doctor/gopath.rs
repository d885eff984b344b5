//! Checks 3 and 4: GOPATH (writable, one entry, clear of SDKs and the store) and GOBIN (on
//! PATH; tools left in an SDK's bin/).

use super::Machine;
use crate::support::{FakeSdk, TestServer, publish};

#[test]
fn gopath_inside_an_sdk_is_refused_like_the_shim_and_removed_from_the_env_file() {
    let machine = Machine::new();
    let sdk = machine.home.gvx_home().join("sdk/go1.22.10");
    machine.write(
        "~/.config/go/env",
        &format!("GOPATH={}/gopath\n", sdk.display()),
    );
    let run = machine.doctor(&[]);
    run.code(1)
        .has(&format!(
            "x GOPATH ({}/gopath) lies inside the Go SDK ({})",
            sdk.display(),
            sdk.display()
        ))
        .has("the go shim refuses to run until this is fixed")
        .has("GOPATH=")
        .has("[~/.config/go/env:1 (go env -w)]")
        .has("fix [--fix]: remove GOPATH from ~/.config/go/env");
    // The shim agrees.
    let mut go = machine.home.cmd_path(machine.bin().join("go"));
    go.arg("version");
    machine.run(go).code(1);

    machine
        .fix_twice(&[])
        .has("removed GOPATH from ~/.config/go/env");
    machine.doctor(&[]).code(0);
}

#[test]
fn gopath_entries_missing_several_or_unwritable() {
    let machine = Machine::new();
    let a = machine.path("~/work/gopath-a");
    let b = machine.path("~/work/gopath-b");
    let mut cmd = machine.home.gvx();
    cmd.arg("doctor")
        .env("GOPATH", format!("{}:{}", a.display(), b.display()));
    let run = machine.run(cmd);
    run.code(0)
        .has("WARN  GOPATH:")
        .has("GOPATH has 2 entries")
        .has("`go install` and the module cache use only the first (~/work/gopath-a)")
        .has("GOPATH ~/work/gopath-a does not exist")
        .has("fix [--fix]: create ~/work/gopath-a")
        .has("GOPATH entry ~/work/gopath-b does not exist");
    let mut cmd = machine.home.gvx();
    cmd.args(["doctor", "--fix"])
        .env("GOPATH", format!("{}:{}", a.display(), b.display()));
    machine.run(cmd).has("created ~/work/gopath-a");
    assert!(a.is_dir());

    // A GOPATH under a regular file cannot be created by anyone (even root).
    machine.write("~/blocker", "");
    let mut cmd = machine.home.gvx();
    cmd.arg("doctor")
        .env("GOPATH", machine.path("~/blocker/go"));
    machine
        .run(cmd)
        .code(1)
        .has("FAIL  GOPATH:")
        .has("GOPATH ~/blocker/go is not writable (it is a file, not a directory at ~/blocker)")
        .has("`go get` and `go install` fail");

    let mut cmd = machine.home.gvx();
    cmd.arg("doctor").env("GOPATH", "~/go");
    machine
        .run(cmd)
        .code(1)
        .has("GOPATH entry `~/go` is not an absolute path");
}

#[test]
fn gobin_off_path_gets_added_to_the_start_up_files() {
    let machine = Machine::new();
    let gobin = machine.path("~/go/bin");
    std::fs::create_dir_all(&gobin).unwrap();
    for tool in ["gopls", "dlv"] {
        machine.write(&format!("~/go/bin/{tool}"), "#!/bin/sh\necho tool\n");
        set_executable(&gobin.join(tool));
    }
    machine
        .doctor(&[])
        .code(0)
        .has("WARN  GOBIN and installed tools: ~/go/bin is not on PATH")
        .has("~/go/bin holds dlv, gopls but is not on PATH")
        .has("installed tools fail with `command not found`")
        .has(
            "fix [--fix]: add ~/go/bin to the end of PATH in the start-up files with the gvx block",
        );
    let fixed = machine.fix_twice(&[]);
    fixed
        .has("added ~/go/bin to PATH in ~/.profile")
        .has("added ~/go/bin to PATH in ~/.bashrc")
        .has("~/go/bin is not on this shell's PATH")
        .has("your start-up files add it (gvx doctor --fix did): open a new terminal");
    assert!(
        machine
            .read("~/.profile")
            .ends_with("# added by gvx doctor --fix\n")
    );
    // A new shell has it, after the shims.
    machine
        .doctor_in_new_shell(&[])
        .code(0)
        .has("OK    GOBIN and installed tools: ~/go/bin is on PATH (2 tools)")
        .has("OK    go on PATH: the gvx shim comes first");
}

/// A Go whose `version -m` reports a module for each file and whose `install` writes the
/// tool into $GOBIN.
const TOOLING_GO: &str = r#"#!/bin/sh
case "$1" in
  version)
    if [ "$2" = -m ]; then
      shift 2
      for f in "$@"; do
        n=${f##*/}
        printf '%s: go1.22.10\n\tpath\texample.com/tools/cmd/%s\n\tmod\texample.com/tools\tv1.2.3\th1:x=\n' "$f" "$n"
      done
    else
      echo 'go version go1.22.10 linux/amd64'
    fi ;;
  install)
    p=${2%@*}; n=${p##*/}
    printf '#!/bin/sh\necho %s\n' "$2" > "$GOBIN/$n"
    /bin/chmod +x "$GOBIN/$n" ;;
esac
"#;

#[test]
fn tools_left_in_an_sdk_bin_are_listed_and_reinstalled_into_gobin() {
    crate::support::shim_bin();
    let server = TestServer::start();
    publish(
        &server,
        &[FakeSdk::new("1.22.10").file("bin/go", TOOLING_GO, 0o755)],
    );
    let machine = Machine::with_server(server);
    let sdk_bin = machine.home.gvx_home().join("sdk/go1.22.10/bin");
    std::fs::write(sdk_bin.join("gopls"), "#!/bin/sh\n").unwrap();
    set_executable(&sdk_bin.join("gopls"));
    let gobin = machine.path("~/go/bin");
    let mut dirs = vec![gobin.clone(), machine.bin()];
    dirs.push(machine.path("/usr/bin"));
    machine.set_path_dirs(&dirs);

    let run = machine.doctor(&[]);
    run.code(0)
        .has("! gopls was left in ")
        .has("gvx/sdk/go1.22.10/bin")
        .has("example.com/tools/cmd/gopls@v1.2.3  [`go version -m ")
        .has("fix: reinstall it into ~/go/bin (`gvx doctor --fix --online` does it)")
        .has("go install example.com/tools/cmd/gopls@v1.2.3");
    // Without --online, --fix does not download.
    let before = machine.snapshot();
    machine.doctor(&["--fix", "--quiet"]);
    assert_eq!(machine.snapshot(), before);

    machine.set_env("GOPROXY", "off");
    let fixed = machine.fix_twice(&["--online"]);
    fixed.has(
        "reinstalled example.com/tools/cmd/gopls@v1.2.3 into ~/go/bin and moved the SDK's copy out",
    );
    assert!(gobin.join("gopls").is_file());
    assert!(!sdk_bin.join("gopls").exists());
    machine.doctor(&[]).code(0).lacks("was left in");
    // --undo moves the SDK's copy back, byte for byte; the reinstalled tool stays in GOBIN.
    machine.doctor(&["--undo"]).code(0);
    assert_eq!(
        std::fs::read(sdk_bin.join("gopls")).unwrap(),
        b"#!/bin/sh\n"
    );
    assert!(gobin.join("gopls").is_file());
}

fn set_executable(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
