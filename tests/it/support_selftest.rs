//! Tests of the integration-test support code itself.

mod archives;
mod goproxy;
mod lanes;
mod server;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::support::{self, FakeSdk, IndexRelease, TestHome, TestServer, index_json, sha256_hex};

/// A response as seen by the minimal client below.
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn content_length(&self) -> usize {
        self.header("Content-Length")
            .expect("Content-Length")
            .parse()
            .expect("number")
    }
}

/// One request over a fresh connection; reads until EOF. `None` if the
/// server closed without sending a status line.
fn http(server: &TestServer, method: &str, target: &str, headers: &[(&str, &str)]) -> Option<Resp> {
    let addr = server.url().trim_start_matches("http://").to_owned();
    let mut s = TcpStream::connect(&addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut req = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("send");
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8(raw[..end].to_vec()).expect("utf-8 head");
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Some(Resp {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    })
}

fn get(server: &TestServer, target: &str) -> Option<Resp> {
    http(server, "GET", target, &[])
}

fn payload() -> Vec<u8> {
    (0..10_000u32).map(|i| (i % 251) as u8).collect()
}

#[test]
fn index_json_has_the_official_shape() {
    let json = index_json(&[IndexRelease::new("1.22.10").archive(
        "go1.22.10.linux-amd64.tar.gz",
        "linux",
        "amd64",
        b"abc",
    )]);
    let expected = r#"[
 {
  "version": "go1.22.10",
  "stable": true,
  "files": [
   {
    "filename": "go1.22.10.linux-amd64.tar.gz",
    "os": "linux",
    "arch": "amd64",
    "version": "go1.22.10",
    "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    "size": 3,
    "kind": "archive"
   }
  ]
 }
]
"#;
    assert_eq!(json, expected);
    assert!(!IndexRelease::new("go1.23rc1").stable);
    assert!(!IndexRelease::new("go1.23beta2").stable);

    let sdk = FakeSdk::new("1.22.10");
    let bytes = sdk.archive();
    let rel = IndexRelease::new("1.22.10").sdk(&sdk, &bytes).with_decoys();
    assert_eq!(rel.files[0].kind, "source");
    assert_eq!(
        (rel.files[0].os.as_str(), rel.files[0].arch.as_str()),
        ("", "")
    );
    let own: Vec<_> = rel
        .files
        .iter()
        .filter(|f| f.os == sdk.target_os() && f.arch == sdk.target_arch() && f.kind == "archive")
        .collect();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].sha256, sha256_hex(&bytes));
    assert_eq!(own[0].size, bytes.len() as u64);
    assert!(rel.files.iter().any(|f| f.kind == "installer"));
    let legacy = IndexRelease::legacy("1.4.2");
    assert!(
        legacy
            .files
            .iter()
            .all(|f| f.sha256.is_empty() && f.size == 0)
    );
    let boot = IndexRelease::bootstrap();
    assert_eq!(boot.version, "go1");
    assert!(
        boot.files
            .iter()
            .all(|f| f.os == "4" && f.arch == "bootstrap")
    );
    let parsed: serde_json::Value =
        serde_json::from_str(&index_json(&[rel, legacy, boot])).expect("valid json");
    assert_eq!(parsed.as_array().expect("array").len(), 3);
}

#[test]
fn publish_serves_archives_and_index() {
    let server = TestServer::start();
    let sdks = [FakeSdk::new("1.23.4"), FakeSdk::new("1.22.10")];
    let releases = support::publish(&server, &sdks);
    assert_eq!(
        releases
            .iter()
            .map(|r| r.version.as_str())
            .collect::<Vec<_>>(),
        ["go1.23.4", "go1.22.10"]
    );
    let index = get(&server, "/dl/?mode=json&include=all").expect("index");
    let parsed: serde_json::Value = serde_json::from_slice(&index.body).expect("json");
    let file = get(&server, &format!("/go/{}", sdks[1].filename())).expect("file");
    let sha = sha256_hex(&file.body);
    let listed = parsed[1]["files"]
        .as_array()
        .expect("files")
        .iter()
        .any(|f| f["sha256"] == sha.as_str());
    assert!(listed, "archive sha256 listed in the index");
}

#[test]
fn test_home_layout() {
    let home = TestHome::default();
    for dir in [home.home(), home.gvx_home(), home.work()] {
        assert!(
            dir.is_dir() && dir.starts_with(home.root()),
            "{}",
            dir.display()
        );
    }
    assert!(home.goenv().starts_with(home.home()));
    let root = home.root().to_path_buf();
    drop(home);
    assert!(!root.exists());
}

#[cfg(unix)]
#[test]
fn test_home_sets_a_hermetic_environment() {
    let server = TestServer::start();
    let home = TestHome::new().with_server(&server).env("EXTRA", "1");
    let script = "printf '%s\\n' \"$HOME\" \"$GVX_HOME\" \"$GVX_GO_INDEX\" \"$GVX_GO_MIRROR\" \"${GOROOT-unset}\" \"$NO_COLOR\" \"$GOENV\" \"$PWD\" \"$EXTRA\"";
    let out = home
        .cmd_path("sh")
        .args(["-c", script])
        .output()
        .expect("sh");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], home.home().to_str().expect("utf-8"));
    assert_eq!(lines[1], home.gvx_home().to_str().expect("utf-8"));
    assert_eq!(lines[2], server.index_url());
    assert_eq!(lines[3], server.mirror_url());
    assert_eq!(lines[4], "unset");
    assert_eq!(lines[5], "1");
    assert!(lines[6].starts_with(home.root().to_str().expect("utf-8")));
    assert_eq!(
        std::fs::canonicalize(lines[7]).expect("pwd"),
        std::fs::canonicalize(home.work()).expect("work")
    );
    assert_eq!(lines[8], "1");
    assert!(home.gvx().get_program().to_string_lossy().contains("gvx"));
}

#[test]
fn shim_bin_is_built_in_the_same_target_dir_as_gvx() {
    let shim = support::shim_bin();
    assert!(shim.is_file());
    let gvx = assert_cmd::cargo::cargo_bin("gvx");
    let target = gvx.parent().and_then(|profile| profile.parent()).unwrap();
    assert!(
        shim.starts_with(target),
        "{} is not under {}",
        shim.display(),
        target.display()
    );
    assert!(shim.ends_with("release/gvx-shim"), "{}", shim.display());
}
