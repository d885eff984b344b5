//! The wine world the Windows tests share, built once per test run:
//!
//! ```text
//! <target>/tmp/gvx-windows/
//!   cache/                          kept between runs, keyed by the hash of their inputs:
//!     go1.22.10-windows-<key>/go      the SDK zips unpacked with the zip crate
//!     go1.21.13-windows-<key>/go
//!     fakego-<key>.exe                fakego.go, cross-built with the real Linux go (~20 s)
//!   run-<pid>/
//!     prefix/                       a copy of $GVX_WINEPREFIX (clean registry per run)
//!       drive_c/users/First Last/.gvx/   GVX_HOME, `C:\users\First Last\.gvx` (a space in it)
//!         bin/go.exe, bin/gofmt.exe      copies of gvx-shim.exe
//!         sdk/go1.22.10, sdk/go1.21.13   hard links to the cached SDK trees
//!         sdk/go1.99.0/bin/go.exe        fakego (+ VERSION)
//!         sdk/go1.98.0/bin/go.exe        another copy of the shim: a loop
//!         default                        1.22.10
//!       drive_c/t/<test>/                each test's own directory
//! ```
//! A run directory is deleted by the first run after its process has ended. All tests share one
//! wine server (one prefix); the ones that compile with the real Go take [`go_compile_lock`], so
//! they share the Go build cache instead of fighting over two cores.

use crate::lanes;
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// The global default of the test store.
pub const DEFAULT: &str = "1.22.10";
/// The version the `.go-version` test pins.
pub const PINNED: &str = "1.21.13";
/// A fake SDK whose go.exe is `fakego.go`.
pub const FAKE: &str = "1.99.0";
/// A fake SDK whose go.exe is the shim again.
pub const LOOP: &str = "1.98.0";

const WINDOWS_SDKS: [&str; 2] = [DEFAULT, PINNED];
const LINUX_GO: &str = "go1.22.10.linux-amd64.tar.gz";
const FAKEGO_SOURCE: &str = include_str!("fakego.go");
/// How long one wine command may take before the test fails (a cold `go build` under wine on a
/// busy two-core machine takes well under a minute).
pub const TIMEOUT: Duration = Duration::from_secs(240);

pub struct World {
    root: PathBuf,
    prefix: PathBuf,
    home: PathBuf,
}

/// The lane these tests make up, as [`lanes::skip`] names it.
pub const LANE: &str = "windows (wine)";

/// The shared world; the first test to ask builds it (its failure fails every test). `None`
/// after skipping the lane ([`lanes::skip`]) where wine or an input is missing.
pub fn world() -> Option<&'static World> {
    if !lane_can_run() {
        return None;
    }
    static WORLD: OnceLock<Result<World, String>> = OnceLock::new();
    let world = WORLD.get_or_init(|| std::panic::catch_unwind(World::build).map_err(panic_text));
    match world {
        Ok(world) => Some(world),
        Err(e) => panic!("the wine test world could not be built: {e}"),
    }
}

/// Serializes the tests that compile with the real Go under wine.
pub fn go_compile_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => payload
            .downcast_ref::<&str>()
            .map_or_else(|| "(panic)".to_owned(), |s| (*s).to_owned()),
    }
}

/// Whether wine is on PATH and `scripts/test.sh`'s inputs are set (each must then be a
/// directory); if not, skips the lane, saying what is missing.
fn lane_can_run() -> bool {
    if lanes::find_program("wine").is_none() {
        lanes::skip(LANE, "wine not found on PATH");
        return false;
    }
    [
        ("GVX_WINEPREFIX", "scripts/wine-prefix.sh"),
        (
            "GVX_TEST_WINDOWS_BIN",
            "`cargo build --release --target x86_64-pc-windows-gnu --workspace --bins`",
        ),
        ("GVX_TEST_SDKS", "scripts/real-sdks.sh"),
    ]
    .iter()
    .all(|(var, made_by)| lanes::input_dir(LANE, var, made_by).is_some())
}

