//! Which start-up files each Unix shell reads, and so which ones `gvx setup` edits.
//!
//! | shell | files with the gvx block | gvx's own files |
//! | --- | --- | --- |
//! | sh, dash, busybox, desktop session | `~/.profile` | |
//! | bash | `~/.bashrc`; login: `~/.bash_profile`, else `~/.bash_login`, else `~/.profile` | `$XDG_DATA_HOME/bash-completion/completions/gvx` |
//! | zsh | `$ZDOTDIR/.zshenv` (every zsh), `$ZDOTDIR/.zshrc` (interactive, runs last) | `$XDG_DATA_HOME/zsh/site-functions/_gvx` |
//! | fish | | `$XDG_CONFIG_HOME/fish/conf.d/gvx.fish`, `…/fish/completions/gvx.fish` |
//! | nushell | | `$nu.data-dir/vendor/autoload/gvx.nu`, `…/autoload/gvx-completions.nu` |
//!
//! `.bash_profile` is never created: its presence would stop bash reading `.profile`.

use super::{PathChange, Site, Target};
use crate::completion::Shell as Completion;
use crate::error::Result;
use crate::shell::{self, Shell};
use std::path::PathBuf;

/// What `gvx setup` writes for the shells on this machine.
pub fn targets(site: &Site) -> Vec<Target> {
    let mut targets = vec![Target::block(
        site.home.join(".profile"),
        site.snippet(Shell::Sh),
        "login shells and the desktop session: sh, dash, and bash without .bash_profile",
    )];
    if site.has(Shell::Bash) {
        targets.push(Target::block(
            site.home.join(".bashrc"),
            site.snippet(Shell::Bash),
            "interactive bash",
        ));
        if let Some(login) = bash_login(site) {
            targets.push(Target::block(
                login,
                site.snippet(Shell::Bash),
                "login bash",
            ));
        }
        targets.push(Target::completion(
            site,
            bash_completion(site),
            Completion::Bash,
            "bash completion, loaded by bash-completion",
        ));
    }
    if site.has(Shell::Zsh) {
        targets.push(Target::block(
            site.zdotdir.join(".zshenv"),
            site.snippet(Shell::Zsh),
            "every zsh, including login shells and scripts",
        ));
        targets.push(Target::block(
            site.zdotdir.join(".zshrc"),
            zshrc(site),
            "interactive zsh, after /etc/zprofile and ~/.zprofile",
        ));
        targets.push(Target::completion(
            site,
            zsh_functions(site).join("_gvx"),
            Completion::Zsh,
            "zsh completion",
        ));
    }
    if site.has(Shell::Fish) {
        let fish = site.config_home.join("fish");
        targets.push(Target::owned(
            fish.join("conf.d").join("gvx.fish"),
            &site.snippet(Shell::Fish),
            "every fish",
        ));
        targets.push(Target::completion(
            site,
            fish.join("completions").join("gvx.fish"),
            Completion::Fish,
            "fish completion",
        ));
    }
    if site.has(Shell::Nu) {
        targets.push(Target::owned(
            nu_autoload(site).join("gvx.nu"),
            &site.snippet(Shell::Nu),
            "every nushell",
        ));
        targets.push(Target::completion(
            site,
            nu_autoload(site).join("gvx-completions.nu"),
            Completion::Nu,
            "nushell completion",
        ));
    }
    targets
}

/// Every file `gvx setup` may have written, whichever shells are installed now (for `--undo`).
pub fn known_targets(site: &Site) -> Vec<Target> {
    let all = Site {
        shells: vec![Shell::Bash, Shell::Zsh, Shell::Fish, Shell::Nu],
        ..site.clone()
    };
    let mut targets = targets(&all);
    for name in [".bash_profile", ".bash_login"] {
        let path = site.home.join(name);
        if !targets.iter().any(|t| t.path == path) {
            targets.push(Target::block(path, String::new(), "login bash"));
        }
    }
    targets
}

