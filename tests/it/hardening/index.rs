//! Hostile or broken download indexes and redirects, against the real binary: the index is the
//! only source of file names and sha256s, so everything it says is checked before it is used.

use super::{assert_no_leftovers, snapshot, text};
use crate::support::{FakeSdk, Fault, IndexRelease, TestHome, TestServer, lanes, publish};
use predicates::prelude::*;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const ARCHIVE: &str = "go1.22.10.linux-amd64.tar.gz";

/// A server whose index lists 1.22.10 with `edit` applied to its host archive entry.
fn index_with(edit: impl FnOnce(&mut crate::support::IndexFile)) -> (TestServer, TestHome) {
    let server = TestServer::start();
    let mut releases = publish(&server, &[FakeSdk::new("1.22.10")]);
    let file = releases[0]
        .files
        .iter_mut()
        .find(|f| f.filename == ARCHIVE)
        .unwrap();
    edit(file);
    server.set_index(&releases);
    let home = TestHome::new().with_server(&server);
    (server, home)
}

#[test]
fn index_file_names_that_are_paths_are_refused_before_any_download() {
    for name in [
        "../go1.22.10.linux-amd64.tar.gz",
        "go1.22.10/../../../evil.linux-amd64.tar.gz",
        "sub/go1.22.10.linux-amd64.tar.gz",
        "/etc/go1.22.10.linux-amd64.tar.gz",
        "go1.22.10\\..\\..\\evil.tar.gz",
        "go1.22.10..linux-amd64.tar.gz",
        "go1.22.10.linux-amd64%2f..%2fx.tar.gz",
        "go1.22.10.linux amd64.tar.gz",
    ] {
        let (server, home) = index_with(|f| name.clone_into(&mut f.filename));
        for args in [&["install", "1.22.10"][..], &["list", "--remote"]] {
            let out = home.gvx().args(args).output().unwrap();
            assert_eq!(out.status.code(), Some(5), "{name}: {}", text(&out));
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains("unsafe file name") && stderr.contains("GVX_GO_INDEX"),
                "{name}: {stderr}"
            );
        }
        let fetched: Vec<String> = server
            .requests()
            .into_iter()
            .filter(|r| r.path != "/dl/")
            .map(|r| r.target)
            .collect();
        assert!(fetched.is_empty(), "{name}: fetched {fetched:?}");
        assert!(snapshot(&home).keys().all(|k| !k.starts_with("sdk/go")));
        assert!(
            fs::read_dir(home.gvx_home().join("cache"))
                .map(|d| d.count() == 0)
                .unwrap_or(true),
            "{name}: a refused index must not be cached"
        );
    }
}

#[test]
fn malformed_sha256_values_are_refused_and_uppercase_hex_is_accepted() {
    let real = crate::support::sha256_hex(&FakeSdk::new("1.22.10").archive());
    for bad in [
        "abc".to_owned(),
        real[..63].to_owned(),
        format!("{real}0"),
        "z".repeat(64),
        format!("{} ", &real[..63]),
        format!("sha256:{}", &real[..57]),
    ] {
        let (server, home) = index_with(|f| f.sha256.clone_from(&bad));
        home.gvx()
            .args(["install", "1.22.10"])
            .assert()
            .code(5)
            .stderr(predicate::str::contains("malformed sha256"));
        assert_eq!(server.request_count(&format!("/go/{ARCHIVE}")), 0, "{bad}");
        assert!(super::sdk_dirs(&home).is_empty());
    }
    let (_server, home) = index_with(|f| f.sha256 = f.sha256.to_ascii_uppercase());
    home.gvx().args(["install", "1.22.10"]).assert().success();
    assert_eq!(super::sdk_dirs(&home), ["go1.22.10"]);
}

