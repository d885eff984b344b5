//! A loopback HTTP server of static files, for the test targets that run gvx under an
//! emulator (`tests/windows` under wine, `tests/arm64` under qemu-user). Included by path.

use std::fs;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

/// Serves the files under `root` over HTTP/1.1 on 127.0.0.1 (which programs under wine and qemu reach) until
/// the test process ends; returns `http://127.0.0.1:<port>`. `GET`/`HEAD` of `/<path>` answer
/// `root/<path>` whole (queries ignored) or 404, one request per connection.
pub fn serve_files(root: PathBuf) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            thread::spawn(move || {
                let _ = serve_one(&root, stream);
            });
        }
    });
    url
}

fn serve_one(root: &Path, mut stream: std::net::TcpStream) -> std::io::Result<()> {
    use std::io::{BufRead, Write};
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    stream.set_write_timeout(Some(Duration::from_secs(60)))?;
    let mut reader = std::io::BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
    }
    let mut words = request.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let path = target
        .split('?')
        .next()
        .unwrap_or("")
        .trim_start_matches('/');
    let file = Some(root.join(path))
        .filter(|_| !path.split('/').any(|part| part == ".."))
        .filter(|file| file.is_file());
    let Some(file) = file else {
        return write!(
            stream,
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    };
    let len = fs::metadata(&file)?.len();
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Length: {len}\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
    )?;
    if method != "HEAD" {
        std::io::copy(&mut fs::File::open(file)?, &mut stream)?;
    }
    stream.flush()
}
