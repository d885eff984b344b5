//! The human report of realistic broken machines, as snapshots (temp paths redacted).

use super::{Machine, redact};

/// Go from the official tarball in /usr/local/go (on PATH system-wide and, after the gvx
/// block, from ~/.bashrc with a GOROOT), and tools in ~/go/bin that no PATH has.
fn tarball_machine() -> Machine {
    let machine = Machine::new();
    machine.fake_sdk("/usr/local/go", "1.21.5");
    machine.write(
        "/etc/profile.d/golang.sh",
        "export PATH=$PATH:/usr/local/go/bin\n",
    );
    machine.append(
        "~/.bashrc",
        "export GOROOT=/usr/local/go\nexport PATH=$GOROOT/bin:$PATH\n",
    );
    machine.write("~/go/bin/gopls", "#!/bin/sh\n");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        machine.path("~/go/bin/gopls"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    machine.set_path(&["/usr/local/go/bin"]);
    machine
}

#[test]
fn snapshot_tarball_machine() {
    let machine = tarball_machine();
    let run = machine.doctor(&[]);
    run.code(1);
    insta::assert_snapshot!("tarball_machine", redact(&machine, &run.out));
    let fixed = machine.doctor(&["--fix"]);
    fixed.code(1);
    insta::assert_snapshot!("tarball_machine_fixed", redact(&machine, &fixed.out));
    // In a new terminal everything passes.
    machine.set_path(&[]);
    machine.doctor(&[]).code(0);
}

/// Years of `go env -w`: a GOROOT at an old SDK, GOPATH at the gvx store, GOTOOLCHAIN pinned
/// to a release gvx does not have, and checksums off behind a public mirror.
#[test]
fn snapshot_go_env_w_machine() {
    let machine = Machine::new();
    machine.fake_sdk("/usr/local/go", "1.20.14");
    machine.write(
        "~/.config/go/env",
        &format!(
            "GOROOT=/usr/local/go\nGOPATH={}\nGOTOOLCHAIN=go1.21.13\nGOPROXY=https://goproxy.cn,direct\nGOSUMDB=off\n",
            machine.home.gvx_home().display()
        ),
    );
    let run = machine.doctor(&[]);
    run.code(1);
    insta::assert_snapshot!("go_env_w_machine", redact(&machine, &run.out));
    let quiet = machine.doctor(&["--quiet"]);
    insta::assert_snapshot!("go_env_w_machine_quiet", redact(&machine, &quiet.out));
}