/// An input directory from `scripts/test.sh` (checked by [`lane_can_run`] first).
fn required_dir(var: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() && Path::new(&v).is_dir() => PathBuf::from(v),
        Some(v) if !v.is_empty() => panic!(
            "{var}={} is not a directory; run scripts/test.sh",
            Path::new(&v).display()
        ),
        _ => panic!(
            "{var} is not set. The Windows tests run the cross-built binaries under wine; \
             run them through scripts/test.sh, which prepares the wine prefix \
             (GVX_WINEPREFIX), the Windows binaries (GVX_TEST_WINDOWS_BIN) and the Go SDK \
             archives (GVX_TEST_SDKS)"
        ),
    }
}

fn required_file(dir: &Path, name: &str, var: &str) -> PathBuf {
    let path = dir.join(name);
    assert!(
        path.is_file(),
        "{} is missing ({var}); run scripts/test.sh",
        path.display()
    );
    path
}

impl World {
    fn build() -> World {
        let started = Instant::now();
        let wineprefix = required_dir("GVX_WINEPREFIX");
        let bin = required_dir("GVX_TEST_WINDOWS_BIN");
        let sdks = required_dir("GVX_TEST_SDKS");
        required_file(&wineprefix, "system.reg", "GVX_WINEPREFIX");
        let shim = required_file(&bin, "gvx-shim.exe", "GVX_TEST_WINDOWS_BIN");
        let zips = WINDOWS_SDKS
            .map(|v| required_file(&sdks, &format!("go{v}.windows-amd64.zip"), "GVX_TEST_SDKS"));
        let linux_go = required_file(&sdks, LINUX_GO, "GVX_TEST_SDKS");

        let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gvx-windows");
        remove_finished_runs(&base);
        let root = base.join(format!("run-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("home")).unwrap();
        let prefix = root.join("prefix");
        let home = prefix.join("drive_c/users/First Last/.gvx");
        let world = World { root, prefix, home };
        let cache = base.join("cache");

        // In parallel: copy the prefix, unpack the SDKs (cached), build fakego (cached).
        let fakego = thread::scope(|s| {
            let copying = s.spawn(|| {
                let t = Instant::now();
                run_ok(
                    Command::new("cp")
                        .arg("-a")
                        .arg(&wineprefix)
                        .arg(&world.prefix),
                );
                note(&format!(
                    "copied the wine prefix in {:.1} s",
                    t.elapsed().as_secs_f64()
                ));
            });
            let sdks: Vec<_> = WINDOWS_SDKS
                .iter()
                .zip(&zips)
                .map(|(version, zip)| s.spawn(|| sdk_tree(&cache, version, zip)))
                .collect();
            let fakego = s.spawn(|| fakego_exe(&cache, &world.root, &linux_go));
            join(copying);
            for (version, sdk) in WINDOWS_SDKS.iter().zip(sdks) {
                let tree = join(sdk);
                // Hard links: nothing writes into an SDK (Go ≥ 1.20 installs nothing in GOROOT).
                fs::create_dir_all(world.home.join("sdk")).unwrap();
                run_ok(
                    Command::new("cp")
                        .arg("-al")
                        .arg(&tree)
                        .arg(world.sdk(version)),
                );
            }
            join(fakego)
        });
        for (version, exe) in [(FAKE, &fakego), (LOOP, &shim)] {
            let sdk = world.sdk(version);
            fs::create_dir_all(sdk.join("bin")).unwrap();
            fs::copy(exe, sdk.join("bin/go.exe")).unwrap();
            fs::write(sdk.join("VERSION"), format!("go{version}\n")).unwrap();
        }
        fs::create_dir_all(world.home.join("bin")).unwrap();
        for name in ["go.exe", "gofmt.exe"] {
            fs::copy(&shim, world.home.join("bin").join(name)).unwrap();
        }
        fs::write(world.home.join("default"), format!("{DEFAULT}\n")).unwrap();

        note(&format!(
            "the store was ready after {:.1} s",
            started.elapsed().as_secs_f64()
        ));

        // One wine server for the whole run, kept alive between tests; then start wine once so
        // the first test does not pay for booting the prefix.
        // (No pipes: the daemonized server would hold them open.)
        let server = Command::new("wineserver")
            .arg("-p30")
            .env("WINEPREFIX", &world.prefix)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("cannot run wineserver: {e}"));
        assert!(server.success(), "wineserver -p30 failed: {server}");
        // Without pipes too: the first wine process starts wine's own services, which inherit
        // its Unix stdout and stderr and would keep a capturing pipe open for half a minute.
        let warm = world.wine("cmd").args(["/c", "exit 0"]).status();
        assert!(warm.success(), "wine cmd /c exit 0 failed: {warm}");
        note(&format!(
            "the wine test world was ready in {:.1} s: {}",
            started.elapsed().as_secs_f64(),
            world.root.display()
        ));
        world
    }

    /// The Unix path of `GVX_HOME`.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// `GVX_HOME` as Windows programs see it.
    pub fn home_win(&self) -> String {
        self.win(&self.home)
    }

    /// The Unix path of an SDK in the store.
    pub fn sdk(&self, version: &str) -> PathBuf {
        self.home.join("sdk").join(format!("go{version}"))
    }

    /// `C:\` as a Unix path.
    pub fn drive_c(&self) -> PathBuf {
        self.prefix.join("drive_c")
    }

    /// A fresh directory for one test, `C:\t\<name>`.
    pub fn scratch(&self, name: &str) -> PathBuf {
        let dir = self.drive_c().join("t").join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// The Windows form of a Unix path: `C:\…` inside the prefix's drive_c, else `Z:\…`.
    pub fn win(&self, path: &Path) -> String {
        let text = match path.strip_prefix(self.drive_c()) {
            Ok(rel) => format!("C:/{}", rel.to_str().unwrap()),
            Err(_) => format!("Z:{}", path.to_str().unwrap()),
        };
        text.replace('/', "\\")
    }

    /// `wine <program>` in the tests' clean environment (nothing of the caller's Go setup), with
    /// `C:\` as the working directory. `program` is a Windows path or a builtin like `cmd`.
    pub fn wine(&self, program: &str) -> Wine {
        let mut cmd = Command::new("wine");
        cmd.arg(program)
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", self.root.join("home"))
            .env("LANG", "C.UTF-8")
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            .env("GVX_HOME", self.home_win())
            .env("GVX_AUTO_INSTALL", "0")
            .env("GOTOOLCHAIN", "local")
            .env("GOFLAGS", "-mod=mod")
            .env("GOPROXY", "off")
            .env("GOCACHE", self.win(&self.drive_c().join("gocache")))
            .env("GOPATH", self.win(&self.drive_c().join("gopath")))
            .current_dir(self.drive_c())
            .stdin(Stdio::null());
        Wine {
            cmd,
            shown: program.to_owned(),
        }
    }

    /// `wine C:\users\First Last\.gvx\bin\<name>`.
    pub fn shim(&self, name: &str) -> Wine {
        self.wine(&self.win(&self.home.join("bin").join(name)))
    }

    /// Runs a batch file (CRLF line ends added) with `wine cmd /c`, from `dir`.
    pub fn batch(&self, dir: &Path, lines: &[String]) -> Wine {
        let file = dir.join("run.bat");
        let mut text = String::new();
        for line in lines {
            text.push_str(line);
            text.push_str("\r\n");
        }
        fs::write(&file, text).unwrap();
        let mut wine = self.wine("cmd");
        wine.cmd.arg("/c").arg(self.win(&file)).current_dir(dir);
        wine.shown = format!("cmd /c {}", self.win(&file));
        wine
    }
}

/// A `wine …` command being assembled.
pub struct Wine {
    cmd: Command,
    shown: String,
}

impl Wine {
    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.arg(arg);
        self
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<std::ffi::OsStr>>(mut self, args: I) -> Self {
        self.cmd.args(args);
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.env(key, value);
        self
    }

    /// The Unix path of the working directory (wine maps it to `C:\…`).
    pub fn cwd(mut self, dir: &Path) -> Self {
        self.cmd.current_dir(dir);
        self
    }

    /// Starts it with its output discarded, in its own process group.
    pub fn spawn(mut self) -> Child {
        use std::os::unix::process::CommandExt;
        self.cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0);
        self.cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start wine {}: {e}", self.shown))
    }

    /// Runs it to completion (at most [`TIMEOUT`]) with its output discarded: for commands that
    /// leave processes behind, which would hold a capturing pipe open.
    pub fn status(self) -> ExitStatus {
        let shown = self.shown.clone();
        let mut child = self.spawn();
        wait_until(&mut child, Instant::now() + TIMEOUT)
            .unwrap_or_else(|| panic!("wine {shown} did not finish within {} s", TIMEOUT.as_secs()))
    }

    /// Runs it to completion (at most [`TIMEOUT`]), capturing its output.
    pub fn run(mut self) -> Output {
        let started = Instant::now();
        self.cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = self
            .cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start wine {}: {e}", self.shown));
        let readers = [
            child.stdout.take().map(reader),
            child.stderr.take().map(reader),
        ];
        let status = wait_until(&mut child, started + TIMEOUT).unwrap_or_else(|| {
            panic!(
                "wine {} did not finish within {} s",
                self.shown,
                TIMEOUT.as_secs()
            )
        });
        let [stdout, stderr] = readers.map(|r| r.map(|r| r.join().unwrap()).unwrap_or_default());
        if started.elapsed() > Duration::from_secs(5) {
            note(&format!(
                "wine {} took {:.1} s",
                self.shown,
                started.elapsed().as_secs_f64()
            ));
        }
        Output {
            what: self.shown,
            status,
            stdout,
            stderr,
            elapsed: started.elapsed(),
        }
    }
}

fn reader(mut stream: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
    })
}

