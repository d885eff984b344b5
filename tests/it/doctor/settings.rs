//! Check 5: GOTOOLCHAIN against the selection; Go's caches; GOPROXY/GOSUMDB/GOPRIVATE; the
//! proxy answering (only with --online).

use super::Machine;

#[test]
fn gotoolchain_that_overrides_the_selection_says_what_go_really_runs() {
    let machine = Machine::new();
    machine.write("~/.config/go/env", "GOTOOLCHAIN=go1.21.13\n");
    machine
        .doctor(&[])
        .code(0)
        .has("WARN  GOTOOLCHAIN: go1.21.13 (~/.config/go/env:1 (go env -w))")
        .has("GOTOOLCHAIN=go1.21.13 overrides gvx's selection")
        .has("go1.21.13 is not in the gvx store yet, so the shim installs it on first use (GVX_AUTO_INSTALL=0: it says what to run instead)")
        .has("fix [--fix]: remove GOTOOLCHAIN from ~/.config/go/env");
    machine
        .fix_twice(&[])
        .has("removed GOTOOLCHAIN from ~/.config/go/env");
    machine
        .doctor(&[])
        .code(0)
        .has("OK    GOTOOLCHAIN: not set");

    // Installed, from the environment (set in ~/.bashrc): go runs it everywhere.
    machine.gvx(&["install", "1.21.13"]).code(0);
    machine.append("~/.bashrc", "export GOTOOLCHAIN=go1.21.13\n");
    let line = machine.read("~/.bashrc").lines().count();
    machine.set_env("GOTOOLCHAIN", "go1.21.13");
    machine
        .doctor(&[])
        .code(0)
        .has("gvx doctor: go1.21.13 selected here (GOTOOLCHAIN=go1.21.13 (from the environment))")
        .has("go runs go1.21.13 from the gvx store everywhere, whatever .go-version, the global default and go.mod say")
        .has(&format!("export GOTOOLCHAIN=go1.21.13  [~/.bashrc:{line}]"))
        .has(&format!("fix [--fix]: comment out line {line} of ~/.bashrc"));
    machine
        .fix_twice(&[])
        .has(&format!("commented out line {line} of ~/.bashrc"));
}

#[test]
fn caches_and_proxy_settings() {
    let machine = Machine::new();
    machine.write(
        "~/.config/go/env",
        "GOPROXY=goproxy.cn\nGOSUMDB=off\nGOPRIVATE=https://github.com/acme\nGOCACHE=off\n",
    );
    let run = machine.doctor(&[]);
    run.code(1)
        .has("FAIL  Go's caches and env file: not all writable")
        .has("x GOCACHE=off")
        .has("build cache is disabled by GOCACHE=off, but required as of Go 1.12")
        .has("FAIL  module proxy and checksums: GOPROXY=goproxy.cn GOSUMDB=off")
        .has("GOPROXY entry `goproxy.cn` is not a URL, `direct` or `off`")
        .has("GOPRIVATE holds a URL")
        .lacks("GOSUMDB=off while downloading");
    machine.fix_twice(&[]);
    assert_eq!(
        machine.read("~/.config/go/env"),
        "GOSUMDB=off\nGOPRIVATE=https://github.com/acme\n"
    );

    machine.write(
        "~/.config/go/env",
        "GOPROXY=https://goproxy.cn,direct\nGOSUMDB=off\n",
    );
    machine
        .doctor(&[])
        .code(0)
        .has("GOSUMDB=off while downloading from the public proxy https://goproxy.cn")
        .has("fix: turn checksum verification back on")
        .has("go env -u GOSUMDB");
}

#[test]
fn online_asks_the_proxy_and_offline_does_not() {
    let machine = Machine::new();
    let proxy = format!("{}/proxy", machine.server.url());
    machine.set_env("GOPROXY", &proxy);
    machine.doctor(&[]).code(0).lacks("answers");
    assert!(
        machine
            .server
            .requests_to("/proxy/golang.org/x/mod/@v/list")
            .is_empty(),
        "no network without --online"
    );
    machine
        .doctor(&["--online"])
        .code(0)
        .has(&format!("{proxy} answers (404 Not Found)"))
        .has(&format!("GOPROXY entry {proxy} is plain http"));
    assert_eq!(
        machine
            .server
            .requests_to("/proxy/golang.org/x/mod/@v/list")
            .len(),
        1
    );

    machine.set_env("GOPROXY", "http://127.0.0.1:9,direct");
    machine
        .doctor(&["--online"])
        .code(1)
        .has("http://127.0.0.1:9 does not answer")
        .has("go env -w GOPROXY=https://goproxy.cn,direct");
}
