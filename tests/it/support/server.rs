//! A tiny, bounded HTTP/1.1 server for integration tests.
//!
//! One background thread accepts on `127.0.0.1:0`; every connection gets its
//! own short-lived thread that answers exactly one request and closes the
//! connection (`Connection: close`). Routes, faults and the request log live
//! behind a mutex so tests can change them between `gvx` runs. Dropping the
//! [`TestServer`] stops the accept thread; connection threads are bounded by
//! socket timeouts and notice the stop flag while sleeping.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::index::sha256_hex;

/// Largest request head accepted (request line + headers).
const MAX_HEAD: usize = 64 * 1024;
/// Upper bound on connections served over a server's lifetime.
const MAX_CONNECTIONS: usize = 100_000;
/// Socket read/write timeout for connection threads.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// `Fault::Slow` never takes longer than this; the rest is sent at once.
const SLOW_CAP: Duration = Duration::from_secs(3);
/// `Fault::Stall` never stalls longer than this.
const STALL_CAP: Duration = Duration::from_secs(10);

/// A misbehaviour injected for one path (see [`TestServer::set_fault`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status code and a short text body.
    Status(u16),
    /// Send the full headers (the real `Content-Length`), then only the first
    /// `at` body bytes, then close.
    Truncate {
        /// Number of body bytes actually sent.
        at: usize,
    },
    /// Serve the content with one byte (the middle one) flipped; applied
    /// before any `Range` slicing so a resumed download sees the same bytes.
    Corrupt,
    /// Send the body at roughly this rate; the total delay is capped at ~3 s,
    /// after which the remainder is sent at once.
    Slow {
        /// Approximate throughput.
        bytes_per_sec: u64,
    },
    /// Read the request, then close the connection without any response.
    Reset,
    /// Read the request, send nothing for `ms` milliseconds (capped at 10 s),
    /// then close without a response. For client timeout tests.
    Stall {
        /// How long to stay silent.
        ms: u64,
    },
    /// The first `n` requests to the path (HEAD included) get the inner fault;
    /// later ones are served normally.
    FailFirst(usize, Box<Fault>),
    /// `302 Found` with this `Location` (absolute URL or a path on this server).
    Redirect(String),
}

/// One request as received, for assertions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `HEAD`, ...
    pub method: String,
    /// The request target exactly as sent, e.g. `/dl/?mode=json&include=all`.
    pub target: String,
    /// The target without its query, e.g. `/dl/`.
    pub path: String,
    /// The query without `?` (empty if none).
    pub query: String,
    /// Headers in order received; names as sent.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The first header with this name (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Clone)]
struct Route {
    status: u16,
    content_type: String,
    body: Arc<Vec<u8>>,
}

#[derive(Default)]
struct State {
    /// Keyed by exact target (with query) or by path (without query).
    routes: HashMap<String, Route>,
    /// Keyed by path (without query): the fault and how many requests hit it.
    faults: HashMap<String, (Fault, usize)>,
    log: Vec<Request>,
    no_range: bool,
}

