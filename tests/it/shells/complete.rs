//! Tab completion in the real shells, through the files `gvx setup` installs: bash (the
//! registered function called as bash-completion calls it), zsh (a TAB typed on a
//! pseudo-terminal), fish (`complete -C`) and nu (its configured external completer). Each
//! offers the installed versions (a shared store's too) and the cached index's releases, and
//! no request reaches the loopback server while they answer, even with the cache stale.

use super::{SYSTEM_PATH, have, new_shell, nu_program, stdout_of};
use crate::support::{FakeSdk, TestHome, TestServer, publish};
use std::fs;
use std::path::Path;
use std::process::Command;

/// A home with 1.23.4 and 1.22.10 installed, 1.20.14 in a shared store, an index cache that
/// also lists 1.21.13, and `gvx setup` done; the server then lists 1.24.0 too, which only a
/// completion that fetched the index could offer.
fn home() -> (TestServer, TestHome) {
    let server = TestServer::start();
    publish(
        &server,
        &[
            FakeSdk::new("1.23.4"),
            FakeSdk::new("1.22.10"),
            FakeSdk::new("1.21.13"),
        ],
    );
    let mut home = TestHome::new().with_server(&server);
    let shared = home.root().join("shared");
    let go = shared.join("sdk").join("go1.20.14").join("bin").join("go");
    fs::create_dir_all(go.parent().unwrap()).unwrap();
    fs::write(&go, "#!/bin/sh\n").unwrap();
    home.set_env("GVX_SHARED_STORES", &shared.display().to_string());
    // A stale cache: anything that may fetch, fetches.
    home.set_env("GVX_INDEX_TTL", "0");
    home.gvx()
        .args(["install", "1.23.4", "1.22.10"])
        .assert()
        .success();
    fs::write(
        home.home().join(".zshrc"),
        "autoload -Uz compinit && compinit -u\n",
    )
    .unwrap();
    fs::create_dir_all(home.home().join(".config").join("nushell")).unwrap();
    home.gvx().arg("setup").assert().success();
    // The shells call back the `gvx` on PATH, where install.sh puts it.
    fs::copy(
        assert_cmd::cargo::cargo_bin("gvx"),
        home.gvx_home().join("bin").join("gvx"),
    )
    .unwrap();
    publish(
        &server,
        &[
            FakeSdk::new("1.24.0"),
            FakeSdk::new("1.23.4"),
            FakeSdk::new("1.22.10"),
            FakeSdk::new("1.21.13"),
        ],
    );
    server.clear_requests();
    (server, home)
}

/// A new shell with the test home's gvx settings (as `gvx env` would have exported them).
fn shell(home: &TestHome, server: &TestServer, argv: &[&str]) -> Command {
    let mut cmd = new_shell(home, argv);
    let path = format!("{}:{SYSTEM_PATH}", home.gvx_home().join("bin").display());
    cmd.env("PATH", path)
        .env("GVX_HOME", home.gvx_home())
        .env("GVX_SHARED_STORES", home.root().join("shared"))
        .env("GVX_GO_INDEX", server.index_url())
        .env("GVX_GO_MIRROR", server.mirror_url())
        .env("GVX_INDEX_TTL", "0");
    cmd
}

/// The candidates' values (fish and nu print `value<TAB>description`).
fn values(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| l.split('\t').next().unwrap_or_default().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

/// What a shell offers for each line, the lines being `gvx use ` and `gvx install 1.` etc.
type Driver = fn(&TestHome, &TestServer, &[&str]) -> Vec<String>;

fn bash(home: &TestHome, server: &TestServer, words: &[&str]) -> Vec<String> {
    let file = home
        .home()
        .join(".local/share/bash-completion/completions/gvx");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        ". '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE=\"${{COMP_WORDS[*]}}\"\n\
         COMP_POINT=${{#COMP_LINE}}\n_clap_complete_gvx gvx \"${{COMP_WORDS[COMP_CWORD]}}\" \
         \"${{COMP_WORDS[COMP_CWORD-1]}}\"\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
        file.display(),
        quoted.join(" "),
        words.len() - 1
    );
    values(&stdout_of(&mut shell(
        home,
        server,
        &["bash", "-c", &script],
    )))
}

fn fish(home: &TestHome, server: &TestServer, words: &[&str]) -> Vec<String> {
    let line = words.join(" ");
    let script = format!("complete -C '{line}'");
    values(&stdout_of(&mut shell(
        home,
        server,
        &["fish", "-c", &script],
    )))
}

fn zsh(home: &TestHome, server: &TestServer, words: &[&str]) -> Vec<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/shells/zcomp.zsh");
    let script = script.display().to_string();
    let line = words.join(" ");
    values(&stdout_of(&mut shell(
        home,
        server,
        &["zsh", "-f", &script, &line],
    )))
}

fn nu(home: &TestHome, server: &TestServer, words: &[&str]) -> Vec<String> {
    let nu = nu_program().expect("checked by the caller");
    let spans: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    // `-e` runs as an interactive nu would start: env.nu, config.nu, the autoload dirs.
    let script = format!(
        "do $env.config.completions.external.completer [{}] | default [] | get value? \
         | default [] | str join (char nl) | print; exit",
        spans.join(" ")
    );
    let nu = nu.display().to_string();
    values(&stdout_of(&mut shell(home, server, &[&nu, "-e", &script])))
}

fn check(name: &str, driver: Driver) {
    let (server, home) = home();
    let installed = ["1.23.4", "1.22.10", "1.20.14"];
    for command in ["use", "uninstall", "verify", "exec"] {
        let offered = driver(&home, &server, &["gvx", command, ""]);
        for version in installed {
            assert!(
                offered.iter().any(|o| o == version),
                "{name}: `gvx {command} <TAB>` offers {offered:?}"
            );
        }
        assert!(
            !offered.iter().any(|o| o == "1.21.13"),
            "{name}: {offered:?}"
        );
    }
    let offered = driver(&home, &server, &["gvx", "use", "1.22"]);
    assert_eq!(offered, ["1.22.10"], "{name}: `gvx use 1.22<TAB>`");
    let offered = driver(&home, &server, &["gvx", "upgrade", ""]);
    for line in ["1.23", "1.22", "1.20"] {
        assert!(offered.iter().any(|o| o == line), "{name}: {offered:?}");
    }
    for words in [
        &["gvx", "install", "1."][..],
        &["gvx", "list", "--remote", "1."][..],
    ] {
        let offered = driver(&home, &server, words);
        assert_eq!(
            offered,
            ["1.23.4", "1.22.10", "1.21.13"],
            "{name}: {words:?} offers the cached index's releases"
        );
    }
    let offered = driver(&home, &server, &["gvx", "env", "--shell", ""]);
    assert!(offered.iter().any(|o| o == "nu"), "{name}: {offered:?}");
    let offered = driver(&home, &server, &["gvx", "completions", "f"]);
    assert_eq!(offered, ["fish"], "{name}");
    assert_eq!(
        server.requests().len(),
        0,
        "{name}: completion reached the server"
    );
}

#[test]
fn bash_offers_installed_and_cached_versions() {
    if have(&["bash"]) {
        check("bash", bash);
    }
}

#[test]
fn zsh_offers_installed_and_cached_versions() {
    if have(&["zsh"]) {
        check("zsh", zsh);
    }
}

#[test]
fn fish_offers_installed_and_cached_versions() {
    if have(&["fish"]) {
        check("fish", fish);
    }
}

#[test]
fn nu_offers_installed_and_cached_versions() {
    if nu_program().is_some() {
        check("nu", nu);
    }
}
