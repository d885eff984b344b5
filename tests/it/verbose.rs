//! `--verbose` / `GVX_VERBOSE`: what gvx decided and why, on stderr — the selection with its
//! files, the index cache, each URL with its status and time, the sha256 check — and the
//! shim's one line naming the SDK it runs. (The fallback from one host to another is in
//! `proxy.rs`.)

use crate::support::{FakeSdk, TestHome, TestServer, publish};
use std::fs;

fn verbose_lines(stderr: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| l.starts_with("gvx ["))
        .map(str::to_owned)
        .collect()
}

#[test]
fn verbose_install_names_the_cache_every_url_and_the_sha256_check() {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10")]);
    let home = TestHome::new().with_server(&server);
    let out = home
        .gvx()
        .args(["--verbose", "install", "1.22"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines = verbose_lines(&out.stderr).join("\n");
    for expected in [
        "index cache ",
        ": none yet",
        &format!("GET {} → 200 OK in ", server.index_url()),
        &format!("fetched the index from {}", server.index_url()),
        &format!(
            "GET {}/go1.22.10.linux-amd64.tar.gz → 200 OK in ",
            server.mirror_url()
        ),
        "matches the one from the index at",
        "renamed the verified tree into",
    ] {
        assert!(
            lines.contains(expected),
            "missing {expected:?} in:\n{lines}"
        );
    }
    // The second time the cache answers, and says how old it is.
    let out = home
        .gvx()
        .args(["-v", "list", "--remote"])
        .env("GVX_VERBOSE", "0")
        .output()
        .unwrap();
    let lines = verbose_lines(&out.stderr).join("\n");
    assert!(lines.contains("fresh for 10 minutes"), "{lines}");
    assert!(lines.contains("using the cached index"), "{lines}");
    assert!(!lines.contains("GET "), "{lines}");
}

#[test]
fn verbose_current_shows_the_selection_chain_and_the_shim_says_what_it_runs() {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10"), FakeSdk::new("1.21.13")]);
    let home = TestHome::new().with_server(&server);
    home.gvx()
        .args(["install", "1.22.10", "1.21.13"])
        .assert()
        .success();
    fs::write(home.work().join(".go-version"), "1.21\n").unwrap();
    fs::write(home.work().join("go.mod"), "module m\n\ngo 1.22.1\n").unwrap();
    let out = home.gvx().args(["-v", "current"]).output().unwrap();
    let lines = verbose_lines(&out.stderr).join("\n");
    for expected in [
        &format!("selecting in {}", home.work().display()),
        &format!(
            "chosen by: pinned by {}",
            home.work().join(".go-version").display()
        ),
        "asks for: 1.21",
        "raised by: ",
        "go.mod",
        "runs go1.22.10 (installed)",
    ] {
        assert!(
            lines.contains(expected),
            "missing {expected:?} in:\n{lines}"
        );
    }

    let go = home.gvx_home().join("bin/go");
    let out = home.cmd_path(&go).arg("version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "quiet unless asked"
    );
    let out = home
        .cmd_path(&go)
        .arg("version")
        .env("GVX_VERBOSE", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!(
            "gvx: go runs {} (",
            home.gvx_home().join("sdk/go1.22.10/bin/go").display()
        )) && stderr.contains("go.mod"),
        "{stderr}"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "go version go1.22.10 linux/amd64\n"
    );
}