/// Waits for `child` until `deadline`; kills it (a process this test started) when it passes.
pub fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// What a wine command did; stdout and stderr have CRLF turned into LF.
pub struct Output {
    pub what: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl Output {
    /// The exit code the Linux side sees: the low 8 bits of the Windows code.
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Asserts exit code 0 and returns stdout.
    pub fn success(&self) -> &str {
        assert_eq!(self.code(), Some(0), "wine {} failed\n{self}", self.what);
        &self.stdout
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "--- exit: {:?} after {:.1} s\n--- stdout:\n{}\n--- stderr:\n{}",
            self.code(),
            self.elapsed.as_secs_f64(),
            self.stdout,
            self.stderr
        )
    }
}

/// Writes a line to the test's (captured) output.
#[allow(clippy::print_stderr)]
pub fn note(text: &str) {
    eprintln!("{text}");
}

/// Polls `path` until it holds text (written by a process under wine), for at most `limit`.
pub fn wait_for_text(path: &Path, limit: Duration) -> String {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(text) = fs::read_to_string(path)
            && !text.trim().is_empty()
        {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{} was not written within {} s",
            path.display(),
            limit.as_secs()
        );
        thread::sleep(Duration::from_millis(50));
    }
}

fn run_ok(cmd: &mut Command) {
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        output.status.success(),
        "{cmd:?} failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Deletes what test processes that have ended left behind (`run-<pid>` directories and
/// unfinished `cache/.<name>.<pid>` entries), in the background: a run is ~1 GB of small files.
/// Whatever is not deleted before this process ends is found again by the next run.
fn remove_finished_runs(base: &Path) {
    let ended = |pid: &str| {
        pid.bytes().all(|b| b.is_ascii_digit())
            && pid != std::process::id().to_string()
            && !Path::new("/proc").join(pid).exists()
    };
    let mut leftovers = Vec::new();
    for (dir, prefix) in [(base.to_owned(), "run-"), (base.join("cache"), ".")] {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str().and_then(|n| n.strip_prefix(prefix)) else {
                continue;
            };
            let pid = if prefix == "." {
                name.rsplit('.').next().unwrap_or("")
            } else {
                name
            };
            if ended(pid) {
                leftovers.push(entry.path());
            }
        }
    }
    thread::spawn(move || {
        for path in leftovers {
            let _ = fs::remove_dir_all(&path);
            let _ = fs::remove_file(&path);
        }
    });
}

