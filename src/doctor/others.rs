//! Where a Go on this machine came from (the official tarball, a distribution package,
//! Homebrew, golang.org/dl, the MSI, scoop, Chocolatey, …), and the other SDKs gvx replaces.

use super::machine::{self, Machine};
use super::model::{Check, Item, Source};
use std::path::{Path, PathBuf};

/// What installed the `go` in `dir` (a PATH entry), in words.
pub fn origin(m: &Machine, dir: &Path, go: &Path) -> String {
    if machine::same_dir(dir, &m.store().bin_dir()) {
        return "the gvx shim".into();
    }
    let real = fs_err::canonicalize(go).unwrap_or_else(|_| go.to_owned());
    let shown = m.unroot(dir).display().to_string().replace('\\', "/");
    let real_shown = m.unroot(&real).display().to_string().replace('\\', "/");
    let lower = shown.to_ascii_lowercase();
    let real_lower = real_shown.to_ascii_lowercase();
    let home_sdk = m.home.as_ref().map(|h| h.join("sdk"));
    let either = |needle: &str| lower.contains(needle) || real_lower.contains(needle);
    if home_sdk.is_some_and(|sdk| dir.starts_with(sdk)) {
        return format!(
            "a golang.org/dl download ({})",
            m.show(dir.parent().unwrap_or(dir))
        );
    }
    if either("/cellar/go") || either("/homebrew/") || either("/linuxbrew/") {
        return "Homebrew".into();
    }
    if either("/usr/lib/go-") || either("/usr/lib/go/") {
        return format!("the distribution's golang package ({real_shown})");
    }
    if either("/usr/lib/golang/") {
        return format!("the distribution's golang package ({real_shown})");
    }
    if lower == "/usr/local/go/bin" {
        return "the official Go tarball or macOS package (/usr/local/go)".into();
    }
    if lower.starts_with("/snap/") {
        return "the go snap".into();
    }
    if either("/.asdf/") {
        return "asdf".into();
    }
    if either("/mise/") {
        return "mise".into();
    }
    if either("/.goenv/") {
        return "goenv".into();
    }
    if either("/.gvm/") {
        return "gvm".into();
    }
    if lower.ends_with("/program files/go/bin") {
        return "the Go MSI (C:\\Program Files\\Go), on the machine PATH".into();
    }
    if lower.ends_with(":/go/bin") {
        return "an old Go MSI (C:\\Go)".into();
    }
    if lower.contains("/scoop/") {
        return "scoop".into();
    }
    if lower.contains("/chocolatey/") {
        return "Chocolatey".into();
    }
    if lower == "/usr/bin" || lower == "/bin" || lower == "/usr/local/bin" {
        return format!("a go installed in {shown} (a system package?)");
    }
    if let Some(root) = machine::root_of_binary(go) {
        return format!("the Go SDK in {}", m.show(&m.unroot(&root)));
    }
    "unknown origin".into()
}

/// Directories that hold Go SDKs installed by something other than gvx.
pub fn candidates(m: &Machine) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if cfg!(windows) {
        for var in ["ProgramFiles", "ProgramW6432", "ProgramFiles(x86)"] {
            if let Some(dir) = std::env::var_os(var) {
                dirs.push(PathBuf::from(dir).join("Go"));
            }
        }
        let drive = std::env::var("SystemDrive").unwrap_or_else(|_| "C:".into());
        dirs.push(PathBuf::from(format!("{drive}\\Go")));
        if let Some(home) = &m.home {
            dirs.push(home.join("scoop").join("apps").join("go").join("current"));
        }
    } else {
        for dir in [
            "/usr/local/go",
            "/usr/lib/go",
            "/usr/lib/golang",
            "/opt/go",
            "/usr/local/opt/go/libexec",
            "/opt/homebrew/opt/go/libexec",
            "/snap/go/current",
        ] {
            dirs.push(m.sys(dir));
        }
        dirs.extend(children(&m.sys("/usr/lib"), "go-"));
    }
    if let Some(home) = &m.home {
        dirs.extend(children(&home.join("sdk"), "go1"));
    }
    if let Some(cache) = m.goenv.gomodcache() {
        let toolchains = PathBuf::from(cache.value).join("golang.org");
        dirs.extend(children(&toolchains, "toolchain@"));
    }
    dirs.retain(|d| machine::is_go_root(d));
    let mut unique: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        let real = fs_err::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        if !unique
            .iter()
            .any(|u| fs_err::canonicalize(u).unwrap_or_else(|_| u.clone()) == real)
        {
            unique.push(dir);
        }
    }
    unique
}

fn children(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs_err::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// What an SDK directory is, for the list.
fn kind(m: &Machine, dir: &Path) -> &'static str {
    let text = m.unroot(dir).display().to_string().replace('\\', "/");
    if text.contains("golang.org/toolchain@") {
        "downloaded by Go's own GOTOOLCHAIN switching"
    } else if m
        .home
        .as_ref()
        .is_some_and(|h| dir.starts_with(h.join("sdk")))
    {
        "golang.org/dl"
    } else if text.contains("homebrew") || text.contains("/usr/local/opt/") {
        "Homebrew"
    } else if text.starts_with("/usr/lib/") {
        "distribution package"
    } else if text.to_ascii_lowercase().contains("program files") {
        "Go MSI"
    } else if text.contains("scoop") {
        "scoop"
    } else if text == "/usr/local/go" {
        "official tarball or macOS package"
    } else {
        "manual install"
    }
}

/// The SDKs on this machine that gvx does not manage, with their versions.
pub fn check(m: &Machine) -> Check {
    let found = candidates(m);
    let mut check = Check::new("other-sdks", "other Go SDKs");
    for dir in &found {
        let version = machine::sdk_version(dir).unwrap_or_else(|| "unknown version".into());
        check.push(
            Item::ok(format!(
                "{version} in {} ({})",
                m.show(&m.unroot(dir)),
                kind(m, dir)
            ))
            .evidence(
                version.clone(),
                Source::Disk {
                    path: dir.join("VERSION"),
                },
            ),
        );
    }
    check.summary(match found.len() {
        0 => "none besides gvx's".to_owned(),
        n => format!("{n} found; gvx does not use them (remove them once nothing needs them)"),
    })
}
