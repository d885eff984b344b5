//! The `go`/`gofmt` shims as real processes: selection (env, pins, default, go.mod/go.work,
//! GOTOOLCHAIN), the environment handed to go (GOROOT, the GOPATH guard), pass-through of
//! stdio, exit codes and signals, auto-install, and the recursion guard.

use crate::support::{FakeSdk, TestHome, TestServer, publish};
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

/// Publishes 1.23.9, 1.22.10, 1.21.13; installs 1.22.10 (the default) and 1.21.13; puts gvx
/// beside the shims so the shim can install what is missing.
fn setup() -> (TestServer, TestHome) {
    let server = TestServer::start();
    publish(
        &server,
        &[
            FakeSdk::new("1.23.9"),
            FakeSdk::new("1.22.10"),
            FakeSdk::new("1.21.13"),
        ],
    );
    let home = TestHome::new().with_server(&server);
    home.gvx()
        .args(["install", "1.22.10", "1.21.13"])
        .assert()
        .success();
    install_gvx(&home);
    (server, home)
}

/// Puts gvx and gvx-shim into `<GVX_HOME>/bin`, as install.sh does.
fn install_gvx(home: &TestHome) {
    let bin = home.gvx_home().join("bin");
    fs::create_dir_all(&bin).unwrap();
    fs::copy(assert_cmd::cargo::cargo_bin("gvx"), bin.join("gvx")).unwrap();
    fs::copy(crate::support::shim_bin(), bin.join("gvx-shim")).unwrap();
}

fn shim(home: &TestHome, name: &str) -> PathBuf {
    home.gvx_home().join("bin").join(name)
}

/// `go <args>` through the shim in `dir`.
fn go(home: &TestHome, dir: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = home.cmd_path(shim(home, "go"));
    cmd.current_dir(dir).args(args);
    cmd
}

fn version_in(home: &TestHome, dir: &Path) -> String {
    let out = go(home, dir, &["version"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn project(home: &TestHome, path: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = home.work().join(path);
    fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        fs::write(dir.join(name), text).unwrap();
    }
    dir
}

#[test]
fn go_and_gofmt_run_the_default_sdk_with_its_goroot() {
    let (_server, home) = setup();
    assert_eq!(
        version_in(&home, &home.work()),
        "go version go1.22.10 linux/amd64\n"
    );
    let sdk = home.gvx_home().join("sdk/go1.22.10");
    go(&home, &home.work(), &["env", "GOROOT"])
        .assert()
        .success()
        .stdout(format!("{}\n", sdk.display()));
    home.cmd_path(shim(&home, "gofmt"))
        .arg("-l")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("fake-gofmt go1.22.10 args:-l"));
}

#[test]
fn stdio_and_exit_codes_pass_through() {
    let (_server, home) = setup();
    go(&home, &home.work(), &["cat"])
        .write_stdin("from stdin\n")
        .assert()
        .success()
        .stdout(predicate::str::ends_with("from stdin\n"));
    for code in [0, 1, 3, 255] {
        go(&home, &home.work(), &["build"])
            .env("FAKE_GO_EXIT", code.to_string())
            .assert()
            .code(code)
            .stderr("");
    }
}

#[test]
fn a_stale_goroot_in_the_environment_or_go_env_file_is_overridden() {
    let (_server, home) = setup();
    let sdk = home.gvx_home().join("sdk/go1.22.10");
    go(&home, &home.work(), &["env", "GOROOT"])
        .env("GOROOT", "/usr/local/go")
        .assert()
        .success()
        .stdout(format!("{}\n", sdk.display()));
    fs::create_dir_all(home.goenv().parent().unwrap()).unwrap();
    fs::write(home.goenv(), "GOROOT=/old/go\n").unwrap();
    go(&home, &home.work(), &["env", "GOROOT"])
        .assert()
        .success()
        .stdout(format!("{}\n", sdk.display()));
}

#[test]
fn pins_walk_up_and_the_override_wins() {
    let (_server, home) = setup();
    let deep = project(&home, "a/b/c", &[]);
    project(&home, "a", &[(".go-version", "1.21\n")]);
    assert!(
        version_in(&home, &deep).contains("go1.21.13"),
        "a partial pin picks the newest installed 1.21.x"
    );
    let tools = project(&home, "tv/sub", &[]);
    project(
        &home,
        "tv",
        &[(".tool-versions", "nodejs 20.0.0\ngolang 1.21.13\n")],
    );
    assert!(version_in(&home, &tools).contains("go1.21.13"));
    let out = go(&home, &deep, &["version"])
        .env("GVX_GO_VERSION", "1.22.10")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("go1.22.10"));
    assert!(
        version_in(&home, &home.work()).contains("go1.22.10"),
        "outside the pin: the default"
    );
}

