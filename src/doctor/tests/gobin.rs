use super::*;
use crate::doctor::model::Report;
use crate::doctor::{diagnose, gobin, gopath};

#[test]
fn gobin_not_on_path() {
    let mut world = World::new();
    world.disk.exe(format!("{HOME}/go/bin/gopls"));
    let check = gobin::check(&world.snapshot());
    assert_eq!(check.status, Status::Warn);
    assert_eq!(check.summary, "~/go/bin is not on PATH");
    let it = item(&check, "~/go/bin holds gopls but is not on PATH");
    assert_eq!(
        action(it),
        Some(&Action::AppendPath {
            dir: PathBuf::from(HOME).join("go/bin")
        })
    );
}

#[test]
fn gobin_on_path_or_empty() {
    let mut world = World::new();
    world.disk.exe(format!("{HOME}/go/bin/gopls"));
    world.var("PATH", &format!("{BIN}:{HOME}/go/bin"));
    let check = gobin::check(&world.snapshot());
    assert_eq!(check.status, Status::Ok);
    assert_eq!(check.summary, "~/go/bin is on PATH (1 tools)");
    let check = gobin::check(&World::new().snapshot());
    assert_eq!(check.status, Status::Ok);
    item(&check, "~/go/bin is not on PATH (no tools installed yet)");
}

#[test]
fn gobin_relative() {
    let mut world = World::new();
    world.var("GOBIN", "bin");
    let check = gobin::check(&world.snapshot());
    assert_eq!(check.summary, "GOBIN bin is relative");
    let it = item(&check, "GOBIN `bin` is not an absolute path");
    assert_eq!(
        it.fix.as_ref().unwrap().command.as_deref(),
        Some("unset GOBIN")
    );
}

/// The bug: with GOPATH at an SDK's root, the gobin check offered that SDK's `bin` for PATH
/// while the gopath check offered to remove the GOPATH line, and `--fix` did both.
#[test]
fn gopath_at_an_sdk_root_never_offers_its_bin_for_path() {
    let mut world = World::new();
    world
        .disk
        .sdk("/usr/local/go", "go1.21.0")
        .file(format!("{HOME}/.profile"), "export GOPATH=/usr/local/go\n");
    world.var("GOPATH", "/usr/local/go");
    let s = world.snapshot();
    let check = gobin::check(&s);
    let it = item(&check, "/usr/local/go/bin holds go but is not on PATH");
    let fix = it.fix.as_ref().unwrap();
    assert!(!fix.automatic);
    assert_eq!(
        fix.description,
        "fix GOPATH first (see GOPATH): /usr/local/go/bin lies inside the Go SDK in /usr/local/go, which must never be on PATH"
    );
    let gopath = gopath::check_gopath(&s);
    let sdk = item(&gopath, "GOPATH /usr/local/go holds a Go SDK");
    assert!(matches!(action(sdk), Some(Action::CommentLine { .. })));
    let actions = Report::new(None, diagnose(&s)).actions();
    assert!(
        !actions
            .iter()
            .any(|(a, _)| matches!(a, Action::AppendPath { .. })),
        "{actions:#?}"
    );
}

#[test]
fn gobin_inside_the_store_never_offered_for_path() {
    let mut world = World::new();
    let root = sdk_root(SELECTED);
    world.var("GOPATH", &root.display().to_string());
    let check = gobin::check(&world.snapshot());
    let it = item(&check, "holds go but is not on PATH");
    assert_eq!(
        it.fix.as_ref().unwrap().description,
        format!(
            "fix GOPATH first (see GOPATH): ~/.gvx/sdk/go1.22.10/bin lies inside the gvx store (~/.gvx), which must never be on PATH"
        )
    );
    world.vars.retain(|(k, _)| k != "GOPATH");
    world.var("GOBIN", &root.join("pkg").display().to_string());
    world.disk.exe(root.join("pkg/gopls"));
    let check = gobin::check(&world.snapshot());
    let it = item(&check, "holds gopls but is not on PATH");
    assert!(
        it.fix
            .as_ref()
            .unwrap()
            .description
            .starts_with("fix GOBIN first")
    );
}

#[test]
fn a_tool_left_in_an_sdk() {
    let mut world = World::new();
    let root = sdk_root(SELECTED);
    let tool = root.join("bin/gopls");
    world.disk.exe(&tool).program(
        root.join("bin/go"),
        &format!("version -m {}", tool.display()),
        Ok(format!(
            "{}: go1.22.10\n\tpath\tgolang.org/x/tools/gopls\n\tmod\tgolang.org/x/tools/gopls\tv0.15.3\th1:x=\n",
            tool.display()
        )),
    );
    let mut s = world.snapshot();
    let check = gobin::check(&s);
    let it = item(&check, "gopls was left in ~/.gvx/sdk/go1.22.10/bin");
    let fix = it.fix.as_ref().unwrap();
    assert!(!fix.automatic);
    assert_eq!(
        fix.command.as_deref(),
        Some("go install golang.org/x/tools/gopls@v0.15.3")
    );
    s.online = true;
    let check = gobin::check(&s);
    let it = item(&check, "gopls was left in");
    assert_eq!(
        action(it),
        Some(&Action::ReinstallTool {
            tool,
            package: "golang.org/x/tools/gopls".into(),
            version: "v0.15.3".into(),
            gobin: PathBuf::from(HOME).join("go/bin"),
        })
    );
}
