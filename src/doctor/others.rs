//! Where a Go on this machine came from (the official tarball, a distribution package,
//! Homebrew, golang.org/dl, the MSI, scoop, Chocolatey, …), and the other SDKs gvx replaces.

use super::model::{Check, Fix, Item, Source};
use crate::environment::Snapshot;
use std::path::{Path, PathBuf};

/// What installed the `go` in `dir` (a PATH entry), in words.
pub fn origin(m: &Snapshot, dir: &Path, go: &Path) -> String {
    if m.disk.same_dir(dir, &m.store().bin_dir()) {
        return "the gvx shim".into();
    }
    let real = m.disk.canonicalize(go).unwrap_or_else(|| go.to_owned());
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
    if let Some(root) = m.disk.root_of_binary(go) {
        return format!("the Go SDK in {}", m.show(&m.unroot(&root)));
    }
    "unknown origin".into()
}

/// Directories that hold Go SDKs installed by something other than gvx.
pub fn candidates(m: &Snapshot) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if cfg!(windows) {
        for var in ["ProgramFiles", "ProgramW6432", "ProgramFiles(x86)"] {
            if let Some(dir) = m.process.var_os(var) {
                dirs.push(PathBuf::from(dir).join("Go"));
            }
        }
        let drive = m.process.var("SystemDrive").unwrap_or_else(|| "C:".into());
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
        dirs.extend(children(m, &m.sys("/usr/lib"), "go-"));
    }
    if let Some(home) = &m.home {
        dirs.extend(children(m, &home.join("sdk"), "go1"));
    }
    if let Some(cache) = m.goenv.gomodcache() {
        let toolchains = PathBuf::from(cache.value).join("golang.org");
        dirs.extend(children(m, &toolchains, "toolchain@"));
    }
    dirs.retain(|d| m.disk.is_go_root(d));
    let mut unique: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        let real = m.disk.canonicalize(&dir).unwrap_or_else(|| dir.clone());
        if !unique
            .iter()
            .any(|u| m.disk.canonicalize(u).unwrap_or_else(|| u.clone()) == real)
        {
            unique.push(dir);
        }
    }
    unique
}

fn children(m: &Snapshot, dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = m
        .disk
        .read_dir(dir)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    found.sort();
    found
}

/// What an SDK directory is, for the list.
fn kind(m: &Snapshot, dir: &Path) -> &'static str {
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

/// Advice to take the SDK in `dir` into the store with `gvx adopt` (proven, or for Go before
/// 1.21 `--unverified`), unless its version is installed already.
fn adopt(m: &Snapshot, dir: &Path, version: &str) -> Option<Fix> {
    let version = gvx_shims::GoVersion::parse(version.strip_prefix("go")?).ok()?;
    if m.disk.installed(m.store()).contains(&version) {
        return None;
    }
    let shown = crate::report::arg(&m.unroot(dir));
    Some(if version.line() < (1, 21) {
        Fix::manual(
            "take it into gvx's store as it is, marked unverified (Go before 1.21 cannot be proven by the checksum database)",
            Some(format!("gvx adopt --unverified {shown}")),
        )
    } else {
        Fix::manual(
            "take it into gvx's store once the Go checksum database proves it is the official release; it stays where it is",
            Some(format!("gvx adopt {shown}")),
        )
    })
}

/// The SDKs on this machine that gvx does not manage, with their versions.
pub fn check(m: &Snapshot) -> Check {
    let found = candidates(m);
    let mut check = Check::new("other-sdks", "other Go SDKs");
    for dir in &found {
        let version = m
            .disk
            .sdk_version(dir)
            .unwrap_or_else(|| "unknown version".into());
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
            )
            .maybe_fix(adopt(m, dir, &version)),
        );
    }
    check.summary(match found.len() {
        0 => "none besides gvx's".to_owned(),
        n => format!("{n} found; gvx does not use them (remove them once nothing needs them)"),
    })
}
