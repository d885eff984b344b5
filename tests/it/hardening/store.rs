//! The store under stress: shims racing installs and uninstalls, `kill -9` at seeded points of
//! an install, uninstalling the SDK a running `go` uses, and a full disk during extraction.

use super::{assert_complete, assert_no_leftovers, bin, listed, noise, sdk_dirs, snapshot, text};
use crate::support::{FakeSdk, TestHome, TestServer, lanes, publish};
use predicates::prelude::*;
use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A `go` that proves the tree it runs from is complete: it `cd`s into GOROOT (pinning that
/// directory), checks the archive's last members are there, and prints the version line
/// only then. An incomplete tree that is still at GOROOT's path is reported as PARTIAL (exit
/// 99); a tree that was renamed away meanwhile (an uninstall) is a plain failure (exit 98).
const PROBE_GO: &str = r#"#!/bin/sh
cd "$GOROOT" 2>/dev/null || { echo "probe: GOROOT $GOROOT is gone" >&2; exit 97; }
if [ -f VERSION ] && [ -f bin/gofmt ] && [ -f src/cmd/go/main.go ] && [ -f src/runtime/runtime.go ]; then
  printf 'go version go1.22.10 linux/amd64\n'
  exit 0
fi
if [ . -ef "$GOROOT" ]; then echo "probe: PARTIAL TREE at $GOROOT" >&2; exit 99; fi
echo "probe: $GOROOT was removed while running" >&2
exit 98
"#;

/// One `go version` through the shim and what it proved.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Seen {
    Ran,
    /// A clear error: the shim's own (`gvx: error: …`), or the SDK vanished between the
    /// shim's exec and the script opening itself.
    Failed(String),
}

fn judge(out: &Output) -> Seen {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("PARTIAL"),
        "a shim ran a partial tree: {}",
        text(out)
    );
    if out.status.success() {
        assert_eq!(
            stdout,
            "go version go1.22.10 linux/amd64\n",
            "{}",
            text(out)
        );
        return Seen::Ran;
    }
    assert!(stdout.is_empty(), "a failure printed output: {}", text(out));
    let clear = [
        ("gvx: error: ", "not installed"),
        ("gvx: error: cannot run", "exec failed"),
        ("probe: ", "removed while running"),
        ("No such file", "vanished before the script opened"),
        ("Can't open", "vanished before the script opened"),
        ("cannot open", "vanished before the script opened"),
    ];
    let (_, why) = clear
        .iter()
        .find(|(needle, _)| stderr.contains(needle))
        .unwrap_or_else(|| panic!("an unclear failure: {}", text(out)));
    Seen::Failed((*why).to_owned())
}

