//! [`TestHome`]: an isolated home directory and a hermetic environment for
//! running `gvx` and the shim.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

use super::server::TestServer;

/// Environment variables removed from every command (besides any `GVX_*`
/// variable inherited from the test process).
pub const CLEARED_ENV: &[&str] = &[
    "GOROOT",
    "GOPATH",
    "GOBIN",
    "GOMODCACHE",
    "GOTOOLCHAIN",
    "GOENV",
    "GOFLAGS",
    "GOOS",
    "GOARCH",
    "GOPROXY",
    "GOSUMDB",
    "GOPRIVATE",
    "GONOPROXY",
    "GONOSUMDB",
    "GOINSECURE",
    "GVX_GO_VERSION",
    "GVX_GO_INDEX",
    "GVX_GO_MIRROR",
];

/// A temp directory with `home/` (HOME, USERPROFILE), `gvx/` (GVX_HOME) and
/// `work/` (the commands' working directory). Removed when dropped.
pub struct TestHome {
    dir: TempDir,
    env: Vec<(String, String)>,
}

impl Default for TestHome {
    fn default() -> Self {
        Self::new()
    }
}

impl TestHome {
    /// Creates the directories.
    pub fn new() -> TestHome {
        let dir = tempfile::Builder::new()
            .prefix("gvx-it-")
            .tempdir()
            .expect("create temp dir");
        for sub in ["home", "gvx", "work"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("create test home subdir");
        }
        TestHome {
            dir,
            env: Vec::new(),
        }
    }

    /// The temp directory holding everything.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// `<root>/home`: `HOME` and `USERPROFILE`.
    pub fn home(&self) -> PathBuf {
        self.root().join("home")
    }

    /// `<root>/gvx`: `GVX_HOME`.
    pub fn gvx_home(&self) -> PathBuf {
        self.root().join("gvx")
    }

    /// `<root>/work`: the working directory of commands.
    pub fn work(&self) -> PathBuf {
        self.root().join("work")
    }

    /// `<root>/home/.config/go/env`: `GOENV` (not created).
    pub fn goenv(&self) -> PathBuf {
        self.home().join(".config").join("go").join("env")
    }

    /// Points `GVX_GO_INDEX` / `GVX_GO_MIRROR` of every later command at `server`.
    #[must_use]
    pub fn with_server(mut self, server: &TestServer) -> TestHome {
        self.set_server(server);
        self
    }

    /// In-place form of [`Self::with_server`].
    pub fn set_server(&mut self, server: &TestServer) {
        self.set_env("GVX_GO_INDEX", &server.index_url());
        self.set_env("GVX_GO_MIRROR", &server.mirror_url());
    }

    /// Sets an extra variable for every later command (applied last, so it
    /// can override the defaults).
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_owned(), value.to_owned()));
    }

    /// Builder form of [`Self::set_env`].
    #[must_use]
    pub fn env(mut self, key: &str, value: &str) -> TestHome {
        self.set_env(key, value);
        self
    }

    /// A command for cargo binary `bin` (`"gvx"`; `"gvx-shim"` resolves via
    /// [`super::shim_bin`]) with the hermetic environment, run in [`Self::work`].
    pub fn cmd(&self, bin: &str) -> Command {
        let program = if bin == "gvx-shim" {
            super::shim_bin()
        } else {
            assert_cmd::cargo::cargo_bin(bin)
        };
        self.cmd_path(program)
    }

    /// Shorthand for `cmd("gvx")`.
    pub fn gvx(&self) -> Command {
        self.cmd("gvx")
    }

    /// `gvx` as a `std::process::Command`, for spawning in the background.
    pub fn gvx_std(&self) -> std::process::Command {
        self.std_cmd_path(assert_cmd::cargo::cargo_bin("gvx"))
    }

    /// A command for any program (e.g. an installed shim such as
    /// `<gvx_home>/bin/go`) with the hermetic environment:
    /// `HOME`/`USERPROFILE`, `GVX_HOME`, `XDG_CONFIG_HOME`
    /// (`home/.config`), `XDG_CACHE_HOME` (`home/.cache`), `XDG_DATA_HOME`
    /// (`home/.local/share`), `APPDATA`/`LOCALAPPDATA` (`home/AppData/...`),
    /// `GOENV` ([`Self::goenv`]), `GVX_GO_SOURCE=dl`, `NO_COLOR=1`;
    /// [`CLEARED_ENV`] and inherited `GVX_*` removed; then the extras.
    pub fn cmd_path(&self, program: impl AsRef<OsStr>) -> Command {
        Command::from_std(self.std_cmd_path(program))
    }

    /// [`Self::cmd_path`] as a `std::process::Command`, for spawning in the background.
    pub fn std_cmd_path(&self, program: impl AsRef<OsStr>) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        for (key, _) in std::env::vars_os() {
            if key.to_str().is_some_and(|k| k.starts_with("GVX_")) {
                cmd.env_remove(key);
            }
        }
        for key in CLEARED_ENV {
            cmd.env_remove(key);
        }
        let home = self.home();
        cmd.current_dir(self.work())
            .env("HOME", &home)
            .env("USERPROFILE", &home)
            .env("GVX_HOME", self.gvx_home())
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("XDG_DATA_HOME", home.join(".local").join("share"))
            .env("APPDATA", home.join("AppData").join("Roaming"))
            .env("LOCALAPPDATA", home.join("AppData").join("Local"))
            .env("GOENV", self.goenv())
            // No test reaches a real module proxy: installs use the download index and
            // mirror only, unless a test asks for `--source proxy` or `auto`.
            .env("GVX_GO_SOURCE", "dl")
            .env("NO_COLOR", "1");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }
}
