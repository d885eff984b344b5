//! Lines in start-up files that fight gvx: a GOROOT setting (it sends editors and tools to
//! another Go), a Go SDK's `bin` put ahead on PATH, a GOPATH inside an SDK or the store. Each
//! is reported with its file, line and fix; `gvx setup` only reports, it never deletes them.
//!
//! The matching is deliberately plain text, line by line, for sh-like shells, fish, nushell
//! and PowerShell; the gvx block itself is skipped.

use super::block;
use super::shell_line::assigned;
use std::path::{Path, PathBuf};

/// One line that fights gvx.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    /// The line, trimmed and cut to 120 bytes, as written: print it through
    /// `gvx_shims::text::untrusted`.
    pub text: String,
    /// For people; any text taken from the file in it is already escaped.
    pub problem: String,
    pub fix: String,
    /// What the line does, for programs (`gvx doctor`); `problem` says it for people.
    pub what: What,
}

/// The kinds of line that fight gvx.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum What {
    /// Sets GOROOT to this value (as written, quotes removed).
    Goroot(String),
    /// A fish universal GOROOT (`fish_variables`), with its value.
    FishGoroot(String),
    /// Puts GOPATH inside an SDK or the store.
    Gopath,
    /// Puts this Go SDK directory (as written) ahead of the shims.
    PathAhead(String),
}

/// Directories that hold a Go SDK's `go` (matched case-insensitively).
const SDK_BINS: &[&str] = &[
    "/usr/local/go/bin",
    "/usr/lib/go/bin",
    "/usr/lib/golang/bin",
    "/opt/go/bin",
    "/go/libexec/bin",
    "goroot/bin",
    "goroot}/bin",
    "goroot)/bin",
    "/usr/local/go1.",
    "/usr/lib/go-1.",
    "/sdk/go1.",
    "\\program files\\go\\bin",
    "c:\\go\\bin",
];

/// References to the current PATH value in the shells' syntaxes (matched case-insensitively).
const PATH_REFS: &[&str] = &["$path", "${path", "$env.path", "$env:path"];

pub fn scan(path: &Path, text: &[u8], store_home: &Path) -> Vec<Conflict> {
    let skip = match block::find(text) {
        Ok(Some(found)) => Some(found.first_line..=found.last_line),
        Ok(None) => None,
        Err(_) => return Vec::new(),
    };
    let store = store_home.display().to_string().to_ascii_lowercase();
    let mut found = Vec::new();
    for (index, raw) in text.split(|&b| b == b'\n').enumerate() {
        let number = index + 1;
        if skip.as_ref().is_some_and(|s| s.contains(&number)) {
            continue;
        }
        let raw = String::from_utf8_lossy(raw);
        let line = raw.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((what, problem, fix)) = check(line, &store) {
            let mut text = line.to_owned();
            if text.len() > 120 {
                let cut = (0..=117)
                    .rev()
                    .find(|&i| text.is_char_boundary(i))
                    .unwrap_or(0);
                text.truncate(cut);
                text.push_str("...");
            }
            found.push(Conflict {
                path: path.to_owned(),
                line: number,
                text,
                problem,
                fix,
                what,
            });
        }
    }
    found
}

/// What `line` does, the problem and its fix, if it fights gvx.
fn check(line: &str, store: &str) -> Option<(What, String, String)> {
    if let Some(rest) = line.strip_prefix("SETUVAR ") {
        let rest = rest.trim_start_matches("--export ");
        if let Some(value) = rest.strip_prefix("GOROOT:") {
            return Some((
                What::FishGoroot(value.trim().to_owned()),
                "fish keeps GOROOT as a universal variable, which sends tools past the gvx shims"
                    .into(),
                "run `set -Ue GOROOT` in fish".into(),
            ));
        }
        return None;
    }
    if let Some(goroot) = assigned(line, "GOROOT") {
        return Some((
            What::Goroot(goroot.value),
            "sets GOROOT: editors and tools that run $GOROOT/bin/go bypass the gvx shims, which \
             set GOROOT for each command themselves"
                .into(),
            "delete this line".into(),
        ));
    }
    if let Some(gopath) = assigned(line, "GOPATH") {
        let value = gopath.raw.to_ascii_lowercase();
        let inside_sdk = value.contains("goroot")
            || value.contains(store)
            || value.contains("/.gvx")
            || value
                .split([':', '"', '\'', ' ', ';'])
                .any(|part| part == "/usr/local/go");
        if inside_sdk {
            return Some((
                What::Gopath,
                "puts GOPATH inside a Go SDK or the gvx store; the shims refuse to run go there"
                    .into(),
                "delete this line (the default GOPATH, ~/go, is fine) or point it elsewhere".into(),
            ));
        }
    }
    let dir = path_ahead(line)?;
    let shown = gvx_shims::text::untrusted(&dir);
    Some((
        What::PathAhead(dir),
        format!("puts {shown} ahead of the gvx shims on PATH"),
        format!("delete this line (gvx provides go), or add {shown} after $PATH instead"),
    ))
}