#[test]
fn a_bad_pin_is_an_error_naming_file_and_line() {
    let (_server, home) = setup();
    let dir = project(&home, "bad", &[(".go-version", "# pinned\n1.22.x\n")]);
    go(&home, &dir, &["version"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(
            "bad/.go-version:2: `1.22.x` is not a Go version",
        ))
        .stderr(predicate::str::contains("gvx: hint:"));
}

#[test]
fn a_powershell_utf16_pin_is_read() {
    let (_server, home) = setup();
    let dir = project(&home, "ps", &[]);
    let bytes: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("1.21.13\r\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    fs::write(dir.join(".go-version"), bytes).unwrap();
    assert!(version_in(&home, &dir).contains("go1.21.13"));
}

#[test]
fn go_mod_requirements_raise_the_selection_from_the_store() {
    let (server, home) = setup();
    // go 1.22 is satisfied by the default 1.22.10: nothing to do.
    let plain = project(&home, "plain", &[("go.mod", "module x\n\ngo 1.22\n")]);
    assert!(version_in(&home, &plain).contains("go1.22.10"));
    // A pin older than go.mod's go line: the newest installed of the required line.
    let raised = project(
        &home,
        "raised",
        &[
            ("go.mod", "module x\n\ngo 1.22.1\n"),
            (".go-version", "1.21.13\n"),
        ],
    );
    assert!(version_in(&home, &raised).contains("go1.22.10"));
    // toolchain go1.23.9 is not installed: the shim installs exactly that, then runs it.
    let toolchain = project(
        &home,
        "toolchain",
        &[("go.mod", "module x\n\ngo 1.22\n\ntoolchain go1.23.9\n")],
    );
    go(&home, &toolchain, &["version"])
        .assert()
        .success()
        .stdout("go version go1.23.9 linux/amd64\n")
        .stderr(predicate::str::contains("go1.23.9 is required by"))
        .stderr(predicate::str::contains("toolchain/go.mod (line 5)"));
    assert!(server.request_count("/go/go1.23.9.linux-amd64.tar.gz") == 1);
    // go 1.23.0 with 1.23.9 installed: the newest installed 1.23.x.
    let go_line = project(&home, "goline", &[("go.mod", "module x\ngo 1.23.0\n")]);
    assert!(version_in(&home, &go_line).contains("go1.23.9"));
}

#[test]
fn go_work_beats_go_mod_and_toolchain_local_opts_out() {
    let (_server, home) = setup();
    project(&home, "ws", &[("go.work", "go 1.22.10\n")]);
    let module = project(
        &home,
        "ws/mod",
        &[
            ("go.mod", "module x\ngo 1.21.0\n"),
            (".go-version", "1.21.13\n"),
        ],
    );
    assert!(
        version_in(&home, &module).contains("go1.22.10"),
        "the workspace's go line applies"
    );
    let off = go(&home, &module, &["version"])
        .env("GOWORK", "off")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&off.stdout).contains("go1.21.13"),
        "GOWORK=off: only go.mod"
    );
    let local = project(
        &home,
        "local",
        &[
            ("go.mod", "module x\ngo 1.23.9\ntoolchain local\n"),
            (".go-version", "1.21.13\n"),
        ],
    );
    assert!(version_in(&home, &local).contains("go1.21.13"));
}

