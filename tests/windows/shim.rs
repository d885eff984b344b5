//! The shim as `go.exe` under wine: selection, GOROOT, arguments, exit codes, environment,
//! the recursion guard, Ctrl+C and the job object.

use crate::support::{
    DEFAULT, FAKE, LOOP, PINNED, go_compile_lock, go_quoted_lines, note, still_beating,
    utf16le_with_bom, wait_for_text, wait_until, world,
};
use std::fs;
use std::time::{Duration, Instant};

fn go_version_line(version: &str) -> String {
    format!("go version go{version} windows/amd64\n")
}

#[test]
fn go_version_runs_the_default_sdk() {
    let Some(w) = world() else {
        return;
    };
    let out = w.shim("go.exe").arg("version").run();
    assert_eq!(out.success(), go_version_line(DEFAULT), "{out}");
}

#[test]
fn gofmt_shim_runs_the_sdks_gofmt() {
    let Some(w) = world() else {
        return;
    };
    let dir = w.scratch("gofmt");
    fs::write(dir.join("messy.go"), "package messy\nfunc  f( ){}\n").unwrap();
    fs::write(dir.join("tidy.go"), "package messy\n\nfunc g() {}\n").unwrap();
    let out = w.shim("gofmt.exe").args(["-l", "."]).cwd(&dir).run();
    assert_eq!(out.success(), "messy.go\n", "{out}");
}

#[test]
fn stale_goroot_is_replaced_by_the_selected_sdk() {
    let Some(w) = world() else {
        return;
    };
    let out = w
        .shim("go.exe")
        .args(["env", "GOROOT"])
        .env("GOROOT", r"C:\stale")
        .run();
    assert_eq!(
        out.success(),
        format!("{}\n", w.win(&w.sdk(DEFAULT))),
        "{out}"
    );
    assert!(
        out.stdout.starts_with(r"C:\users\First Last\.gvx\sdk\go"),
        "{out}"
    );
}

#[test]
fn utf16_go_version_file_pins_a_project() {
    let Some(w) = world() else {
        return;
    };
    let dir = w.scratch("pin");
    let (pinned, sibling) = (dir.join("pinned"), dir.join("sibling"));
    fs::create_dir_all(&pinned).unwrap();
    fs::create_dir_all(&sibling).unwrap();
    fs::write(
        pinned.join(".go-version"),
        utf16le_with_bom(&format!("{PINNED}\r\n")),
    )
    .unwrap();
    let out = w.shim("go.exe").arg("version").cwd(&pinned).run();
    assert_eq!(out.success(), go_version_line(PINNED), "{out}");
    let out = w.shim("go.exe").arg("version").cwd(&sibling).run();
    assert_eq!(out.success(), go_version_line(DEFAULT), "{out}");
}

const HELLO_PROGRAM: &str = r#"package main

import "fmt"

func main() { fmt.Println("hello from", "go") }
"#;

#[test]
fn go_build_through_the_shim_makes_a_working_exe() {
    let Some(w) = world() else {
        return;
    };
    let dir = w.scratch("build");
    fs::write(dir.join("go.mod"), "module example.com/hello\n\ngo 1.21\n").unwrap();
    fs::write(dir.join("main.go"), HELLO_PROGRAM).unwrap();
    let _lock = go_compile_lock();
    let out = w
        .shim("go.exe")
        .args(["build", "-o", "hello.exe", "."])
        .cwd(&dir)
        .run();
    out.success();
    note(&format!(
        "go build under wine: {:.1} s",
        out.elapsed.as_secs_f64()
    ));
    let out = w.wine(&w.win(&dir.join("hello.exe"))).run();
    assert_eq!(out.success(), "hello from go\n", "{out}");
}

/// The arguments the reference checks (windows-testing.md): wine builds the command line from
/// them, the shim passes its raw tail on, `go run` re-quotes them for the program.
const ARGS: [&str; 5] = ["a b", "c\"d", "ü", "", "&^%<>"];

/// Prints its arguments as `fakego` does.
const ARGS_PROGRAM: &str = r#"package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	for _, a := range os.Args[1:] {
		fmt.Println(strconv.Quote(a))
	}
}
"#;

