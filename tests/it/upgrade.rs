//! `gvx upgrade` and `gvx prune` against the loopback index: the newest patch of each line, the
//! default moved along, pins on an old patch named, superseded patches removed, and what must
//! stay (the default, the selection here, a shared store) left alone.

use crate::support::{FakeSdk, TestHome, TestServer, publish};
use std::fs;
use std::process::Output;

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn installed(home: &TestHome) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(home.gvx_home().join("sdk"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

/// A server whose index first has 1.21.13 and 1.22.3 (then 1.22.8), a home with those
/// installed and 1.22.3 the default.
fn old_home() -> (TestServer, TestHome) {
    let server = TestServer::start();
    publish(
        &server,
        &[
            FakeSdk::new("1.21.13"),
            FakeSdk::new("1.22.3"),
            FakeSdk::new("1.22.8"),
        ],
    );
    let home = TestHome::new().with_server(&server);
    for version in ["1.22.3", "1.22.8", "1.21.13"] {
        home.gvx().args(["install", version]).assert().success();
    }
    // 1.22.10 is released.
    publish(
        &server,
        &[
            FakeSdk::new("1.21.13"),
            FakeSdk::new("1.22.3"),
            FakeSdk::new("1.22.8"),
            FakeSdk::new("1.22.10"),
        ],
    );
    (server, home)
}

#[test]
fn upgrade_installs_the_newest_patch_moves_the_default_and_names_stale_pins() {
    let (_server, home) = old_home();
    let service = home.work().join("svc");
    fs::create_dir_all(&service).unwrap();
    fs::write(service.join(".go-version"), "1.22.8\n").unwrap();
    fs::write(home.work().join(".tool-versions"), "golang 1.21.13\n").unwrap();

    // The cached index is from before 1.22.10; a TTL of 0 fetches it again.
    let home = home.env("GVX_INDEX_TTL", "0");
    let out = home.gvx().args(["upgrade", "--dry-run"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "1.21: go1.21.13 is the newest 1.21.x\n\
             1.22: go1.22.8 → go1.22.10 (would install)\n\
             the global default would move from go1.22.3 to go1.22.10\n\
             pins that still name an older patch:\n  \
             {}:1  1.22.8 (newest 1.22.10; `gvx use 1.22.10 --project` in that directory updates it)\n\
             go1.22.8 stays installed until `gvx prune` (or `gvx upgrade --prune`)\n",
            service.join(".go-version").display()
        ),
        "{}",
        text(&out)
    );
    assert_eq!(
        installed(&home),
        ["go1.21.13", "go1.22.3", "go1.22.8"],
        "a dry run changes nothing"
    );

    let out = home.gvx().args(["upgrade"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        stdout(&out).contains("1.22: go1.22.8 → go1.22.10\n"),
        "{}",
        text(&out)
    );
    assert!(
        stdout(&out).contains("the global default moved from go1.22.3 to go1.22.10"),
        "{}",
        text(&out)
    );
    assert_eq!(
        installed(&home),
        ["go1.21.13", "go1.22.10", "go1.22.3", "go1.22.8"],
        "the old patches stay"
    );
    assert_eq!(
        fs::read_to_string(home.gvx_home().join("default")).unwrap(),
        "1.22.10\n"
    );
    // Run again: nothing left to do.
    let out = home.gvx().args(["upgrade", "--json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["lines"][1]["upgraded"], false, "{report}");
    assert_eq!(report["default"], serde_json::Value::Null);
    assert_eq!(report["stale_pins"][0]["pinned"], "1.22.8");
}

#[test]
fn prune_removes_superseded_patches_and_says_why_the_others_stay() {
    let (_server, home) = old_home();
    let home = home.env("GVX_INDEX_TTL", "0");
    home.gvx().args(["install", "1.22.10"]).assert().success();
    // A pin here holds 1.22.8.
    fs::write(home.work().join(".go-version"), "1.22.8\n").unwrap();

    let out = home.gvx().args(["prune", "--dry-run"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "nothing to prune\nkept:\n  \
             1.22.10  the newest installed patch of its line\n  \
             1.22.8  selected here (pinned by {})\n  \
             1.22.3  the global default\n  \
             1.21.13  the newest installed patch of its line\n",
            home.work().join(".go-version").display()
        ),
        "{}",
        text(&out)
    );
    fs::remove_file(home.work().join(".go-version")).unwrap();
    let out = home
        .gvx()
        .args(["prune", "--dry-run", "--json"])
        .output()
        .unwrap();
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["removed"][0]["version"], "1.22.8", "{plan}");
    assert_eq!(plan["removed"][0]["reason"], "superseded by 1.22.10");
    assert_eq!(installed(&home).len(), 4, "a dry run changes nothing");

    let out = home.gvx().args(["prune"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        stdout(&out).starts_with("removed go1.22.8 (superseded by 1.22.10)\nkept:\n"),
        "{}",
        text(&out)
    );
    assert_eq!(installed(&home), ["go1.21.13", "go1.22.10", "go1.22.3"]);
    assert!(
        !home.gvx_home().join("bin/go1.22.8").exists(),
        "its shim goes too"
    );
    assert!(!home.gvx_home().join("manifests/go1.22.8.json").exists());
}

#[test]
fn upgrade_prune_moves_the_default_first_and_leaves_a_shared_store_alone() {
    let (server, home) = old_home();
    let home = home.env("GVX_INDEX_TTL", "0");
    // A shared store holding an old 1.21 patch and 1.22.8.
    let owner = TestHome::new().with_server(&server);
    publish(
        &server,
        &[
            FakeSdk::new("1.21.0"),
            FakeSdk::new("1.21.13"),
            FakeSdk::new("1.22.3"),
            FakeSdk::new("1.22.8"),
            FakeSdk::new("1.22.10"),
        ],
    );
    let shared = owner.root().join("shared");
    for version in ["1.21.0", "1.22.8"] {
        owner
            .gvx()
            .args(["install", "--store"])
            .arg(&shared)
            .arg(version)
            .assert()
            .success();
    }
    let home = home.env("GVX_SHARED_STORES", &shared.display().to_string());
    let out = home
        .gvx()
        .args(["upgrade", "1.22", "--prune"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        stdout(&out).contains("removed go1.22.3 (superseded by 1.22.10)"),
        "the old default goes once the default has moved: {}",
        text(&out)
    );
    assert!(
        stdout(&out).contains("removed go1.22.8 (superseded by 1.22.10)"),
        "{}",
        text(&out)
    );
    assert!(
        stdout(&out).contains("1.21.0  not on a line being upgraded"),
        "{}",
        text(&out)
    );
    assert_eq!(installed(&home), ["go1.21.13", "go1.22.10"]);
    assert!(
        shared.join("sdk/go1.22.8/bin/go").is_file(),
        "the shared store is untouched"
    );

    // A plain prune keeps what only the shared store has, and says so.
    let out = home.gvx().args(["prune"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        stdout(&out).contains(&format!(
            "1.21.0  in the shared store {}, which gvx only reads",
            shared.display()
        )),
        "{}",
        text(&out)
    );
    assert!(shared.join("sdk/go1.21.0/bin/go").is_file());
}

#[test]
fn upgrade_takes_lines_only() {
    let (_server, home) = old_home();
    let out = home.gvx().args(["upgrade", "1.22.3"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("release lines such as `1.22`"),
        "{}",
        text(&out)
    );
}
