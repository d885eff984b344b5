//! The HTTP side of [`super::server`]: parsing a request head and writing
//! a response with the route's body, `Range` handling and injected faults.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::server::{Fault, Request, Route};

/// Largest request head accepted (request line + headers).
const MAX_HEAD: usize = 64 * 1024;
/// `Fault::Slow` never takes longer than this; the rest is sent at once.
const SLOW_CAP: Duration = Duration::from_secs(3);
/// `Fault::Stall` never stalls longer than this.
const STALL_CAP: Duration = Duration::from_secs(10);

/// Reads one request head; `None` if the peer sent garbage or nothing.
pub(super) fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut parts = lines.next()?.split(' ');
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target.clone(), String::new()),
    };
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Some(Request {
        method,
        target,
        path,
        query,
        headers,
    })
}

/// Interprets a `Range` header against a body of `len` bytes.
/// `Ok(None)`: serve everything; `Ok(Some((start, end)))`: inclusive range;
/// `Err(())`: unsatisfiable (416).
fn parse_range(value: &str, len: usize) -> Result<Option<(usize, usize)>, ()> {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        // Suffix range: the last N bytes.
        let Ok(n) = b.parse::<usize>() else {
            return Ok(None);
        };
        if n == 0 || len == 0 {
            return Err(());
        }
        return Ok(Some((len.saturating_sub(n), len - 1)));
    }
    let Ok(start) = a.parse::<usize>() else {
        return Ok(None);
    };
    let end = if b.is_empty() {
        len.saturating_sub(1)
    } else {
        match b.parse::<usize>() {
            Ok(e) if e >= start => e.min(len.saturating_sub(1)),
            _ => return Ok(None),
        }
    };
    if start >= len {
        Err(())
    } else {
        Ok(Some((start, end)))
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn write_head(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(&str, String)],
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes())
}

/// A small text response (errors, redirects, injected statuses).
fn simple(stream: &mut TcpStream, req: &Request, status: u16, extra: Option<(&str, String)>) {
    let body = format!("{status} {}\n", reason(status));
    let mut headers = vec![
        ("Content-Type", "text/plain; charset=utf-8".to_owned()),
        ("Content-Length", body.len().to_string()),
    ];
    headers.extend(extra);
    let _ = write_head(stream, status, &headers);
    if req.method != "HEAD" {
        let _ = stream.write_all(body.as_bytes());
    }
}

pub(super) fn respond(
    stream: &mut TcpStream,
    req: &Request,
    route: Option<Route>,
    fault: Option<Fault>,
    range_ok: bool,
    stop: &AtomicBool,
) {
    match &fault {
        Some(Fault::Reset) => return,
        Some(Fault::Stall { ms }) => {
            let until = Instant::now() + Duration::from_millis(*ms).min(STALL_CAP);
            while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(10));
            }
            return;
        }
        Some(Fault::Status(code)) => return simple(stream, req, *code, None),
        Some(Fault::Redirect(to)) => {
            return simple(stream, req, 302, Some(("Location", to.clone())));
        }
        _ => {}
    }
    let Some(route) = route else {
        return simple(stream, req, 404, None);
    };
    let mut body: &[u8] = &route.body;
    if fault == Some(Fault::Endless) {
        return send_endless(stream, body, stop);
    }
    let corrupted;
    if fault == Some(Fault::Corrupt) && !body.is_empty() {
        let mut copy = body.to_vec();
        let mid = copy.len() / 2;
        copy[mid] ^= 0xff;
        corrupted = copy;
        body = &corrupted;
    }
    let etag = route.etag.clone();
    let mut status = route.status;
    let mut headers = vec![
        ("Content-Type", route.content_type.clone()),
        ("ETag", etag.clone()),
    ];
    if range_ok && status == 200 {
        headers.push(("Accept-Ranges", "bytes".to_owned()));
        let if_range_ok = req.header("If-Range").is_none_or(|v| v == etag);
        if let (Some(value), true) = (req.header("Range"), if_range_ok) {
            match parse_range(value, body.len()) {
                Ok(None) => {}
                Ok(Some((start, end))) => {
                    status = 206;
                    headers.push((
                        "Content-Range",
                        format!("bytes {start}-{end}/{}", body.len()),
                    ));
                    body = &body[start..=end];
                }
                Err(()) => {
                    let extra = ("Content-Range", format!("bytes */{}", body.len()));
                    return simple(stream, req, 416, Some(extra));
                }
            }
        }
    }
    headers.push(("Content-Length", body.len().to_string()));
    if write_head(stream, status, &headers).is_err() || req.method == "HEAD" {
        return;
    }
    match fault {
        Some(Fault::Truncate { at }) => {
            let _ = stream.write_all(&body[..at.min(body.len())]);
        }
        Some(Fault::Slow { bytes_per_sec }) => send_slowly(stream, body, bytes_per_sec, stop),
        Some(Fault::StallAfter { at, ms }) => {
            let _ = stream
                .write_all(&body[..at.min(body.len())])
                .and_then(|()| stream.flush());
            let until = Instant::now() + Duration::from_millis(ms).min(STALL_CAP);
            while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(10));
            }
        }
        _ => {
            let _ = stream.write_all(body);
        }
    }
}

/// `Fault::Endless`: `body`, then zeros, chunked, until the peer or the server goes away.
fn send_endless(stream: &mut TcpStream, body: &[u8], stop: &AtomicBool) {
    let head = [
        ("Content-Type", "application/octet-stream".to_owned()),
        ("Transfer-Encoding", "chunked".to_owned()),
    ];
    if write_head(stream, 200, &head).is_err() {
        return;
    }
    let chunk = |stream: &mut TcpStream, bytes: &[u8]| {
        stream
            .write_all(format!("{:x}\r\n", bytes.len()).as_bytes())
            .and_then(|()| stream.write_all(bytes))
            .and_then(|()| stream.write_all(b"\r\n"))
    };
    if !body.is_empty() && chunk(stream, body).is_err() {
        return;
    }
    let zeros = vec![0u8; 64 * 1024];
    // 64 GiB at most, so a test that forgets the server cannot fill a disk.
    for _ in 0..(1 << 20) {
        if stop.load(Ordering::SeqCst) || chunk(stream, &zeros).is_err() {
            return;
        }
    }
}

fn send_slowly(stream: &mut TcpStream, body: &[u8], bytes_per_sec: u64, stop: &AtomicBool) {
    const TICK: Duration = Duration::from_millis(50);
    let per_tick = usize::try_from(bytes_per_sec / 20)
        .unwrap_or(usize::MAX)
        .max(1);
    let started = Instant::now();
    let mut rest = body;
    while !rest.is_empty() {
        if started.elapsed() >= SLOW_CAP || stop.load(Ordering::SeqCst) {
            let _ = stream.write_all(rest);
            return;
        }
        let (now, later) = rest.split_at(per_tick.min(rest.len()));
        if stream.write_all(now).and_then(|()| stream.flush()).is_err() {
            return;
        }
        rest = later;
        if !rest.is_empty() {
            thread::sleep(TICK);
        }
    }
}
