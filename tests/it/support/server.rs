//! A tiny, bounded HTTP/1.1 server for integration tests.
//!
//! One background thread accepts on `127.0.0.1:0`; every connection gets its
//! own short-lived thread that answers exactly one request and closes the
//! connection (`Connection: close`). Routes, faults and the request log live
//! behind a mutex so tests can change them between `gvx` runs. Dropping the
//! [`TestServer`] stops the accept thread; connection threads are bounded by
//! socket timeouts and notice the stop flag while sleeping.

use std::collections::HashMap;
use std::io::Write;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::http::{read_request, respond};
use super::index::{IndexRelease, index_json, sha256_hex};

/// Upper bound on connections served over a server's lifetime.
const MAX_CONNECTIONS: usize = 100_000;
/// Socket read/write timeout for connection threads.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

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
    /// Send the headers and the first `at` body bytes (of the requested range), then stay
    /// silent for `ms` milliseconds (capped at 10 s) and close. For idle-timeout tests.
    StallAfter {
        /// Body bytes sent before the silence.
        at: usize,
        /// How long to stay silent.
        ms: u64,
    },
    /// `200` without a length (chunked): the whole content, then zero bytes without end
    /// (until the client goes away or the server stops). For byte-cap tests.
    Endless,
    /// The first `n` requests to the path (HEAD included) get the inner fault;
    /// later ones are served normally.
    FailFirst(usize, Box<Fault>),
    /// `302 Found` with this `Location` (absolute URL or a path on this server).
    Redirect(String),
}

impl Fault {
    /// `Fault::FailFirst(n, Box::new(fault))`.
    pub fn fail_first(n: usize, fault: Fault) -> Fault {
        Fault::FailFirst(n, Box::new(fault))
    }
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

/// What a path serves when no fault intervenes.
#[derive(Clone)]
pub(super) struct Route {
    pub(super) status: u16,
    pub(super) content_type: String,
    pub(super) body: Arc<Vec<u8>>,
    /// Strong validator: `"<first 16 hex digits of the body's sha256>"`.
    pub(super) etag: String,
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
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            stop: AtomicBool::new(false),
        });
        let s = Arc::clone(&shared);
        let accept = thread::spawn(move || accept_loop(&listener, &s));
        TestServer {
            addr,
            shared,
            accept: Some(accept),
        }
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

    /// [`Self::set_index_json`] of [`index_json`]`(releases)`.
    pub fn set_index(&self, releases: &[IndexRelease]) {
        self.set_index_json(index_json(releases));
    }

    /// Serves `bytes` at `/go/<name>` as `application/octet-stream`.
    pub fn put_file(&self, name: &str, bytes: impl Into<Vec<u8>>) {
        self.set_route(
            &format!("/go/{name}"),
            200,
            "application/octet-stream",
            bytes.into(),
        );
    }

    /// Serves `body` with `status` at `path` (`text/plain`). A `path` with a
    /// `?query` matches only that exact target; without one it matches any query.
    pub fn set_raw(&self, path: &str, status: u16, body: impl Into<Vec<u8>>) {
        self.set_route(path, status, "text/plain; charset=utf-8", body.into());
    }

    /// Like [`Self::set_raw`] with an explicit `Content-Type`.
    pub fn set_route(&self, path: &str, status: u16, content_type: &str, body: Vec<u8>) {
        let route = Route {
            status,
            content_type: content_type.to_owned(),
            etag: format!("\"{}\"", &sha256_hex(&body)[..16]),
            body: Arc::new(body),
        };
        self.shared.lock().routes.insert(path.to_owned(), route);
    }

    /// Stops serving `path` (404 afterwards).
    pub fn remove(&self, path: &str) {
        self.shared.lock().routes.remove(path);
    }

    /// Injects `fault` for every request whose path (query ignored) is `path`.
    /// Replaces an earlier fault and resets its request counter.
    pub fn set_fault(&self, path: &str, fault: Fault) {
        self.shared
            .lock()
            .faults
            .insert(path.to_owned(), (fault, 0));
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
        self.shared
            .lock()
            .log
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    /// How many requests had path `path` (query ignored).
    pub fn request_count(&self, path: &str) -> usize {
        self.shared
            .lock()
            .log
            .iter()
            .filter(|r| r.path == path)
            .count()
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
    let Some(req) = read_request(&mut stream) else {
        return;
    };
    let (route, fault, no_range) = {
        let mut st = shared.lock();
        st.log.push(req.clone());
        let route = st
            .routes
            .get(&req.target)
            .or_else(|| st.routes.get(&req.path))
            .cloned();
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
