//! Readers for the files that pin a Go version: `.go-version` and asdf's `.tool-versions`.
//!
//! Both are read tolerantly (UTF-8 with or without BOM, UTF-16 as PowerShell 5 writes it, CRLF,
//! `#` comments) and strictly (a line that is there but is not a version is an error naming the
//! file and line, never silently skipped).

use crate::version::{VERSION_EXAMPLES, VersionRequest};
use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

pub const GO_VERSION_FILE: &str = ".go-version";
pub const TOOL_VERSIONS_FILE: &str = ".tool-versions";

/// A version request read from a file, with where it was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pin {
    pub request: VersionRequest,
    pub file: PathBuf,
    pub line: usize,
}

/// Reads a `.go-version`: the first line that is not blank or a `#` comment.
pub fn read_go_version(path: &Path) -> Result<Pin, PinError> {
    let text = read_text(path)?;
    for (index, line) in text.lines().enumerate() {
        let value = strip_comment(line);
        if value.is_empty() {
            continue;
        }
        return parse_pin(value, path, index + 1);
    }
    Err(PinError::new(path, 0, PinProblem::Empty))
}

/// Reads a `.tool-versions`: the `golang` (or `go`) line, if there is one.
pub fn read_tool_versions(path: &Path) -> Result<Option<Pin>, PinError> {
    let text = read_text(path)?;
    for (index, line) in text.lines().enumerate() {
        let mut words = strip_comment(line).split_whitespace();
        if !matches!(words.next(), Some("golang" | "go")) {
            continue;
        }
        let Some(value) = words.next() else {
            return Err(PinError::new(path, index + 1, PinProblem::Empty));
        };
        return parse_pin(value, path, index + 1).map(Some);
    }
    Ok(None)
}

fn parse_pin(value: &str, path: &Path, line: usize) -> Result<Pin, PinError> {
    match VersionRequest::parse(value) {
        Ok(request) => Ok(Pin {
            request,
            file: path.to_owned(),
            line,
        }),
        Err(_) => Err(PinError::new(
            path,
            line,
            PinProblem::NotAVersion(value.to_owned()),
        )),
    }
}

fn strip_comment(line: &str) -> &str {
    line.split('#').next().unwrap_or("").trim()
}

/// Pin files are read up to this size; a larger one is refused, not read on every `go` call.
pub const MAX_PIN_BYTES: u64 = 64 << 10;

/// Reads a small text file written by any editor or shell on any platform.
pub fn read_text(path: &Path) -> Result<String, PinError> {
    let io = |e| PinError::new(path, 0, PinProblem::Io(e));
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|file| file.take(MAX_PIN_BYTES + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > MAX_PIN_BYTES {
        return Err(PinError::new(path, 0, PinProblem::TooLarge));
    }
    decode(&bytes).ok_or_else(|| PinError::new(path, 0, PinProblem::Encoding))
}

/// UTF-8 (optionally with BOM) or UTF-16 (BOM, or the zero bytes of ASCII text without one).
fn decode(bytes: &[u8]) -> Option<String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8(rest.to_vec()).ok();
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(rest, u16::from_be_bytes);
    }
    if bytes.len() >= 2 && bytes.len().is_multiple_of(2) {
        if bytes[1] == 0 && bytes[0] != 0 {
            return decode_utf16(bytes, u16::from_le_bytes);
        }
        if bytes[0] == 0 && bytes[1] != 0 {
            return decode_utf16(bytes, u16::from_be_bytes);
        }
    }
    String::from_utf8(bytes.to_vec()).ok()
}

fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Option<String> {
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

/// A pin file that exists but cannot be used.
#[derive(Debug)]
pub struct PinError {
    pub file: PathBuf,
    /// 1-based; 0 when the problem is the whole file.
    pub line: usize,
    pub problem: PinProblem,
}

#[derive(Debug)]
pub enum PinProblem {
    Io(io::Error),
    Encoding,
    TooLarge,
    Empty,
    NotAVersion(String),
}

impl PinError {
    fn new(file: &Path, line: usize, problem: PinProblem) -> Self {
        PinError {
            file: file.to_owned(),
            line,
            problem,
        }
    }
}

impl fmt::Display for PinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        match &self.problem {
            PinProblem::Io(e) => write!(f, "cannot read {file}: {e}"),
            PinProblem::Encoding => write!(f, "{file} is neither UTF-8 nor UTF-16 text"),
            PinProblem::Empty if self.line == 0 => write!(f, "{file} names no Go version"),
            PinProblem::Empty => {
                write!(f, "{file}:{}: the golang line names no version", self.line)
            }
            PinProblem::NotAVersion(text) => write!(
                f,
                "{file}:{}: `{}` is not a Go version ({VERSION_EXAMPLES})",
                self.line,
                crate::text::untrusted(text)
            ),
            PinProblem::TooLarge => write!(
                f,
                "{file} is larger than {} KiB: not a version file",
                MAX_PIN_BYTES >> 10
            ),
        }
    }
}

impl std::error::Error for PinError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.problem {
            PinProblem::Io(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::GoVersion;

    fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("gvx-pin-{}-{name}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        fs::write(&path, bytes).unwrap();
        path
    }

    fn exact(s: &str) -> VersionRequest {
        VersionRequest::Exact(GoVersion::parse(s).unwrap())
    }

    #[test]
    fn go_version_encodings() {
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("1.22.10\r\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let utf16be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("go1.22.10\n".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        let no_bom_le: Vec<u8> = "1.22.10"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let cases: [(&str, &[u8]); 6] = [
            ("plain", b"1.22.10\n"),
            ("crlf", b"\r\n# pinned\r\ngo1.22.10\r\n"),
            ("bom", b"\xEF\xBB\xBF1.22.10"),
            ("utf16le", &utf16le),
            ("utf16be", &utf16be),
            ("utf16nobom", &no_bom_le),
        ];
        for (name, bytes) in cases {
            let pin = read_go_version(&temp_file(name, bytes)).unwrap();
            assert_eq!(pin.request, exact("1.22.10"), "{name}");
        }
    }

    #[test]
    fn go_version_errors_name_file_and_line() {
        let path = temp_file("bad", b"# comment\n\n1.22.x\n");
        let err = read_go_version(&path).unwrap_err();
        assert_eq!(err.line, 3);
        let text = err.to_string();
        assert!(text.contains(":3: `1.22.x` is not a Go version"), "{text}");
        let empty = read_go_version(&temp_file("empty", b"\n# nothing\n")).unwrap_err();
        assert!(
            empty.to_string().ends_with("names no Go version"),
            "{empty}"
        );
    }

    #[test]
    fn tool_versions() {
        let path = temp_file("tv", b"nodejs 20.1.0\ngolang 1.22 1.21.0 # first wins\n");
        let pin = read_tool_versions(&path).unwrap().unwrap();
        assert_eq!(pin.request, VersionRequest::Line(1, 22));
        assert_eq!(pin.line, 2);
        assert!(
            read_tool_versions(&temp_file("tv2", b"python 3.12\n"))
                .unwrap()
                .is_none()
        );
        let bad = read_tool_versions(&temp_file("tv3", b"go system\n")).unwrap_err();
        assert!(bad.to_string().contains(":1: `system`"), "{bad}");
    }

    #[test]
    fn hostile_pins_are_shown_safely() {
        let path = temp_file("escape", b"1.22\x1b]0;owned\x07\n");
        let err = read_go_version(&path).unwrap_err().to_string();
        assert!(err.contains("`1.22\\u{1b}]0;owned\\u{7}`"), "{err}");
        assert!(!err.contains('\x1b'), "{err}");
        let mut huge = b"1.22.10\n".to_vec();
        huge.resize(10 << 20, b'x');
        let err = read_go_version(&temp_file("huge", &huge)).unwrap_err();
        assert!(matches!(err.problem, PinProblem::TooLarge), "{err}");
        let long = format!("{}\n", "9".repeat(100_000));
        let err = read_go_version(&temp_file("long", long.as_bytes()))
            .unwrap_err()
            .to_string();
        assert!(err.len() < 500, "{} bytes", err.len());
    }
}