#[test]
fn gotoolchain_local_and_exact_are_respected() {
    let (_server, home) = setup();
    let dir = project(
        &home,
        "p",
        &[
            ("go.mod", "module x\ngo 1.22.1\n"),
            (".go-version", "1.21.13\n"),
        ],
    );
    let local = go(&home, &dir, &["version"])
        .env("GOTOOLCHAIN", "local")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&local.stdout).contains("go1.21.13"),
        "local: no raise"
    );
    let exact = go(&home, &home.work(), &["env", "GOTOOLCHAIN"])
        .env("GOTOOLCHAIN", "go1.21.13")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&exact.stdout),
        "go1.21.13\n",
        "GOTOOLCHAIN is passed on untouched"
    );
    let exact = go(&home, &dir, &["version"])
        .env("GOTOOLCHAIN", "go1.21.13")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&exact.stdout).contains("go1.21.13"),
        "an installed exact toolchain runs"
    );
    fs::create_dir_all(home.goenv().parent().unwrap()).unwrap();
    fs::write(home.goenv(), "GOTOOLCHAIN=local\n").unwrap();
    assert!(
        version_in(&home, &dir).contains("go1.21.13"),
        "GOTOOLCHAIN from go env -w counts too"
    );
}

#[test]
fn per_version_shims_run_exactly_their_sdk() {
    let (_server, home) = setup();
    let dir = project(&home, "pinned", &[(".go-version", "1.22.10\n")]);
    home.cmd_path(shim(&home, "go1.21.13"))
        .current_dir(&dir)
        .arg("version")
        .assert()
        .success()
        .stdout("go version go1.21.13 linux/amd64\n");
}

#[test]
fn missing_sdks_are_installed_unless_auto_install_is_off() {
    let (server, home) = setup();
    let dir = project(
        &home,
        "new",
        &[("go.mod", "module x\n\ngo 1.22\n\ntoolchain go1.23.9\n")],
    );
    go(&home, &dir, &["version"])
        .env("GVX_AUTO_INSTALL", "0")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("go1.23.9 is required by"))
        .stderr(predicate::str::contains("new/go.mod (line 5)"))
        .stderr(predicate::str::contains("run `gvx install 1.23.9`"));
    assert_eq!(server.request_count("/go/go1.23.9.linux-amd64.tar.gz"), 0);
    let pinned = project(&home, "pin", &[(".go-version", "1.23\n")]);
    go(&home, &pinned, &["version"])
        .assert()
        .success()
        .stdout("go version go1.23.9 linux/amd64\n");
}

#[test]
fn the_first_sdk_installed_by_a_shim_becomes_the_default() {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10")]);
    let home = TestHome::new().with_server(&server);
    install_gvx(&home);
    home.gvx().arg("reshim").assert().success();
    go(&home, &home.work(), &["version"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no Go version is selected"))
        .stderr(predicate::str::contains("gvx use 1.22"));
    let dir = project(&home, "p", &[(".go-version", "1.22\n")]);
    go(&home, &dir, &["version"]).assert().success();
    assert_eq!(
        fs::read_to_string(home.gvx_home().join("default"))
            .unwrap()
            .trim(),
        "1.22.10"
    );
}

#[test]
fn gopath_overlapping_an_sdk_or_the_store_is_refused() {
    let (_server, home) = setup();
    let sdk = home.gvx_home().join("sdk/go1.22.10");
    let refused = |key: &str, value: &Path, text: &str| {
        go(&home, &home.work(), &["install", "./..."])
            .env(key, value)
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains(text.to_owned()))
            .stderr(predicate::str::contains("comes from the environment"));
    };
    refused("GOPATH", &sdk, "GOPATH (");
    refused("GOPATH", &sdk.join("gopath"), "lies inside the Go SDK");
    refused("GOBIN", &sdk.join("bin"), "GOBIN (");
    refused(
        "GOMODCACHE",
        &home.gvx_home().join("modcache"),
        "lies inside the gvx store",
    );
    // A GOPATH whose pkg/ holds the store (installed while GOPATH was elsewhere).
    let gopath = home.root().join("gp");
    let moved = home.gvx_home().parent().unwrap().join("gp/pkg/gvx");
    fs::create_dir_all(moved.parent().unwrap()).unwrap();
    let copied = std::process::Command::new("cp")
        .arg("-a")
        .arg(home.gvx_home())
        .arg(&moved)
        .status()
        .unwrap();
    assert!(copied.success());
    let mut cmd = home.cmd_path(moved.join("bin/go"));
    cmd.env("GOPATH", &gopath)
        .env("GVX_HOME", &moved)
        .arg("version");
    cmd.assert().code(1).stderr(predicate::str::contains(
        "where Go writes because of GOPATH",
    ));
    // From the go env file: the message names the file and line.
    fs::create_dir_all(home.goenv().parent().unwrap()).unwrap();
    fs::write(
        home.goenv(),
        format!("GOPROXY=off\nGOPATH={}\n", sdk.display()),
    )
    .unwrap();
    go(&home, &home.work(), &["version"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{}:2 (go env -w)",
            home.goenv().display()
        )))
        .stderr(predicate::str::contains("go env -u GOPATH"));
    fs::remove_file(home.goenv()).unwrap();
    // GOPATH=$HOME with the store at ~/.gvx is fine; nothing was ever written into the SDK.
    go(&home, &home.work(), &["version"])
        .env("GOPATH", home.root())
        .assert()
        .success();
    assert!(!sdk.join("gopath").exists() && !sdk.join("pkg/mod").exists());
}

