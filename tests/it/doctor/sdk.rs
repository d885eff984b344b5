//! Check 6: the selected SDK runs, its VERSION matches, and its tree matches the manifest
//! recorded at install time.

use super::Machine;
use std::fs;

#[test]
fn the_install_manifest_is_recorded_and_damage_is_found() {
    let machine = Machine::new();
    let manifest = machine.home.gvx_home().join("manifests/go1.22.10.txt");
    let text = fs::read_to_string(&manifest).expect("gvx install records a manifest");
    assert!(
        text.contains("\tbin/go\n") && text.contains("\tsrc/runtime/runtime.go\n"),
        "{text}"
    );
    let files = text.lines().filter(|l| !l.starts_with('#')).count();
    machine.doctor(&[]).code(0).has(&format!(
        "all {files} files recorded at install time are intact"
    ));

    let sdk = machine.home.gvx_home().join("sdk/go1.22.10");
    fs::remove_file(sdk.join("src/bytes/bytes.go")).unwrap();
    fs::write(sdk.join("LICENSE"), "truncated").unwrap();
    let run = machine.doctor(&[]);
    run.code(1)
        .has("FAIL  selected SDK: go1.22.10 (global default")
        .has(&format!(
            "2 of {files} files are missing or changed since install"
        ))
        .has("missing: src/bytes/bytes.go")
        .has("size changed: LICENSE")
        .has("gvx install --force 1.22.10");
    // Nothing --fix can do without downloading: it says so and changes nothing.
    let before = machine.snapshot();
    machine
        .doctor(&["--fix"])
        .code(1)
        .has("gvx doctor --fix: nothing to change");
    assert_eq!(machine.snapshot(), before);
    // The printed fix repairs it.
    machine.gvx(&["install", "--force", "1.22.10"]).code(0);
    machine.doctor(&[]).code(0).has("intact");

    fs::remove_file(&manifest).unwrap();
    machine
        .doctor(&[])
        .code(0)
        .has("WARN  selected SDK")
        .has("go1.22.10 has no install manifest, so its tree cannot be checked");
}

#[test]
fn an_sdk_that_does_not_run_or_names_another_version() {
    let machine = Machine::new();
    let sdk = machine.home.gvx_home().join("sdk/go1.22.10");
    fs::write(sdk.join("VERSION"), "go1.22.9\ntime x\n").unwrap();
    machine
        .doctor(&[])
        .code(1)
        .has("go1.22.10/VERSION says go1.22.9, not go1.22.10");
    fs::write(
        sdk.join("bin/go"),
        "#!/bin/sh\necho 'segfault' >&2\nexit 2\n",
    )
    .unwrap();
    machine
        .doctor(&[])
        .code(1)
        .has("bin/go does not run: segfault")
        .has("every go command fails");

    // Not installed at all: a warning (the shim installs on first use), with the command.
    machine.gvx(&["use", "1.23.4"]).code(0);
    fs::remove_dir_all(machine.home.gvx_home().join("sdk/go1.23.4")).unwrap();
    machine
        .doctor(&[])
        .has("go1.23.4 is selected (global default")
        .has("but not installed")
        .has("gvx install 1.23.4");
}
