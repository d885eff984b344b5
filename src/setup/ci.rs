//! CI runners: later steps of a job start from the runner's own environment, not from a shell
//! profile, so `gvx setup` also tells the runner. GitHub Actions reads the files named by
//! `GITHUB_PATH` and `GITHUB_ENV` (gvx appends its line once, through the environment layer's
//! writer); Azure Pipelines reads logging commands on stdout (`##vso[task.prependpath]`,
//! printed unless the shims already come first on PATH); GitLab CI and Jenkins have no such
//! channel, so the line for the job's script is printed.

use crate::environment::{Edit, FileEdit, Process, Site};
use std::path::{Path, PathBuf};

/// The CI system gvx runs under, from the variables each one sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Runner {
    GitHub {
        path_file: PathBuf,
        env_file: Option<PathBuf>,
    },
    Azure,
    /// GitLab CI or Jenkins: its name.
    Other(&'static str),
}

impl Runner {
    pub fn detect(process: &Process) -> Option<Runner> {
        let on = |name: &str| {
            process
                .var(name)
                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        };
        if on("GITHUB_ACTIONS") {
            return Some(Runner::GitHub {
                path_file: PathBuf::from(process.var("GITHUB_PATH")?),
                env_file: process.var("GITHUB_ENV").map(PathBuf::from),
            });
        }
        if on("TF_BUILD") {
            return Some(Runner::Azure);
        }
        if on("GITLAB_CI") {
            return Some(Runner::Other("GitLab CI"));
        }
        process.var("JENKINS_URL").map(|_| Runner::Other("Jenkins"))
    }
}

/// What `gvx setup` does for the runner: edits of its files, lines for stdout, status lines.
#[derive(Debug, Default)]
pub struct RunnerSetup {
    pub edits: Vec<Edit>,
    pub stdout: Vec<String>,
    pub said: Vec<String>,
}

/// `GVX_HOME` when the store is not the default `~/.gvx` (later steps must find it too).
fn custom_home(site: &Site) -> Option<String> {
    (site.store.home() != site.home.join(".gvx")).then(|| site.store.home().display().to_string())
}

/// What the runner needs so that later steps find the shims first. Reads the runner's files,
/// writes nothing.
pub fn plan(site: &Site, runner: &Runner) -> crate::error::Result<RunnerSetup> {
    let bin = site.store.bin_dir().display().to_string();
    let home = custom_home(site);
    let mut setup = RunnerSetup::default();
    match runner {
        Runner::GitHub {
            path_file,
            env_file,
        } => {
            setup
                .edits
                .extend(append_line(path_file, &bin, "GitHub Actions' GITHUB_PATH")?);
            if let (Some(env_file), Some(home)) = (env_file, &home) {
                let line = format!("GVX_HOME={home}");
                setup
                    .edits
                    .extend(append_line(env_file, &line, "GitHub Actions' GITHUB_ENV")?);
            }
            setup.said.push(format!(
                "GitHub Actions: later steps of this job find {bin} first on PATH"
            ));
        }
        Runner::Azure => {
            let path = site.process.path();
            if path.first().map(|p| p.display().to_string()) != Some(bin.clone()) {
                setup.stdout.push(format!("##vso[task.prependpath]{bin}"));
                if let Some(home) = &home {
                    setup
                        .stdout
                        .push(format!("##vso[task.setvariable variable=GVX_HOME]{home}"));
                }
            }
            setup.said.push(format!(
                "Azure Pipelines: later steps of this job find {bin} first on PATH"
            ));
        }
        Runner::Other(name) => {
            if let Some(home) = &home {
                setup.stdout.push(format!("export GVX_HOME='{home}'"));
            }
            setup.stdout.push(format!("export PATH='{bin}':\"$PATH\""));
            setup.said.push(format!(
                "{name} has no way for one step to change the next one's PATH: run the lines \
                 above in the job's script (or `eval \"$(gvx env)\"`)"
            ));
        }
    }
    Ok(setup)
}

/// `file` with `line` appended unless a line of it already is `line`.
fn append_line(file: &Path, line: &str, reader: &str) -> crate::error::Result<Option<Edit>> {
    let before = crate::environment::apply::read(file)?;
    let text = before.as_deref().unwrap_or_default();
    if String::from_utf8_lossy(text)
        .lines()
        .any(|l| l.trim_end_matches('\r') == line)
    {
        return Ok(None);
    }
    let mut after = text.to_vec();
    if !after.is_empty() && !after.ends_with(b"\n") {
        after.push(b'\n');
    }
    after.extend_from_slice(line.as_bytes());
    after.push(b'\n');
    Ok(Some(Edit::File(FileEdit {
        path: file.to_owned(),
        before,
        after: Some(after),
        reader: reader.to_owned(),
        summary: None,
        backup: false,
        by_hand: Some(format!("add the line `{line}` to it yourself")),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn process(vars: &[(&str, &str)]) -> Process {
        Process::from_vars(vars.iter().copied(), None)
    }

    #[test]
    fn runners_are_told_apart() {
        assert_eq!(
            Runner::detect(&process(&[
                ("GITHUB_ACTIONS", "true"),
                ("GITHUB_PATH", "/p")
            ])),
            Some(Runner::GitHub {
                path_file: "/p".into(),
                env_file: None
            })
        );
        assert_eq!(
            Runner::detect(&process(&[("TF_BUILD", "True")])),
            Some(Runner::Azure)
        );
        assert_eq!(
            Runner::detect(&process(&[("GITLAB_CI", "true")])),
            Some(Runner::Other("GitLab CI"))
        );
        assert_eq!(
            Runner::detect(&process(&[("GITHUB_ACTIONS", "false")])),
            None
        );
        assert_eq!(Runner::detect(&process(&[])), None);
    }

    #[test]
    fn a_line_is_appended_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("path");
        fs_err::write(&file, "/other/bin").unwrap();
        let Some(Edit::File(edit)) = append_line(&file, "/g/bin", "test").unwrap() else {
            panic!("no edit");
        };
        assert_eq!(edit.after.as_deref(), Some(&b"/other/bin\n/g/bin\n"[..]));
        fs_err::write(&file, "/g/bin\n").unwrap();
        assert!(append_line(&file, "/g/bin", "test").unwrap().is_none());
    }
}
