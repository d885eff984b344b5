//! Set-up in real shells (bash, dash, zsh, fish, busybox sh, nu): `install.sh`, `gvx setup`,
//! `gvx env` and completions. Every shell starts with a bare environment (HOME, a system PATH,
//! TERM) in a temporary home, so whatever works came from the files gvx wrote there, and the
//! real user's start-up files are never read or touched. A shell that is not installed skips
//! the tests that need it (`have`).

mod ci;
mod complete;
mod env;
mod install;
mod nu;
mod release;
mod session;
mod setup;

use crate::support::{FakeSdk, TestHome, TestServer, lanes, publish};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The PATH a new terminal has before any start-up file runs.
pub const SYSTEM_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// The checkout's `install.sh`.
pub fn install_sh() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh")
}

/// A directory holding the test build's `gvx` and the shipped `gvx-shim`, as a release archive
/// would (for `GVX_INSTALL_FROM`): `<profile dir>/it-release`, filled once per test process.
pub fn built_binaries() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let gvx = assert_cmd::cargo::cargo_bin("gvx");
        let dir = gvx.with_file_name("it-release");
        fs::create_dir_all(&dir).unwrap();
        fs::copy(&gvx, dir.join("gvx")).unwrap();
        fs::copy(crate::support::shim_bin(), dir.join("gvx-shim")).unwrap();
        dir
    })
    .clone()
}

/// A home whose index offers Go 1.23.4 and 1.22.10.
pub fn home_with_sdks() -> (TestServer, TestHome) {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.23.4"), FakeSdk::new("1.22.10")]);
    let home = TestHome::new().with_server(&server);
    (server, home)
}

/// `install.sh -y` run by `shell` (e.g. `["busybox", "sh"]`) with the test build's binaries.
/// PATH holds no `cargo`, so a mistake can never start a release build of the workspace.
pub fn run_install_sh(home: &TestHome, shell: &[&str], args: &[&str]) -> assert_cmd::Command {
    let mut cmd = home.cmd_path(shell[0]);
    cmd.args(&shell[1..])
        .arg(install_sh())
        .arg("-y")
        .args(args)
        .env("PATH", SYSTEM_PATH)
        .env("GVX_INSTALL_FROM", built_binaries());
    cmd
}

/// A shell process as a new terminal starts it: nothing in its environment but HOME, the
/// system PATH and TERM, working in the test home's `work/`.
pub fn new_shell(home: &TestHome, argv: &[&str]) -> Command {
    let mut cmd = Command::new(argv[0]);
    cmd.args(&argv[1..])
        .env_clear()
        .env("HOME", home.home())
        .env("PATH", SYSTEM_PATH)
        .env("TERM", "dumb")
        .current_dir(home.work());
    cmd
}

/// Runs `cmd`, failing the test with its output unless it succeeds; returns stdout.
pub fn stdout_of(cmd: &mut Command) -> String {
    let out: Output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Every regular file under `dir` (relative path → bytes); symlinks as `-> target`.
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(next) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let kind = entry.file_type().unwrap();
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            if kind.is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                files.insert(rel, format!("-> {}", target.display()).into_bytes());
            } else if kind.is_dir() {
                todo.push(path);
            } else {
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Whether every one of `programs` (shells, busybox) is where a new terminal finds it
/// ([`SYSTEM_PATH`]); each one missing skips its lane ([`lanes::skip`]).
pub fn have(programs: &[&str]) -> bool {
    let mut all = true;
    for program in programs {
        if lanes::find_in(program, OsStr::new(SYSTEM_PATH)).is_none() {
            lanes::skip(
                program,
                &format!(
                    "{program} not found in {SYSTEM_PATH} (scripts/deps.sh installs bash dash \
                     zsh fish busybox)"
                ),
            );
            all = false;
        }
    }
    all
}

/// The lane of the tests that run the real nushell.
pub const NU: &str = "nu";

/// The real `nu`: `GVX_TEST_NU`, else where `scripts/deps.sh` installs it
/// (`~/.cache/gvx-test/nu/bin/nu`), else on [`SYSTEM_PATH`]; `None` after [`lanes::skip`].
pub fn nu_program() -> Option<PathBuf> {
    if let Some(nu) = std::env::var_os("GVX_TEST_NU").filter(|v| !v.is_empty()) {
        let nu = PathBuf::from(nu);
        assert!(nu.is_file(), "GVX_TEST_NU={} is not a file", nu.display());
        return Some(nu);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")));
    let installed = cache.map(|c| c.join("gvx-test").join("nu").join("bin").join("nu"));
    if let Some(nu) = installed.filter(|p| p.is_file()) {
        return Some(nu);
    }
    if let Some(nu) = lanes::find_in("nu", OsStr::new(SYSTEM_PATH)) {
        return Some(nu);
    }
    lanes::skip(
        NU,
        "nu not found (scripts/deps.sh installs it from npm into ~/.cache/gvx-test/nu; or set \
         GVX_TEST_NU)",
    );
    None
}
