//! `gvx doctor` on sandboxed machines: a temp HOME with real start-up files, a fake system root
//! (`GVX_DOCTOR_ROOT`: `/etc/...`, `/usr/local/go`) and fake SDKs. Each check's test builds the
//! broken setup, asserts the diagnosis and exit code, runs `--fix`, asserts the repaired state
//! and that a second `--fix` changes nothing.

mod ci;
mod gopath;
mod goroot;
mod path;
mod pins;
mod sdk;
mod settings;
mod shells;
mod snapshots;
mod undo;

use crate::shells::tree;
use crate::support::{FakeSdk, TestHome, TestServer, publish};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

/// A machine: Go 1.22.10 installed by gvx (the default), 1.23.4 and 1.21.13 published, `gvx
/// setup` done for sh and bash, and a PATH that starts with the shims.
pub struct Machine {
    pub server: TestServer,
    pub home: TestHome,
    /// The PATH of every command run through [`Machine::run`].
    path: RefCell<String>,
    /// More variables for those commands.
    env: RefCell<Vec<(String, String)>>,
}

/// What one `gvx doctor` run printed and returned.
pub struct Run {
    pub code: i32,
    pub out: String,
    pub err: String,
}

impl Run {
    #[track_caller]
    pub fn has(&self, text: &str) -> &Run {
        assert!(
            self.out.contains(text),
            "expected `{text}` in the report:\n{}\nstderr:\n{}",
            self.out,
            self.err
        );
        self
    }

    #[track_caller]
    pub fn lacks(&self, text: &str) -> &Run {
        assert!(
            !self.out.contains(text),
            "did not expect `{text}` in the report:\n{}",
            self.out
        );
        self
    }

    #[track_caller]
    pub fn code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "exit code; report:\n{}\nstderr:\n{}",
            self.out, self.err
        );
        self
    }
}

impl Machine {
    pub fn new() -> Machine {
        crate::support::shim_bin();
        let server = TestServer::start();
        publish(
            &server,
            &[
                FakeSdk::new("1.23.4"),
                FakeSdk::new("1.22.10"),
                FakeSdk::new("1.21.13"),
            ],
        );
        Machine::with_server(server)
    }

    pub fn with_server(server: TestServer) -> Machine {
        let mut home = TestHome::new().with_server(&server);
        let root = home.root().join("sys");
        for dir in ["usr/bin", "bin", "etc/profile.d"] {
            fs::create_dir_all(root.join(dir)).unwrap();
        }
        home.set_env("GVX_DOCTOR_ROOT", &root.display().to_string());
        home.set_env("SHELL", "/bin/bash");
        let machine = Machine {
            server,
            home,
            path: RefCell::new(String::new()),
            env: RefCell::new(Vec::new()),
        };
        machine.set_path(&[]);
        machine.gvx(&["install", "1.22.10"]).code(0);
        machine.write("~/.bashrc", "alias ll='ls -l'\n");
        machine.gvx(&["setup"]).code(0);
        machine
    }

    /// `<temp>/sys`, standing in for `/`.
    pub fn root(&self) -> PathBuf {
        self.home.root().join("sys")
    }

    /// A path of the machine: `~/x` in the home, `/x` under the fake root.
    pub fn path(&self, path: &str) -> PathBuf {
        match path.strip_prefix("~/") {
            Some(rest) => self.home.home().join(rest),
            None => self.root().join(path.trim_start_matches('/')),
        }
    }

    pub fn write(&self, path: &str, text: &str) {
        let file = self.path(path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, text).unwrap();
    }

    pub fn append(&self, path: &str, text: &str) {
        let file = self.path(path);
        let mut old = fs::read_to_string(&file).unwrap_or_default();
        old.push_str(text);
        fs::write(file, old).unwrap();
    }

    pub fn read(&self, path: &str) -> String {
        fs::read_to_string(self.path(path)).unwrap_or_default()
    }

    /// The shims' directory.
    pub fn bin(&self) -> PathBuf {
        self.home.gvx_home().join("bin")
    }

    /// Sets PATH to `before` (machine paths), then the shims, then the fake `/usr/bin:/bin`.
    pub fn set_path(&self, before: &[&str]) {
        let mut dirs: Vec<PathBuf> = before.iter().map(|p| self.path(p)).collect();
        dirs.push(self.bin());
        dirs.push(self.path("/usr/bin"));
        dirs.push(self.path("/bin"));
        self.set_path_dirs(&dirs);
    }

    /// Sets a variable for every later command run through [`Machine::run`].
    pub fn set_env(&self, key: &str, value: &str) {
        let mut env = self.env.borrow_mut();
        env.retain(|(k, _)| k != key);
        env.push((key.to_owned(), value.to_owned()));
    }

    pub fn set_path_dirs(&self, dirs: &[PathBuf]) {
        let path = std::env::join_paths(dirs).unwrap();
        *self.path.borrow_mut() = path.to_string_lossy().into_owned();
    }

    /// A fake Go SDK (not gvx's) at `path`, e.g. `/usr/local/go`.
    pub fn fake_sdk(&self, path: &str, version: &str) -> PathBuf {
        let dir = self.path(path);
        FakeSdk::new(version).write_tree(&dir);
        dir
    }

    /// `gvx <args>` in `work/`, with this machine's PATH.
    pub fn gvx(&self, args: &[&str]) -> Run {
        let mut cmd = self.home.gvx();
        cmd.args(args);
        self.run(cmd)
    }

    /// `gvx doctor <args>` in `work/`.
    pub fn doctor(&self, args: &[&str]) -> Run {
        let mut cmd = self.home.gvx();
        cmd.arg("doctor").args(args);
        self.run(cmd)
    }

