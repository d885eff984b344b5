//! `install.sh` from a checkout (with a stand-in `cargo`, so the workspace is never rebuilt),
//! flags, failures that install nothing, and a truncated download that runs nothing. Releases
//! (downloads, signatures, SHA256SUMS) are `release.rs`'s.

use super::{have, install_sh, run_install_sh, stdout_of, tree};
use crate::support::{TestHome, sha256_hex};
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

/// A stand-in gvx: reports version 9.9.9 and logs every other call to `$GVX_HOME/calls`.
const FAKE_GVX: &str = "#!/bin/sh\n\
case ${1:-} in --version) echo 'gvx 9.9.9' ;; *) echo \"$*\" >> \"$GVX_HOME/calls\" ;; esac\n";
const FAKE_SHIM: &str = "#!/bin/sh\necho fake shim\n";

/// A checkout is built with `cargo build --release --workspace --bins`; the binaries are taken
/// from CARGO_TARGET_DIR (relative to the checkout) or from `cargo metadata`.
#[test]
fn a_checkout_is_built_with_cargo() {
    let home = TestHome::new();
    let checkout = home.root().join("checkout");
    fs::create_dir_all(checkout.join("shims")).unwrap();
    fs::write(checkout.join("Cargo.toml"), "[package]\nname = \"gvx\"\n").unwrap();
    fs::write(checkout.join("shims/Cargo.toml"), "").unwrap();
    fs::copy(install_sh(), checkout.join("install.sh")).unwrap();
    fs::create_dir_all(checkout.join("scripts")).unwrap();
    fs::copy(
        install_sh().with_file_name("scripts/build-shim.sh"),
        checkout.join("scripts/build-shim.sh"),
    )
    .unwrap();
    let tools = home.root().join("tools");
    fs::create_dir_all(&tools).unwrap();
    let log = home.root().join("cargo.log");
    let metadata_dir = home.root().join("meta-target");
    // `build --target T` (scripts/build-shim.sh's static shim) writes only a shim, to <dir>/T/release.
    let cargo = format!(
        r#"#!/bin/sh
echo "$PWD: $*" >> '{log}'
target=${{CARGO_TARGET_DIR:-{meta}}}
case $* in
  metadata*) printf '{{"packages":[],"target_directory":"%s","version":1}}\n' '{meta}' ;;
  *--target*)
    out=$target/${{*##* }}/release; mkdir -p "$out"
    printf '%s' 'static shim' > "$out/gvx-shim" ;;
  build*)
    out=$target/release; mkdir -p "$out"
    printf '%s' '{gvx}' > "$out/gvx"; printf '%s' '{shim}' > "$out/gvx-shim"
    chmod 755 "$out/gvx" "$out/gvx-shim" ;;
esac
"#,
        log = log.display(),
        meta = metadata_dir.display(),
        gvx = FAKE_GVX.replace('\'', "'\\''"),
        shim = FAKE_SHIM,
    );
    write_executable(&tools.join("cargo"), &cargo);
    let host = "x86_64-unknown-linux-gnu";
    write_executable(
        &tools.join("rustc"),
        &format!("#!/bin/sh\necho 'host: {host}'\n"),
    );
    let path = format!("{}:{}", tools.display(), super::SYSTEM_PATH);

    for target_dir in [Some("rel-target"), None] {
        let mut cmd = home.cmd_path("sh");
        cmd.arg(checkout.join("install.sh"))
            .args(["-y", "--version", "v9.9.9"])
            .env("PATH", &path)
            .env_remove("CARGO_TARGET_DIR");
        if let Some(dir) = target_dir {
            cmd.env("CARGO_TARGET_DIR", dir);
        }
        cmd.assert().success();
        let built = match target_dir {
            Some(dir) => checkout.join(dir),
            None => metadata_dir.clone(),
        };
        assert!(built.join("release/gvx").is_file());
    }
    let log = fs::read_to_string(&log).unwrap();
    let dir = checkout.canonicalize().unwrap();
    let workspace = format!("{}: build --release --workspace --bins\n", dir.display());
    let shim = format!(
        "{}: build --release -p gvx-shims --bin gvx-shim --target {host}\n",
        dir.display()
    );
    let metadata = format!("{}: metadata --format-version 1 --no-deps\n", dir.display());
    assert_eq!(log, format!("{workspace}{shim}{workspace}{metadata}{shim}"));
    assert_eq!(
        fs::read_to_string(home.gvx_home().join("bin/gvx-shim")).unwrap(),
        "static shim",
        "the shim built by scripts/build-shim.sh is the one installed"
    );
    assert_eq!(
        fs::read_to_string(home.gvx_home().join("bin/gvx")).unwrap(),
        FAKE_GVX
    );
}

fn write_executable(path: &Path, text: &str) {
    fs::write(path, text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn no_modify_path_installs_but_edits_no_rc_file() {
    let home = TestHome::new();
    run_install_sh(&home, &["sh"], &["--no-modify-path"])
        .assert()
        .success()
        .stderr(predicate::str::contains("env --shell bash"));
    assert!(home.gvx_home().join("bin/go").is_file());
    assert!(tree(&home.home()).is_empty());
}

#[test]
fn flags_are_checked() {
    let home = TestHome::new();
    run_install_sh(&home, &["sh"], &["--version", "0.0.1"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("asked for gvx 0.0.1, but"));
    run_install_sh(&home, &["sh"], &["--frobnicate"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("unknown option '--frobnicate'"));
    assert!(tree(&home.gvx_home()).is_empty());
    run_install_sh(&home, &["sh"], &["--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--no-modify-path"));
}

/// Cut anywhere, even just before the last line, the script installs nothing.
#[test]
fn a_truncated_install_sh_runs_nothing() {
    let script = fs::read(install_sh()).unwrap();
    let last_line = script[..script.len() - 1]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap()
        + 1;
    assert_eq!(&script[last_line..], b"main \"$@\"\n");
    let home = TestHome::new();
    let cut_file: PathBuf = home.root().join("install.sh");
    for cut in [
        script.len() / 4,
        script.len() / 2,
        3 * script.len() / 4,
        last_line,
    ] {
        fs::write(&cut_file, &script[..cut]).unwrap();
        let mut cmd = home.cmd_path("sh");
        cmd.arg(&cut_file)
            .arg("-y")
            .env("PATH", super::SYSTEM_PATH)
            .env("GVX_INSTALL_FROM", super::built_binaries());
        let _ = cmd.output().unwrap();
        assert!(tree(&home.gvx_home()).is_empty(), "cut at {cut}");
        assert!(tree(&home.home()).is_empty(), "cut at {cut}");
    }
}

/// Tests (and curious users) can source the script and call one step.
#[test]
fn steps_can_be_called_one_by_one() {
    let home = TestHome::new();
    let file = home.work().join("blob");
    fs::write(&file, "hello\n").unwrap();
    let script = format!(
        "GVX_INSTALL_SOURCED=1 . '{}'; verify_sha256 blob {} && echo verified",
        install_sh().display(),
        sha256_hex(b"hello\n")
    );
    if !have(&["dash"]) {
        return;
    }
    let mut cmd = std::process::Command::new("dash");
    cmd.args(["-c", &script]).current_dir(home.work());
    assert_eq!(stdout_of(&mut cmd), "verified\n");
}
