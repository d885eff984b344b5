//! `--fix` as one plan: `--dry-run` shows it and writes nothing, every action it takes is
//! taken back by `--undo` byte for byte, and the plan never fights itself.

use super::Machine;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Every file of the machine except gvx's own backups (which `--fix` and `--undo` add to).
fn files(machine: &Machine) -> BTreeMap<PathBuf, Vec<u8>> {
    let backups = machine.home.gvx_home().join("backups");
    let backups = backups
        .strip_prefix(machine.home.root())
        .unwrap()
        .to_owned();
    let mut files = machine.snapshot();
    files.retain(|path, _| !path.starts_with(&backups));
    files
}

/// The files that differ, by name (the bytes would flood the output).
fn differ(a: &BTreeMap<PathBuf, Vec<u8>>, b: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<PathBuf> {
    let mut names: Vec<PathBuf> = a.keys().chain(b.keys()).cloned().collect();
    names.sort();
    names.dedup();
    names.retain(|n| a.get(n) != b.get(n));
    names
}

/// The number of the line `--fix` will see next when `text` is appended to `file`.
fn next_line(machine: &Machine, file: &str) -> usize {
    machine.read(file).lines().count() + 1
}

/// `--dry-run` changes nothing and names the edits; `--fix` changes something; `--undo` puts
/// every byte back. Returns the `--fix` run.
fn fix_and_undo(machine: &Machine, args: &[&str], dry_run_says: &str) -> super::Run {
    let before = files(machine);
    let mut dry = vec!["--fix", "--dry-run"];
    dry.extend_from_slice(args);
    machine
        .doctor(&dry)
        .has("gvx doctor --fix would make these changes (nothing is written):")
        .has(dry_run_says);
    assert_eq!(
        differ(&files(machine), &before),
        [] as [PathBuf; 0],
        "--dry-run wrote"
    );
    let mut fix = vec!["--fix"];
    fix.extend_from_slice(args);
    let fixed = machine.doctor(&fix);
    fixed.has("gvx doctor --fix changed:");
    assert!(
        !differ(&files(machine), &before).is_empty(),
        "--fix changed nothing"
    );
    let undone = machine.doctor(&["--undo"]);
    undone.code(0);
    assert!(undone.err.contains("restored "), "{}", undone.err);
    assert_eq!(
        differ(&files(machine), &before),
        [] as [PathBuf; 0],
        "--undo left these"
    );
    let again = machine.doctor(&["--undo"]);
    again.code(0);
    assert!(again.err.contains("nothing to undo"), "{}", again.err);
    fixed
}

#[test]
fn lines_commented_out_and_go_env_settings_come_back() {
    let machine = Machine::new();
    machine.fake_sdk("/usr/local/go", "1.21.5");
    let old = machine.path("/usr/local/go").display().to_string();
    let line = next_line(&machine, "~/.bashrc");
    machine.append("~/.bashrc", &format!("export GOROOT={old}\r\n"));
    machine.write(
        "~/.config/go/env",
        "GOROOT=/opt/go\nGOTOOLCHAIN=go1.21.13\n",
    );
    let fixed = fix_and_undo(&machine, &[], "-export GOROOT=");
    fixed
        .has(&format!("commented out line {line} of ~/.bashrc"))
        .has("removed GOROOT from ~/.config/go/env");
}

#[test]
fn gvx_blocks_and_files_setup_creates_come_back() {
    let machine = Machine::new();
    machine.write("~/.bashrc", "alias ll='ls -l'");
    std::fs::remove_file(machine.path("~/.profile")).unwrap();
    let _ = std::fs::remove_dir_all(machine.path("~/.local"));
    let fixed = fix_and_undo(&machine, &[], "create ~/.profile");
    fixed.has("updated the gvx block in ~/.bashrc (interactive bash; gvx setup)");
    assert!(!machine.path("~/.profile").exists());
    assert!(
        !machine.path("~/.local").exists(),
        "directories made for new files go with them"
    );
}

#[test]
fn a_path_line_added_and_a_directory_created_come_back() {
    let machine = Machine::new();
    let gobin = machine.path("~/go/bin");
    std::fs::create_dir_all(&gobin).unwrap();
    machine.write("~/go/bin/gopls", "#!/bin/sh\n");
    set_executable(&gobin.join("gopls"));
    let gopath = machine.path("~/work/gopath-a");
    machine.write(
        "~/.config/go/env",
        &format!("GOBIN={}\nGOPATH={}\n", gobin.display(), gopath.display()),
    );
    let fixed = fix_and_undo(&machine, &[], "+case \":$PATH:\" in");
    fixed
        .has("added ~/go/bin to PATH in ~/.profile")
        .has("created ~/work/gopath-a");
    assert!(!gopath.exists(), "the directory --fix created is gone");
}

#[test]
fn an_undo_never_overwrites_a_file_changed_since() {
    let machine = Machine::new();
    let line = next_line(&machine, "~/.bashrc");
    machine.append("~/.bashrc", "export GOROOT=/opt/go\n");
    machine
        .doctor(&["--fix"])
        .has(&format!("commented out line {line} of ~/.bashrc"));
    machine.append("~/.bashrc", "alias x=y\n");
    let edited = machine.read("~/.bashrc");
    let undone = machine.doctor(&["--undo"]);
    undone.code(7);
    for text in [
        "~/.bashrc was changed after gvx edited it, so it is left as it is",
        "nothing was undone; the copy from before is ",
    ] {
        assert!(undone.err.contains(text), "{}", undone.err);
    }
    assert_eq!(machine.read("~/.bashrc"), edited);
}

/// GOPATH at an SDK root: GOBIN is that SDK's `bin`, which holds `go` and `gofmt` and is not on
/// PATH. `--fix` must not add it to PATH (and then comment those lines out again).
#[test]
fn gopath_at_an_sdk_root_is_fixed_without_a_fight() {
    let machine = Machine::new();
    let sdk = machine.home.gvx_home().join("sdk/go1.22.10");
    let line = next_line(&machine, "~/.bashrc");
    machine.append("~/.bashrc", &format!("export GOPATH={}\n", sdk.display()));
    machine.set_env("GOPATH", &sdk.display().to_string());
    let fixed = machine.doctor(&["--fix"]);
    fixed
        .has(&format!("commented out line {line} of ~/.bashrc"))
        .lacks("added ")
        .lacks("your start-up files add it");
    for file in ["~/.profile", "~/.bashrc"] {
        let text = machine.read(file);
        assert!(
            !text.contains("added by gvx doctor --fix"),
            "{file} got a PATH line:\n{text}"
        );
    }
}

fn set_executable(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Two start-up files set the same bad GOPATH: the second setter shows only once the first is
/// commented out. Both are in the one plan `--dry-run` prints, and written in one run.
#[test]
fn what_a_fix_uncovers_is_planned_before_anything_is_written() {
    let machine = Machine::new();
    let inside = machine.home.gvx_home().join("gopath");
    let line = format!("export GOPATH={}\n", inside.display());
    let (bashrc, profile) = (
        next_line(&machine, "~/.bashrc"),
        next_line(&machine, "~/.profile"),
    );
    machine.append("~/.bashrc", &line);
    machine.append("~/.profile", &line);
    machine.set_env("GOPATH", &inside.display().to_string());
    let dry = machine.doctor(&["--fix", "--dry-run"]);
    dry.has(&format!("commented out line {bashrc} of ~/.bashrc"))
        .has(&format!("commented out line {profile} of ~/.profile"));
    machine.fix_twice(&[]);
    let runs: Vec<_> = std::fs::read_dir(machine.home.gvx_home().join("backups"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("doctor-"))
        .collect();
    assert_eq!(runs.len(), 1, "one --fix run wrote once");
    for file in [".bashrc", ".profile"] {
        assert!(
            runs[0].path().join(file).is_file(),
            "{file} backed up in the one run"
        );
    }
}
