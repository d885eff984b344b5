//! `gvx setup` on CI runners: GitHub Actions' `GITHUB_PATH`/`GITHUB_ENV` files get their line
//! once, Azure Pipelines gets its logging commands on stdout, other runners the lines to run.

use crate::support::TestHome;
use std::fs;

fn setup(home: &TestHome) -> (String, String) {
    let out = home.gvx().arg("setup").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn github_actions_files_get_the_shims_once() {
    let mut home = TestHome::new();
    let runner = home.root().join("runner");
    fs::create_dir_all(&runner).unwrap();
    let (path_file, env_file) = (runner.join("path"), runner.join("env"));
    fs::write(&path_file, "/opt/tool/bin\n").unwrap();
    home.set_env("GITHUB_ACTIONS", "true");
    home.set_env("GITHUB_PATH", &path_file.display().to_string());
    home.set_env("GITHUB_ENV", &env_file.display().to_string());
    let bin = home.gvx_home().join("bin");
    let dry = home.gvx().args(["setup", "--dry-run"]).output().unwrap();
    let dry = String::from_utf8(dry.stdout).unwrap();
    assert!(dry.contains(&format!("+{}", bin.display())), "{dry}");
    assert_eq!(fs::read_to_string(&path_file).unwrap(), "/opt/tool/bin\n");

    let (_, err) = setup(&home);
    assert!(
        err.contains("GitHub Actions: later steps of this job find"),
        "{err}"
    );
    let expected_path = format!("/opt/tool/bin\n{}\n", bin.display());
    let expected_env = format!("GVX_HOME={}\n", home.gvx_home().display());
    assert_eq!(fs::read_to_string(&path_file).unwrap(), expected_path);
    assert_eq!(fs::read_to_string(&env_file).unwrap(), expected_env);
    setup(&home);
    assert_eq!(
        fs::read_to_string(&path_file).unwrap(),
        expected_path,
        "twice is once"
    );
    assert_eq!(fs::read_to_string(&env_file).unwrap(), expected_env);
}

#[test]
fn azure_pipelines_gets_logging_commands_until_the_shims_come_first() {
    let mut home = TestHome::new();
    home.set_env("TF_BUILD", "True");
    let bin = home.gvx_home().join("bin").display().to_string();
    let gvx_home = home.gvx_home().display().to_string();
    let (out, _) = setup(&home);
    assert_eq!(
        out,
        format!(
            "##vso[task.prependpath]{bin}\n##vso[task.setvariable variable=GVX_HOME]{gvx_home}\n"
        )
    );
    // A later step: the agent put the shims first, so nothing is prepended again.
    home.set_env("PATH", &format!("{bin}:/usr/bin:/bin"));
    let (out, err) = setup(&home);
    assert_eq!(out, "", "{err}");
}

#[test]
fn other_runners_get_the_lines_to_run() {
    let mut home = TestHome::new();
    home.set_env("GITLAB_CI", "true");
    let (out, err) = setup(&home);
    let bin = home.gvx_home().join("bin").display().to_string();
    assert!(
        out.contains(&format!("export PATH='{bin}':\"$PATH\"")),
        "{out}"
    );
    assert!(err.contains("GitLab CI has no way for one step"), "{err}");
}
