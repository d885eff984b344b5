//! `gvx setup` on the files themselves: idempotent, exactly reversible, byte-exact outside its
//! block (CRLF, no final newline, BOM), all-or-nothing on a read-only file, honest dry runs,
//! symlinked dotfiles, and the report of lines that fight gvx.

use super::{have, new_shell, stdout_of, tree};
use crate::support::TestHome;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

/// A home with rc files in awkward shapes.
fn originals(home: &TestHome) -> Vec<(&'static str, Vec<u8>)> {
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            ".bashrc",
            b"alias ll='ls -l'\r\nexport EDITOR=vi\r\n".to_vec(),
        ),
        (".profile", b"PATH=\"$HOME/bin:$PATH\"".to_vec()),
        (
            ".zshrc",
            b"\xEF\xBB\xBFsetopt autocd\n# caf\xC3\xA9\n".to_vec(),
        ),
        (
            ".config/fish/config.fish",
            b"set -g fish_greeting\n".to_vec(),
        ),
    ];
    for (name, bytes) in &files {
        let path = home.home().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    files
}

fn read(home: &TestHome, name: &str) -> Vec<u8> {
    fs::read(home.home().join(name)).unwrap()
}

#[test]
fn setup_twice_changes_nothing_and_undo_restores_the_originals() {
    let home = TestHome::new();
    let files = originals(&home);
    let before = tree(&home.home());

    home.gvx().arg("setup").assert().success();
    for (name, original) in &files {
        let now = read(&home, name);
        if name.ends_with("config.fish") {
            assert_eq!(&now, original, "{name} is not gvx's to edit");
        } else {
            assert!(
                now.starts_with(original),
                "{name}: bytes before the block changed"
            );
            assert!(
                now.ends_with(b"# <<< gvx <<<\n"),
                "{name}: block at the end"
            );
        }
    }
    // No final newline: one is added before the block (in the file's own style) and noted.
    let profile = String::from_utf8(read(&home, ".profile")).unwrap();
    assert!(profile.starts_with("PATH=\"$HOME/bin:$PATH\"\n# >>> gvx >>>"));
    assert!(profile.lines().nth(1).unwrap().ends_with("[newline added]"));
    assert!(!profile.contains("GOROOT"), "setup sets no GOROOT");
    // Backups of the originals, before the first edit.
    let backups = home.gvx_home().join("backups/setup");
    assert_eq!(fs::read(backups.join(".bashrc")).unwrap(), files[0].1);
    assert_eq!(fs::read(backups.join(".zshrc")).unwrap(), files[2].1);

    let first = (tree(&home.home()), tree(&home.gvx_home()));
    home.gvx()
        .arg("setup")
        .assert()
        .success()
        .stderr(predicate::str::contains("nothing to change"));
    assert_eq!((tree(&home.home()), tree(&home.gvx_home())), first);

    home.gvx().args(["setup", "--undo"]).assert().success();
    assert_eq!(tree(&home.home()), before);
    home.gvx().args(["setup", "--undo"]).assert().success();
    assert_eq!(tree(&home.home()), before);
}

#[test]
fn a_read_only_rc_file_is_an_error_and_nothing_changes() {
    let home = TestHome::new();
    originals(&home);
    let bashrc = home.home().join(".bashrc");
    let mut permissions = fs::metadata(&bashrc).unwrap().permissions();
    permissions.set_readonly(true);
    fs::set_permissions(&bashrc, permissions).unwrap();
    let before = tree(&home.home());

    home.gvx()
        .arg("setup")
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "error: cannot change ~/.bashrc: the file is read-only",
        ))
        .stderr(predicate::str::contains("hint: gvx setup changed nothing"));
    assert_eq!(tree(&home.home()), before);
    assert!(!home.gvx_home().join("backups").exists());
}

