//! The PATH set-up in each shell's own syntax, for `gvx env` and the blocks `gvx setup` writes.
//!
//! Every snippet is constant text: no directory scans and no programs started, so shell
//! start-up stays instant. Each one *moves* the gvx bin directory to the front of PATH (removing
//! any other copy of it), so running it twice changes nothing and an earlier line that put
//! another Go ahead of gvx loses. No snippet sets GOROOT: the shims set it for each command.
//! `GVX_HOME` is exported only when the store is not the default `~/.gvx`.

use gvx_shims::Store;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Cmd,
    Nu,
    /// Any POSIX sh (dash, busybox sh, ksh).
    Sh,
}

impl Shell {
    /// From `$SHELL`'s file name; PowerShell on Windows; POSIX sh otherwise.
    pub fn detect() -> Shell {
        Shell::detect_from(std::env::var_os("SHELL").as_deref())
    }

    /// The shell a `SHELL` value names (PowerShell on Windows, else `sh`, when it names none).
    pub fn detect_from(shell: Option<&std::ffi::OsStr>) -> Shell {
        let name = shell.map(|s| {
            Path::new(&s)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        match name.as_deref() {
            Some("bash") => Shell::Bash,
            Some("zsh") => Shell::Zsh,
            Some("fish") => Shell::Fish,
            Some("nu") => Shell::Nu,
            Some("pwsh" | "powershell") => Shell::Powershell,
            _ if cfg!(windows) => Shell::Powershell,
            _ => Shell::Sh,
        }
    }

    /// The snippet for `store`; `user_home` decides whether `GVX_HOME` must be exported.
    pub fn env_snippet(self, store: &Store, user_home: Option<&Path>) -> String {
        let default = user_home.map(|h| h.join(".gvx"));
        let custom = (default.as_deref() != Some(store.home())).then(|| store.home());
        self.snippet(&store.bin_dir(), custom)
    }

    /// The snippet that moves `bin` to the front of PATH, exporting `gvx_home` when given.
    pub fn snippet(self, bin: &Path, gvx_home: Option<&Path>) -> String {
        let dir = bin.display().to_string();
        let home = gvx_home.map(|h| h.display().to_string());
        match self {
            Shell::Bash | Shell::Zsh | Shell::Sh => posix(&dir, home.as_deref()),
            Shell::Fish => fish(&dir, home.as_deref()),
            Shell::Powershell => powershell(&dir, home.as_deref()),
            Shell::Cmd => cmd(&dir, home.as_deref()),
            Shell::Nu => nu(&dir, home.as_deref()),
        }
    }
}

/// POSIX parameter expansion only, so it runs in sh, dash, busybox, bash and zsh alike.
fn posix(dir: &str, home: Option<&str>) -> String {
    let mut text = String::new();
    if let Some(home) = home {
        text.push_str(&format!("export GVX_HOME={}\n", sh_quote(home)));
    }
    let d = sh_quote(dir);
    text.push_str(&format!(
        "_gvx_path=\":${{PATH}}:\"
while :; do
  case $_gvx_path in
    *:{d}:*) _gvx_path=${{_gvx_path%%:{d}:*}}:${{_gvx_path#*:{d}:}} ;;
    *) break ;;
  esac
done
_gvx_path=${{_gvx_path#:}}
_gvx_path=${{_gvx_path%:}}
export PATH={d}\"${{_gvx_path:+:$_gvx_path}}\"
unset _gvx_path
"
    ));
    text
}

fn fish(dir: &str, home: Option<&str>) -> String {
    let mut text = String::new();
    if let Some(home) = home {
        text.push_str(&format!("set -gx GVX_HOME {}\n", fish_quote(home)));
    }
    let d = fish_quote(dir);
    text.push_str(&format!(
        "while contains -- {d} $PATH\n    set -e PATH[(contains -i -- {d} $PATH)]\nend\nset -gx PATH {d} $PATH\n"
    ));
    text
}

/// `-ne` compares case-insensitively, as Windows paths are.
fn powershell(dir: &str, home: Option<&str>) -> String {
    let mut text = String::new();
    if let Some(home) = home {
        text.push_str(&format!("$env:GVX_HOME = {}\n", ps_quote(home)));
    }
    let d = ps_quote(dir);
    text.push_str(&format!(
        "$env:PATH = (@({d}) + @(($env:PATH -split [IO.Path]::PathSeparator) | Where-Object {{ $_ -ne {d} }})) -join [IO.Path]::PathSeparator\n"
    ));
    text
}

/// For a `.cmd` file run with `call`; `%PATH:a=b%` replaces case-insensitively.
fn cmd(dir: &str, home: Option<&str>) -> String {
    let mut text = String::new();
    if let Some(home) = home {
        text.push_str(&format!("@set \"GVX_HOME={home}\"\n"));
    }
    text.push_str(&format!(
        "@set \"PATH=;%PATH%;\"\n@set \"PATH=%PATH:;{dir};=;%\"\n@set \"PATH={dir}%PATH:~0,-1%\"\n"
    ));
    text
}

fn nu(dir: &str, home: Option<&str>) -> String {
    let mut text = String::new();
    if let Some(home) = home {
        text.push_str(&format!("$env.GVX_HOME = {}\n", nu_quote(home)));
    }
    let d = nu_quote(dir);
    text.push_str(&format!(
        "$env.PATH = ($env.PATH | split row (char esep) | where $it != {d} | prepend {d})\n"
    ));
    text
}

/// Single-quotes for POSIX shells (also literal inside `case` and `${…%…}` patterns).
pub fn sh_quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+,@".contains(&b))
    {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

pub fn fish_quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', r"\\").replace('\'', r"\'"))
}

fn ps_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Single quotes have no escapes in nu; fall back to a double-quoted string.
fn nu_quote(text: &str) -> String {
    if text.contains('\'') {
        format!("\"{}\"", text.replace('\\', r"\\").replace('"', "\\\""))
    } else {
        format!("'{text}'")
    }
}

/// `~/rest` for paths under `home`, for messages.
pub fn tilde(path: &Path, home: &Path) -> String {
    match path.strip_prefix(home) {
        Ok(rest) if !rest.as_os_str().is_empty() => {
            format!("~{}{}", std::path::MAIN_SEPARATOR, rest.display())
        }
        _ => path.display().to_string(),
    }
}

/// The user's home, as the shells see it.
pub fn user_home() -> Option<PathBuf> {
    gvx_shims::store::home_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_store_exports_nothing() {
        let store = Store::new("/home/u/.gvx");
        let text = Shell::Bash.env_snippet(&store, Some(Path::new("/home/u")));
        assert!(!text.contains("GVX_HOME"));
        assert!(text.contains("export PATH=/home/u/.gvx/bin\"${_gvx_path:+:$_gvx_path}\""));
        let custom = Shell::Fish.env_snippet(&store, Some(Path::new("/root")));
        assert!(custom.starts_with("set -gx GVX_HOME '/home/u/.gvx'\n"));
    }

    #[test]
    fn quoting() {
        assert_eq!(sh_quote("/a b/it's"), r"'/a b/it'\''s'");
        assert_eq!(sh_quote(""), "''");
        assert_eq!(fish_quote(r"C:\x'y"), r"'C:\\x\'y'");
        assert_eq!(nu_quote("it's"), "\"it's\"");
        assert_eq!(ps_quote("it's"), "'it''s'");
    }
}
