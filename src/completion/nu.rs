//! Nushell's adapter for clap_complete's dynamic completion, which knows bash, zsh, fish,
//! PowerShell and elvish but not nu: an external completer (`$env.config.completions.external`)
//! that asks gvx for `gvx …` and hands every other command to the completer set before it.

use clap_complete::env::EnvCompleter;
use std::ffi::OsString;
use std::io::Write;

#[derive(Clone, Copy, Debug)]
pub struct Nu;

impl EnvCompleter for Nu {
    fn name(&self) -> &'static str {
        "nu"
    }

    fn is(&self, name: &str) -> bool {
        name == "nu" || name == "nushell"
    }

    fn write_registration(
        &self,
        var: &str,
        _name: &str,
        bin: &str,
        completer: &str,
        buf: &mut dyn Write,
    ) -> Result<(), std::io::Error> {
        let bin = nu_string(bin);
        let completer = nu_string(completer);
        write!(
            buf,
            r#"# gvx tab completion for nushell: for `gvx …` gvx itself lists the candidates ({var}=nu);
# any other command goes to the external completer configured before this ran.
let gvx_fallback_completer = ($env.config?.completions?.external?.completer? | default null)
$env.config.completions.external.enable = true
$env.config.completions.external.completer = {{|spans|
    if ($spans | first) == {bin} {{
        let found = (with-env {{{var}: 'nu'}} {{ ^{completer} -- ...$spans }}
            | lines
            | parse --regex '^(?<value>[^\t]*)(?:\t(?<description>.*))?$')
        if ($found | is-empty) {{ null }} else {{ $found }}
    }} else if $gvx_fallback_completer != null {{
        do $gvx_fallback_completer $spans
    }}
}}
"#
        )
    }

    /// One candidate a line, `value<TAB>description`, as fish and PowerShell get them.
    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        args: Vec<OsString>,
        current_dir: Option<&std::path::Path>,
        buf: &mut dyn Write,
    ) -> Result<(), std::io::Error> {
        let index = args.len().saturating_sub(1);
        let candidates = clap_complete::engine::complete(cmd, args, index, current_dir)?;
        for candidate in candidates {
            write!(buf, "{}", candidate.get_value().to_string_lossy())?;
            if let Some(help) = candidate.get_help() {
                let help = help.to_string();
                write!(buf, "\t{}", help.lines().next().unwrap_or_default())?;
            }
            writeln!(buf)?;
        }
        Ok(())
    }
}

/// A nu string literal: single quotes (no escapes), or double quotes when it holds one.
fn nu_string(text: &str) -> String {
    if text.contains('\'') {
        format!("\"{}\"", text.replace('\\', r"\\").replace('"', "\\\""))
    } else {
        format!("'{text}'")
    }
}