#[test]
fn a_duplicated_version_uses_its_first_listing_and_never_a_second_opinion() {
    // The index lists go1.22.10 twice. The first listing decides: gvx never falls back to a
    // second entry whose checksum happens to match, so a forged duplicate cannot get bytes in.
    let server = TestServer::start();
    let good = FakeSdk::new("1.22.10");
    let evil = FakeSdk::new("1.22.10").file("src/evil.go", "package evil\n", 0o644);
    let (good_bytes, evil_bytes) = (good.archive(), evil.archive());
    server.put_file(ARCHIVE, good_bytes.clone());
    let first = IndexRelease::new("1.22.10").sdk(&good, &good_bytes);
    let second = IndexRelease::new("1.22.10").sdk(&evil, &evil_bytes);
    server.set_index(&[first.clone(), second.clone()]);
    let home = TestHome::new().with_server(&server);
    home.gvx()
        .args(["list", "--remote"])
        .assert()
        .success()
        .stdout("1.22.10\n");
    home.gvx().args(["install", "1.22.10"]).assert().success();
    assert!(!home.gvx_home().join("sdk/go1.22.10/src/evil.go").exists());

    // Listed the other way round, the mirror's (good) bytes no longer match the first
    // listing: refused, even though the second listing would have matched them.
    server.set_index(&[second, first]);
    let home = TestHome::new().with_server(&server);
    home.gvx()
        .args(["install", "1.22.10"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("sha256 mismatch"));
    assert!(super::sdk_dirs(&home).is_empty());
    assert_no_leftovers(&home);

    // Two archives for this platform inside one release: the first again.
    let mut release = IndexRelease::new("1.22.10").sdk(&good, &good_bytes);
    release
        .files
        .push(crate::support::IndexFile::sdk(&evil, &evil_bytes));
    server.set_index(&[release]);
    let home = TestHome::new().with_server(&server);
    home.gvx().args(["install", "1.22.10"]).assert().success();
}

/// Serves one endless (or `len`-byte) response per connection from a fixed 64 KiB buffer,
/// counting the bytes the client accepted; never holds more than the buffer in memory.
struct Firehose {
    url: String,
    sent: Arc<AtomicU64>,
}

impl Firehose {
    fn start(len: Option<u64>) -> Firehose {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/dl/?mode=json", listener.local_addr().unwrap());
        let sent = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&sent);
        std::thread::spawn(move || {
            // gvx makes one request; a few spare accepts cover retries.
            for stream in listener.incoming().take(8) {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let head = match len {
                    Some(len) => format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
                    ),
                    None => "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_owned(),
                };
                if stream.write_all(head.as_bytes()).is_err() {
                    continue;
                }
                let mut chunk = vec![b' '; 64 * 1024];
                chunk[0] = b'[';
                let limit = len.unwrap_or(1 << 30);
                let mut done = 0u64;
                while done < limit {
                    let n = chunk.len().min(usize::try_from(limit - done).unwrap());
                    let ok = match len {
                        Some(_) => stream.write_all(&chunk[..n]).is_ok(),
                        None => stream
                            .write_all(format!("{n:x}\r\n").as_bytes())
                            .and_then(|()| stream.write_all(&chunk[..n]))
                            .and_then(|()| stream.write_all(b"\r\n"))
                            .is_ok(),
                    };
                    if !ok {
                        break;
                    }
                    done += n as u64;
                    counter.fetch_add(n as u64, Ordering::SeqCst);
                    chunk[0] = b' ';
                }
            }
        });
        Firehose { url, sent }
    }
}

#[test]
fn an_index_over_64_mib_is_refused_after_reading_at_most_the_cap() {
    const CAP: u64 = 64 << 20;
    // Declared length just over the cap, then an endless chunked body without any length.
    for len in [Some(CAP + (1 << 20)), None] {
        let hose = Firehose::start(len);
        let home = TestHome::new()
            .env("GVX_GO_INDEX", &hose.url)
            .env("GVX_GO_MIRROR", "http://127.0.0.1:9/go");
        let started = Instant::now();
        let out = home.gvx().args(["list", "--remote"]).output().unwrap();
        assert_eq!(out.status.code(), Some(4), "{len:?}: {}", text(&out));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("is larger than the {CAP} bytes gvx accepts")),
            "{stderr}"
        );
        // gvx stops reading at the cap: what the server got rid of is the cap plus what the
        // socket buffers held, far from the endless body.
        std::thread::sleep(Duration::from_millis(100));
        let sent = hose.sent.load(Ordering::SeqCst);
        assert!(
            sent > CAP && sent < CAP + (32 << 20),
            "{len:?}: sent {sent}"
        );
        assert!(started.elapsed() < Duration::from_secs(20));
        assert!(
            !home.gvx_home().join("cache").exists()
                || fs::read_dir(home.gvx_home().join("cache")).unwrap().count() == 0
        );
    }
}