#[test]
fn a_shim_that_reaches_itself_stops_with_a_clear_error() {
    let server = TestServer::start();
    let looping = FakeSdk::new("1.22.10").file(
        "bin/go",
        fs::read(crate::support::shim_bin()).unwrap(),
        0o755,
    );
    publish(&server, &[looping]);
    let home = TestHome::new().with_server(&server);
    home.gvx().args(["install", "1.22.10"]).assert().success();
    go(&home, &home.work(), &["version"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "the gvx shim started itself again with no Go SDK in between",
        ))
        .stderr(predicate::str::contains("GOROOT and PATH"));
}

/// `go run` of a tool that runs `go run` that runs `go`…: each level is a new process started
/// by an SDK's go, so five levels are nesting, not a loop.
#[test]
fn nested_go_calls_through_the_shim_are_not_a_loop() {
    let server = TestServer::start();
    // `go nest N` runs `go nest N-1` from PATH (the shim) as a child, like a tool would.
    let nesting = FakeSdk::new("1.22.10").file(
        "bin/go",
        "#!/bin/sh\nif [ \"$1\" = nest ] && [ \"$2\" -gt 0 ]; then go nest $(($2 - 1)) || exit $?; fi\necho \"level $2 depth=$GVX_SHIM_DEPTH\"\n",
        0o755,
    );
    publish(&server, &[nesting]);
    let home = TestHome::new().with_server(&server);
    home.gvx().args(["install", "1.22.10"]).assert().success();
    let bin = home.gvx_home().join("bin");
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    go(&home, &home.work(), &["nest", "5"])
        .env("PATH", path)
        .assert()
        .success()
        .stdout(predicate::str::contains("level 0 depth=6"))
        .stdout(predicate::str::contains("level 5 depth=1"));
}

/// The guard compares where paths really are: a symlink to an SDK, to its bin/ or to the
/// store's bin/ is refused like the SDK itself, naming the variable, and nothing runs.
#[cfg(unix)]
#[test]
fn a_symlink_never_walks_past_the_gopath_guard() {
    use std::os::unix::fs::symlink;
    let (_server, home) = setup();
    let sdk = home.gvx_home().join("sdk/go1.22.10");
    let links = home.root().join("links");
    fs::create_dir_all(&links).unwrap();
    symlink(&sdk, links.join("sdk")).unwrap();
    symlink(sdk.join("bin"), links.join("sdkbin")).unwrap();
    symlink(home.gvx_home(), links.join("store")).unwrap();
    symlink(&links, home.root().join("links2")).unwrap();
    let before = crate::hardening::snapshot(&home);
    let refused = |key: &str, value: PathBuf, text: &str| {
        go(&home, &home.work(), &["install", "."])
            .env(key, &value)
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains(format!("{key} (")))
            .stderr(predicate::str::contains(text.to_owned()))
            .stderr(predicate::str::contains(", really "));
    };
    refused("GOPATH", links.join("sdk"), "is the Go SDK itself");
    refused(
        "GOPATH",
        home.root().join("links2/sdk"),
        "is the Go SDK itself",
    );
    refused("GOBIN", links.join("sdkbin"), "lies inside the Go SDK");
    refused(
        "GOBIN",
        links.join("store/bin"),
        "lies inside the gvx store",
    );
    refused(
        "GOMODCACHE",
        links.join("sdk/pkg/mod/new"),
        "lies inside the Go SDK",
    );
    refused(
        "GOPATH",
        links.join("sdk/../go1.22.10"),
        "is the Go SDK itself",
    );
    assert_eq!(
        before,
        crate::hardening::snapshot(&home),
        "nothing was written"
    );
}