#[test]
fn arguments_round_trip_through_go_run() {
    let Some(w) = world() else {
        return;
    };
    let dir = w.scratch("args");
    fs::write(dir.join("go.mod"), "module example.com/args\n\ngo 1.21\n").unwrap();
    fs::write(dir.join("main.go"), ARGS_PROGRAM).unwrap();
    let _lock = go_compile_lock();
    let through = w
        .shim("go.exe")
        .args(["run", "."])
        .args(ARGS)
        .cwd(&dir)
        .run();
    let direct = w
        .wine(&w.win(&w.sdk(DEFAULT).join("bin/go.exe")))
        .args(["run", "."])
        .args(ARGS)
        .cwd(&dir)
        .run();
    assert_eq!(
        through.success(),
        direct.success(),
        "through the shim:\n{through}\ndirect:\n{direct}"
    );
    assert_eq!(through.stdout.lines().count(), ARGS.len(), "{through}");
    assert_eq!(through.stdout, go_quoted_lines(&ARGS), "{through}");
}

#[test]
fn arguments_reach_go_exe_byte_exact() {
    let Some(w) = world() else {
        return;
    };
    // Harder cases than the reference list: backslashes before quotes and at the end, a lone
    // quote, tabs, leading blanks, cmd metacharacters and variables, non-BMP characters.
    let args = [
        "a b",
        "c\"d",
        "ü",
        "",
        "&^%<>",
        r"x\",
        r#"a\\"b"#,
        "\"",
        "tab\tx",
        "  lead",
        "%PATH%",
        "日本語 😀",
        r"\\server\share\",
        "a b\\",
        "--flag=\"q r\"",
    ];
    let through = w
        .shim("go.exe")
        .args(args)
        .env("GVX_GO_VERSION", FAKE)
        .run();
    let direct = w
        .wine(&w.win(&w.sdk(FAKE).join("bin/go.exe")))
        .args(args)
        .run();
    assert_eq!(
        through.success(),
        direct.success(),
        "through the shim:\n{through}\ndirect:\n{direct}"
    );
    assert_eq!(through.stdout, go_quoted_lines(&args), "{through}");
}

#[test]
fn command_line_tail_is_passed_on_raw() {
    // cmd passes what follows the program on a batch line through as typed. Parsing and quoting
    // again would turn this tail into `ab "c d" e\\f "" "gh i"` (the same argv, other bytes).
    let Some(w) = world() else {
        return;
    };
    let dir = w.scratch("rawtail");
    let tail = r#""a"b  "c d"   e\\f  ""  g"h i""#;
    let lines = [
        "@echo off".to_owned(),
        format!("\"{}\" {tail}", w.win(&w.home().join("bin/go.exe"))),
        format!("\"{}\" {tail}", w.win(&w.sdk(FAKE).join("bin/go.exe"))),
    ];
    let out = w
        .batch(&dir, &lines)
        .env("GVX_GO_VERSION", FAKE)
        .env("FAKEGO_MODE", "cmdline")
        .run();
    let quoted = format!("{tail:?}\n");
    assert_eq!(out.success(), format!("{quoted}{quoted}"), "{out}");
}

#[test]
fn exit_codes_pass_through() {
    let Some(w) = world() else {
        return;
    };
    for code in [0, 1, 3, 255] {
        let out = w
            .shim("go.exe")
            .env("GVX_GO_VERSION", FAKE)
            .env("FAKEGO_MODE", "exit")
            .env("FAKEGO_EXIT", code.to_string())
            .run();
        assert_eq!(out.code(), Some(code), "exit {code}: {out}");
    }
}

#[test]
fn exit_codes_keep_all_32_bits() {
    // wine hands Linux only the low 8 bits; cmd's %ERRORLEVEL% shows all 32 (signed).
    let Some(w) = world() else {
        return;
    };
    let dir = w.scratch("exit32");
    let shim = format!("\"{}\"", w.win(&w.home().join("bin/go.exe")));
    let mut lines = vec!["@echo off".to_owned()];
    for code in ["0xC000013A", "256", "0xFFFFFFFF", "3"] {
        lines.push(format!("set FAKEGO_EXIT={code}"));
        lines.push(shim.clone());
        lines.push("echo code=%ERRORLEVEL%".to_owned());
    }
    lines.push("exit /b 0".to_owned());
    let out = w
        .batch(&dir, &lines)
        .env("GVX_GO_VERSION", FAKE)
        .env("FAKEGO_MODE", "exit")
        .run();
    assert_eq!(
        out.success(),
        "code=-1073741510\ncode=256\ncode=-1\ncode=3\n",
        "{out}"
    );
}

#[test]
fn tool_names_in_any_case_work() {
    let Some(w) = world() else {
        return;
    };
    for (dir, name) in [("upper", "GO.EXE"), ("mixed", "Go.exe")] {
        let dir = w.scratch(dir);
        fs::copy(w.home().join("bin/go.exe"), dir.join(name)).unwrap();
        let out = w.wine(&w.win(&dir.join(name))).arg("version").run();
        assert_eq!(out.success(), go_version_line(DEFAULT), "{name}: {out}");
    }
}