#[test]
fn fifty_parallel_shims_during_installs_and_uninstalls_never_see_a_partial_sdk() {
    let server = TestServer::start();
    let probe = FakeSdk::new("1.22.10").file("bin/go", PROBE_GO, 0o755);
    publish(&server, &[probe.clone(), FakeSdk::new("1.21.13")]);
    let home = TestHome::new()
        .with_server(&server)
        .env("GVX_GO_VERSION", "1.22.10")
        .env("GVX_AUTO_INSTALL", "0");
    home.gvx().args(["install", "1.21.13"]).assert().success();
    let bin = bin(&home);
    let churning = AtomicBool::new(true);
    let shim = |_: usize| {
        let mut seen = Vec::new();
        while seen.len() < 2 || (churning.load(Ordering::SeqCst) && seen.len() < 40) {
            let out = home
                .cmd_path(bin.join("go"))
                .arg("version")
                .output()
                .unwrap();
            seen.push(judge(&out));
        }
        seen
    };
    let (cycles, refused, mut seen) = std::thread::scope(|s| {
        let shims: Vec<_> = (0..50).map(|i| s.spawn(move || shim(i))).collect();
        let churn = s.spawn(|| {
            let (mut cycles, mut refused) = (0, 0);
            let started = Instant::now();
            while cycles < 6 || (cycles < 30 && started.elapsed() < Duration::from_secs(4)) {
                home.gvx().args(["install", "1.22.10"]).assert().success();
                loop {
                    let out = home.gvx().args(["uninstall", "1.22.10"]).output().unwrap();
                    if out.status.success() {
                        break;
                    }
                    assert!(
                        String::from_utf8_lossy(&out.stderr).contains("in use"),
                        "uninstall failed: {}",
                        text(&out)
                    );
                    refused += 1;
                    std::thread::sleep(Duration::from_millis(20));
                }
                cycles += 1;
            }
            churning.store(false, Ordering::SeqCst);
            (cycles, refused)
        });
        let (cycles, refused) = churn.join().unwrap();
        let seen: Vec<Seen> = shims.into_iter().flat_map(|h| h.join().unwrap()).collect();
        (cycles, refused, seen)
    });
    seen.sort();
    let ran = seen.iter().filter(|s| **s == Seen::Ran).count();
    let mut failures = std::collections::BTreeMap::new();
    for s in &seen {
        if let Seen::Failed(why) = s {
            *failures.entry(why.clone()).or_insert(0) += 1;
        }
    }
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!(
            "hardening: {} shim runs during {cycles} install/uninstall cycles ({refused} uninstalls refused as in use): {ran} ran go1.22.10, failures {failures:?}\n",
            seen.len()
        )
        .as_bytes(),
    );
    assert!(!failures.is_empty() || ran > 0);

    // Afterwards, with the SDK installed again, all 50 at once run it.
    home.gvx().args(["install", "1.22.10"]).assert().success();
    let outs: Vec<Output> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..50)
            .map(|_| {
                s.spawn(|| {
                    home.cmd_path(bin.join("go"))
                        .arg("version")
                        .output()
                        .unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for out in &outs {
        assert_eq!(judge(out), Seen::Ran, "{}", text(out));
    }
    assert_complete(&home.gvx_home().join("sdk/go1.22.10"), &probe);
    assert_no_leftovers(&home);
}

/// 1.22.10 with a few MiB of incompressible payload, so an install spends measurable time in
/// the download and in extraction.
fn heavy_sdk() -> FakeSdk {
    (0..48).fold(FakeSdk::new("1.22.10"), |sdk, i| {
        sdk.file(
            &format!("pkg/payload/p{i:02}.bin"),
            noise(i, 64 * 1024),
            0o644,
        )
    })
}

/// The store holds only complete SDKs: what `gvx list` shows is exactly the SDK directories,
/// each complete; the next install succeeds and leaves a working shim and no leftovers.
fn assert_consistent_then_recovers(home: &TestHome, sdk: &FakeSdk, bin: &Path, run: &str) {
    let listed = listed(home);
    let dirs = sdk_dirs(home);
    let as_dirs: Vec<String> = listed.iter().map(|v| format!("go{v}")).collect();
    assert_eq!(as_dirs, dirs, "{run}: gvx list vs sdk/");
    for dir in &dirs {
        assert_complete(&home.gvx_home().join("sdk").join(dir), sdk);
    }
    assert_no_orphan_records(home, run);
    let out = home.gvx().args(["install", "1.22.10"]).output().unwrap();
    assert!(out.status.success(), "{run}: {}", text(&out));
    assert_complete(&home.gvx_home().join("sdk/go1.22.10"), sdk);
    assert_eq!(sdk_dirs(home), ["go1.22.10"], "{run}");
    assert_eq!(super::listed(home), ["1.22.10"], "{run}");
    let out = home
        .cmd_path(bin.join("go"))
        .arg("version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "go version go1.22.10 linux/amd64\n",
        "{run}: the shim after recovery: {}",
        text(&out)
    );
    assert_no_leftovers(home);
}

/// No file in `manifests/` describes an SDK that is not installed.
fn assert_no_orphan_records(home: &TestHome, run: &str) {
    let Ok(entries) = fs::read_dir(home.gvx_home().join("manifests")) else {
        return;
    };
    let dirs = sdk_dirs(home);
    for entry in entries {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let stem = name
            .rsplit_once('.')
            .map_or(name.as_str(), |(stem, _)| stem);
        assert!(
            dirs.iter().any(|d| d == stem),
            "{run}: manifests/{name} names an SDK that is not installed ({dirs:?})"
        );
    }
}

/// When to send SIGKILL to an install.
#[derive(Clone, Copy, Debug)]
enum KillAt {
    /// This long after the spawn.
    After(Duration),
    /// As soon as this path (relative to GVX_HOME) exists, non-empty if a directory.
    Appears(&'static str),
}

#[test]
fn kill_9_at_seeded_points_of_an_install_leaves_a_consistent_store() {
    let server = TestServer::start();
    let sdk = heavy_sdk();
    publish(&server, std::slice::from_ref(&sdk));
    // How long an undisturbed install takes here (the fastest of three, after a warm-up), to
    // spread the kills over all of it.
    let full = (0..4)
        .map(|_| {
            let probe = TestHome::new().with_server(&server);
            let started = Instant::now();
            probe.gvx().args(["install", "1.22.10"]).assert().success();
            started.elapsed()
        })
        .skip(1)
        .min()
        .unwrap()
        .max(Duration::from_millis(20));
    let mut rng = 0x5eed_0001_u64;
    let mut points: Vec<KillAt> = (0..10)
        .map(|_| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            KillAt::After(full.mul_f64((rng % 1000) as f64 / 1000.0))
        })
        .collect();
    // And the narrow windows a random delay rarely hits: mid-extraction, and just after the
    // rename into sdk/ (before the shims and the default are written).
    points.push(KillAt::Appears("sdk/.staging"));
    points.push(KillAt::Appears("sdk/go1.22.10"));
    let mut outcomes = Vec::new();
    for (run, point) in points.into_iter().enumerate() {
        let home = TestHome::new()
            .with_server(&server)
            .env("GVX_INDEX_TTL", "0");
        let bin = bin(&home);
        let mut child = home
            .gvx_std()
            .args(["install", "1.22.10"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        match point {
            KillAt::After(delay) => std::thread::sleep(delay),
            KillAt::Appears(rel) => {
                let path = home.gvx_home().join(rel);
                let deadline = Instant::now() + Duration::from_secs(20);
                while !fs::read_dir(&path).is_ok_and(|mut d| d.next().is_some())
                    && Instant::now() < deadline
                    && child.try_wait().unwrap().is_none()
                {
                    std::hint::spin_loop();
                }
            }
        }
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        let how = if status.success() {
            "finished"
        } else {
            "killed"
        };
        outcomes.push(format!("{point:?}: {how}"));
        let run = format!("run {run}, kill at {point:?}");
        assert_consistent_then_recovers(&home, &sdk, &bin, &run);
    }
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("hardening: kill -9 (undisturbed install {full:?}): {outcomes:?}\n").as_bytes(),
    );
}

#[test]
fn uninstalling_the_sdk_a_running_go_uses_refuses_or_leaves_it_running() {
    // The SDK's bin/go is a real executable (a copy of /bin/sh), so the running process's
    // executable lives in the SDK as a real `go build`'s does; it reads its GOROOT late, as
    // `go build` does when it starts the compiler.
    let Ok(sh) = fs::read("/bin/sh") else {
        lanes::skip("/bin/sh", "no /bin/sh to run as an SDK's go");
        return;
    };
    let server = TestServer::start();
    let sdk = FakeSdk::new("1.22.10").file("bin/go", sh, 0o755);
    publish(&server, &[sdk.clone(), FakeSdk::new("1.21.13")]);
    let home = TestHome::new().with_server(&server);
    home.gvx()
        .args(["install", "1.21.13", "1.22.10"])
        .assert()
        .success();
    let bin = bin(&home);
    let script = "sleep 1.5; cat \"$GOROOT/VERSION\"; cat \"$GOROOT/src/runtime/runtime.go\"";
    let running = home
        .std_cmd_path(bin.join("go"))
        .env("GVX_GO_VERSION", "1.22.10")
        .args(["-c", script])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let uninstall = home.gvx().args(["uninstall", "1.22.10"]).output().unwrap();
    let build = running.wait_with_output().unwrap();
    let shown = listed(&home);
    if uninstall.status.success() {
        // Allowed only if the running process did not notice.
        assert!(
            build.status.success(),
            "uninstall broke the running go: {}",
            text(&build)
        );
        assert!(!shown.contains(&"1.22.10".to_owned()));
    } else {
        let stderr = String::from_utf8_lossy(&uninstall.stderr);
        assert!(stderr.contains("in use"), "{}", text(&uninstall));
        assert!(stderr.contains("hint:"), "{}", text(&uninstall));
        assert!(build.status.success(), "{}", text(&build));
        assert!(shown.contains(&"1.22.10".to_owned()));
        assert_complete(&home.gvx_home().join("sdk/go1.22.10"), &sdk);
        // Once it has finished, the uninstall goes through.
        home.gvx().args(["uninstall", "1.22.10"]).assert().success();
    }
    assert_eq!(
        String::from_utf8_lossy(&build.stdout),
        "go1.22.10\ntime 2024-12-03T00:00:00Z\npackage runtime\n"
    );
    assert_eq!(sdk_dirs(&home), ["go1.21.13"]);
    assert_eq!(listed(&home), ["1.21.13"]);
    assert_no_leftovers(&home);
}

/// A 6 MiB incompressible file in 1.22.10, against a disk (or file size limit) of ~1-2 MiB.
fn big_sdk() -> FakeSdk {
    FakeSdk::new("1.22.10").file("pkg/big.a", noise(7, 6 << 20), 0o644)
}

fn assert_full_disk_is_clear_and_harmless(
    home: &TestHome,
    out: &Output,
    before: &std::collections::BTreeMap<String, String>,
) {
    assert_eq!(out.status.code(), Some(6), "{}", text(out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("No space left on device") || stderr.contains("File too large"),
        "{stderr}"
    );
    assert!(
        stderr.contains("free space"),
        "the hint says what to do: {stderr}"
    );
    assert_eq!(&snapshot(home), before, "the store changed");
    assert_no_leftovers(home);
    assert_eq!(listed(home), ["1.21.13"]);
}

#[test]
fn a_file_size_limit_during_extraction_is_a_clear_error_and_the_store_is_unchanged() {
    let server = TestServer::start();
    publish(&server, &[big_sdk(), FakeSdk::new("1.21.13")]);
    let home = TestHome::new().with_server(&server);
    home.gvx().args(["install", "1.21.13"]).assert().success();
    let before = snapshot(&home);
    // `ulimit -f` (512- or 1024-byte blocks, by shell) with SIGXFSZ ignored: write(2) fails
    // with EFBIG once a file reaches 1-2 MiB, as on a nearly full disk.
    let gvx = assert_cmd::cargo::cargo_bin("gvx");
    let mut cmd = home.cmd_path("/bin/sh");
    cmd.args(["-c", "trap '' XFSZ; ulimit -f 2048 && exec \"$0\" \"$@\""])
        .arg(&gvx)
        .args(["install", "1.22.10"]);
    let out = cmd.output().unwrap();
    assert_full_disk_is_clear_and_harmless(&home, &out, &before);
    home.gvx().args(["install", "1.22.10"]).assert().success();
    assert_complete(&home.gvx_home().join("sdk/go1.22.10"), &big_sdk());
}

/// A tmpfs of `mib` MiB mounted for the test; unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(mib: u64) -> Option<SmallDisk> {
        let dir = tempfile::Builder::new()
            .prefix("gvx-fulldisk-")
            .tempdir()
            .ok()?;
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={mib}m,mode=0755"),
                "gvx-test-tmpfs",
            ])
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk { dir })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn a_full_disk_during_extraction_is_a_clear_error_and_the_store_is_unchanged() {
    // Room for the three shims (go, gofmt, go1.21.13) and 1.21.13, and 3 MiB more: 1.22.10's
    // 6 MiB file cannot fit.
    // The shims are copies of the gvx-shim beside the gvx that runs the install.
    let beside_gvx = assert_cmd::cargo::cargo_bin("gvx").with_file_name("gvx-shim");
    let shim = fs::metadata(beside_gvx).unwrap().len();
    let Some(disk) = SmallDisk::mount(3 * shim.div_ceil(1 << 20) + 3) else {
        lanes::skip(
            "full disk (mount tmpfs, root)",
            "cannot `mount -t tmpfs` here (not root?); the ulimit -f test covers EFBIG",
        );
        return;
    };
    let server = TestServer::start();
    publish(&server, &[big_sdk(), FakeSdk::new("1.21.13")]);
    let home = TestHome::new()
        .with_server(&server)
        .env("GVX_HOME", disk.dir.path().join("gvx").to_str().unwrap());
    home.gvx().args(["install", "1.21.13"]).assert().success();
    let store = disk.dir.path().join("gvx");
    let before = super::snapshot_of(&store);
    let out = home.gvx().args(["install", "1.22.10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(stderr.contains("free space"), "{stderr}");
    assert_eq!(super::snapshot_of(&store), before, "the store changed");
    let staging = store.join("sdk/.staging");
    assert!(
        !staging.exists() || fs::read_dir(&staging).unwrap().count() == 0,
        "staging not cleaned up"
    );
    home.gvx()
        .args(["list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1.21.13"))
        .stdout(predicate::str::contains("1.22.10").not());
    drop(disk);
}

#[test]
fn kill_9_during_an_uninstall_leaves_no_records_of_a_removed_sdk() {
    let server = TestServer::start();
    let sdk = heavy_sdk();
    publish(&server, &[sdk.clone(), FakeSdk::new("1.22.3")]);
    let mut rng = 0x5eed_0002_u64;
    let mut outcomes = Vec::new();
    for run in 0..8 {
        let home = TestHome::new()
            .with_server(&server)
            .env("GVX_AUTO_INSTALL", "0");
        home.gvx()
            .args(["install", "1.22.10", "1.22.3"])
            .assert()
            .success();
        let mut child = home
            .gvx_std()
            .args(["uninstall", "1.22.10"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if run % 2 == 0 {
            // As soon as the SDK has left sdk/ (the tree is deleted after).
            let deadline = Instant::now() + Duration::from_secs(20);
            while home.gvx_home().join("sdk/go1.22.10").exists()
                && Instant::now() < deadline
                && child.try_wait().unwrap().is_none()
            {
                std::hint::spin_loop();
            }
        } else {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            std::thread::sleep(Duration::from_micros(rng % 30_000));
        }
        let _ = child.kill();
        let status = child.wait().unwrap();
        let run = format!("run {run}");
        outcomes.push(format!(
            "{run}: {}",
            if status.success() {
                "finished"
            } else {
                "killed"
            }
        ));
        // Readers see a consistent store: every listed SDK is whole, the default names one.
        let listed = listed(&home);
        assert!(listed.contains(&"1.22.3".to_owned()), "{run}: {listed:?}");
        let default = fs::read_to_string(home.gvx_home().join("default")).unwrap();
        assert!(
            listed.contains(&default.trim().to_owned()),
            "{run}: the default {default:?} is not installed ({listed:?})"
        );
        let out = home
            .cmd_path(bin(&home).join("go"))
            .arg("version")
            .output()
            .unwrap();
        assert!(out.status.success(), "{run}: {}", text(&out));
        // The next change to the store (it holds the lock) sweeps what the kill left.
        home.gvx().arg("uninstall").arg("1.22.3").assert().success();
        assert_no_orphan_records(&home, &run);
        assert_no_leftovers(&home);
    }
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("hardening: kill -9 during uninstall: {outcomes:?}\n").as_bytes(),
    );
}

/// How many KiB the file system holding `dir` has in use.
fn used_kib(dir: &Path) -> u64 {
    let out = Command::new("df")
        .args(["-k", "--output=used"])
        .arg(dir)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .expect("df prints the used KiB")
}

#[test]
fn a_full_disk_while_writing_the_shims_fails_before_saying_installed_and_leaves_no_trace() {
    let shim = fs::metadata(assert_cmd::cargo::cargo_bin("gvx").with_file_name("gvx-shim"))
        .unwrap()
        .len();
    let Some(disk) = SmallDisk::mount(64 + 4 * shim.div_ceil(1 << 20)) else {
        lanes::skip(
            "full disk (mount tmpfs, root)",
            "cannot `mount -t tmpfs` here (not root?)",
        );
        return;
    };
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10"), FakeSdk::new("1.21.13")]);
    let store = disk.dir.path().join("gvx");
    let home = TestHome::new()
        .with_server(&server)
        .env("GVX_HOME", store.to_str().unwrap());
    home.gvx().args(["install", "1.21.13"]).assert().success();
    // What 1.22.10 takes besides its shim (its tree, manifest and provenance: a few KiB for a
    // fake SDK), measured by installing and removing it once.
    let base = used_kib(disk.dir.path());
    home.gvx().args(["install", "1.22.10"]).assert().success();
    let with = used_kib(disk.dir.path());
    home.gvx().args(["uninstall", "1.22.10"]).assert().success();
    let shim_kib = shim.div_ceil(4096) * 4;
    let tree_kib = with.saturating_sub(base).saturating_sub(shim_kib);
    // Room for all of that, but for only half of the go1.22.10 shim.
    let size = used_kib(disk.dir.path()) + tree_kib + 64 + shim_kib / 2;
    assert!(
        64 + tree_kib < shim_kib / 2,
        "the shim ({shim_kib} KiB) is too small for this test"
    );
    let remounted = Command::new("mount")
        .args(["-o", &format!("remount,size={size}k")])
        .arg(disk.dir.path())
        .status()
        .unwrap();
    assert!(remounted.success());
    let before = super::snapshot_of(&store);
    let out = home.gvx().args(["install", "1.22.10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(
        stderr.contains("bin/.new-go1.22.10"),
        "names the file: {stderr}"
    );
    assert!(stderr.contains("free space"), "{stderr}");
    assert!(!stderr.contains("installed go1.22.10"), "{stderr}");
    assert_eq!(super::snapshot_of(&store), before, "the store changed");
    let new: Vec<_> = fs::read_dir(store.join("bin"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".new-"))
        .collect();
    assert!(new.is_empty(), "partial shims left: {new:?}");
    assert!(!store.join("sdk/go1.22.10").exists());
    home.gvx()
        .args(["list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1.21.13"))
        .stdout(predicate::str::contains("1.22.10").not());
    drop(disk);
}