/// Escape sequences and floods in a pin never reach the terminal raw.
#[test]
fn hostile_pin_text_is_escaped_and_cut() {
    let (_server, home) = setup();
    let dir = project(
        &home,
        "evil",
        &[(".go-version", "1.22\u{1b}]0;pwned\u{7}\u{1b}[2J\n")],
    );
    let out = go(&home, &dir, &["version"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr:?}"
    );
    assert!(stderr.contains("\\u{1b}]0;pwned"), "{stderr}");
    fs::write(dir.join(".go-version"), "1".repeat(50_000)).unwrap();
    let out = go(&home, &dir, &["version"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.len() < 1000,
        "{} bytes of stderr",
        out.stderr.len()
    );
    let mut mod_text = "module x\ngo 1.22\ntoolchain go1.22\u{1b}[31m\n".to_owned();
    mod_text.push_str(&"x".repeat(10));
    let modded = project(&home, "evilmod", &[("go.mod", &mod_text)]);
    let out = go(&home, &modded, &["version"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(stderr.contains("invalid toolchain line"), "{stderr}");
}

/// Every GOTOOLCHAIN form in a module that needs go1.23.0: `gvx current`, `gvx which` and the
/// go that runs agree, and that go gets a GOTOOLCHAIN under which it does not switch again.
#[test]
fn every_gotoolchain_form_runs_what_gvx_current_says() {
    let (_server, home) = setup();
    home.gvx().args(["install", "1.23.9"]).assert().success();
    let dir = project(&home, "needs123", &[("go.mod", "module x\n\ngo 1.23.0\n")]);
    let cases = [
        ("auto", "1.23.9", "auto"),
        ("path", "1.23.9", "path"),
        ("local", "1.22.10", "local"),
        ("go1.21.13", "1.21.13", "go1.21.13"),
        ("go1.21.13+auto", "1.23.9", "go1.23.9+auto"),
        ("go1.21.13+path", "1.23.9", "go1.23.9+path"),
        ("local+auto", "1.23.9", "local+auto"),
    ];
    for (form, runs, child) in cases {
        let current = home
            .gvx()
            .current_dir(&dir)
            .env("GOTOOLCHAIN", form)
            .args(["current", "--short"])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&current.stdout).trim(),
            runs,
            "{form}"
        );
        let which = home
            .gvx()
            .current_dir(&dir)
            .env("GOTOOLCHAIN", form)
            .args(["which", "go"])
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&which.stdout).contains(&format!("go{runs}")),
            "{form}: {}",
            String::from_utf8_lossy(&which.stdout)
        );
        go(&home, &dir, &["build"])
            .env("GOTOOLCHAIN", form)
            .assert()
            .success()
            .stdout(predicate::str::starts_with(format!("fake-go go{runs} ")))
            .stdout(predicate::str::contains(format!("GOTOOLCHAIN={child}\n")));
    }
    // A named toolchain that is not installed is installed (announced), as Go would download it.
    go(&home, &home.work(), &["version"])
        .env("GOTOOLCHAIN", "go1.23.9+path")
        .assert()
        .success();
    fs::remove_dir_all(home.gvx_home().join("sdk/go1.21.13")).unwrap();
    go(&home, &dir, &["version"])
        .env("GOTOOLCHAIN", "go1.21.13")
        .assert()
        .success()
        .stdout("go version go1.21.13 linux/amd64\n")
        .stderr(predicate::str::contains("installing 1.21.13"));
    // Under a path form nothing is downloaded: the shim says what to run instead.
    fs::remove_dir_all(home.gvx_home().join("sdk/go1.23.9")).unwrap();
    go(&home, &dir, &["version"])
        .env("GOTOOLCHAIN", "go1.21.13+path")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("forbids downloading a toolchain"))
        .stderr(predicate::str::contains("gvx install 1.23"));
}