fn join<T>(handle: thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// A short key for a cache entry: the hash of its inputs.
fn cache_key(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    format!("{:x}", hasher.finalize())[..16].to_owned()
}

/// Builds `cache/<name>` with `make` (given a scratch path to fill) unless it exists; the
/// finished entry appears atomically, so concurrent test runs at worst build it twice.
fn cached(cache: &Path, name: &str, make: impl FnOnce(&Path)) -> PathBuf {
    let entry = cache.join(name);
    if entry.exists() {
        return entry;
    }
    fs::create_dir_all(cache).unwrap();
    let scratch = cache.join(format!(".{name}.{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    let _ = fs::remove_file(&scratch);
    make(&scratch);
    if fs::rename(&scratch, &entry).is_err() {
        assert!(
            entry.exists(),
            "cannot move {} into place",
            scratch.display()
        );
    }
    entry
}

/// The unpacked SDK from an official zip (its `go/` directory), extracted with the zip crate once
/// and cached by the archive's name and size.
fn sdk_tree(cache: &Path, version: &str, zip: &Path) -> PathBuf {
    let size = fs::metadata(zip).unwrap().len();
    let key = cache_key(&[
        zip.file_name().unwrap().as_encoded_bytes(),
        &size.to_le_bytes(),
    ]);
    let entry = cached(cache, &format!("go{version}-windows-{key}"), |dest| {
        let t = Instant::now();
        let file = fs::File::open(zip).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::BufReader::new(file)).unwrap();
        archive
            .extract(dest)
            .unwrap_or_else(|e| panic!("cannot extract {}: {e}", zip.display()));
        note(&format!(
            "unpacked {} in {:.1} s",
            zip.display(),
            t.elapsed().as_secs_f64()
        ));
    });
    entry.join("go")
}

/// `fakego.go` built for windows/amd64 by the real Linux go from `GVX_TEST_SDKS` (unpacked for
/// the purpose, then deleted); cached by the hash of its source and the Go archive.
fn fakego_exe(cache: &Path, root: &Path, linux_go: &Path) -> PathBuf {
    let size = fs::metadata(linux_go).unwrap().len();
    let key = cache_key(&[
        FAKEGO_SOURCE.as_bytes(),
        linux_go.file_name().unwrap().as_encoded_bytes(),
        &size.to_le_bytes(),
    ]);
    cached(cache, &format!("fakego-{key}.exe"), |exe| {
        let t = Instant::now();
        let goroot_parent = root.join("linux-go");
        fs::create_dir_all(&goroot_parent).unwrap();
        run_ok(
            Command::new("tar")
                .arg("-xzf")
                .arg(linux_go)
                .arg("-C")
                .arg(&goroot_parent),
        );
        let src = root.join("fakego-src");
        fs::create_dir_all(&src).unwrap();
        fs::write(src.join("main.go"), FAKEGO_SOURCE).unwrap();
        fs::write(src.join("go.mod"), "module example.com/fakego\n\ngo 1.21\n").unwrap();
        run_ok(
            Command::new(goroot_parent.join("go/bin/go"))
                .args(["build", "-trimpath", "-o"])
                .arg(exe)
                .arg(".")
                .current_dir(&src)
                .env_clear()
                .env("PATH", "/usr/bin:/bin")
                .env("HOME", root.join("home"))
                .env("GOCACHE", cache.join("linux-gocache"))
                .env("GOPATH", root.join("linux-gopath"))
                .env("GOOS", "windows")
                .env("GOARCH", "amd64")
                .env("CGO_ENABLED", "0")
                .env("GOTOOLCHAIN", "local")
                .env("GOFLAGS", "-mod=mod")
                .env("GOPROXY", "off"),
        );
        let _ = fs::remove_dir_all(&goroot_parent);
        note(&format!(
            "built fakego.exe in {:.1} s",
            t.elapsed().as_secs_f64()
        ));
    })
}

/// UTF-16LE with a byte-order mark, as Windows editors and PowerShell 5 write text.
pub fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// Go-quotes each argument on its own line, like `fakego` and the args program print them.
pub fn go_quoted_lines(args: &[&str]) -> String {
    args.iter().map(|a| format!("{}\n", go_quote(a))).collect()
}

/// `strconv.Quote` for the characters the tests use (printable Unicode kept as-is).
fn go_quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// True while a process under wine keeps appending to `beat` (one byte per 100 ms).
pub fn still_beating(beat: &Path, over: Duration) -> bool {
    let before = fs::metadata(beat).map(|m| m.len()).unwrap_or(0);
    thread::sleep(over);
    let after = fs::metadata(beat).map(|m| m.len()).unwrap_or(0);
    after > before
}

impl Wine {
    /// Leaves `key` out of the Windows process's environment (wine sets its own defaults, such
    /// as `USERPROFILE`, where the tests set none).
    pub fn env_remove(mut self, key: &str) -> Self {
        self.cmd.env_remove(key);
        self
    }
}

/// The cross-built `gvx.exe` and `gvx-shim.exe` (`GVX_TEST_WINDOWS_BIN`).
pub fn windows_bin(name: &str) -> PathBuf {
    required_file(
        &required_dir("GVX_TEST_WINDOWS_BIN"),
        name,
        "GVX_TEST_WINDOWS_BIN",
    )
}

/// The Go SDK archives and index (`GVX_TEST_SDKS`).
pub fn test_sdk(name: &str) -> PathBuf {
    required_file(&required_dir("GVX_TEST_SDKS"), name, "GVX_TEST_SDKS")
}

pub use crate::serve::serve_files;

/// A registry value as `wine reg query` shows it: (type, data), e.g. `("REG_EXPAND_SZ",
/// "%USERPROFILE%\tools")`; `None` when it does not exist.
pub fn reg_query(w: &World, key: &str, name: &str) -> Option<(String, String)> {
    let out = w.wine("reg").args(["query", key, "/v", name]).run();
    if out.code() != Some(0) {
        // wine's reg.exe says so on stdout.
        let missing = ["registry value", "registry key"].iter().any(|what| {
            out.stdout
                .contains(&format!("Unable to find the specified {what}"))
        });
        assert!(missing, "wine reg query {key} /v {name} failed\n{out}");
        return None;
    }
    out.stdout.lines().find_map(|line| {
        let rest = line.trim_start();
        let (found, rest) = rest.split_once("    ")?;
        let (kind, data) = rest.split_once("    ").unwrap_or((rest, ""));
        found
            .eq_ignore_ascii_case(name)
            .then(|| (kind.to_owned(), data.to_owned()))
    })
}

/// Sets (`Some((type, data))`) or deletes (`None`) a registry value with `wine reg`.
pub fn reg_set(w: &World, key: &str, name: &str, value: Option<(&str, &str)>) {
    let out = match value {
        Some((kind, data)) => w
            .wine("reg")
            .args(["add", key, "/v", name, "/t", kind, "/d", data, "/f"])
            .run(),
        None if reg_query(w, key, name).is_none() => return,
        None => w.wine("reg").args(["delete", key, "/v", name, "/f"]).run(),
    };
    out.success();
}

impl World {
    /// This run's directory (`run-<pid>`), outside the prefix.
    pub fn run_dir(&self) -> &Path {
        &self.root
    }
}
