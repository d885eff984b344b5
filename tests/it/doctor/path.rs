//! Check 1: every go on PATH, in order, with version and origin; the shim must come first.

use super::Machine;

#[test]
fn a_tarball_go_ahead_of_the_shim_is_named_with_its_origin_and_rc_line() {
    let machine = Machine::new();
    machine.fake_sdk("/usr/local/go", "1.21.5");
    // Added after the gvx block, so it wins in every new shell.
    machine.append(
        "~/.profile",
        "export PATH=\"$GVX_DOCTOR_ROOT/usr/local/go/bin:$PATH\"\n",
    );
    machine.set_path(&["/usr/local/go/bin"]);
    let line = machine.read("~/.profile").lines().count();
    let run = machine.doctor(&[]);
    run.code(1)
        .has("FAIL  go on PATH: 1 go ahead of the gvx shim")
        .has("/usr/local/go/bin/go comes before the gvx shim on PATH")
        .has("(go1.21.5, the official Go tarball or macOS package (/usr/local/go))  [PATH entry 1]")
        .has(&format!("puts /usr/local/go/bin on PATH  [~/.profile:{line}]"))
        .has("`go` runs go1.21.5 here, not the SDK gvx selects (go1.22.10)")
        .has("eval \"$(gvx env)\"")
        .has(&format!(
            "~/.profile:{line} puts $GVX_DOCTOR_ROOT/usr/local/go/bin ahead of the gvx shims after the gvx block"
        ))
        .has(&format!("fix [--fix]: comment out line {line} of ~/.profile"))
        .has("go1.21.5 in /usr/local/go (official tarball or macOS package)");

    // A new login shell still puts the tarball first: the line runs after the block.
    machine.set_path(&[]);
    machine
        .doctor_in_new_shell(&[])
        .code(1)
        .has("1 go ahead of the gvx shim");

    let fixed = machine.fix_twice(&[]);
    fixed.has(&format!("commented out line {line} of ~/.profile"));
    let profile = machine.read("~/.profile");
    assert!(
        profile.ends_with(
            "# [gvx doctor --fix] export PATH=\"$GVX_DOCTOR_ROOT/usr/local/go/bin:$PATH\"\n"
        ),
        "{profile}"
    );
    let backups = machine.home.gvx_home().join("backups");
    let backup = std::fs::read_dir(&backups)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("doctor-"))
        .expect("a doctor backup directory")
        .path()
        .join(".profile");
    assert!(
        std::fs::read_to_string(backup)
            .unwrap()
            .ends_with("$GVX_DOCTOR_ROOT/usr/local/go/bin:$PATH\"\n")
    );

    // The repaired state: a new login shell puts the shim first and everything passes.
    machine.set_path(&["/usr/local/go/bin"]);
    machine
        .doctor_in_new_shell(&[])
        .code(0)
        .has("OK    go on PATH: the gvx shim comes first (go1.22.10)")
        .has("comes after the shim (never run as `go`)");
}

#[test]
fn shims_missing_from_path_or_bin() {
    let machine = Machine::new();
    machine.fake_sdk("/usr/lib/go-1.19", "1.19.8");
    std::os::unix::fs::symlink(
        machine.path("/usr/lib/go-1.19/bin/go"),
        machine.path("/usr/bin/go"),
    )
    .unwrap();
    machine.set_path_dirs(&[machine.path("/usr/bin"), machine.path("/bin")]);
    machine
        .doctor(&[])
        .code(1)
        .has("gvx/bin is not on PATH")
        .has("(go1.19.8, the distribution's golang package (/usr/lib/go-1.19/bin/go))  [PATH entry 1]")
        .has("this session's PATH lacks")
        .has("go1.19.8 in /usr/lib/go-1.19 (distribution package)");

    // The shims deleted: --fix recreates them.
    machine.set_path(&[]);
    std::fs::remove_file(machine.bin().join("go")).unwrap();
    machine
        .doctor(&[])
        .code(1)
        .has("holds no go shim")
        .has("fix [--fix]: recreate the go and gofmt shims");
    let fixed = machine.fix_twice(&[]);
    fixed.code(0).has("recreated the shims in");
    assert!(machine.bin().join("go").is_file());
}