#[test]
fn inherited_path_and_goroot_keep_one_entry_each() {
    // fakego (spawn) starts the shim with `Path` (not PATH) and `GoRoot` in its environment; the
    // shim's go.exe (fakego again, env) prints what arrived. Windows names are case-insensitive:
    // the shim must neither split `Path` into two variables nor leave the stale `GoRoot` beside
    // its own GOROOT.
    let Some(w) = world() else {
        return;
    };
    let path = r"C:\one dir;C:\two;C:\windows\system32;C:\windows";
    let out = w
        .wine(&w.win(&w.sdk(FAKE).join("bin/go.exe")))
        .arg(w.win(&w.home().join("bin/go.exe")))
        .env("GVX_GO_VERSION", FAKE)
        .env("FAKEGO_MODE", "spawn")
        .env("FAKEGO_CHILD_MODE", "env")
        .env("FAKEGO_PATH", path)
        .env("FAKEGO_SET", r"GoRoot=C:\stale")
        .run();
    let mut lines: Vec<&str> = out.success().lines().collect();
    lines.sort_by_key(|l| l.to_ascii_lowercase());
    let sdk = w.win(&w.sdk(FAKE));
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[0].eq_ignore_ascii_case(&format!("GOROOT={sdk}")) && lines[0].ends_with(&sdk),
        "{out}"
    );
    assert_eq!(lines[1], "GVX_SHIM_DEPTH=1", "{out}");
    assert_eq!(lines[2], format!("Path={path}"), "{out}");
}

#[test]
fn recursion_guard_stops_a_shim_loop() {
    let Some(w) = world() else {
        return;
    };
    let out = w
        .shim("go.exe")
        .arg("version")
        .env("GVX_GO_VERSION", LOOP)
        .run();
    assert_eq!(out.code(), Some(1), "{out}");
    assert!(
        out.stderr
            .contains("gvx: error: the gvx shim started itself again with no Go SDK in between"),
        "{out}"
    );
    assert!(out.stderr.contains("leads back to the shim"), "{out}");
    assert_eq!(out.stdout, "", "{out}");
}

#[test]
fn ctrl_c_is_left_to_the_child() {
    // SIGINT to the process group is wine's Ctrl+C: every console process gets CTRL_C_EVENT.
    // fakego exits 7 when it sees it; a shim that died of it would exit 0 (wine's default).
    let Some(w) = world() else {
        return;
    };
    let dir = w.scratch("ctrlc");
    let pids = dir.join("pids");
    let mut child = w
        .shim("go.exe")
        .env("GVX_GO_VERSION", FAKE)
        .env("FAKEGO_MODE", "interrupt")
        .env("FAKEGO_PIDFILE", w.win(&pids))
        .spawn();
    wait_for_text(&pids, Duration::from_secs(60));
    let group = format!("-{}", child.id());
    let sent = std::process::Command::new("kill")
        .args(["-INT", "--", &group])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -INT {group}");
    let status = wait_until(&mut child, Instant::now() + Duration::from_secs(30))
        .expect("the shim did not exit after Ctrl+C");
    assert_eq!(
        status.code(),
        Some(7),
        "the shim must outlive Ctrl+C and pass on the child's code"
    );
}

#[test]
fn killing_the_shim_kills_its_child() {
    let Some(w) = world() else {
        return;
    };
    let dir = w.scratch("job-kill");
    let (pids, beat) = (dir.join("pids"), dir.join("beat"));
    let mut shim = w
        .shim("go.exe")
        .env("GVX_GO_VERSION", FAKE)
        .env("FAKEGO_MODE", "sleep")
        .env("FAKEGO_PIDFILE", w.win(&pids))
        .env("FAKEGO_BEAT", w.win(&beat))
        .spawn();
    let text = wait_for_text(&pids, Duration::from_secs(60));
    let (child_pid, shim_pid) = text.trim().split_once(' ').unwrap();
    assert!(
        still_beating(&beat, Duration::from_millis(600)),
        "fakego is not running"
    );
    let out = w.wine("taskkill").args(["/F", "/PID", shim_pid]).run();
    assert!(out.success().contains(shim_pid), "{out}");
    wait_until(&mut shim, Instant::now() + Duration::from_secs(30))
        .expect("the killed shim's wine process did not end");
    std::thread::sleep(Duration::from_millis(500));
    let alive = still_beating(&beat, Duration::from_millis(1500));
    if alive {
        let _ = w.wine("taskkill").args(["/F", "/PID", child_pid]).run();
    }
    assert!(
        !alive,
        "go.exe (pid {child_pid}) outlived the killed shim (pid {shim_pid})"
    );
}