#[cfg(unix)]
#[test]
fn the_shim_execs_so_signals_reach_go() {
    let (_server, home) = setup();
    let mut child = home
        .std_cmd_path(shim(&home, "go"))
        .arg("cat")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Same pid, now running the SDK's go: proof of exec rather than a child process.
    let cmdline_path = format!("/proc/{}/cmdline", child.id());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let cmdline = fs::read_to_string(&cmdline_path).unwrap_or_default();
        if cmdline.contains("sdk/go1.22.10/bin/go") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "pid never became go: {cmdline:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(15), "go died of SIGTERM: {status:?}");
}

#[test]
fn gvx_current_and_which_agree_with_the_shim() {
    let (_server, home) = setup();
    let dir = project(&home, "p", &[(".go-version", "1.21\n")]);
    home.gvx()
        .current_dir(&dir)
        .arg("current")
        .assert()
        .success()
        .stdout(predicate::str::contains("go1.21.13"))
        .stdout(predicate::str::contains("pinned by"))
        .stdout(predicate::str::contains("p/.go-version"));
    home.gvx()
        .current_dir(&dir)
        .args(["current", "--short"])
        .assert()
        .success()
        .stdout("1.21.13\n");
    let goroot = home.gvx_home().join("sdk/go1.21.13");
    home.gvx()
        .current_dir(&dir)
        .args(["which", "--goroot"])
        .assert()
        .success()
        .stdout(format!("{}\n", goroot.display()));
    home.gvx()
        .current_dir(&dir)
        .args(["which", "gofmt"])
        .assert()
        .success()
        .stdout(format!("{}\n", goroot.join("bin/gofmt").display()));
    let raised = project(
        &home,
        "r",
        &[
            ("go.mod", "module x\ngo 1.22.3\n"),
            (".go-version", "1.21\n"),
        ],
    );
    home.gvx()
        .current_dir(&raised)
        .args(["current", "--json"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "\"raised_by\": \"go1.22.3 is required by",
        ));
}

#[test]
fn gvx_use_sets_the_default_or_pins_the_project() {
    let (_server, home) = setup();
    home.gvx()
        .args(["use", "1.21"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "go1.21.13 is now the global default",
        ));
    assert!(version_in(&home, &home.work()).contains("go1.21.13"));
    let current = fs::read_link(home.gvx_home().join("current")).unwrap();
    assert!(
        current.ends_with("sdk/go1.21.13"),
        "current -> {}",
        current.display()
    );
    let dir = project(&home, "p", &[]);
    home.gvx()
        .current_dir(&dir)
        .args(["use", "1.23", "--project"])
        .assert()
        .success();
    assert_eq!(
        fs::read_to_string(dir.join(".go-version")).unwrap(),
        "1.23.9\n",
        "the exact version is pinned"
    );
    assert!(version_in(&home, &dir).contains("go1.23.9"));
}

#[test]
fn gvx_exec_runs_any_command_with_an_sdk() {
    let (_server, home) = setup();
    home.gvx()
        .args(["exec", "1.21", "--", "sh", "-c", "echo $GOROOT; go version"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "sdk/go1.21.13\ngo version go1.21.13",
        ));
    home.gvx()
        .args(["exec", "1.21", "--", "sh", "-c", "exit 7"])
        .assert()
        .code(7);
}

/// On Linux the shim is shipped statically linked (scripts/build-shim.sh: musl, or glibc when
/// rustup lacks the musl target): an ELF without a PT_INTERP program header, so no dynamic
/// loader runs before it on every `go` call.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_shipped_shim_is_statically_linked() {
    const PT_INTERP: u32 = 3;
    let elf = fs::read(crate::support::shim_bin()).unwrap();
    assert_eq!(&elf[..4], b"\x7fELF");
    assert_eq!(elf[4], 2, "a 64-bit ELF");
    let u16_at = |at: usize| u16::from_le_bytes(elf[at..at + 2].try_into().unwrap()) as usize;
    let phoff = u64::from_le_bytes(elf[0x20..0x28].try_into().unwrap()) as usize;
    let (phentsize, phnum) = (u16_at(0x36), u16_at(0x38));
    let interp = (0..phnum).find(|i| {
        let at = phoff + i * phentsize;
        u32::from_le_bytes(elf[at..at + 4].try_into().unwrap()) == PT_INTERP
    });
    assert_eq!(interp, None, "the shim asks for a dynamic loader");
}