/// The start-up files to check for lines that fight gvx.
pub fn scanned_files(site: &Site) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = [".profile", ".bashrc", ".bash_profile", ".bash_login"]
        .iter()
        .map(|n| site.home.join(n))
        .collect();
    files.extend(
        [".zshenv", ".zprofile", ".zshrc", ".zlogin"]
            .iter()
            .map(|n| site.zdotdir.join(n)),
    );
    let fish = site.config_home.join("fish");
    files.push(fish.join("config.fish"));
    files.push(fish.join("fish_variables"));
    if let Ok(entries) = fs_err::read_dir(fish.join("conf.d")) {
        let mut conf: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "fish") && !p.ends_with("gvx.fish"))
            .collect();
        conf.sort();
        files.extend(conf);
    }
    let nu = site.config_home.join("nushell");
    files.push(nu.join("env.nu"));
    files.push(nu.join("config.nu"));
    files.dedup();
    files
}

/// Nothing outside files: on Unix, PATH comes from the start-up files.
#[allow(clippy::unnecessary_wraps)]
pub fn user_path(_site: &Site, _undo: bool) -> Result<Option<PathChange>> {
    Ok(None)
}

pub fn notes(_site: &Site) -> Vec<String> {
    Vec::new()
}

/// The file a login bash reads instead of `.profile`, when the user has one.
fn bash_login(site: &Site) -> Option<PathBuf> {
    [".bash_profile", ".bash_login"]
        .iter()
        .map(|n| site.home.join(n))
        .find(|p| p.exists())
}

/// A directory of `$nu.vendor-autoload-dirs`: nu sources its files after `env.nu` and
/// `config.nu`, in every interactive or login nu (not `nu -c`).
fn nu_autoload(site: &Site) -> PathBuf {
    site.nu_data_dir().join("vendor").join("autoload")
}

fn bash_completion(site: &Site) -> PathBuf {
    site.data_home
        .join("bash-completion")
        .join("completions")
        .join("gvx")
}

fn zsh_functions(site: &Site) -> PathBuf {
    site.data_home.join("zsh").join("site-functions")
}

/// The zsh snippet plus completion: add gvx's function directory to `fpath` and, when the
/// completion system is already loaded (`compinit` ran above), register `_gvx` right away.
fn zshrc(site: &Site) -> String {
    let dir = shell::sh_quote(&zsh_functions(site).display().to_string());
    format!(
        "{}fpath=({dir} ${{fpath:#{dir}}})\nif (( $+functions[compdef] )); then autoload -Uz _gvx && compdef _gvx gvx; fi\n",
        site.snippet(Shell::Zsh)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use gvx_shims::Store;
    use std::path::Path;

    fn site(home: &Path, shells: Vec<Shell>) -> Site {
        Site {
            home: home.to_owned(),
            store: Store::new(home.join(".gvx")),
            zdotdir: home.to_owned(),
            config_home: home.join(".config"),
            data_home: home.join(".local/share"),
            xdg_data: false,
            shells,
            completions: |shell| format!("# {shell} completion\n"),
            process: crate::environment::Process::default(),
        }
    }

    fn names(targets: &[Target], home: &Path) -> Vec<String> {
        targets
            .iter()
            .map(|t| t.path.strip_prefix(home).unwrap().display().to_string())
            .collect()
    }

    #[test]
    fn matrix() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path();
        assert_eq!(names(&targets(&site(home, vec![])), home), [".profile"]);
        let all = site(home, vec![Shell::Bash, Shell::Zsh, Shell::Fish]);
        assert_eq!(
            names(&targets(&all), home),
            [
                ".profile",
                ".bashrc",
                ".local/share/bash-completion/completions/gvx",
                ".zshenv",
                ".zshrc",
                ".local/share/zsh/site-functions/_gvx",
                ".config/fish/conf.d/gvx.fish",
                ".config/fish/completions/gvx.fish",
            ]
        );
        assert_eq!(
            names(&targets(&site(home, vec![Shell::Nu])), home),
            [
                ".profile",
                ".local/share/nushell/vendor/autoload/gvx.nu",
                ".local/share/nushell/vendor/autoload/gvx-completions.nu",
            ]
        );
        fs_err::write(home.join(".bash_login"), "").unwrap();
        let bash = site(home, vec![Shell::Bash]);
        assert_eq!(names(&targets(&bash), home)[2], ".bash_login");
        fs_err::write(home.join(".bash_profile"), "").unwrap();
        assert_eq!(names(&targets(&bash), home)[2], ".bash_profile");
    }
}
