use super::*;
use crate::doctor::model::Source;
use crate::doctor::{path, shells};
use crate::environment::block;

/// `~/.bashrc`: the gvx block, then a line that puts /usr/local/go/bin first; returns the
/// world and that line's number.
pub fn late_line_world() -> (World, usize) {
    let mut world = World::new();
    let body = format!("export PATH=\"{BIN}:$PATH\"\n");
    let mut text = String::from_utf8(block::with_block(None, &body).unwrap()).unwrap();
    let line = text.lines().count() + 1;
    text.push_str("export PATH=\"/usr/local/go/bin:$PATH\"\n");
    world
        .disk
        .file(format!("{HOME}/.bashrc"), &text)
        .sdk("/usr/local/go", "go1.21.0");
    world.var("PATH", &format!("/usr/local/go/bin:{BIN}:/usr/bin"));
    (world, line)
}

#[test]
fn the_shim_comes_first() {
    let check = path::check(&World::new().snapshot());
    assert_eq!(check.status, Status::Ok);
    assert_eq!(check.summary, "the gvx shim comes first (go1.22.10)");
    assert!(check.items.is_empty());
}

#[test]
fn an_sdk_ahead_of_the_shims_put_there_by_a_line_after_the_gvx_block() {
    let (world, line) = late_line_world();
    let check = path::check(&world.snapshot());
    assert_eq!(check.status, Status::Fail);
    assert_eq!(check.summary, "1 go ahead of the gvx shim");
    let it = item(
        &check,
        "/usr/local/go/bin/go comes before the gvx shim on PATH",
    );
    assert_eq!(
        it.evidence[0].value,
        "/usr/local/go/bin/go (go1.21.0, the official Go tarball or macOS package (/usr/local/go))"
    );
    assert_eq!(it.evidence[0].source, Source::PathEntry { index: 1 });
    let bashrc = Source::File {
        path: PathBuf::from(HOME).join(".bashrc"),
        line,
        scope: crate::environment::Scope::User,
    };
    assert!(
        it.evidence.iter().any(|e| e.source == bashrc),
        "{:#?}",
        it.evidence
    );
    assert_eq!(
        it.detail.as_deref(),
        Some("`go` runs go1.21.0 here, not the SDK gvx selects (go1.22.10)")
    );
    let fix = it.fix.as_ref().unwrap();
    assert!(
        fix.description
            .starts_with("make this shell use the shims now")
    );
    assert_eq!(fix.command.as_deref(), Some("eval \"$(gvx env)\""));
}

#[test]
fn the_shims_not_on_path() {
    let mut world = World::new();
    world.var("PATH", "/usr/bin").var("SHELL", "/usr/bin/fish");
    let check = path::check(&world.snapshot());
    let it = item(&check, "~/.gvx/bin is not on PATH");
    assert_eq!(it.status, Status::Fail);
    assert_eq!(it.detail.as_deref(), Some("`go` is not found at all"));
    assert_eq!(
        it.fix.as_ref().unwrap().command.as_deref(),
        Some("gvx env --shell fish | source")
    );
}

#[test]
fn a_shim_directory_without_the_shim() {
    let mut world = World::new();
    world.disk.files.remove(&PathBuf::from(BIN).join("go"));
    world
        .disk
        .executables
        .remove(&PathBuf::from(BIN).join("go"));
    let check = path::check(&world.snapshot());
    let it = item(&check, "is on PATH but holds no go shim");
    assert_eq!(action(it), Some(&Action::Reshim));
}

#[test]
fn the_shells_check_names_the_late_line_and_comments_it_out() {
    let (world, line) = late_line_world();
    let mut s = world.snapshot();
    s.blocks = Some(Ok(crate::environment::snapshot::Blocks {
        set_up: vec![crate::environment::snapshot::BlockFile {
            path: PathBuf::from(HOME).join(".bashrc"),
            reader: "bash".into(),
            state: "",
        }],
        ..Default::default()
    }));
    let check = shells::check(&s);
    assert_eq!(check.status, Status::Fail);
    assert_eq!(
        check.summary,
        "1 line(s) put another Go ahead after the gvx block"
    );
    let it = item(&check, "puts /usr/local/go/bin ahead of the gvx shims");
    assert_eq!(
        it.message,
        format!(
            "~/.bashrc:{line} puts /usr/local/go/bin ahead of the gvx shims after the gvx block"
        )
    );
    assert_eq!(
        action(it),
        Some(&Action::CommentLine {
            path: PathBuf::from(HOME).join(".bashrc"),
            line,
            text: "export PATH=\"/usr/local/go/bin:$PATH\"".into(),
        })
    );
    item(&check, "gvx block in ~/.bashrc (bash)");
}

#[test]
fn a_go_after_the_shim_is_listed_not_blamed() {
    let mut world = World::new();
    world.disk.sdk("/usr/local/go", "go1.21.0");
    world.var("PATH", &format!("{BIN}:/usr/local/go/bin"));
    let check = path::check(&world.snapshot());
    assert_eq!(check.status, Status::Ok);
    assert_eq!(
        items(&check),
        vec![(
            Status::Ok,
            "/usr/local/go/bin/go comes after the shim (never run as `go`)".into()
        )]
    );
}
