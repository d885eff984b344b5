//! Tests of `support::server` with a plain std HTTP client.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::{get, http, payload};
use crate::support::{Fault, TestServer, sha256_hex};

#[test]
fn serves_index_files_and_raw_routes_and_logs_requests() {
    let server = TestServer::start();
    assert!(server.index_url().starts_with("http://127.0.0.1:"));
    assert_eq!(
        server.index_url(),
        format!("{}/dl/?mode=json&include=all", server.url())
    );
    assert_eq!(server.mirror_url(), format!("{}/go", server.url()));
    server.set_index_json("[]\n");
    server.put_file("f.tar.gz", payload());
    server.set_raw("/custom", 418, "teapot");

    let r = http(
        &server,
        "GET",
        "/dl/?mode=json&include=all",
        &[("User-Agent", "gvx-test/1")],
    )
    .expect("response");
    assert_eq!((r.status, r.body.as_slice()), (200, &b"[]\n"[..]));
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    assert_eq!(
        get(&server, "/dl/?mode=json").expect("response").status,
        200
    );

    let r = get(&server, "/go/f.tar.gz").expect("response");
    assert_eq!(r.status, 200);
    assert_eq!(r.body, payload());
    assert_eq!(r.content_length(), payload().len());
    assert_eq!(r.header("Accept-Ranges"), Some("bytes"));

    let r = get(&server, "/custom").expect("response");
    assert_eq!((r.status, r.body.as_slice()), (418, &b"teapot"[..]));
    assert_eq!(get(&server, "/go/missing").expect("response").status, 404);
    server.remove("/custom");
    assert_eq!(get(&server, "/custom").expect("response").status, 404);

    let reqs = server.requests();
    assert_eq!(reqs.len(), 6);
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(reqs[0].path, "/dl/");
    assert_eq!(reqs[0].query, "mode=json&include=all");
    assert_eq!(reqs[0].header("user-agent"), Some("gvx-test/1"));
    assert_eq!(server.request_count("/dl/"), 2);
    assert_eq!(server.requests_to("/go/f.tar.gz").len(), 1);
    server.clear_requests();
    assert!(server.requests().is_empty());
}

#[test]
fn head_sends_headers_only() {
    let server = TestServer::start();
    server.put_file("f", payload());
    let r = http(&server, "HEAD", "/go/f", &[]).expect("response");
    assert_eq!(r.status, 200);
    assert_eq!(r.content_length(), payload().len());
    assert!(r.body.is_empty());
    assert_eq!(server.requests()[0].method, "HEAD");
}

#[test]
fn range_requests_resume() {
    let server = TestServer::start();
    let data = payload();
    server.put_file("f", data.clone());
    let r = http(&server, "GET", "/go/f", &[("Range", "bytes=4000-")]).expect("response");
    assert_eq!(r.status, 206);
    assert_eq!(r.header("Content-Range"), Some("bytes 4000-9999/10000"));
    assert_eq!(r.body, data[4000..]);
    assert_eq!(server.requests()[0].header("Range"), Some("bytes=4000-"));

    let r = http(&server, "GET", "/go/f", &[("Range", "bytes=10-19")]).expect("response");
    assert_eq!((r.status, r.body.as_slice()), (206, &data[10..20]));
    let r = http(&server, "GET", "/go/f", &[("Range", "bytes=10000-")]).expect("response");
    assert_eq!(r.status, 416);
    assert_eq!(r.header("Content-Range"), Some("bytes */10000"));

    let etag = get(&server, "/go/f")
        .expect("response")
        .header("ETag")
        .expect("etag")
        .to_owned();
    let r = http(
        &server,
        "GET",
        "/go/f",
        &[("Range", "bytes=5-"), ("If-Range", &etag)],
    )
    .expect("response");
    assert_eq!(r.status, 206);
    let r = http(
        &server,
        "GET",
        "/go/f",
        &[("Range", "bytes=5-"), ("If-Range", "\"other\"")],
    )
    .expect("response");
    assert_eq!(r.status, 200);

    server.disable_range();
    let r = http(&server, "GET", "/go/f", &[("Range", "bytes=4000-")]).expect("response");
    assert_eq!((r.status, r.body.len()), (200, data.len()));
    assert_eq!(r.header("Accept-Ranges"), None);
}

#[test]
fn status_redirect_reset_and_stall_faults() {
    let server = TestServer::start();
    server.put_file("f", payload());
    server.set_file_fault("f", Fault::Status(500));
    assert_eq!(get(&server, "/go/f").expect("response").status, 500);
    server.set_fault("/go/f", Fault::Status(404));
    assert_eq!(get(&server, "/go/f").expect("response").status, 404);

    server.set_file_fault("f", Fault::Redirect("/go/g".into()));
    let r = get(&server, "/go/f").expect("response");
    assert_eq!((r.status, r.header("Location")), (302, Some("/go/g")));

    server.set_file_fault("f", Fault::Reset);
    assert!(get(&server, "/go/f").is_none());
    server.set_file_fault("f", Fault::Stall { ms: 300 });
    let start = Instant::now();
    assert!(get(&server, "/go/f").is_none());
    assert!(start.elapsed() >= Duration::from_millis(250));

    server.clear_fault("/go/f");
    assert_eq!(get(&server, "/go/f").expect("response").body, payload());
    // Faults apply to the index too.
    server.set_index_json("[]");
    server.set_fault("/dl/", Fault::Status(503));
    assert_eq!(
        get(&server, "/dl/?mode=json&include=all")
            .expect("response")
            .status,
        503
    );
}