struct Shared {
    state: Mutex<State>,
    stop: AtomicBool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking connection thread must not wedge the test.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The test HTTP server. Stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Binds `127.0.0.1:0` and starts serving in a background thread.
    pub fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local_addr");
        let shared = Arc::new(Shared { state: Mutex::new(State::default()), stop: AtomicBool::new(false) });
        let s = Arc::clone(&shared);
        let accept = thread::spawn(move || accept_loop(&listener, &s));
        TestServer { addr, shared, accept: Some(accept) }
    }

    /// Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `url() + "/dl/?mode=json&include=all"`, where [`Self::set_index_json`] serves.
    pub fn index_url(&self) -> String {
        format!("{}/dl/?mode=json&include=all", self.url())
    }

    /// `url() + "/go"`, the mirror base under which [`Self::put_file`] serves.
    pub fn mirror_url(&self) -> String {
        format!("{}/go", self.url())
    }

    /// `mirror_url() + "/" + name`.
    pub fn file_url(&self, name: &str) -> String {
        format!("{}/{name}", self.mirror_url())
    }

    /// Serves `json` at `/dl/` (any query) as `application/json`.
    pub fn set_index_json(&self, json: impl Into<String>) {
        self.set_route("/dl/", 200, "application/json", json.into().into_bytes());
    }

    /// Serves `bytes` at `/go/<name>` as `application/octet-stream`.
    pub fn put_file(&self, name: &str, bytes: impl Into<Vec<u8>>) {
        self.set_route(&format!("/go/{name}"), 200, "application/octet-stream", bytes.into());
    }

    /// Serves `body` with `status` at `path` (`text/plain`). A `path` with a
    /// `?query` matches only that exact target; without one it matches any query.
    pub fn set_raw(&self, path: &str, status: u16, body: impl Into<Vec<u8>>) {
        self.set_route(path, status, "text/plain; charset=utf-8", body.into());
    }

    /// Like [`Self::set_raw`] with an explicit `Content-Type`.
    pub fn set_route(&self, path: &str, status: u16, content_type: &str, body: Vec<u8>) {
        let route = Route { status, content_type: content_type.to_owned(), body: Arc::new(body) };
        self.shared.lock().routes.insert(path.to_owned(), route);
    }

    /// Stops serving `path` (404 afterwards).
    pub fn remove(&self, path: &str) {
        self.shared.lock().routes.remove(path);
    }

    /// Injects `fault` for every request whose path (query ignored) is `path`.
    /// Replaces an earlier fault and resets its request counter.
    pub fn set_fault(&self, path: &str, fault: Fault) {
        self.shared.lock().faults.insert(path.to_owned(), (fault, 0));
    }

    /// [`Self::set_fault`] for `/go/<name>`.
    pub fn set_file_fault(&self, name: &str, fault: Fault) {
        self.set_fault(&format!("/go/{name}"), fault);
    }

    /// Removes the fault for `path`.
    pub fn clear_fault(&self, path: &str) {
        self.shared.lock().faults.remove(path);
    }

    /// Ignore `Range` headers from now on (always `200` with the full body,
    /// no `Accept-Ranges`).
    pub fn disable_range(&self) {
        self.shared.lock().no_range = true;
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.lock().log.clone()
    }

    /// The requests whose path (query ignored) is `path`.
    pub fn requests_to(&self, path: &str) -> Vec<Request> {
        self.shared.lock().log.iter().filter(|r| r.path == path).cloned().collect()
    }

    /// How many requests had path `path` (query ignored).
    pub fn request_count(&self, path: &str) -> usize {
        self.shared.lock().log.iter().filter(|r| r.path == path).count()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.shared.lock().log.clear();
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept() so the thread sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(handle) = self.accept.take() {
            let _ = handle.join();
        }
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    let mut errors = 0;
    for _ in 0..MAX_CONNECTIONS {
        let accepted = listener.accept();
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        match accepted {
            Ok((stream, _)) => {
                let s = Arc::clone(shared);
                thread::spawn(move || handle(stream, &s));
            }
            Err(_) => {
                errors += 1;
                if errors > 100 {
                    return;
                }
                thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

/// Reads one request head; `None` if the peer sent garbage or nothing.
fn read_request(stream: &mut TcpStream) -> Option<Request> {
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
    Some(Request { method, target, path, query, headers })
}

/// Resolves `FailFirst` against the number of earlier requests to the path.
fn effective(fault: &Fault, earlier: usize) -> Option<Fault> {
    match fault {
        Fault::FailFirst(n, inner) if earlier < *n => effective(inner, earlier),
        Fault::FailFirst(..) => None,
        other => Some(other.clone()),
    }
}

fn handle(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let Some(req) = read_request(&mut stream) else { return };
    let (route, fault, no_range) = {
        let mut st = shared.lock();
        st.log.push(req.clone());
        let route = st.routes.get(&req.target).or_else(|| st.routes.get(&req.path)).cloned();
        let fault = st.faults.get_mut(&req.path).and_then(|(f, hits)| {
            *hits += 1;
            effective(f, *hits - 1)
        });
        (route, fault, st.no_range)
    };
    respond(&mut stream, &req, route, fault, !no_range, &shared.stop);
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
}

/// Interprets a `Range` header against a body of `len` bytes.
/// `Ok(None)`: serve everything; `Ok(Some((start, end)))`: inclusive range;
/// `Err(())`: unsatisfiable (416).
fn parse_range(value: &str, len: usize) -> Result<Option<(usize, usize)>, ()> {
    let Some(spec) = value.trim().strip_prefix("bytes=") else { return Ok(None) };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.split_once('-') else { return Ok(None) };
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        // Suffix range: the last N bytes.
        let Ok(n) = b.parse::<usize>() else { return Ok(None) };
        if n == 0 || len == 0 {
            return Err(());
        }
        return Ok(Some((len.saturating_sub(n), len - 1)));
    }
    let Ok(start) = a.parse::<usize>() else { return Ok(None) };
    let end = if b.is_empty() {
        len.saturating_sub(1)
    } else {
        match b.parse::<usize>() {
            Ok(e) if e >= start => e.min(len.saturating_sub(1)),
            _ => return Ok(None),
        }
    };
    if start >= len { Err(()) } else { Ok(Some((start, end))) }
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

fn write_head(stream: &mut TcpStream, status: u16, headers: &[(&str, String)]) -> std::io::Result<()> {
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

fn respond(stream: &mut TcpStream, req: &Request, route: Option<Route>, fault: Option<Fault>, range_ok: bool, stop: &AtomicBool) {
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
        Some(Fault::Redirect(to)) => return simple(stream, req, 302, Some(("Location", to.clone()))),
        _ => {}
    }
    let Some(route) = route else { return simple(stream, req, 404, None) };
    let mut body: &[u8] = &route.body;
    let corrupted;
    if fault == Some(Fault::Corrupt) && !body.is_empty() {
        let mut copy = body.to_vec();
        let mid = copy.len() / 2;
        copy[mid] ^= 0xff;
        corrupted = copy;
        body = &corrupted;
    }
    let etag = format!("\"{}\"", &sha256_hex(&route.body)[..16]);
    let mut status = route.status;
    let mut headers = vec![("Content-Type", route.content_type.clone()), ("ETag", etag.clone())];
    if range_ok && status == 200 {
        headers.push(("Accept-Ranges", "bytes".to_owned()));
        let if_range_ok = req.header("If-Range").is_none_or(|v| v == etag);
        if let (Some(value), true) = (req.header("Range"), if_range_ok) {
            match parse_range(value, body.len()) {
                Ok(None) => {}
                Ok(Some((start, end))) => {
                    status = 206;
                    headers.push(("Content-Range", format!("bytes {start}-{end}/{}", body.len())));
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
        _ => {
            let _ = stream.write_all(body);
        }
    }
}

fn send_slowly(stream: &mut TcpStream, body: &[u8], bytes_per_sec: u64, stop: &AtomicBool) {
    const TICK: Duration = Duration::from_millis(50);
    let per_tick = usize::try_from(bytes_per_sec / 20).unwrap_or(usize::MAX).max(1);
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
