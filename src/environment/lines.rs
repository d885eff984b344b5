//! Editors of single lines in the user's files, as pure functions from the old bytes to the new:
//! a line turned into a comment with a marker, a `KEY=` line taken out of Go's env file, a PATH
//! line added at the end of a start-up file. Everything else stays byte for byte.

use std::path::Path;

/// What every line `gvx doctor --fix` comments out starts with.
pub const COMMENT_MARK: &str = "# [gvx doctor --fix] ";
/// What every PATH line `gvx doctor --fix` adds ends with.
pub const APPEND_MARK: &str = "# added by gvx doctor --fix";

/// Why a line could not be edited.
#[derive(Debug, PartialEq, Eq)]
pub enum LineError {
    /// The file is shorter now.
    Gone { line: usize },
    /// The line reads differently from when it was diagnosed.
    Changed { line: usize },
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LineError::Gone { line } => write!(f, "the file has no line {line} any more"),
            LineError::Changed { line } => {
                write!(f, "line {line} changed since it was read; left alone")
            }
        }
    }
}

/// `bytes` with line `line` (1-based) commented out, if it still starts with `expected` (the
/// line as diagnosed: trimmed, maybe cut with `...`). `Ok(None)`: it is a comment already.
pub fn comment_out(
    bytes: &[u8],
    line: usize,
    expected: &str,
) -> Result<Option<Vec<u8>>, LineError> {
    let mut lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    let Some(current) = line.checked_sub(1).and_then(|i| lines.get(i)).copied() else {
        return Err(LineError::Gone { line });
    };
    let text = String::from_utf8_lossy(current).trim().to_owned();
    if text.starts_with('#') {
        return Ok(None);
    }
    let expected = expected.strip_suffix("...").unwrap_or(expected);
    if !text.starts_with(expected) {
        return Err(LineError::Changed { line });
    }
    let indent = current.len() - current.trim_ascii_start().len();
    let edited = [
        &current[..indent],
        COMMENT_MARK.as_bytes(),
        &current[indent..],
    ]
    .concat();
    lines[line - 1] = &edited;
    Ok(Some(lines.concat()))
}

/// Go's env file without any `KEY=` line, as `go env -u KEY` leaves it; `None` when it has none.
pub fn unset_go_env(bytes: &[u8], key: &str) -> Option<Vec<u8>> {
    let prefix = format!("{key}=");
    let kept: Vec<&[u8]> = bytes
        .split_inclusive(|&b| b == b'\n')
        .filter(|l| !l.trim_ascii_start().starts_with(prefix.as_bytes()))
        .collect();
    let kept = kept.concat();
    (kept != bytes).then_some(kept)
}

/// The sh line that appends `dir` to PATH once.
pub fn append_path_line(dir: &Path) -> String {
    let d = crate::shell::sh_quote(&dir.display().to_string());
    format!(
        "case \":$PATH:\" in *:{d}:*) ;; *) PATH=\"$PATH:\"{d}; export PATH ;; esac  {APPEND_MARK}\n"
    )
}

/// `bytes` with [`append_path_line`] at the end; `None` when the file has it already.
pub fn append_path(bytes: &[u8], dir: &Path) -> Option<Vec<u8>> {
    let line = append_path_line(dir);
    if String::from_utf8_lossy(bytes).contains(line.trim_end()) {
        return None;
    }
    let mut out = bytes.to_vec();
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    out.extend_from_slice(line.as_bytes());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_out_one_line_keeping_crlf_and_indent() {
        let text = b"a\r\n  export GOROOT=/x\r\nb";
        let out = comment_out(text, 2, "export GOROOT=/x").unwrap().unwrap();
        assert_eq!(out, b"a\r\n  # [gvx doctor --fix] export GOROOT=/x\r\nb");
        assert_eq!(comment_out(&out, 2, "export GOROOT=/x"), Ok(None));
        assert_eq!(
            comment_out(text, 2, "export GOPATH"),
            Err(LineError::Changed { line: 2 })
        );
        assert_eq!(comment_out(text, 9, "x"), Err(LineError::Gone { line: 9 }));
        let long = comment_out(b"export GOROOT=/very/long\n", 1, "export GOROOT=/ve...");
        assert!(long.unwrap().is_some());
    }

    #[test]
    fn unsets_every_line_of_a_key() {
        let text = b"GOROOT=/a\nGOPATH=/g\nGOROOT=/b";
        assert_eq!(unset_go_env(text, "GOROOT").unwrap(), b"GOPATH=/g\n");
        assert_eq!(unset_go_env(text, "GOBIN"), None);
    }

    #[test]
    fn appends_once() {
        let dir = Path::new("/home/u/go/bin");
        let out = append_path(b"x", dir).unwrap();
        assert!(out.starts_with(b"x\ncase "));
        assert!(String::from_utf8_lossy(&out).ends_with(&format!("{APPEND_MARK}\n")));
        assert_eq!(append_path(&out, dir), None);
    }
}
