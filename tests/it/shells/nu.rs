//! nushell for real: after `gvx setup`, a new nu (started as a user's terminal starts it, so it
//! reads env.nu, config.nu and the vendor autoload directory) finds the shim first and `go`
//! runs through it; `gvx setup --undo` gives back every file byte for byte; `gvx env --shell
//! nu` is code the real nu runs, twice being once.

use super::{SYSTEM_PATH, home_with_sdks, new_shell, nu_program, stdout_of, tree};
use crate::support::{TestHome, host_os_arch};
use std::fs;

/// The user's own nu files, there before gvx.
fn originals(home: &TestHome) {
    let nu = home.home().join(".config/nushell");
    fs::create_dir_all(&nu).unwrap();
    fs::write(nu.join("env.nu"), "$env.EDITOR = 'vi'\n").unwrap();
    fs::write(
        nu.join("config.nu"),
        "$env.config.show_banner = false\r\n# caf\u{e9}",
    )
    .unwrap();
    let autoload = home.home().join(".local/share/nushell/vendor/autoload");
    fs::create_dir_all(&autoload).unwrap();
    fs::write(autoload.join("other.nu"), "$env.OTHER = 1\n").unwrap();
}

#[test]
fn a_new_nu_after_setup_runs_go_through_the_shim_and_undo_restores_every_byte() {
    let Some(nu) = nu_program() else {
        return;
    };
    let nu = nu.display().to_string();
    let (_server, home) = home_with_sdks();
    home.gvx()
        .args(["install", "1.23.4", "1.22.10"])
        .assert()
        .success();
    home.gvx().args(["use", "1.23.4"]).assert().success();
    originals(&home);
    let before = tree(&home.home());

    home.gvx().arg("setup").assert().success();
    let autoload = home.home().join(".local/share/nushell/vendor/autoload");
    assert!(autoload.join("gvx.nu").is_file());
    assert!(autoload.join("gvx-completions.nu").is_file());
    let first = tree(&home.home());
    home.gvx().arg("setup").assert().success();
    assert_eq!(tree(&home.home()), first, "a second setup changes nothing");

    let (os, arch) = host_os_arch();
    let go = home.gvx_home().join("bin").join("go");
    let expected = format!(
        "{}\n{}\ngo version go1.23.4 {os}/{arch}\n",
        go.display(),
        home.gvx_home().join("bin").display()
    );
    let script = "print (which go | get 0.path); print ($env.PATH | first); ^go version; exit";
    for argv in [
        &[nu.as_str(), "-e", script][..],
        &[&nu, "--login", "-e", script],
    ] {
        let out = stdout_of(&mut new_shell(&home, argv));
        assert_eq!(out, expected, "{argv:?}");
    }
    // Started without the set-up (`nu -c` reads no configuration), nu has no shim.
    let bare = stdout_of(&mut new_shell(
        &home,
        &[&nu, "-c", "$env.PATH | str join ':'"],
    ));
    assert_eq!(bare.trim_end(), SYSTEM_PATH);

    home.gvx().args(["setup", "--undo"]).assert().success();
    // nu may have written its history; everything gvx wrote or read is as it was.
    let mut after = tree(&home.home());
    after.retain(|path, _| !path.ends_with("history.txt") && !path.ends_with("history.sqlite3"));
    assert_eq!(after, before);
}

#[test]
fn gvx_env_for_nu_runs_in_the_real_nu_and_twice_is_once() {
    let Some(nu) = nu_program() else {
        return;
    };
    let home = TestHome::new();
    let out = home.gvx().args(["env", "--shell", "nu"]).output().unwrap();
    assert!(out.status.success());
    fs::write(home.work().join("gvx-env.nu"), out.stdout).unwrap();
    let bin = home.gvx_home().join("bin").display().to_string();
    let start = format!("/usr/bin:{bin}:/bin:{bin}");
    let mut cmd = new_shell(&home, &[&nu.display().to_string(), "-c"]);
    cmd.arg(
        "source gvx-env.nu; source gvx-env.nu; print ($env.PATH | str join ':'); print $env.GVX_HOME",
    )
    .env("PATH", &start);
    assert_eq!(
        stdout_of(&mut cmd),
        format!("{bin}:/usr/bin:/bin\n{}\n", home.gvx_home().display())
    );
}