#[test]
fn truncate_and_corrupt_faults() {
    let server = TestServer::start();
    let data = payload();
    server.put_file("f", data.clone());
    server.set_file_fault("f", Fault::Truncate { at: 1234 });
    let r = get(&server, "/go/f").expect("response");
    assert_eq!((r.status, r.content_length()), (200, data.len()));
    assert_eq!(r.body, data[..1234]);
    let r = http(&server, "GET", "/go/f", &[("Range", "bytes=5000-")]).expect("response");
    assert_eq!(
        (r.status, r.content_length(), r.body.len()),
        (206, 5000, 1234)
    );

    server.set_file_fault("f", Fault::Corrupt);
    let r = get(&server, "/go/f").expect("response");
    assert_eq!(r.body.len(), data.len());
    let diffs: Vec<usize> = (0..data.len()).filter(|&i| r.body[i] != data[i]).collect();
    assert_eq!(diffs, vec![data.len() / 2]);
    assert_ne!(sha256_hex(&r.body), sha256_hex(&data));
}

#[test]
fn fail_first_then_succeed() {
    let server = TestServer::start();
    server.put_file("f", payload());
    server.set_file_fault("f", Fault::FailFirst(2, Box::new(Fault::Status(503))));
    assert_eq!(get(&server, "/go/f").expect("response").status, 503);
    assert_eq!(
        http(&server, "HEAD", "/go/f", &[])
            .expect("response")
            .status,
        503
    );
    assert_eq!(get(&server, "/go/f").expect("response").status, 200);
    assert_eq!(get(&server, "/go/f").expect("response").status, 200);
    server.set_file_fault("f", Fault::fail_first(1, Fault::Reset));
    assert!(get(&server, "/go/f").is_none());
    assert_eq!(get(&server, "/go/f").expect("response").body, payload());
    assert_eq!(server.request_count("/go/f"), 6);
}

#[test]
fn slow_fault_is_slow_but_bounded() {
    let server = TestServer::start();
    server.put_file("small", vec![7u8; 2000]);
    server.set_file_fault(
        "small",
        Fault::Slow {
            bytes_per_sec: 4000,
        },
    );
    let start = Instant::now();
    let r = get(&server, "/go/small").expect("response");
    assert_eq!(r.body, vec![7u8; 2000]);
    assert!(
        start.elapsed() >= Duration::from_millis(400),
        "{:?}",
        start.elapsed()
    );

    server.put_file("big", vec![1u8; 100_000]);
    server.set_file_fault("big", Fault::Slow { bytes_per_sec: 1 });
    let start = Instant::now();
    assert_eq!(
        get(&server, "/go/big").expect("response").body.len(),
        100_000
    );
    assert!(
        start.elapsed() < Duration::from_secs(6),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn dropping_the_server_stops_it() {
    let server = TestServer::start();
    let addr = server.url().trim_start_matches("http://").to_owned();
    drop(server);
    assert!(TcpStream::connect(&addr).is_err());
}

#[test]
fn works_with_reqwest_blocking() {
    let server = TestServer::start();
    let data = payload();
    server.put_file("f", data.clone());
    let client = reqwest::blocking::Client::builder()
        .user_agent("gvx-selftest")
        .build()
        .expect("client");
    let body = client.get(server.file_url("f")).send().expect("send");
    assert_eq!(body.bytes().expect("body").as_ref(), &data[..]);
    assert_eq!(
        server.requests()[0].header("User-Agent"),
        Some("gvx-selftest")
    );

    let resp = client
        .get(server.file_url("f"))
        .header("Range", "bytes=9000-")
        .send()
        .expect("send");
    assert_eq!(resp.status().as_u16(), 206);
    assert_eq!(resp.bytes().expect("body").as_ref(), &data[9000..]);

    server.put_file("g", b"moved".to_vec());
    server.set_file_fault("f", Fault::Redirect(server.file_url("g")));
    let resp = client.get(server.file_url("f")).send().expect("send");
    assert_eq!(resp.bytes().expect("body").as_ref(), b"moved");

    server.set_file_fault("f", Fault::Truncate { at: 100 });
    let resp = client.get(server.file_url("f")).send().expect("send");
    assert!(resp.bytes().is_err(), "a truncated body is an error");

    server.set_file_fault("f", Fault::Reset);
    assert!(client.get(server.file_url("f")).send().is_err());
}