#[test]
fn normal_exit_spares_detached_grandchildren() {
    // fakego (detach) starts a sleeping fakego and exits 0 at once; the shim clears its job's
    // kill-on-close limit before exiting, so the grandchild lives on.
    let Some(w) = world() else {
        return;
    };
    let dir = w.scratch("job-detach");
    let (pids, beat) = (dir.join("pids"), dir.join("beat"));
    let status = w
        .shim("go.exe")
        .arg(w.win(&w.sdk(FAKE).join("bin/go.exe")))
        .env("GVX_GO_VERSION", FAKE)
        .env("FAKEGO_MODE", "detach")
        .env("FAKEGO_CHILD_MODE", "sleep")
        .env("FAKEGO_PATH", r"C:\windows\system32;C:\windows")
        .env("FAKEGO_PIDFILE", w.win(&pids))
        .env("FAKEGO_BEAT", w.win(&beat))
        .status();
    assert_eq!(status.code(), Some(0), "the shim failed");
    let text = wait_for_text(&pids, Duration::from_secs(60));
    let (grandchild, _) = text.trim().split_once(' ').unwrap();
    let alive = still_beating(&beat, Duration::from_millis(1500));
    let _ = w.wine("taskkill").args(["/F", "/PID", grandchild]).run();
    assert!(
        alive,
        "the detached grandchild (pid {grandchild}) died with the shim's normal exit"
    );
}

/// The guard compares places: the SDK spelled in another case, with `\\?\`, or reached through a
/// linked directory is refused like the SDK itself. (Wine 8 cannot create NTFS junctions, and
/// its cmd has no 8.3 names to show; a Unix symlink inside the prefix is what wine shows as a
/// linked directory, and `fs::canonicalize` resolves it, as it resolves junctions and 8.3
/// names on Windows, through `GetFinalPathNameByHandleW`.)
#[test]
fn the_gopath_guard_compares_places_not_spellings() {
    let Some(w) = world() else {
        return;
    };
    let sdk = w.win(&w.sdk(DEFAULT));
    let link = w.drive_c().join("sdklink");
    let _ = fs::remove_file(&link);
    std::os::unix::fs::symlink(w.sdk(DEFAULT), &link).unwrap();
    let cases = [
        ("GOPATH", sdk.to_uppercase()),
        ("GOPATH", format!(r"\\?\{sdk}")),
        ("GOPATH", r"C:\sdklink".to_owned()),
        ("GOBIN", format!(r"{}\BIN", sdk.to_lowercase())),
        ("GOBIN", r"C:\SDKLINK\bin\new".to_owned()),
        ("GOMODCACHE", format!(r"{}\BIN\..\pkg\mod", w.home_win())),
    ];
    for (var, value) in cases {
        let out = w.shim("go.exe").arg("version").env(var, &value).run();
        assert_eq!(out.code(), Some(1), "{var}={value}: {out}");
        assert!(
            out.stderr
                .contains(&format!("gvx: error: refusing to run go: {var} (")),
            "{var}={value}: {out}"
        );
        assert_eq!(out.stdout, "", "{out}");
    }
    let fine = w
        .shim("go.exe")
        .arg("version")
        .env("GOPATH", r"C:\users\First Last\go")
        .run();
    assert_eq!(fine.success(), go_version_line(DEFAULT), "{fine}");
}

/// Each GOTOOLCHAIN form in a module that needs go1.22.0, with GOPROXY=off: any switch Go
/// tried on its own would fail, so a clean `go env` shows gvx's choice was final.
#[test]
fn gotoolchain_forms_leave_go_nothing_to_switch_to() {
    let Some(w) = world() else {
        return;
    };
    let dir = w.scratch("gotoolchain");
    fs::write(dir.join("go.mod"), "module example.com/x\n\ngo 1.22.0\n").unwrap();
    let cases = [
        ("auto", DEFAULT, "auto"),
        ("local", DEFAULT, "local"),
        ("go1.21.13", PINNED, "go1.21.13"),
        ("go1.21.13+auto", DEFAULT, "go1.22.10+auto"),
        ("go1.21.13+path", DEFAULT, "go1.22.10+path"),
    ];
    for (form, runs, child) in cases {
        let out = w
            .shim("go.exe")
            .args(["env", "GOVERSION", "GOTOOLCHAIN"])
            .cwd(&dir)
            .env("GOTOOLCHAIN", form)
            .run();
        assert_eq!(
            out.success(),
            format!("go{runs}\n{child}\n"),
            "{form}: {out}"
        );
    }
}