#[test]
fn dry_run_prints_the_exact_edits_and_writes_nothing() {
    let home = TestHome::new();
    originals(&home);
    let before = tree(&home.home());
    let out = home.gvx().args(["setup", "--dry-run"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(tree(&home.home()), before);
    assert!(!home.gvx_home().join("backups").exists());
    let bin = home.gvx_home().join("bin");
    for expected in [
        "edit ~/.profile (",
        "  (adds the newline at the end of line 1)\n+# >>> gvx >>>",
        "create ~/.zshenv (every zsh",
        "create ~/.config/fish/conf.d/gvx.fish (every fish)\n  @@ line 1\n+# Written by `gvx setup`",
        "contents: the output of `gvx completions zsh`",
        &format!(
            "+export PATH={}\"${{_gvx_path:+:$_gvx_path}}\"",
            bin.display()
        ),
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    // What the dry run shows is what setup then writes.
    home.gvx().arg("setup").assert().success();
    let zshenv = String::from_utf8(read(&home, ".zshenv")).unwrap();
    let shown: String = text
        .split("create ~/.zshenv")
        .nth(1)
        .unwrap()
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('+'))
        .map(|l| format!("{}\n", &l[1..]))
        .collect();
    assert_eq!(zshenv, shown);
}

#[test]
fn lines_that_fight_gvx_are_reported_with_file_line_and_fix() {
    let home = TestHome::new();
    fs::write(
        home.home().join(".zshrc"),
        "setopt autocd\nexport GOROOT=/usr/local/go\nexport PATH=/usr/local/go/bin:$PATH\nexport PATH=$PATH:$HOME/go/bin\n",
    )
    .unwrap();
    home.gvx()
        .arg("setup")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: ~/.zshrc:2: export GOROOT=/usr/local/go\n  sets GOROOT",
        ))
        .stderr(predicate::str::contains(
            "warning: ~/.zshrc:3: export PATH=/usr/local/go/bin:$PATH\n  puts /usr/local/go/bin ahead of the gvx shims on PATH\n  fix: delete this line",
        ))
        .stderr(predicate::str::contains(":4:").not());
    // Reported, never deleted; and the block (appended after them) still puts gvx first.
    let zshrc = fs::read_to_string(home.home().join(".zshrc")).unwrap();
    assert!(zshrc.starts_with("setopt autocd\nexport GOROOT=/usr/local/go\n"));
    if !have(&["zsh"]) {
        return;
    }
    let path = stdout_of(&mut new_shell(
        &home,
        &["zsh", "-i", "-c", "print -r -- $PATH"],
    ));
    assert!(
        path.starts_with(&format!("{}:", home.gvx_home().join("bin").display())),
        "{path}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_rc_file_is_edited_through_the_link() {
    let home = TestHome::new();
    let dotfiles = home.root().join("dotfiles");
    fs::create_dir_all(&dotfiles).unwrap();
    fs::write(dotfiles.join("bashrc"), "alias g=git\n").unwrap();
    std::os::unix::fs::symlink(dotfiles.join("bashrc"), home.home().join(".bashrc")).unwrap();

    home.gvx().arg("setup").assert().success();
    let link = home.home().join(".bashrc");
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let target = fs::read_to_string(dotfiles.join("bashrc")).unwrap();
    assert!(target.starts_with("alias g=git\n# >>> gvx >>>"));

    home.gvx().args(["setup", "--undo"]).assert().success();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(dotfiles.join("bashrc")).unwrap(),
        "alias g=git\n"
    );
}

#[test]
fn a_file_gvx_did_not_write_is_left_alone() {
    let home = TestHome::new();
    let mine = home.home().join(".config/fish/conf.d/gvx.fish");
    fs::create_dir_all(mine.parent().unwrap()).unwrap();
    fs::write(&mine, "# my own gvx set-up\n").unwrap();
    for args in [&["setup"][..], &["setup", "--undo"]] {
        home.gvx()
            .args(args)
            .assert()
            .success()
            .stderr(predicate::str::contains(
                "warning: ~/.config/fish/conf.d/gvx.fish: it was not written by gvx setup",
            ));
        assert_eq!(fs::read_to_string(&mine).unwrap(), "# my own gvx set-up\n");
    }
}

#[test]
fn login_bash_gets_its_block_in_bash_profile_when_there_is_one() {
    let home = TestHome::new();
    fs::write(home.home().join(".bash_profile"), "umask 022\n").unwrap();
    home.gvx().arg("setup").assert().success();
    for name in [".bash_profile", ".bashrc", ".profile"] {
        let text = fs::read_to_string(home.home().join(name)).unwrap();
        assert!(text.contains("# >>> gvx >>>"), "{name}");
    }
    assert!(!Path::new(&home.home().join(".bash_login")).exists());
    if !have(&["bash"]) {
        return;
    }
    let path = stdout_of(&mut new_shell(&home, &["bash", "-l", "-c", "echo $PATH"]));
    assert!(path.starts_with(&home.gvx_home().join("bin").display().to_string()));
}

/// UTF-16LE with a byte-order mark, as Windows editors and PowerShell 5 write text.
fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// Bytes no shell reads as text: NULs, an ELF header, every byte value.
fn binary_junk() -> Vec<u8> {
    let mut bytes = b"\x7fELF\x02\x01\x01\x00\x00\x00".to_vec();
    bytes.extend(0..=255u8);
    bytes.extend(b"# >>> gvx");
    bytes
}

