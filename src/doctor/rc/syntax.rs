//! Reading shell lines: which variable a line sets (in every shell's syntax) and whether it
//! names a directory as a whole PATH entry.

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

/// The value `line` gives `name`, in sh (`export NAME=v`, `NAME=v`), fish (`set -gx NAME v`),
/// csh (`setenv NAME v`), nushell (`$env.NAME = v`) and PowerShell (`$env:NAME = v`,
/// `[Environment]::SetEnvironmentVariable('NAME', 'v', …)`) syntax; quotes removed.
pub fn assigned(line: &str, name: &str) -> Option<String> {
    let line = line.trim();
    if line.starts_with('#') {
        return None;
    }
    let mut words = line.split_whitespace();
    if let Some(first @ ("set" | "setenv")) = words.next() {
        let rest: Vec<&str> = words.collect();
        let flags: Vec<&&str> = rest.iter().take_while(|w| w.starts_with('-')).collect();
        if first == "set"
            && flags
                .iter()
                .any(|f| matches!(**f, "-e" | "--erase" | "-q" | "--query" | "-S" | "--show"))
        {
            return None;
        }
        let mut args = rest.iter().skip(flags.len());
        if args.next() != Some(&name) {
            return None;
        }
        return Some(unquote(&args.copied().collect::<Vec<_>>().join(" ")));
    }
    if let Some(at) = line.find("SetEnvironmentVariable(") {
        let args = &line[at + "SetEnvironmentVariable(".len()..];
        let mut parts = args.split(',');
        if unquote(parts.next()?) != name {
            return None;
        }
        return Some(unquote(parts.next()?.trim_end_matches(')')));
    }
    let mut from = 0;
    while let Some(found) = line[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before = &line[..at];
        let starts = before.is_empty()
            || before.ends_with([' ', '\t', ';'])
            || before.ends_with("$env:")
            || before.ends_with("$env.");
        if !starts {
            continue;
        }
        let rest = line[from..].trim_start();
        let Some(value) = rest.strip_prefix('=') else {
            continue;
        };
        if value.starts_with('=') {
            continue;
        }
        let end = value
            .find(';')
            .or_else(|| value.find("&&"))
            .unwrap_or(value.len());
        return Some(unquote(&value[..end]));
    }
    None
}

fn unquote(text: &str) -> String {
    text.trim()
        .trim_matches(|c| c == '"' || c == '\'')
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn assignments_in_every_syntax() {
        for (line, value) in [
            ("export GOROOT=/usr/local/go", "/usr/local/go"),
            ("GOROOT=\"$HOME/go1.22\"; export GOROOT", "$HOME/go1.22"),
            ("set -gx GOROOT /usr/local/go", "/usr/local/go"),
            ("setenv GOROOT /usr/local/go", "/usr/local/go"),
            ("$env.GOROOT = '/usr/local/go'", "/usr/local/go"),
            ("$env:GOROOT = 'C:\\Go'", "C:\\Go"),
            (
                "[Environment]::SetEnvironmentVariable('GOROOT', 'C:\\Go', 'User')",
                "C:\\Go",
            ),
        ] {
            assert_eq!(assigned(line, "GOROOT").as_deref(), Some(value), "{line}");
        }
        for line in [
            "# export GOROOT=/x",
            "set -e GOROOT",
            "MY_GOROOT=/x",
            "[ \"$GOROOT\" == /x ]",
            "echo $GOROOT",
        ] {
            assert_eq!(assigned(line, "GOROOT"), None, "{line}");
        }
    }
}
