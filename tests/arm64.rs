//! The Linux arm64 lane: gvx and its shim cross-built for aarch64 (`scripts/arm64.sh`), run
//! under qemu-user (binfmt_misc), installing the real linux-arm64 go1.22.10 from a loopback
//! index and mirror, then `go version`, `go env GOROOT` and `go build` through the shim.
//!
//! Inputs: `GVX_TEST_ARM64_BIN` (the aarch64 `gvx` and `gvx-shim`) and `GVX_TEST_SDKS` (the
//! archives and index, `scripts/real-sdks.sh`); without them (or without binfmt for aarch64)
//! the lane is skipped, and fails under `GVX_TEST_STRICT`.

#![cfg(all(target_os = "linux", target_arch = "x86_64"))]

#[path = "it/support/lanes.rs"]
mod lanes;
#[path = "common/serve.rs"]
mod serve;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LANE: &str = "linux arm64 (qemu-user)";

/// The aarch64 binaries and the SDK directory, or `None` after skipping the lane.
fn inputs() -> Option<(PathBuf, PathBuf)> {
    let bin = lanes::input_dir(LANE, "GVX_TEST_ARM64_BIN", "scripts/arm64.sh")?;
    let sdks = lanes::input_dir(LANE, "GVX_TEST_SDKS", "scripts/real-sdks.sh")?;
    if !Path::new("/proc/sys/fs/binfmt_misc/qemu-aarch64").exists() {
        lanes::skip(
            LANE,
            "no binfmt_misc entry for aarch64 (scripts/arm64.sh registers qemu-aarch64)",
        );
        return None;
    }
    Some((bin, sdks))
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `program args` in `cwd` with a clean environment: the store, the loopback server, a Go
/// environment of its own, and the aarch64 loader's prefix for qemu.
fn run(root: &Path, url: &str, cwd: &Path, program: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", root.join("home"))
        .env("GVX_HOME", root.join("gvx"))
        .env("GVX_GO_INDEX", format!("{url}/index.json"))
        .env("GVX_GO_MIRROR", url)
        .env("GVX_GO_SOURCE", "dl")
        .env("GVX_AUTO_INSTALL", "0")
        .env("QEMU_LD_PREFIX", "/usr/aarch64-linux-gnu")
        .env("GOCACHE", root.join("gocache"))
        .env("GOPATH", root.join("gopath"))
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GOTELEMETRY", "off")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
}

#[test]
fn install_and_build_with_the_real_arm64_sdk_under_qemu() {
    let Some((bin, sdks)) = inputs() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let store_bin = root.join("gvx/bin");
    fs::create_dir_all(&store_bin).unwrap();
    fs::create_dir_all(root.join("home")).unwrap();
    for exe in ["gvx", "gvx-shim"] {
        fs::copy(bin.join(exe), store_bin.join(exe)).unwrap();
    }
    let url = serve::serve_files(sdks);
    let gvx = store_bin.join("gvx");
    let out = run(root, &url, root, &gvx, &["--version"]);
    assert!(out.status.success(), "the aarch64 gvx runs: {}", text(&out));

    let out = run(root, &url, root, &gvx, &["install", "1.22"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("installed go1.22.10"),
        "{}",
        text(&out)
    );
    let sdk = root.join("gvx/sdk/go1.22.10");
    assert!(sdk.join("pkg/tool/linux_arm64/compile").is_file());
    let out = run(root, &url, root, &gvx, &["verify"]);
    assert!(out.status.success(), "{}", text(&out));

    let go = store_bin.join("go");
    let out = run(root, &url, root, &go, &["version"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "go version go1.22.10 linux/arm64\n",
        "{}",
        text(&out)
    );
    let out = run(root, &url, root, &go, &["env", "GOROOT"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        sdk.display().to_string()
    );

    let hello = root.join("hello");
    fs::create_dir_all(&hello).unwrap();
    fs::write(
        hello.join("go.mod"),
        "module example.com/hello\n\ngo 1.22\n",
    )
    .unwrap();
    fs::write(
        hello.join("main.go"),
        "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello from arm64\") }\n",
    )
    .unwrap();
    let out = run(root, &url, &hello, &go, &["build", "-o", "hello", "."]);
    assert!(out.status.success(), "go build: {}", text(&out));
    let out = run(root, &url, &hello, &hello.join("hello"), &[]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "hello from arm64\n",
        "{}",
        text(&out)
    );
}
