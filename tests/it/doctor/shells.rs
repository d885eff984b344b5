//! Check 9: the gvx block in each shell's start-up files, nothing after it that puts another
//! Go ahead, and sessions that did not read them.

use super::Machine;

#[test]
fn a_missing_block_is_written_back_by_fix() {
    let machine = Machine::new();
    machine.write("~/.bashrc", "alias ll='ls -l'\n");
    machine
        .doctor(&[])
        .code(0)
        .has("WARN  shell start-up files: 1 start-up file(s) without the gvx block")
        .has("no up-to-date gvx block in ~/.bashrc")
        .has("no gvx block: interactive bash  [~/.bashrc]")
        .has("fix [--fix]: write the gvx block into each shell's start-up files");
    // Without the shims in this session either, it is a failure.
    machine.set_path_dirs(&[machine.path("/usr/bin")]);
    machine
        .doctor(&[])
        .code(1)
        .has("FAIL  shell start-up files");
    machine.set_path(&[]);

    let fixed = machine.fix_twice(&[]);
    fixed.has("updated the gvx block in ~/.bashrc (interactive bash; gvx setup)");
    let bashrc = machine.read("~/.bashrc");
    assert!(
        bashrc.starts_with("alias ll='ls -l'\n# >>> gvx >>>"),
        "{bashrc}"
    );
    machine
        .doctor(&[])
        .code(0)
        .has("OK    shell start-up files: gvx block in all 2 start-up files");
}

#[test]
fn a_session_that_skipped_the_start_up_files() {
    let machine = Machine::new();
    machine.set_path_dirs(&[machine.path("/usr/bin"), machine.path("/bin")]);
    machine.set_env("SUDO_USER", "jo");
    machine
        .doctor(&[])
        .code(1)
        .has("this session's PATH lacks")
        .has("although your start-up files add it")
        .has("Under sudo, secure_path replaces PATH");
    // Nothing in the files to fix.
    let before = machine.snapshot();
    machine.doctor(&["--fix"]).has("nothing to change");
    assert_eq!(machine.snapshot(), before);
}

#[test]
fn fish_and_zsh_lines_that_run_after_the_block() {
    let machine = Machine::new();
    machine.write(
        "~/.config/fish/conf.d/zz-golang.fish",
        "fish_add_path /usr/local/go/bin\n",
    );
    machine.write(
        "~/.config/fish/conf.d/00-early.fish",
        "fish_add_path /usr/local/go/bin\n",
    );
    machine.write("~/.zshrc", "setopt autocd\n");
    machine.write("~/.zshenv", "export PATH=/usr/local/go/bin:$PATH\n");
    machine.gvx(&["setup"]).code(0);
    machine.append("~/.zshrc", "export PATH=/usr/local/go/bin:$PATH\n");
    let run = machine.doctor(&[]);
    run.code(1)
        .has("~/.config/fish/conf.d/zz-golang.fish:1 puts /usr/local/go/bin ahead of the gvx shims after the gvx block")
        .lacks("00-early.fish:1 puts")
        .has("fix [--fix]: comment out line 1 of ~/.config/fish/conf.d/zz-golang.fish");
    let zshrc_line = machine.read("~/.zshrc").lines().count();
    run.has(&format!(
        "~/.zshrc:{zshrc_line} puts /usr/local/go/bin ahead"
    ))
    .lacks("~/.zshenv:1 puts");

    machine.fix_twice(&[]);
    assert_eq!(
        machine.read("~/.config/fish/conf.d/zz-golang.fish"),
        "# [gvx doctor --fix] fish_add_path /usr/local/go/bin\n"
    );
    assert_eq!(
        machine.read("~/.config/fish/conf.d/00-early.fish"),
        "fish_add_path /usr/local/go/bin\n"
    );
    assert!(
        machine
            .read("~/.zshenv")
            .starts_with("export PATH=/usr/local/go/bin"),
        "a file read before a block is left alone"
    );
    machine.doctor(&[]).code(0);
}

#[test]
fn start_up_files_that_run_gvx_env_themselves_are_fine() {
    let machine = Machine::new();
    machine.gvx(&["setup", "--undo"]).code(0);
    machine.write("~/.bashrc", "alias ll='ls -l'\neval \"$(gvx env)\"\n");
    machine
        .doctor(&[])
        .code(0)
        .has("OK    shell start-up files")
        .has("your start-up files put the shims on PATH themselves")
        .has("puts the shims on PATH  [~/.bashrc:2]");
}