/// The Go SDK directory `line` puts in front of PATH, if it does.
fn path_ahead(line: &str) -> Option<String> {
    let lower = line.to_ascii_lowercase();
    let at = SDK_BINS.iter().filter_map(|n| lower.find(n)).min()?;
    let dir = token_around(line, at);
    let value = if lower.starts_with("fish_add_path") {
        let appends = lower
            .split_whitespace()
            .any(|w| w == "-a" || w == "--append");
        return (!appends).then_some(dir);
    } else {
        ["PATH", "Path", "path"]
            .iter()
            .find_map(|name| assigned(line, name))?
            .raw
    };
    let value_at = line.len() - value.len();
    if lower[value_at..].contains("prepend") {
        return Some(dir);
    }
    let existing = PATH_REFS
        .iter()
        .filter_map(|r| lower[value_at..].find(r))
        .map(|i| value_at + i)
        .min();
    match existing {
        Some(existing) if existing < at => None,
        _ => Some(dir),
    }
}

/// The path written around byte `at`: up to quotes, separators or (unless the SDK directory
/// itself holds one, as `C:\Program Files\Go\bin` does) spaces.
fn token_around(line: &str, at: usize) -> String {
    let bytes = line.as_bytes();
    let mut start = at;
    while start > 0 {
        let c = bytes[start - 1];
        let drive = c == b':' && bytes.get(start) == Some(&b'\\');
        if !drive && b":;\"'=( \t".contains(&c) {
            break;
        }
        start -= 1;
    }
    let mut end = at;
    let needle_end = SDK_BINS
        .iter()
        .filter(|n| line[at..].to_ascii_lowercase().starts_with(*n))
        .map(|n| at + n.len())
        .max()
        .unwrap_or(at);
    while end < bytes.len() && (end < needle_end || !b":;\"') \t".contains(&bytes[end])) {
        end += 1;
    }
    line[start..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<(usize, String)> {
        scan(Path::new("rc"), text.as_bytes(), Path::new("/home/u/.gvx"))
            .into_iter()
            .map(|c| (c.line, c.problem))
            .collect()
    }

    #[test]
    fn goroot_settings() {
        for line in [
            "export GOROOT=/usr/local/go",
            "GOROOT=\"$HOME/go1.22\"; export GOROOT",
            "set -gx GOROOT /usr/local/go",
            "setenv GOROOT /usr/local/go",
            "$env.GOROOT = '/usr/local/go'",
            "$env:GOROOT = 'C:\\Go'",
            "SETUVAR --export GOROOT:/usr/local/go",
        ] {
            assert_eq!(problems(line).len(), 1, "{line}");
        }
        for line in [
            "# export GOROOT=/usr/local/go",
            "unset GOROOT",
            "set -e GOROOT",
            "echo $GOROOT",
            "MY_GOROOT=/x",
            "[ \"$GOROOT\" = /x ] && echo",
        ] {
            assert!(problems(line).is_empty(), "{line}");
        }
    }

    #[test]
    fn go_ahead_on_path() {
        for line in [
            "export PATH=/usr/local/go/bin:$PATH",
            "export PATH=\"$GOROOT/bin:$PATH\"",
            "PATH=/usr/local/go/bin:/usr/bin",
            "set -gx PATH /usr/local/go/bin $PATH",
            "fish_add_path /usr/local/go/bin",
            "path=(/usr/lib/go-1.22/bin $path)",
            "$env.PATH = ($env.PATH | prepend '/usr/local/go/bin')",
            "$env:Path = 'C:\\Program Files\\Go\\bin;' + $env:Path",
        ] {
            assert_eq!(problems(line).len(), 1, "{line}");
        }
        for line in [
            "export PATH=$PATH:/usr/local/go/bin",
            "PATH+=:/usr/local/go/bin",
            "fish_add_path -a /usr/local/go/bin",
            "export PATH=$HOME/go/bin:$PATH",
            "$env.PATH = ($env.PATH | append '/usr/local/go/bin')",
        ] {
            assert!(problems(line).is_empty(), "{line}");
        }
        let found = problems("export PATH=\"$HOME/sdk/go1.22.1/bin:$PATH\"");
        assert!(found[0].1.starts_with("puts $HOME/sdk/go1.22.1/bin ahead"));
        let text = b"export PATH=\"$HOME/sdk/go1.22.1/bin:$PATH\"";
        let what = &scan(Path::new("rc"), text, Path::new("/h"))[0].what;
        assert_eq!(*what, What::PathAhead("$HOME/sdk/go1.22.1/bin".into()));
        let found = problems("$env:Path = 'C:\\Program Files\\Go\\bin;' + $env:Path");
        assert!(
            found[0]
                .1
                .starts_with("puts C:\\Program Files\\Go\\bin ahead"),
            "{found:?}"
        );
    }

    #[test]
    fn gopath_inside_an_sdk() {
        assert_eq!(problems("export GOPATH=$GOROOT").len(), 1);
        assert_eq!(problems("export GOPATH=/home/u/.gvx/gopath").len(), 1);
        assert!(problems("export GOPATH=$HOME/go").is_empty());
    }

    #[test]
    fn the_gvx_block_and_line_numbers() {
        let text = format!(
            "a\nexport GOROOT=/x\n{}",
            String::from_utf8(block::with_block(None, "export GOROOT=/y\n").unwrap()).unwrap()
        );
        assert_eq!(problems(&text), [(2, problems("GOROOT=/x")[0].1.clone())]);
    }
}
