//! Check 7: pins that cannot be read or name no release, and go.mod needing more than the pin.

use super::Machine;

#[test]
fn unreadable_and_nonexistent_pins() {
    let machine = Machine::new();
    machine.write("~/../work/proj/.go-version", "banana\n");
    let mut cmd = machine.home.gvx();
    cmd.arg("doctor")
        .current_dir(machine.home.work().join("proj"));
    machine
        .run(cmd)
        .code(1)
        .has("FAIL  selected SDK: nothing selected")
        .has(".go-version")
        .has("banana");

    // The index cached by `gvx install` knows no 1.99.1.
    machine.write("~/../work/proj/.go-version", "1.99.1\n");
    let mut cmd = machine.home.gvx();
    cmd.arg("doctor")
        .current_dir(machine.home.work().join("proj"));
    machine
        .run(cmd)
        .code(1)
        .has("FAIL  version pins and go.mod: go1.99.1 pinned by")
        .has("asks for go1.99.1, which is not a Go release for")
        .has("gvx use <version> --project");

    // A real release, not installed: fine (the shim installs it).
    machine.write("~/../work/proj/.go-version", "1.21.13\n");
    let mut cmd = machine.home.gvx();
    cmd.arg("doctor")
        .current_dir(machine.home.work().join("proj"));
    machine
        .run(cmd)
        .lacks("not a Go release")
        .has("WARN  selected SDK");
}

#[test]
fn a_pin_older_than_go_mod_and_gotoolchain_local() {
    let machine = Machine::new();
    machine.gvx(&["install", "1.21.13"]).code(0);
    machine.write("~/../work/mod/.go-version", "1.21.13\n");
    machine.write(
        "~/../work/mod/go.mod",
        "module example.com/m\n\ngo 1.22.0\n",
    );
    let dir = machine.home.work().join("mod");
    let mut cmd = machine.home.gvx();
    cmd.arg("doctor").current_dir(&dir);
    machine
        .run(cmd)
        .code(0)
        .has("gvx doctor: go1.22.10 selected here (pinned by")
        .has("pins go1.21.13, older than the module needs: go1.22.0 is required by")
        .has("gvx runs go1.22.10 instead, so the pin is not what runs here")
        .has("gvx use 1.22.0 --project");

    let mut cmd = machine.home.gvx();
    cmd.arg("doctor")
        .current_dir(&dir)
        .env("GOTOOLCHAIN", "local");
    machine
        .run(cmd)
        .code(1)
        .has("needs go1.22.0 but GOTOOLCHAIN=local keeps go at go1.21.13")
        .has("requires go >= 1.22.0 (running go 1.21.13; GOTOOLCHAIN=local)");
}
