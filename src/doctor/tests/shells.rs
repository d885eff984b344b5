use super::*;
use crate::doctor::shells;
use crate::environment::snapshot::{BlockFile, Blocks};

fn bashrc(state: &'static str) -> BlockFile {
    BlockFile {
        path: PathBuf::from(HOME).join(".bashrc"),
        reader: "bash".into(),
        state,
    }
}

#[test]
fn a_missing_block_in_a_shell_without_the_shims() {
    let mut world = World::new();
    world.var("PATH", "/usr/bin");
    let mut s = world.snapshot();
    s.blocks = Some(Ok(Blocks {
        lacking: vec![bashrc("no gvx block")],
        ..Default::default()
    }));
    let check = shells::check(&s);
    assert_eq!(check.status, Status::Fail);
    assert_eq!(check.summary, "1 start-up file(s) without the gvx block");
    let it = item(&check, "no up-to-date gvx block in ~/.bashrc");
    assert_eq!(it.status, Status::Fail);
    assert_eq!(it.evidence[0].value, "no gvx block: bash");
    assert_eq!(action(it), Some(&Action::Setup));
    assert_eq!(
        it.fix.as_ref().unwrap().command.as_deref(),
        Some("gvx setup")
    );
}

#[test]
fn a_missing_block_in_a_shell_that_has_the_shims() {
    let mut s = World::new().snapshot();
    s.blocks = Some(Ok(Blocks {
        lacking: vec![bashrc("missing")],
        ..Default::default()
    }));
    let check = shells::check(&s);
    assert_eq!(item(&check, "no up-to-date gvx block").status, Status::Warn);
}

#[test]
fn a_missing_block_with_the_shims_put_on_path_by_hand() {
    let mut world = World::new();
    world
        .disk
        .file(format!("{HOME}/.profile"), "eval \"$(gvx env)\"\n");
    let mut s = world.snapshot();
    s.blocks = Some(Ok(Blocks {
        lacking: vec![bashrc("missing")],
        ..Default::default()
    }));
    let check = shells::check(&s);
    let it = item(&check, "no up-to-date gvx block");
    assert_eq!(it.status, Status::Ok);
    assert_eq!(it.evidence[1].value, "puts the shims on PATH");
}

#[test]
fn a_session_that_did_not_read_the_start_up_files() {
    let mut world = World::new();
    world.var("PATH", "/usr/bin").var("SUDO_USER", "jo");
    let mut s = world.snapshot();
    s.blocks = Some(Ok(Blocks {
        set_up: vec![bashrc("")],
        ..Default::default()
    }));
    let check = shells::check(&s);
    assert_eq!(check.summary, "gvx block in all 1 start-up files");
    let it = item(&check, "this session's PATH lacks ~/.gvx/bin");
    assert_eq!(it.status, Status::Fail);
    assert_eq!(it.evidence[0].value, "/usr/bin");
    assert!(it.detail.as_deref().unwrap().contains("Under sudo"));
}

#[test]
fn no_home_directory() {
    let mut world = World::new();
    world.vars.retain(|(k, _)| k != "HOME");
    let check = shells::check(&world.snapshot());
    assert_eq!(check.summary, "no home directory");
    assert_eq!(check.status, Status::Warn);
}

#[test]
fn setup_cannot_plan() {
    let mut s = World::new().snapshot();
    s.blocks = Some(Err(crate::error::Error::new(
        crate::error::Exit::Failure,
        "~/.bashrc is UTF-16",
    )));
    let check = shells::check(&s);
    assert_eq!(
        items(&check),
        vec![(Status::Fail, "~/.bashrc is UTF-16".into())]
    );
}
