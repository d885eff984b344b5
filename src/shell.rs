//! The PATH set-up in each shell's own syntax: constant text, no directory scans, safe to run
//! twice (an entry already on PATH is not added again).

use std::path::Path;

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
        let name = std::env::var_os("SHELL").map(|s| {
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

    /// The snippet that puts `bin` first on PATH unless it is already there.
    pub fn env_snippet(self, bin: &Path) -> String {
        let dir = bin.display().to_string();
        match self {
            Shell::Bash | Shell::Zsh | Shell::Sh => {
                let dir = sh_quote(&dir);
                format!(
                    "case \":${{PATH}}:\" in\n  *:{dir}:*) ;;\n  *) export PATH={dir}\"${{PATH:+:${{PATH}}}}\" ;;\nesac\n"
                )
            }
            Shell::Fish => format!(
                "if not contains -- {0} $PATH\n    set -gx PATH {0} $PATH\nend\n",
                fish_quote(&dir)
            ),
            Shell::Powershell => {
                let dir = dir.replace('\'', "''");
                format!(
                    "if (-not (($env:PATH -split [IO.Path]::PathSeparator) -contains '{dir}')) {{\n    $env:PATH = '{dir}' + [IO.Path]::PathSeparator + $env:PATH\n}}\n"
                )
            }
            Shell::Cmd => format!(
                "@echo off\necho ;%PATH%; | find /I \";{dir};\" >nul || set \"PATH={dir};%PATH%\"\n"
            ),
            Shell::Nu => format!(
                "if not ($env.PATH | any {{|p| $p == '{dir}'}}) {{\n    $env.PATH = ($env.PATH | prepend '{dir}')\n}}\n"
            ),
        }
    }
}

/// Single-quotes for POSIX shells.
fn sh_quote(text: &str) -> String {
    if text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-+".contains(&b))
    {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn fish_quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', r"\\").replace('\'', r"\'"))
}