#[test]
fn files_that_are_not_text_are_left_alone_by_setup_and_undo() {
    let home = TestHome::new();
    let login = utf16le_with_bom("export LANG=de_DE.UTF-8\r\n");
    let junk = binary_junk();
    fs::write(home.home().join(".bash_login"), &login).unwrap();
    fs::write(home.home().join(".profile"), &junk).unwrap();
    fs::write(home.home().join(".bashrc"), "alias g=git\n").unwrap();

    home.gvx()
        .arg("setup")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: ~/.bash_login: the file is UTF-16, which gvx does not edit, so it is left \
             alone (read by login bash); add the lines yourself (`gvx env --shell bash` prints \
             them)",
        ))
        .stderr(predicate::str::contains(
            "warning: ~/.profile: the file holds NUL bytes",
        ))
        .stderr(predicate::str::contains("`gvx env --shell sh` prints them"));
    assert_eq!(read(&home, ".bash_login"), login);
    assert_eq!(read(&home, ".profile"), junk);
    let bashrc = String::from_utf8(read(&home, ".bashrc")).unwrap();
    assert!(bashrc.starts_with("alias g=git\n# >>> gvx >>>"), "{bashrc}");
    assert!(!home.gvx_home().join("backups/setup/.profile").exists());

    // Undo: the block goes, the files it cannot have touched are not even mentioned.
    home.gvx()
        .args(["setup", "--undo"])
        .assert()
        .success()
        .stderr(predicate::str::contains(".bash_login").not())
        .stderr(predicate::str::contains(".profile").not())
        .stderr(predicate::str::contains("error").not());
    assert_eq!(read(&home, ".bash_login"), login);
    assert_eq!(read(&home, ".profile"), junk);
    assert_eq!(read(&home, ".bashrc"), b"alias g=git\n");
}

#[test]
fn undo_is_not_stopped_by_a_utf16_file_that_appeared_later() {
    let home = TestHome::new();
    fs::write(home.home().join(".bashrc"), "alias g=git\n").unwrap();
    let before = tree(&home.home());
    home.gvx().arg("setup").assert().success();
    let login = utf16le_with_bom("umask 022\r\n");
    fs::write(home.home().join(".bash_login"), &login).unwrap();

    home.gvx().args(["setup", "--undo"]).assert().success();
    assert_eq!(read(&home, ".bash_login"), login);
    fs::remove_file(home.home().join(".bash_login")).unwrap();
    assert_eq!(tree(&home.home()), before, "every block removed");
}

#[test]
fn undo_names_a_block_it_cannot_remove_from_a_converted_file() {
    let home = TestHome::new();
    home.gvx().arg("setup").assert().success();
    // The user's editor saved ~/.profile as UTF-16, block and all.
    let text = String::from_utf8(read(&home, ".profile")).unwrap();
    let converted = utf16le_with_bom(&text);
    fs::write(home.home().join(".profile"), &converted).unwrap();

    home.gvx()
        .args(["setup", "--undo"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: ~/.profile: the file is UTF-16, which gvx does not edit, and it holds a \
             converted gvx block: delete the lines from `# >>> gvx >>>` to `# <<< gvx <<<` \
             yourself",
        ));
    assert_eq!(read(&home, ".profile"), converted);
}

#[test]
fn lines_from_start_up_files_are_shown_escaped() {
    let home = TestHome::new();
    fs::write(
        home.home().join(".zshrc"),
        "export GOROOT=/usr/local/go\x1b]0;pwned\x07\nexport PATH=/usr/local/go/bin\x1b[2J:$PATH\n",
    )
    .unwrap();
    let out = home.gvx().arg("setup").output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stderr.contains('\x1b') && !stderr.contains('\x07'),
        "{stderr:?}"
    );
    assert!(
        stderr.contains("~/.zshrc:1: export GOROOT=/usr/local/go\\u{1b}]0;pwned\\u{7}\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("puts /usr/local/go/bin\\u{1b}[2J ahead of the gvx shims"),
        "{stderr}"
    );

    // A line someone put into the block is shown escaped when --dry-run says it goes.
    let bashrc = home.home().join(".bashrc");
    let mut text = fs::read_to_string(&bashrc).unwrap();
    text = text.replace("# <<< gvx <<<", "echo \x1b[31mred\n# <<< gvx <<<");
    fs::write(&bashrc, text).unwrap();
    let out = home.gvx().args(["setup", "--dry-run"]).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("-echo \\u{1b}[31mred\n"), "{stdout}");
    assert!(!stdout.contains('\x1b'), "{stdout:?}");
}
