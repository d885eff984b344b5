//! Reading one line of a shell start-up file, in the syntax of every shell gvx knows: which
//! variable it sets and to what, and whether it names a directory as a whole PATH entry. The
//! one parser `setup` and `doctor` share; it reads, it never runs anything.

/// A line that sets a variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assigned<'a> {
    /// The value with quotes removed, up to `;` or `&&` (the next command).
    pub value: String,
    /// The value as written, to the end of the line (`$PATH` references, `prepend`, …): a
    /// suffix of `line.trim()`.
    pub raw: &'a str,
}

/// The value `line` gives `name`, in sh (`export NAME=v`, `NAME=v`), fish (`set -gx NAME v`),
/// csh (`setenv NAME v`), nushell (`$env.NAME = v`) and PowerShell (`$env:NAME = v`,
/// `[Environment]::SetEnvironmentVariable('NAME', 'v', …)`) syntax. Comments, fish's
/// `set -e`/`-q`/`-S`, comparisons (`==`) and longer names (`MY_NAME`, `$NAME`) set nothing.
pub fn assigned<'a>(line: &'a str, name: &str) -> Option<Assigned<'a>> {
    let line = line.trim();
    if line.starts_with('#') {
        return None;
    }
    let mut words = line.split_whitespace();
    if let Some(first @ ("set" | "setenv")) = words.next() {
        let rest: Vec<&str> = words.collect();
        let flags = rest.iter().take_while(|w| w.starts_with('-')).count();
        let erases = first == "set"
            && rest[..flags]
                .iter()
                .any(|f| matches!(*f, "-e" | "--erase" | "-q" | "--query" | "-S" | "--show"));
        if erases || rest.get(flags) != Some(&name) {
            return None;
        }
        let at = line.find(name)? + name.len();
        return Some(Assigned {
            value: unquote(&rest[flags + 1..].join(" ")),
            raw: line[at..].trim_start(),
        });
    }
    if let Some(at) = line.find("SetEnvironmentVariable(") {
        let args = &line[at + "SetEnvironmentVariable(".len()..];
        let (first, rest) = args.split_once(',')?;
        if unquote(first) != name {
            return None;
        }
        let value = rest.split(',').next()?.trim_end_matches(')');
        return Some(Assigned {
            value: unquote(value),
            raw: rest.trim_start(),
        });
    }
    let mut from = 0;
    while let Some(found) = line[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before = line[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || "_${".contains(c)) {
            continue;
        }
        let rest = line[from..].trim_start();
        let Some(value) = rest.strip_prefix('=') else {
            continue;
        };
        if value.starts_with('=') {
            continue;
        }
        let value = value.trim_start();
        let end = value
            .find(';')
            .or_else(|| value.find("&&"))
            .unwrap_or(value.len());
        return Some(Assigned {
            value: unquote(&value[..end]),
            raw: value,
        });
    }
    None
}

fn unquote(text: &str) -> String {
    text.trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .trim()
        .to_owned()
}

/// True when `line` names the directory `dir` as a whole PATH entry (not a longer path that
/// starts or ends with it).
pub fn names_dir(line: &str, dir: &str) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| ":;\"'= \t()".contains(c));
    line.match_indices(dir).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + dir.len()..].chars().next();
        let var = line[..at]
            .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || "_{}".contains(c))
            .ends_with('$');
        let before_ok = boundary(before) || var;
        before_ok
            && (boundary(after)
                || after == Some('/')
                    && line[at + dir.len() + 1..].starts_with([':', '"', '\'', ' ']))
    })
}

/// True when `line` puts the directory (in any of the `spellings` it may be written in, e.g.
/// `/home/u/go/bin`, `~/go/bin`, `$HOME/go/bin`) on PATH: a line that mentions PATH and names it
/// as a whole entry. Comments put nothing anywhere.
pub fn names_on_path(line: &str, spellings: &[&str]) -> bool {
    let line = line.trim();
    !line.starts_with('#')
        && line.to_ascii_lowercase().contains("path")
        && spellings.iter().any(|dir| names_dir(line, dir))
}

