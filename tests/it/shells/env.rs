//! `gvx env` per shell (the text, as snapshots) and what it does in the real shell: sourced
//! twice it leaves exactly one gvx entry, first; plus `gvx completions` and the completion
//! files `gvx setup` installs, loaded by zsh, fish and bash.

use super::{have, new_shell, stdout_of};
use crate::support::TestHome;
use std::fs;

const SHELLS: [&str; 7] = ["bash", "zsh", "sh", "fish", "powershell", "cmd", "nu"];

fn env_text(home: &TestHome, shell: &str) -> String {
    let out = home.gvx().args(["env", "--shell", shell]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn env_text_per_shell() {
    let home = TestHome::new();
    let gvx_home = home.gvx_home().display().to_string();
    for shell in SHELLS {
        let text = env_text(&home, shell).replace(&gvx_home, "[GVX_HOME]");
        insta::assert_snapshot!(format!("env_{shell}"), text);
    }
    // The default store needs no GVX_HOME.
    let mut default = TestHome::new();
    let store = default.home().join(".gvx");
    default.set_env("GVX_HOME", &store.display().to_string());
    let text = env_text(&default, "bash").replace(&default.home().display().to_string(), "[HOME]");
    insta::assert_snapshot!("env_bash_default_store", text);
}

/// Sourced twice into a PATH that already holds the gvx directory twice (not first), the code
/// leaves it once, in front, and exports GVX_HOME.
#[test]
fn env_code_runs_in_each_shell_and_twice_is_once() {
    let home = TestHome::new();
    let bin = home.gvx_home().join("bin").display().to_string();
    let start = format!("/usr/bin:{bin}:/bin:{bin}");
    let expected = format!("{bin}:/usr/bin:/bin\n{}\n", home.gvx_home().display());
    let posix = ". ./gvx-env; . ./gvx-env; printf '%s\\n' \"$PATH\" \"$GVX_HOME\"";
    let runs: [(&str, &[&str], &str); 5] = [
        ("bash", &["bash", "-c"], posix),
        ("zsh", &["zsh", "-c"], posix),
        ("sh", &["dash", "-c"], posix),
        ("sh", &["busybox", "sh", "-c"], posix),
        (
            "fish",
            &["fish", "--no-config", "-c"],
            "source gvx-env; source gvx-env; string join : $PATH; echo $GVX_HOME",
        ),
    ];
    for (shell, argv, script) in runs {
        if !have(&[argv[0]]) {
            continue;
        }
        fs::write(home.work().join("gvx-env"), env_text(&home, shell)).unwrap();
        let mut cmd = new_shell(&home, argv);
        cmd.arg(script).env("PATH", &start);
        assert_eq!(stdout_of(&mut cmd), expected, "{argv:?}");
    }
}

/// `eval "$(gvx env)"` as users write it, with the default store (`~/.gvx`, no GVX_HOME).
#[test]
fn eval_gvx_env_in_bash_and_fish() {
    let home = TestHome::new();
    let gvx = assert_cmd::cargo::cargo_bin("gvx");
    let bin = home.home().join(".gvx").join("bin").display().to_string();
    let mut bash = new_shell(
        &home,
        &[
            "bash",
            "-c",
            "eval \"$(\"$0\" env --shell bash)\"; eval \"$(\"$0\" env --shell bash)\"; echo \"$PATH\" \"${GVX_HOME-unset}\"",
        ],
    );
    bash.arg(&gvx);
    if !have(&["bash", "fish"]) {
        return;
    }
    assert_eq!(
        stdout_of(&mut bash),
        format!("{bin}:{} unset\n", super::SYSTEM_PATH)
    );
    let mut fish = new_shell(
        &home,
        &[
            "fish",
            "--no-config",
            "-c",
            "$argv[1] env --shell fish | source; echo $PATH[1]; set -q GVX_HOME; or echo unset",
        ],
    );
    fish.arg(&gvx);
    assert_eq!(stdout_of(&mut fish), format!("{bin}\nunset\n"));
}

#[test]
fn completions_for_every_shell() {
    let home = TestHome::new();
    // Each script registers a completer that calls `gvx` back with GVX_COMPLETE=<shell>.
    for shell in ["bash", "zsh", "fish", "powershell", "elvish", "nu"] {
        let out = home.gvx().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("gvx") && text.contains("GVX_COMPLETE"),
            "{shell}:\n{text}"
        );
    }
    home.gvx().args(["completions", "tcsh"]).assert().failure();
}

#[test]
fn setup_installs_completions_where_each_shell_looks() {
    let home = TestHome::new();
    fs::write(
        home.home().join(".zshrc"),
        "autoload -Uz compinit && compinit -u\n",
    )
    .unwrap();
    home.gvx().arg("setup").assert().success();
    if !have(&["zsh", "fish", "bash"]) {
        return;
    }
    // fish completes only commands it can find: put a gvx where setup's PATH entry points.
    let bin = home.gvx_home().join("bin");
    fs::create_dir_all(&bin).unwrap();
    fs::copy(assert_cmd::cargo::cargo_bin("gvx"), bin.join("gvx")).unwrap();

    let zsh = stdout_of(&mut new_shell(
        &home,
        &["zsh", "-i", "-c", "print -r -- $_comps[gvx]"],
    ));
    assert_eq!(zsh, "_gvx\n");
    let fish = stdout_of(&mut new_shell(
        &home,
        &["fish", "-c", "complete -C 'gvx se'"],
    ));
    assert!(fish.starts_with("setup\t"), "{fish}");
    // bash-completion loads `completions/gvx` from here on first use; source it the same way.
    let bash = stdout_of(&mut new_shell(
        &home,
        &[
            "bash",
            "-c",
            ". \"$HOME/.local/share/bash-completion/completions/gvx\" && complete -p gvx",
        ],
    ));
    assert!(bash.contains("-F _clap_complete_gvx gvx"), "{bash}");
}