#[test]
fn a_redirect_loop_is_bounded_and_a_redirect_to_another_host_is_followed() {
    let server = TestServer::start();
    publish(&server, &[FakeSdk::new("1.22.10"), FakeSdk::new("1.21.13")]);
    let home = TestHome::new().with_server(&server);
    let path = format!("/go/{ARCHIVE}");
    server.set_fault(&path, Fault::Redirect(path.clone()));
    let started = Instant::now();
    let out = home.gvx().args(["install", "1.22.10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("redirect"),
        "{}",
        text(&out)
    );
    let hits = server.request_count(&path);
    assert!(
        (2..=11).contains(&hits),
        "a loop is cut off: {hits} requests"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(super::sdk_dirs(&home).is_empty());
    assert_no_leftovers(&home);

    // Index and archive both moved to another host (another name and port): followed, and
    // the bytes from there are still checked against the index.
    let other = TestServer::start();
    publish(&other, &[FakeSdk::new("1.22.10"), FakeSdk::new("1.21.13")]);
    let port = other.url().rsplit(':').next().unwrap().to_owned();
    let elsewhere = format!("http://localhost:{port}");
    server.set_fault(
        "/dl/",
        Fault::Redirect(format!("{elsewhere}/dl/?mode=json")),
    );
    server.set_fault(&path, Fault::Redirect(format!("{elsewhere}{path}")));
    home.gvx()
        .args(["install", "--refresh", "1.22.10"])
        .assert()
        .success();
    assert_eq!(other.request_count(&path), 1);
    assert_eq!(other.request_count("/dl/"), 1);
    let swapped = "/go/go1.21.13.linux-amd64.tar.gz";
    server.set_fault(swapped, Fault::Redirect(format!("{elsewhere}{path}")));
    home.gvx()
        .args(["install", "1.21.13"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("sha256 mismatch"));
    assert_eq!(super::sdk_dirs(&home), ["go1.22.10"]);
}

/// `openssl s_server -HTTP` on 127.0.0.1 with a throw-away CA: serves files from `www/`, each
/// holding a complete raw HTTP response. Killed when dropped.
struct TlsServer {
    child: Child,
    port: u16,
}

impl TlsServer {
    fn start(dir: &Path) -> Option<TlsServer> {
        let openssl = |args: &[&str]| {
            Command::new("openssl")
                .args(args)
                .current_dir(dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        fs::write(
            dir.join("ext"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        let ok = openssl(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=gvx test CA",
        ]) && openssl(&[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=127.0.0.1",
        ]) && openssl(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "ext",
        ]);
        if !ok {
            return None;
        }
        fs::create_dir_all(dir.join("www/go")).unwrap();
        let mut child = Command::new("openssl")
            .args([
                "s_server",
                "-accept",
                "127.0.0.1:0",
                "-HTTP",
                "-naccept",
                "20",
            ])
            .args(["-cert", "../leaf.pem", "-key", "../leaf.key"])
            .current_dir(dir.join("www"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let port = lines.find_map(|line| {
            let line = line.ok()?;
            line.strip_prefix("ACCEPT ")?
                .rsplit(':')
                .next()?
                .parse()
                .ok()
        });
        // Keep draining its stdout so it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        let Some(port) = port else {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        };
        Some(TlsServer { child, port })
    }

    /// Serves `head` + `body` as the response for `/go/<name>`.
    fn put(&self, dir: &Path, name: &str, head: &str, body: &[u8]) {
        let mut bytes = head.as_bytes().to_vec();
        bytes.extend_from_slice(body);
        fs::write(dir.join("www/go").join(name), bytes).unwrap();
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_redirect_from_https_to_plain_http_is_refused() {
    let server = TestServer::start();
    let sdks = [FakeSdk::new("1.22.10"), FakeSdk::new("1.21.13")];
    publish(&server, &sdks);
    let home = TestHome::new().with_server(&server);
    let dir = home.root().join("tls");
    fs::create_dir_all(&dir).unwrap();
    let Some(tls) = TlsServer::start(&dir) else {
        lanes::skip(
            "https redirect (openssl)",
            "`openssl` cannot make a test CA or run s_server here",
        );
        return;
    };
    // Control: the https mirror itself works (so the refusal below is not a TLS failure).
    let good = sdks[0].archive();
    let head = format!(
        "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
        good.len()
    );
    tls.put(&dir, ARCHIVE, &head, &good);
    let downgraded = "go1.21.13.linux-amd64.tar.gz";
    let to = server.file_url(downgraded);
    tls.put(
        &dir,
        downgraded,
        &format!("HTTP/1.0 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\n\r\n"),
        b"",
    );
    let mirror = format!("https://127.0.0.1:{}/go", tls.port);
    let https = |args: &[&str]| {
        let mut cmd = home.gvx();
        cmd.env("GVX_GO_MIRROR", &mirror)
            .env("SSL_CERT_FILE", dir.join("ca.pem"))
            .args(args);
        cmd
    };
    https(&["install", "1.22.10"]).assert().success();
    let before = snapshot(&home);
    let out = https(&["install", "1.21.13"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("refusing a redirect from https to plain http"),
        "{}",
        text(&out)
    );
    assert_eq!(
        server.request_count(&format!("/go/{downgraded}")),
        0,
        "the plain-http URL is never requested"
    );
    assert_eq!(snapshot(&home), before);
    assert_no_leftovers(&home);
    drop(tls);
}

/// `releases` with the host archive of each release listed with `edit` applied.
fn edited(
    releases: &[IndexRelease],
    edit: impl Fn(&mut crate::support::IndexFile),
) -> Vec<IndexRelease> {
    let mut releases = releases.to_vec();
    for release in &mut releases {
        for file in &mut release.files {
            if file.filename.ends_with(".linux-amd64.tar.gz") {
                edit(file);
            }
        }
    }
    releases
}

#[test]
fn a_wrong_sha256_in_the_index_once_fixed_installs_without_refresh() {
    let server = TestServer::start();
    let good = publish(&server, &[FakeSdk::new("1.22.10"), FakeSdk::new("1.21.13")]);
    server.set_index(&edited(&good, |f| f.sha256 = "0".repeat(64)));
    let home = TestHome::new().with_server(&server);
    let out = home.gvx().args(["install", "1.22.10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("sha256 mismatch")
            && stderr.contains(&format!("(from the index at {})", server.index_url()))
            && stderr.contains("--refresh"),
        "{stderr}"
    );
    // The index was fetched in this run: no second look.
    assert_eq!(server.request_count("/dl/"), 1);
    assert!(super::sdk_dirs(&home).is_empty());
    assert_no_leftovers(&home);

    // The index is fixed; the cached copy is still fresh. gvx looks again and installs.
    server.set_index(&good);
    let out = home.gvx().args(["install", "1.22.10"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(server.request_count("/dl/"), 2);
    assert_eq!(super::sdk_dirs(&home), ["go1.22.10"]);
    // ... and the fixed index is what is cached now.
    home.gvx().args(["install", "1.21.13"]).assert().success();
    assert_eq!(server.request_count("/dl/"), 2);

    // When the index fetched again says the same, the mirror is at fault: one more fetch,
    // then the error says so.
    let home = TestHome::new().with_server(&server);
    home.gvx().args(["install", "1.21.13"]).assert().success();
    let fetched = server.request_count("/dl/");
    server.set_file_fault(ARCHIVE, Fault::Corrupt);
    let before = snapshot(&home);
    let out = home.gvx().args(["install", "1.22.10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("it lists the same sha256 and size"),
        "{}",
        text(&out)
    );
    assert_eq!(server.request_count("/dl/"), fetched + 1);
    assert_eq!(snapshot(&home), before);
    assert_no_leftovers(&home);
}

#[test]
fn a_fetched_index_that_is_broken_or_empty_never_replaces_a_good_cached_copy() {
    let server = TestServer::start();
    let good = publish(&server, &[FakeSdk::new("1.22.10")]);
    let home = TestHome::new().with_server(&server);
    home.gvx()
        .args(["list", "--remote"])
        .assert()
        .success()
        .stdout("1.22.10\n");
    let plan9 = FakeSdk::new("1.23.9").os("plan9").arch("386");
    let plan9_bytes = plan9.archive();
    for (what, json) in [
        ("broken", "{ not json".to_owned()),
        (
            "no archive for this platform",
            crate::support::index_json(&[IndexRelease::new("1.23.9").sdk(&plan9, &plan9_bytes)]),
        ),
    ] {
        server.set_index_json(json);
        let out = home
            .gvx()
            .args(["list", "--remote", "--refresh"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{what}: {}", text(&out));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "1.22.10\n", "{what}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("keeping the cached index"),
            "{what}: {}",
            text(&out)
        );
        // The good copy is still the cached one: a fresh-cache run needs no network.
        server.set_raw("/dl/", 500, "down");
        let fetched = server.request_count("/dl/");
        home.gvx()
            .args(["list", "--remote"])
            .assert()
            .success()
            .stdout("1.22.10\n");
        assert_eq!(server.request_count("/dl/"), fetched, "{what}");
    }
    server.set_index(&good);
}