    pub fn run(&self, mut cmd: assert_cmd::Command) -> Run {
        cmd.env("PATH", self.path.borrow().as_str());
        for (key, value) in self.env.borrow().iter() {
            cmd.env(key, value);
        }
        let out = cmd.output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            out: String::from_utf8_lossy(&out.stdout).into_owned(),
            err: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Every file of the home, the store and the fake root, to show that nothing changed.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        tree(self.home.root())
    }

    /// `--fix`, then a second `--fix` that must change nothing; returns the first run.
    pub fn fix_twice(&self, args: &[&str]) -> Run {
        let mut with_fix = vec!["--fix"];
        with_fix.extend_from_slice(args);
        let first = self.doctor(&with_fix);
        assert!(
            first.out.contains("gvx doctor --fix changed:"),
            "the first --fix changed nothing:\n{}\n{}",
            first.out,
            first.err
        );
        let before = self.snapshot();
        let second = self.doctor(&with_fix);
        second.has("gvx doctor --fix: nothing to change");
        assert_eq!(self.snapshot(), before, "a second --fix changed files");
        first
    }

    /// `gvx doctor` as a new login shell would run it: `sh` reads `~/.profile` first.
    pub fn doctor_in_new_shell(&self, args: &[&str]) -> Run {
        let gvx = assert_cmd::cargo::cargo_bin("gvx");
        let mut cmd = self.home.cmd_path("/bin/sh");
        cmd.arg("-c")
            .arg(". \"$HOME/.profile\"; exec \"$0\" doctor \"$@\"")
            .arg(gvx)
            .args(args);
        self.run(cmd)
    }
}

/// Replaces the temp directory in `text`.
pub fn redact(machine: &Machine, text: &str) -> String {
    let root = machine.home.root().display().to_string();
    let text = text.replace(&root, "[TMP]");
    let mut out = String::new();
    for line in text.lines() {
        let line = match line.find("doctor-") {
            Some(at) => {
                let digits = line[at + 7..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .count();
                format!("{}doctor-[TIME]{}", &line[..at], &line[at + 7 + digits..])
            }
            None => line.to_owned(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn a_healthy_machine_is_all_ok_and_quiet_says_nothing() {
    let machine = Machine::new();
    let run = machine.doctor(&[]);
    run.code(0)
        .has("gvx doctor: go1.22.10 selected here (global default")
        .has("OK    go on PATH: the gvx shim comes first (go1.22.10)")
        .has("OK    selected SDK: go1.22.10")
        .has("files recorded at install time are intact")
        .has("OK    shell start-up files: gvx block in all 2 start-up files")
        .has("0 failed, 0 warnings")
        .lacks("WARN")
        .lacks("FAIL");
    let quiet = machine.doctor(&["--quiet"]);
    quiet.code(0);
    assert_eq!(quiet.out, "", "--quiet prints nothing on a healthy machine");
    // Nothing was written: doctor without --fix only reads.
    let before = machine.snapshot();
    machine.doctor(&[]);
    assert_eq!(machine.snapshot(), before);
}

#[test]
fn json_report_shape() {
    let machine = Machine::new();
    machine.write("~/.config/go/env", "GOROOT=/nonexistent/go\n");
    let run = machine.doctor(&["--json"]);
    run.code(1);
    let json: serde_json::Value = serde_json::from_str(&run.out).expect("--json prints JSON");
    assert_eq!(json["format"], 1);
    assert_eq!(json["status"], "fail");
    assert_eq!(json["selected"]["version"], "1.22.10");
    assert_eq!(json["selected"]["installed"], true);
    assert!(json["counts"]["fail"].as_u64().unwrap() >= 1);
    let checks = json["checks"].as_array().unwrap();
    let ids: Vec<&str> = checks.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "sdk",
            "path",
            "goroot",
            "gopath",
            "gobin",
            "gotoolchain",
            "go-dirs",
            "proxy",
            "pins",
            "shells",
            "other-sdks"
        ]
    );
    let goroot = &checks[2];
    assert_eq!(goroot["status"], "fail");
    let item = &goroot["items"][0];
    assert_eq!(item["status"], "fail");
    assert_eq!(item["evidence"][0]["value"], "GOROOT=/nonexistent/go");
    assert_eq!(item["evidence"][0]["source"]["kind"], "go_env_file");
    assert_eq!(item["evidence"][0]["source"]["line"], 1);
    assert_eq!(item["fix"]["automatic"], true);
    assert_eq!(item["fix"]["elevated"], false);
    assert_eq!(item["fix"]["command"], "go env -u GOROOT");
    assert!(json.get("fixed").is_none(), "no `fixed` without --fix");

    let fixed = machine.doctor(&["--json", "--fix"]);
    fixed.code(0);
    let json: serde_json::Value = serde_json::from_str(&fixed.out).unwrap();
    assert_eq!(json["status"], "ok");
    let changes = json["fixed"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert!(
        changes[0]["change"]
            .as_str()
            .unwrap()
            .starts_with("removed GOROOT from")
    );
    assert!(
        changes[0]["backup"]
            .as_str()
            .unwrap()
            .contains("backups/doctor-")
    );
}

#[test]
fn quiet_prints_only_problems_with_their_fixes() {
    let machine = Machine::new();
    machine.write("~/.config/go/env", "GOTOOLCHAIN=banana\n");
    let run = machine.doctor(&["--quiet"]);
    run.code(1);
    assert_eq!(
        run.out,
        "gvx doctor: FAIL GOTOOLCHAIN: GOTOOLCHAIN=banana is not a value Go accepts\n  fix [--fix]: remove GOTOOLCHAIN from ~/.config/go/env: go env -u GOTOOLCHAIN\n"
    );
}