/// True when `line` puts gvx's shims on PATH by hand: it runs `gvx env`, or names the shims'
/// directory (`bin`, in any of its spellings) on a PATH line.
pub fn adds_shims(line: &str, spellings: &[&str]) -> bool {
    let line = line.trim();
    !line.starts_with('#')
        && (line.contains("gvx env")
            || (line.contains("PATH") && spellings.iter().any(|dir| line.contains(dir))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(line: &str, name: &str) -> Option<String> {
        assigned(line, name).map(|a| a.value)
    }

    #[test]
    fn assignments_in_every_syntax() {
        for (line, want) in [
            ("export GOROOT=/usr/local/go", "/usr/local/go"),
            ("GOROOT=\"$HOME/go1.22\"; export GOROOT", "$HOME/go1.22"),
            ("set -gx GOROOT /usr/local/go", "/usr/local/go"),
            ("setenv GOROOT /usr/local/go", "/usr/local/go"),
            ("$env.GOROOT = '/usr/local/go'", "/usr/local/go"),
            ("$env:GOROOT = 'C:\\Go'", "C:\\Go"),
            ("export GOROOT=/x && echo", "/x"),
            (
                "[Environment]::SetEnvironmentVariable('GOROOT', 'C:\\Go', 'User')",
                "C:\\Go",
            ),
        ] {
            assert_eq!(value(line, "GOROOT").as_deref(), Some(want), "{line}");
        }
        for line in [
            "# export GOROOT=/x",
            "unset GOROOT",
            "set -e GOROOT",
            "set -q GOROOT",
            "MY_GOROOT=/x",
            "[ \"$GOROOT\" == /x ]",
            "[ \"$GOROOT\" = /x ]",
            "echo $GOROOT",
            "${GOROOT}=x",
        ] {
            assert_eq!(value(line, "GOROOT"), None, "{line}");
        }
    }

    #[test]
    fn the_raw_value_keeps_what_follows() {
        let line = "$env:Path = 'C:\\Go\\bin;' + $env:Path";
        let found = assigned(line, "Path").unwrap();
        assert_eq!(found.raw, "'C:\\Go\\bin;' + $env:Path");
        let fish = assigned("set -gx PATH /go/bin $PATH", "PATH").unwrap();
        assert_eq!(fish.raw, "/go/bin $PATH");
        assert_eq!(fish.value, "/go/bin $PATH");
    }

    #[test]
    fn lines_that_put_a_directory_on_path() {
        let dirs = ["/h/go/bin", "$HOME/go/bin"];
        assert!(names_on_path("export PATH=$HOME/go/bin:$PATH", &dirs));
        assert!(!names_on_path("# export PATH=$HOME/go/bin:$PATH", &dirs));
        assert!(!names_on_path("cd /h/go/bin", &dirs));
        assert!(adds_shims("eval \"$(gvx env)\"", &["/h/.gvx/bin"]));
        assert!(adds_shims(
            "export PATH=/h/.gvx/bin:$PATH",
            &["/h/.gvx/bin"]
        ));
        assert!(!adds_shims("# eval \"$(gvx env)\"", &["/h/.gvx/bin"]));
    }

    #[test]
    fn whole_directories_only() {
        assert!(names_dir(
            "export PATH=/usr/local/go/bin:$PATH",
            "/usr/local/go/bin"
        ));
        assert!(names_dir(
            "PATH=\"$GVX_DOCTOR_ROOT/usr/local/go/bin:$PATH\"",
            "/usr/local/go/bin"
        ));
        assert!(names_dir("/usr/local/go/bin", "/usr/local/go/bin"));
        assert!(!names_dir(
            "export PATH=/usr/local/go/bin2:$PATH",
            "/usr/local/go/bin"
        ));
        assert!(!names_dir("export PATH=/usr/bin/x:$PATH", "/usr/bin"));
    }
}
