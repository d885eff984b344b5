//! `gvx.exe` under wine: an install from a loopback HTTP mirror (reqwest and rustls under wine)
//! into a store whose path has a space, a corrupted download, `gvx setup` against the registry
//! (the user PATH, its value types, `--undo`, a Go on the machine PATH), `gvx doctor --json`,
//! `gvx doctor --fix` and `--undo` on the user's registry values,
//! replacing a shim while it runs, and `gvx exec` passing on all 32 bits of an exit code.
//!
//! The registry belongs to the prefix that every test of the run shares: the tests that change
//! it hold [`registry`] and put back what they changed ([`Restore`]), also when they fail.

use crate::support::{
    DEFAULT, FAKE, World, reg_query, reg_set, serve_files, test_sdk, wait_for_text, wait_until,
    windows_bin, world,
};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

pub(crate) const USER_ENV: &str = r"HKCU\Environment";
const MACHINE_ENV: &str = r"HKLM\System\CurrentControlSet\Control\Session Manager\Environment";
const RECORD: &str = r"HKCU\Software\gvx";
const SEEDED: &str = r"%USERPROFILE%\tools;C:\foo";
const DEFAULT_ENTRY: &str = r"%USERPROFILE%\.gvx\bin";

pub(crate) fn registry() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A registry value as `reg query` shows it: (type, data).
type RegValue = (String, String);

/// Puts registry values back, deletes seeded keys and files, when dropped.
pub(crate) struct Restore<'w> {
    w: &'w World,
    values: Vec<(String, String, Option<RegValue>)>,
    keys: Vec<String>,
    dirs: Vec<PathBuf>,
}

impl<'w> Restore<'w> {
    /// Also deletes gvx's own record (`HKCU\Software\gvx`) at the end.
    pub(crate) fn new(w: &'w World) -> Self {
        Restore {
            w,
            values: Vec::new(),
            keys: vec![RECORD.to_owned()],
            dirs: Vec::new(),
        }
    }

    /// Remembers the value as it is now.
    pub(crate) fn value(&mut self, key: &str, name: &str) {
        let now = reg_query(self.w, key, name);
        self.values.push((key.to_owned(), name.to_owned(), now));
    }
}

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        for (key, name, value) in self.values.iter().rev() {
            let value = value.as_ref().map(|(k, d)| (k.as_str(), d.as_str()));
            reg_set(self.w, key, name, value);
        }
        for key in &self.keys {
            let _ = self.w.wine("reg").args(["delete", key, "/f"]).run();
        }
        for dir in &self.dirs {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

/// `(type, data)` for asserting.
fn reg(kind: &str, data: &str) -> Option<RegValue> {
    Some((kind.to_owned(), data.to_owned()))
}

/// The SDK archives and index, served over HTTP: `good` is `GVX_TEST_SDKS` itself, `bad`
/// holds a copy of the go1.21.13 zip with one byte flipped.
struct Mirror {
    good: String,
    bad: String,
}

fn mirror(w: &World) -> &'static Mirror {
    static MIRROR: OnceLock<Mirror> = OnceLock::new();
    MIRROR.get_or_init(|| {
        let index = test_sdk("index.json");
        let zip = "go1.21.13.windows-amd64.zip";
        let mut bytes = fs::read(test_sdk(zip)).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        let bad = w.run_dir().join("bad-mirror");
        fs::create_dir_all(&bad).unwrap();
        fs::write(bad.join(zip), bytes).unwrap();
        Mirror {
            good: serve_files(index.parent().unwrap().to_owned()),
            bad: serve_files(bad),
        }
    })
}

/// A new store, `C:\t\<name>\gvx home`, with gvx.exe and gvx-shim.exe in its `bin`.
pub(crate) fn new_store(w: &World, name: &str) -> PathBuf {
    let store = w.scratch(name).join("gvx home");
    fs::create_dir_all(store.join("bin")).unwrap();
    for exe in ["gvx.exe", "gvx-shim.exe"] {
        fs::copy(windows_bin(exe), store.join("bin").join(exe)).unwrap();
    }
    store
}

/// `gvx.exe` of `store`, with `GVX_HOME` and the loopback mirror.
pub(crate) fn gvx(w: &World, store: &Path) -> crate::support::Wine {
    let m = mirror(w);
    w.wine(&w.win(&store.join("bin/gvx.exe")))
        .env("GVX_HOME", w.win(store))
        .env("GVX_GO_INDEX", format!("{}/index.json", m.good))
        .env("GVX_GO_MIRROR", &m.good)
}

/// The cross-built gvx.exe where it was built, for commands that need no store of their own.
fn built_gvx(w: &World) -> crate::support::Wine {
    w.wine(&w.win(&windows_bin("gvx.exe")))
}

/// Every file under `dir` with its size, sorted.
pub(crate) fn tree(dir: &Path) -> Vec<(String, u64)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(next) = pending.pop() {
        let Ok(entries) = fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                pending.push(entry.path());
            }
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .display()
                .to_string();
            found.push((rel, if meta.is_dir() { 0 } else { meta.len() }));
        }
    }
    found.sort();
    found
}

pub(crate) fn go_version_line(version: &str) -> String {
    format!("go version go{version} windows/amd64\n")
}

#[test]
fn install_from_a_loopback_mirror_into_a_store_with_a_space() {
    let Some(w) = world() else {
        return;
    };
    let store = new_store(w, "install");
    let out = gvx(w, &store).args(["install", "1.22"]).run();
    out.success();
    assert!(out.stderr.contains("installed go1.22.10 in"), "{out}");
    let sdk = store.join("sdk/go1.22.10");
    // Byte for byte the official zip's go.exe (the world unpacked the same zip with the zip
    // crate), renamed into place with nothing left in staging.
    assert_eq!(
        fs::read(sdk.join("bin/go.exe")).unwrap(),
        fs::read(w.sdk(DEFAULT).join("bin/go.exe")).unwrap()
    );
    let staged: Vec<_> = fs::read_dir(store.join("sdk"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "go1.22.10")
        .flat_map(|n| {
            tree(&store.join("sdk").join(&n))
                .into_iter()
                .map(move |(f, _)| format!("{n}/{f}"))
        })
        .collect();
    assert!(staged.is_empty(), "left in sdk/: {staged:?}");

    let out = gvx(w, &store).arg("list").run();
    assert!(out.success().contains("1.22.10"), "{out}");

    for shim in ["go.exe", "gofmt.exe", "go1.22.10.exe"] {
        assert!(
            store.join("bin").join(shim).is_file(),
            "bin\\{shim} is missing"
        );
    }
    // The shims find their store from where they are (no GVX_HOME), a path with a space.
    for shim in ["go.exe", "go1.22.10.exe"] {
        let out = w
            .wine(&w.win(&store.join("bin").join(shim)))
            .arg("version")
            .env_remove("GVX_HOME")
            .run();
        assert_eq!(out.success(), go_version_line("1.22.10"), "{shim}: {out}");
    }
    let dir = w.scratch("install-gofmt");
    fs::write(dir.join("messy.go"), "package messy\nfunc  f( ){}\n").unwrap();
    let out = w
        .wine(&w.win(&store.join("bin/gofmt.exe")))
        .args(["-l", "."])
        .env_remove("GVX_HOME")
        .cwd(&dir)
        .run();
    assert_eq!(out.success(), "messy.go\n", "{out}");

    // A download whose bytes do not match the index's sha256: exit 5, the store as it was.
    let before = [tree(&store.join("sdk")), tree(&store.join("bin"))];
    let default = fs::read(store.join("default")).unwrap();
    let out = gvx(w, &store)
        .args(["install", "1.21"])
        .env("GVX_GO_MIRROR", &mirror(w).bad)
        .run();
    assert_eq!(out.code(), Some(5), "{out}");
    assert!(out.stderr.contains("sha256"), "{out}");
    assert_eq!(
        [tree(&store.join("sdk")), tree(&store.join("bin"))],
        before,
        "the failed install changed the store"
    );
    assert_eq!(fs::read(store.join("default")).unwrap(), default);
}

/// `--source proxy` on Windows: the real go1.22.10 Windows SDK in module form, from a
/// `file:///C:/…` GOPROXY, proven by a test-key checksum database; then `go version` through
/// the shim, `gvx verify`, and a tampered zip refused with the store unchanged.
#[test]
fn install_through_a_file_goproxy_proven_by_a_checksum_database() {
    use crate::goproxy::fixture::{GoProxy, Sumdb, ToolchainZip};
    use crate::support::PINNED;
    let Some(w) = world() else {
        return;
    };
    let store = new_store(w, "proxy");
    let root = w.scratch("proxy-fixture");
    let zip = ToolchainZip::from_sdk_tree(&w.sdk(DEFAULT), DEFAULT, "windows", "amd64");
    let proxy = GoProxy::new(&root.join("proxy"));
    let mut db = Sumdb::new("sumdb.test", 3);
    db.add_fillers(300);
    db.add_toolchain(&zip);
    proxy.publish(&zip);
    proxy.publish_sumdb(&db);
    let url = format!("file:///{}", w.win(&proxy.root).replace('\\', "/"));
    let vkey = db.vkey();
    let run = |args: &[&str]| {
        gvx(w, &store)
            .args(args)
            .env("GOPROXY", &url)
            .env("GOSUMDB", &vkey)
            .run()
    };

    let out = run(&["install", "--source", "proxy", "--json", "1.22.10"]);
    assert!(out.success().contains(&zip.h1()), "{out}");
    let sdk = store.join("sdk/go1.22.10");
    assert!(sdk.join("src/cmd/go.mod").is_file() && sdk.join("src/cmd/_go.mod").is_file());
    let out = w
        .wine(&w.win(&store.join("bin/go.exe")))
        .arg("version")
        .env_remove("GVX_HOME")
        .run();
    assert_eq!(out.success(), go_version_line("1.22.10"), "{out}");
    let out = run(&["verify"]);
    assert!(out.success().contains("go1.22.10: ok"), "{out}");
    assert!(out.stdout.contains("sumdb.test"), "{out}");

    // Another version whose zip is not the one the database proves: exit 5, nothing changed.
    let other = ToolchainZip::fake(PINNED, "windows", "amd64");
    db.add_toolchain(&other);
    proxy.publish(&other.clone().with_entry("bin/extra.exe", "MZ"));
    proxy.publish_sumdb(&db);
    let before = [tree(&store.join("sdk")), tree(&store.join("bin"))];
    let out = run(&["install", "--source", "proxy", PINNED]);
    assert_eq!(out.code(), Some(5), "{out}");
    assert!(out.stderr.contains("SECURITY ERROR"), "{out}");
    assert_eq!([tree(&store.join("sdk")), tree(&store.join("bin"))], before);
}

#[test]
fn setup_puts_the_default_store_first_in_the_user_path() {
    let Some(w) = world() else {
        return;
    };
    let _lock = registry();
    let mut restore = Restore::new(w);
    restore.value(USER_ENV, "Path");
    reg_set(w, USER_ENV, "Path", Some(("REG_EXPAND_SZ", SEEDED)));
    // The default store, %USERPROFILE%\.gvx: the entry stays unexpanded.
    let setup = || built_gvx(w).arg("setup").env_remove("GVX_HOME");

    let out = setup().arg("--dry-run").run();
    let shown =
        format!("set {USER_ENV}\\Path (REG_EXPAND_SZ)\n-{SEEDED}\n+{DEFAULT_ENTRY};{SEEDED}\n");
    assert!(out.success().contains(&shown), "{out}");
    assert_eq!(reg_query(w, USER_ENV, "Path"), reg("REG_EXPAND_SZ", SEEDED));

    let after = format!("{DEFAULT_ENTRY};{SEEDED}");
    // --quiet prints no status lines, the registry's included (warnings still show).
    let out = setup().arg("--quiet").run();
    assert!(out.success().is_empty(), "{out}");
    assert!(
        !out.stderr.contains("is now") && !out.stderr.contains("PATH;"),
        "{out}"
    );
    assert_eq!(reg_query(w, USER_ENV, "Path"), reg("REG_EXPAND_SZ", &after));

    // A new process gets it, expanded, after the machine half.
    let profile = w.wine("cmd").args(["/c", "echo %USERPROFILE%"]).run();
    let profile = profile.success().trim().to_owned();
    let path = w.wine("cmd").args(["/c", "echo %PATH%"]).run();
    assert!(
        path.success()
            .trim_end()
            .ends_with(&format!(r";{profile}\.gvx\bin;{profile}\tools;C:\foo")),
        "{path}"
    );

    let out = setup().run();
    assert!(
        out.success().is_empty() && out.stderr.contains("nothing to change"),
        "{out}"
    );
    assert_eq!(reg_query(w, USER_ENV, "Path"), reg("REG_EXPAND_SZ", &after));

    built_gvx(w)
        .args(["setup", "--undo"])
        .env_remove("GVX_HOME")
        .run()
        .success();
    assert_eq!(reg_query(w, USER_ENV, "Path"), reg("REG_EXPAND_SZ", SEEDED));
    assert_eq!(reg_query(w, RECORD, "UserPathCreated"), None);

    // No user Path at all: setup creates it (REG_EXPAND_SZ) and --undo deletes it again.
    reg_set(w, USER_ENV, "Path", None);
    let out = setup().run();
    out.success();
    assert_eq!(
        reg_query(w, USER_ENV, "Path"),
        reg("REG_EXPAND_SZ", DEFAULT_ENTRY),
        "{out}"
    );
    assert_eq!(
        reg_query(w, RECORD, "UserPathCreated"),
        reg("REG_DWORD", "0x1")
    );
    built_gvx(w)
        .args(["setup", "--undo"])
        .env_remove("GVX_HOME")
        .run()
        .success();
    assert_eq!(reg_query(w, USER_ENV, "Path"), None);
    assert_eq!(reg_query(w, RECORD, "UserPathCreated"), None);
}

#[test]
fn setup_keeps_reg_sz_unless_an_entry_needs_expanding() {
    let Some(w) = world() else {
        return;
    };
    let _lock = registry();
    let mut restore = Restore::new(w);
    restore.value(USER_ENV, "Path");
    let plain = r"C:\foo;C:\bar";
    reg_set(w, USER_ENV, "Path", Some(("REG_SZ", plain)));

    // %USERPROFILE%\.gvx\bin needs REG_EXPAND_SZ; --undo makes it REG_SZ again.
    let out = built_gvx(w).arg("setup").env_remove("GVX_HOME").run();
    assert!(
        out.success().is_empty() && out.stderr.contains("was REG_SZ"),
        "{out}"
    );
    let converted = format!("{DEFAULT_ENTRY};{plain}");
    assert_eq!(
        reg_query(w, USER_ENV, "Path"),
        reg("REG_EXPAND_SZ", &converted)
    );
    built_gvx(w)
        .args(["setup", "--undo"])
        .env_remove("GVX_HOME")
        .run()
        .success();
    assert_eq!(reg_query(w, USER_ENV, "Path"), reg("REG_SZ", plain));

    // A store elsewhere (a space in its path) is written literally, and REG_SZ stays. Then
    // `go` in a new cmd.exe is the shim, found through the registry.
    let bin = w.win(&w.home().join("bin"));
    built_gvx(w).arg("setup").run().success();
    assert_eq!(
        reg_query(w, USER_ENV, "Path"),
        reg("REG_SZ", &format!("{bin};{plain}"))
    );
    let out = w.wine("cmd").args(["/c", "go version"]).run();
    assert_eq!(out.success(), go_version_line(DEFAULT), "{out}");
    built_gvx(w).args(["setup", "--undo"]).run().success();
    assert_eq!(reg_query(w, USER_ENV, "Path"), reg("REG_SZ", plain));
}

#[test]
fn setup_refuses_a_path_that_is_not_a_string() {
    let Some(w) = world() else {
        return;
    };
    let _lock = registry();
    let mut restore = Restore::new(w);
    restore.value(USER_ENV, "Path");
    reg_set(w, USER_ENV, "Path", Some(("REG_DWORD", "5")));
    let out = built_gvx(w).arg("setup").env_remove("GVX_HOME").run();
    // A registry value gvx cannot use: the user's environment (exit 7).
    assert_eq!(out.code(), Some(7), "{out}");
    assert!(
        out.stderr
            .contains(r"HKCU\Environment\Path is a REG_DWORD value, not a string"),
        "{out}"
    );
    assert_eq!(reg_query(w, USER_ENV, "Path"), reg("REG_DWORD", "0x5"));
    // Nothing of gvx's can be in it: --undo leaves it alone and succeeds.
    built_gvx(w)
        .args(["setup", "--undo"])
        .env_remove("GVX_HOME")
        .run()
        .success();
    assert_eq!(reg_query(w, USER_ENV, "Path"), reg("REG_DWORD", "0x5"));
}

#[test]
fn a_go_on_the_machine_path_is_reported_not_touched() {
    let Some(w) = world() else {
        return;
    };
    let _lock = registry();
    let mut restore = Restore::new(w);
    restore.value(USER_ENV, "Path");
    restore.value(MACHINE_ENV, "Path");
    restore.value(r"HKCU\Software\GoProgrammingLanguage", "installLocation");
    let product = "{1C3A6D52-5EE1-4C06-9A1B-0E5A7D1B9F10}";
    let uninstall = format!(r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\{product}");
    restore.keys.push(uninstall.clone());
    // What the Go MSI leaves: C:\Program Files\Go\bin\go.exe (here fakego), that directory at
    // the end of the machine Path, its Uninstall entry and its own registration.
    let msi_bin = w.drive_c().join("Program Files/Go/bin");
    restore.dirs.push(msi_bin.parent().unwrap().to_owned());
    fs::create_dir_all(&msi_bin).unwrap();
    fs::copy(w.sdk(FAKE).join("bin/go.exe"), msi_bin.join("go.exe")).unwrap();
    let (kind, machine) = reg_query(w, MACHINE_ENV, "Path").unwrap();
    let seeded_machine = format!(r"{machine};C:\Program Files\Go\bin");
    reg_set(w, MACHINE_ENV, "Path", Some((&kind, &seeded_machine)));
    reg_set(
        w,
        &uninstall,
        "DisplayName",
        Some(("REG_SZ", "Go Programming Language amd64 go1.20.5")),
    );
    reg_set(
        w,
        r"HKCU\Software\GoProgrammingLanguage",
        "installLocation",
        Some(("REG_SZ", r"C:\Program Files\Go\")),
    );

    let out = built_gvx(w).arg("setup").run();
    out.success();
    for expected in [
        r"lists C:\Program Files\Go\bin, which holds a go.exe (installed by Go Programming Language amd64 go1.20.5)",
        "Windows puts the machine Path before your user Path",
        &format!("msiexec /x {product}"),
        "in an Administrator PowerShell:",
        r"$_ -ne 'C:\Program Files\Go\bin'",
    ] {
        assert!(out.stderr.contains(expected), "missing {expected:?}\n{out}");
    }
    assert_eq!(
        reg_query(w, MACHINE_ENV, "Path"),
        reg(&kind, &seeded_machine)
    );
    let bin = w.win(&w.home().join("bin"));
    assert_eq!(reg_query(w, USER_ENV, "Path"), reg("REG_EXPAND_SZ", &bin));
    // What the warning means: `go` in a new program is the machine's (fakego echoes "version").
    let out = w.wine("cmd").args(["/c", "go version"]).run();
    assert_eq!(out.success(), "\"version\"\n", "{out}");

    // doctor reads both halves: the machine Go fails the check, the user half is fine.
    let out = built_gvx(w).args(["doctor", "--json"]).run();
    let report: serde_json::Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("doctor --json: {e}\n{out}"));
    let check = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "windows")
        .unwrap_or_else(|| panic!("no windows check\n{out}"));
    let items = check["items"].as_array().unwrap();
    let machine_go = items.iter().find(|i| {
        i["status"] == "fail"
            && i["evidence"].as_array().is_some_and(|e| {
                e.iter().any(|e| {
                    e["value"] == r"C:\Program Files\Go\bin"
                        && e["source"]["scope"] == "system"
                        && e["source"]["key"]
                            .as_str()
                            .is_some_and(|k| k.starts_with("HKLM"))
                })
            })
    });
    assert!(machine_go.is_some(), "{check:#}");
    assert!(
        !items
            .iter()
            .any(|i| i["message"].as_str().is_some_and(|m| m.contains("lacks"))),
        "doctor missed the user Path entry: {check:#}"
    );
    built_gvx(w).args(["setup", "--undo"]).run().success();
}

#[test]
fn doctor_fix_edits_the_user_environment_and_undo_puts_it_back() {
    let Some(w) = world() else {
        return;
    };
    let _lock = registry();
    let mut restore = Restore::new(w);
    restore.value(USER_ENV, "Path");
    restore.value(USER_ENV, "GOROOT");
    let seeded = r"C:\foo;C:\bar";
    reg_set(w, USER_ENV, "Path", Some(("REG_SZ", seeded)));
    reg_set(w, USER_ENV, "GOROOT", Some(("REG_SZ", r"C:\old-go")));

    let out = built_gvx(w).args(["doctor", "--fix", "--dry-run"]).run();
    for expected in [
        "gvx doctor --fix would make these changes (nothing is written):",
        r"set HKCU\Environment\Path",
        &format!("-{seeded} (REG_SZ)"),
        r"set HKCU\Environment\GOROOT",
        r"-C:\old-go (REG_SZ)",
    ] {
        assert!(out.stdout.contains(expected), "missing {expected:?}\n{out}");
    }
    assert_eq!(reg_query(w, USER_ENV, "Path"), reg("REG_SZ", seeded));

    let out = built_gvx(w).args(["doctor", "--fix"]).run();
    assert!(out.stdout.contains("gvx doctor --fix changed:"), "{out}");
    assert_eq!(reg_query(w, USER_ENV, "GOROOT"), None, "{out}");
    let bin = w.win(&w.home().join("bin"));
    assert_eq!(
        reg_query(w, USER_ENV, "Path"),
        reg("REG_SZ", &format!("{bin};{seeded}")),
        "{out}"
    );

    let out = built_gvx(w).args(["doctor", "--undo"]).run();
    out.success();
    assert!(out.stderr.contains("restored "), "{out}");
    assert_eq!(
        reg_query(w, USER_ENV, "Path"),
        reg("REG_SZ", seeded),
        "{out}"
    );
    assert_eq!(
        reg_query(w, USER_ENV, "GOROOT"),
        reg("REG_SZ", r"C:\old-go"),
        "{out}"
    );
}

#[test]
fn setup_on_github_actions_appends_the_shims_to_github_path_once() {
    let Some(w) = world() else {
        return;
    };
    let _lock = registry();
    let mut restore = Restore::new(w);
    restore.value(USER_ENV, "Path");
    let runner = w.scratch("github-runner");
    fs::create_dir_all(&runner).unwrap();
    let path_file = runner.join("path.txt");
    fs::write(&path_file, "C:\\tools\\bin\n").unwrap();
    let setup = || {
        built_gvx(w)
            .arg("setup")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_PATH", w.win(&path_file))
            .run()
    };
    let out = setup();
    out.success();
    assert!(
        out.stderr
            .contains("GitHub Actions: later steps of this job find"),
        "{out}"
    );
    let bin = w.win(&w.home().join("bin"));
    let expected = format!("C:\\tools\\bin\n{bin}\n");
    assert_eq!(fs::read_to_string(&path_file).unwrap(), expected);
    setup().success();
    assert_eq!(
        fs::read_to_string(&path_file).unwrap(),
        expected,
        "twice is once"
    );
    built_gvx(w).args(["setup", "--undo"]).run().success();
}

#[test]
fn reshim_replaces_a_running_shim() {
    let Some(w) = world() else {
        return;
    };
    let store = store_with_fake_sdk(w, "reshim");
    let go = store.join("bin/go.exe");
    assert_eq!(
        fs::read(&go).unwrap(),
        fs::read(windows_bin("gvx-shim.exe")).unwrap()
    );
    let mut running = go_until_interrupted(w, &store, "reshim-pids");

    // A new gvx-shim.exe (still a valid image: bytes appended after its end).
    let mut changed = fs::read(windows_bin("gvx-shim.exe")).unwrap();
    changed.extend_from_slice(b"gvx test: a changed shim");
    fs::write(store.join("bin/gvx-shim.exe"), &changed).unwrap();
    let out = gvx(w, &store).arg("reshim").run();
    out.success();
    assert_eq!(fs::read(&go).unwrap(), changed, "go.exe was not replaced");
    assert!(
        renamed_aside(&store).iter().any(|n| n.ends_with("-go.exe")),
        "the running go.exe was not renamed aside: {:?}",
        renamed_aside(&store)
    );
    assert_eq!(
        interrupt(&mut running),
        Some(7),
        "the old shim did not pass fakego's exit code on"
    );

    // The new one runs, and the next reshim deletes the old image.
    let out = w
        .wine(&w.win(&go))
        .arg("version")
        .env("GVX_HOME", w.win(&store))
        .env("GVX_GO_VERSION", FAKE)
        .run();
    assert_eq!(out.success(), "\"version\"\n", "{out}");
    gvx(w, &store).arg("reshim").run().success();
    assert_eq!(renamed_aside(&store), Vec::<String>::new());
}

/// [`new_store`] with the fake SDK (fakego as its go.exe) installed and the shims made.
pub(crate) fn store_with_fake_sdk(w: &World, name: &str) -> PathBuf {
    let store = new_store(w, name);
    let fake = store.join(format!("sdk/go{FAKE}"));
    fs::create_dir_all(fake.join("bin")).unwrap();
    fs::copy(w.sdk(FAKE).join("bin/go.exe"), fake.join("bin/go.exe")).unwrap();
    fs::write(fake.join("VERSION"), format!("go{FAKE}\n")).unwrap();
    gvx(w, &store).arg("reshim").run().success();
    store
}

/// Starts the store's go.exe (the shim) running fakego, which waits for Ctrl+C; returns once
/// fakego runs.
pub(crate) fn go_until_interrupted(w: &World, store: &Path, scratch: &str) -> Child {
    let pids = w.scratch(scratch).join("pids");
    let running = w
        .wine(&w.win(&store.join("bin/go.exe")))
        .env("GVX_HOME", w.win(store))
        .env("GVX_GO_VERSION", FAKE)
        .env("FAKEGO_MODE", "interrupt")
        .env("FAKEGO_PIDFILE", w.win(&pids))
        .spawn();
    wait_for_text(&pids, Duration::from_secs(60));
    running
}

/// Sends Ctrl+C to the shim's process group; the exit code it ends with (fakego exits 7).
pub(crate) fn interrupt(running: &mut Child) -> Option<i32> {
    let group = format!("-{}", running.id());
    let sent = std::process::Command::new("kill")
        .args(["-INT", "--", &group])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -INT {group}");
    wait_until(running, Instant::now() + Duration::from_secs(30))
        .expect("the shim did not finish after Ctrl+C")
        .code()
}

/// The files in the store's bin/ renamed aside (`.replaced-…`).
pub(crate) fn renamed_aside(store: &Path) -> Vec<String> {
    fs::read_dir(store.join("bin"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".replaced-"))
        .collect()
}

#[test]
fn exec_keeps_all_32_bits_of_the_exit_code() {
    // As the shim's test: wine hands Linux only the low 8 bits; cmd's %ERRORLEVEL% shows all 32
    // (signed). `go` is fakego, found first on the PATH exec gives the command.
    let Some(w) = world() else {
        return;
    };
    let dir = w.scratch("exec-exit32");
    let gvx = format!("\"{}\"", w.win(&windows_bin("gvx.exe")));
    let mut lines = vec!["@echo off".to_owned()];
    for code in ["0xC000013A", "256", "0xFFFFFFFF", "3", "0"] {
        lines.push(format!("set FAKEGO_EXIT={code}"));
        lines.push(format!("{gvx} exec {FAKE} -- go"));
        lines.push("echo code=%ERRORLEVEL%".to_owned());
    }
    lines.push("exit /b 0".to_owned());
    let out = w.batch(&dir, &lines).env("FAKEGO_MODE", "exit").run();
    assert_eq!(
        out.success(),
        "code=-1073741510\ncode=256\ncode=-1\ncode=3\ncode=0\n",
        "{out}"
    );
}

/// A shared store under `C:\ProgramData`, prepared with `gvx install --store`, serves a user
/// whose own store is empty: the shim runs its real go.exe, `gvx list` names the store, a
/// version in it is not downloaded again, and a missing entry in the list is skipped with a
/// warning. Nothing is written into the shared store.
#[test]
fn a_shared_store_under_programdata_serves_a_users_shims() {
    let Some(w) = world() else {
        return;
    };
    let shared = w.drive_c().join("ProgramData").join("gvx");
    let _ = fs::remove_dir_all(&shared);
    let admin = new_store(w, "shared-admin");
    let out = gvx(w, &admin)
        .args(["install", "--store", r"C:\ProgramData\gvx", "1.22"])
        .run();
    out.success();
    assert!(
        out.stderr
            .contains(r"others use it with GVX_SHARED_STORES=C:\ProgramData\gvx"),
        "{out}"
    );
    assert!(shared.join("sdk/go1.22.10/bin/go.exe").is_file());
    assert!(!shared.join("bin").exists(), "no shims in a shared store");
    let before = tree(&shared);

    let user = new_store(w, "shared-user");
    let stores = r"C:\ProgramData\gvx;C:\no such store";
    let out = gvx(w, &user)
        .arg("reshim")
        .env("GVX_SHARED_STORES", stores)
        .run();
    out.success();
    assert!(
        out.stderr.contains(
            r"the shared store C:\no such store (GVX_SHARED_STORES) is skipped: it does not exist"
        ),
        "{out}"
    );
    let scratch = w.scratch("shared-project");
    fs::write(scratch.join(".go-version"), "1.22.10\n").unwrap();
    let out = w
        .wine(&w.win(&user.join("bin/go.exe")))
        .args(["env", "GOROOT"])
        .env("GVX_HOME", w.win(&user))
        .env("GVX_SHARED_STORES", stores)
        .env("GVX_AUTO_INSTALL", "0")
        .cwd(&scratch)
        .run();
    assert_eq!(
        out.success().trim(),
        r"C:\ProgramData\gvx\sdk\go1.22.10",
        "{out}"
    );
    let out = w
        .wine(&w.win(&user.join("bin/go.exe")))
        .arg("version")
        .env("GVX_HOME", w.win(&user))
        .env("GVX_SHARED_STORES", stores)
        .env("GVX_AUTO_INSTALL", "0")
        .cwd(&scratch)
        .run();
    assert_eq!(out.success(), go_version_line("1.22.10"), "{out}");
    let out = gvx(w, &user)
        .arg("list")
        .env("GVX_SHARED_STORES", stores)
        .run();
    assert!(
        out.success()
            .contains(r"1.22.10  [shared store C:\ProgramData\gvx]"),
        "{out}"
    );
    let out = gvx(w, &user)
        .args(["install", "1.22.10"])
        .env("GVX_SHARED_STORES", stores)
        .env("GVX_GO_MIRROR", "http://127.0.0.1:9/nothing-here")
        .run();
    assert!(
        out.success().is_empty()
            && out
                .stderr
                .contains(r"already installed in the shared store C:\ProgramData\gvx"),
        "{out}"
    );
    let out = gvx(w, &user)
        .args(["uninstall", "1.22.10"])
        .env("GVX_SHARED_STORES", stores)
        .run();
    assert_eq!(out.code(), Some(6), "{out}");
    assert_eq!(tree(&shared), before, "the shared store is untouched");
    assert!(!user.join("sdk/go1.22.10").exists());
}

/// An Azure Pipelines agent on Windows: `gvx setup` prints the `##vso` line that puts the
/// shims first for later steps (and the user Path edit, undone after), and `gvx doctor --ci`
/// passes once they are first, and fails on a GOROOT set to another Go.
#[test]
fn azure_setup_and_the_doctor_ci_gate_on_a_windows_agent() {
    let Some(w) = world() else {
        return;
    };
    let _lock = registry();
    let mut restore = Restore::new(w);
    restore.value(USER_ENV, "Path");
    let bin = w.win(&w.home().join("bin"));
    let out = built_gvx(w).arg("setup").env("TF_BUILD", "True").run();
    out.success();
    assert!(
        out.stdout
            .contains(&format!("##vso[task.prependpath]{bin}")),
        "{out}"
    );
    built_gvx(w).args(["setup", "--undo"]).run().success();

    let dir = w.scratch("azure-agent");
    let gate = |extra: &str| {
        w.batch(
            &dir,
            &[
                "@echo off".into(),
                format!("set PATH={bin};%PATH%"),
                extra.into(),
                format!("\"{}\" doctor --ci", w.win(&windows_bin("gvx.exe"))),
            ],
        )
        .run()
    };
    let failed = |out: &crate::support::Output| -> Vec<String> {
        let report: serde_json::Value =
            serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("no JSON ({e}): {out}"));
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "fail")
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let out = gate("");
    assert_eq!(failed(&out), Vec::<String>::new(), "{out}");
    assert_eq!(out.code(), Some(0), "{out}");

    let out = gate(r"set GOROOT=C:\Program Files\Go");
    assert_eq!(failed(&out), ["goroot"], "{out}");
    assert_eq!(out.code(), Some(1), "{out}");
}
