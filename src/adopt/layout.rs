//! Where each file of a Go SDK tree on disk belongs in the `golang.org/toolchain` module the
//! checksum database proves (`cmd/distpack`'s rules, `../shared/reference/toolchain-proxy.md`
//! 1.2), and what the tree is: its `VERSION` and its platform, read without running it.

use crate::error::{Error, Exit, Result};
use gvx_shims::GoVersion;
use std::path::{Path, PathBuf};

/// Where one file of the tree belongs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// In the toolchain module, under this name (relative to the SDK root): the name itself,
    /// or `_go.mod` for a `go.mod` (distpack renames every one).
    Module(String),
    /// A `go.mod` copied from the `_go.mod` beside it (as `go` does on a toolchain's first
    /// use): not in the module; made again from `_go.mod` in the store.
    GoModCopy,
    /// In the official archive but not in the module: `api/`, `doc/`, `misc/`, `test/`.
    ArchiveOnly,
    /// Dropped from every Go distribution (`.git`, `.DS_Store`, `VERSION.cache`, the `dist`
    /// tool a source build leaves): not Go's files, left where they are.
    Ignored,
    /// golang.org/dl's empty `.unpacked-success`: kept, so its `go1.X.Y` wrapper still sees
    /// the SDK as unpacked; not hashed.
    Marker,
    /// Outside the distribution's layout: something added to the tree (a tool `go install`
    /// wrote into `bin/`, a module cache under `pkg/`, a source build's extra tools).
    Foreign,
}

/// Where the file `rel` (relative to the SDK root, `/`-separated) of an SDK for `platform`
/// (`linux_amd64`) belongs; `exe` is `.exe` for Windows. `underscore_beside` says whether a
/// `_go.mod` lies in the same directory.
pub fn place(rel: &str, platform: &str, exe: &str, underscore_beside: bool) -> Place {
    let mut parts = rel.split('/');
    let first = parts.next().unwrap_or("");
    let base = rel.rsplit('/').next().unwrap_or(rel);
    let ignored = matches!(first, ".git" | ".github")
        || matches!(rel, ".gitattributes" | ".gitignore" | "VERSION.cache")
        || rel == format!("src/cmd/dist/dist{exe}")
        || base == ".DS_Store"
        || base.ends_with(".exe~")
        || (rel.starts_with("misc/cgo/") && rel.split('/').nth(3) == Some("_obj"));
    if ignored {
        return Place::Ignored;
    }
    if rel == crate::source::proxy::modzip::UNPACKED_MARKER {
        return Place::Marker;
    }
    if matches!(first, "api" | "doc" | "misc" | "test") && rel.contains('/') {
        return Place::ArchiveOnly;
    }
    match first {
        "bin" => {
            let tool = rel.strip_prefix("bin/").unwrap_or("");
            if tool == format!("go{exe}") || tool == format!("gofmt{exe}") {
                return Place::Module(rel.to_owned());
            }
            return Place::Foreign;
        }
        "pkg" => {
            if rel.starts_with("pkg/include/") {
                return Place::Module(rel.to_owned());
            }
            let tool = rel.strip_prefix(&format!("pkg/tool/{platform}/"));
            let helper = |name: &str| {
                matches!(
                    name.strip_suffix(exe).unwrap_or(name),
                    "api" | "dist" | "distpack" | "metadata"
                )
            };
            return match tool {
                Some(name) if !helper(name) => Place::Module(rel.to_owned()),
                _ => Place::Foreign,
            };
        }
        _ => {}
    }
    if base == "go.mod" {
        if underscore_beside {
            return Place::GoModCopy;
        }
        let dir = &rel[..rel.len() - "go.mod".len()];
        return Place::Module(format!("{dir}_go.mod"));
    }
    Place::Module(rel.to_owned())
}

/// A Go SDK tree on disk, as read from its files.
#[derive(Clone, Debug)]
pub struct Sdk {
    /// The tree's directory, links resolved.
    pub root: PathBuf,
    pub version: GoVersion,
    pub goos: String,
    pub goarch: String,
}

impl Sdk {
    /// `linux_amd64`, the name of its `pkg/tool` directory.
    pub fn platform(&self) -> String {
        format!("{}_{}", self.goos, self.goarch)
    }

    /// `.exe` for a Windows SDK.
    pub fn exe(&self) -> &'static str {
        if self.goos == "windows" { ".exe" } else { "" }
    }
}

/// Reads `dir`'s `VERSION` (first line `go1.22.10`) and finds its platform from
/// `pkg/tool/<goos>_<goarch>` (the one for `host` when there are several), without running
/// anything in it. `host` is `(goos, goarch)`.
pub fn inspect(dir: &Path, host: (&str, &str)) -> Result<Sdk> {
    let root = std::fs::canonicalize(dir).map_err(|e| {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            Exit::NotFound
        } else {
            Exit::Environment
        };
        Error::io(kind, "open", dir, e).hint(
            "give the directory of a Go SDK: the one `go env GOROOT` prints, e.g. /usr/local/go",
        )
    })?;
    let not_sdk = |why: String| {
        Error::new(
            Exit::Environment,
            format!("{} is not a Go SDK: {why}", dir.display()),
        )
        .hint("give the SDK's root directory, the one holding bin/, src/ and VERSION (`go env GOROOT` prints it), e.g. /usr/local/go")
    };
    if !root.is_dir() {
        return Err(not_sdk("it is not a directory".into()));
    }
    let text = fs_err::read_to_string(root.join("VERSION"))
        .map_err(|e| not_sdk(format!("its VERSION file cannot be read ({e})")))?;
    let first = text.lines().next().unwrap_or("").trim();
    let shown = gvx_shims::text::untrusted(first);
    if first.starts_with("devel") {
        return Err(not_sdk(format!(
            "its VERSION says `{shown}`, a development build, not a Go release"
        )));
    }
    let version = first
        .strip_prefix("go")
        .and_then(|v| GoVersion::parse(v).ok())
        .filter(GoVersion::is_toolchain)
        .ok_or_else(|| {
            not_sdk(format!(
                "its VERSION says `{shown}`, not a Go release such as go1.22.10"
            ))
        })?;
    let mut platforms: Vec<String> = fs_err::read_dir(root.join("pkg").join("tool"))
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.contains('_'))
                .collect()
        })
        .unwrap_or_default();
    platforms.sort();
    let wanted = format!("{}_{}", host.0, host.1);
    let platform = if platforms.contains(&wanted) {
        wanted
    } else {
        platforms.into_iter().next().ok_or_else(|| {
            Error::new(
                Exit::Verification,
                format!(
                    "{} (Go {version}) has no pkg/tool/<goos>_<goarch> directory: it is not a complete Go SDK",
                    dir.display()
                ),
            )
            .hint(format!("install a fresh copy with `gvx install {version}`"))
        })?
    };
    let (goos, goarch) = platform.split_once('_').unwrap_or((&platform, ""));
    let sdk = Sdk {
        root,
        version,
        goos: goos.to_owned(),
        goarch: goarch.to_owned(),
    };
    let go = format!("bin/go{}", sdk.exe());
    if !sdk.root.join(&go).is_file() {
        return Err(Error::new(
            Exit::Verification,
            format!(
                "{} (Go {version}) has no {go}: it is not a complete Go SDK",
                dir.display()
            ),
        )
        .hint(format!("install a fresh copy with `gvx install {version}`")));
    }
    Ok(sdk)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(rel: &str) -> Place {
        place(rel, "linux_amd64", "", false)
    }

    fn module(rel: &str) -> Place {
        Place::Module(rel.to_owned())
    }

    #[test]
    fn the_module_keeps_the_toolchain_and_renames_go_mod() {
        for rel in [
            "VERSION",
            "go.env",
            "LICENSE",
            "bin/go",
            "bin/gofmt",
            "pkg/include/textflag.h",
            "pkg/tool/linux_amd64/compile",
            "pkg/tool/linux_amd64/vet",
            "src/cmd/go/main.go",
            "src/_go.mod",
            "lib/time/zoneinfo.zip",
        ] {
            assert_eq!(at(rel), module(rel), "{rel}");
        }
        assert_eq!(at("src/go.mod"), module("src/_go.mod"));
        assert_eq!(at("src/cmd/go.mod"), module("src/cmd/_go.mod"));
        assert_eq!(at("go.mod"), module("_go.mod"));
        // Not a go.mod: only the exact name is renamed.
        assert_eq!(at("src/notgo.mod"), module("src/notgo.mod"));
        assert_eq!(
            place("src/go.mod", "linux_amd64", "", true),
            Place::GoModCopy
        );
    }

    #[test]
    fn the_archive_only_parts_and_the_distribution_rubbish() {
        for rel in [
            "api/go1.txt",
            "doc/go_spec.html",
            "misc/wasm/wasm_exec.js",
            "test/run.go",
        ] {
            assert_eq!(at(rel), Place::ArchiveOnly, "{rel}");
        }
        for rel in [
            ".git/HEAD",
            ".gitignore",
            "VERSION.cache",
            "src/.DS_Store",
            "src/cmd/dist/dist",
            "bin/go.exe~",
            "misc/cgo/life/_obj/x.o",
        ] {
            assert_eq!(at(rel), Place::Ignored, "{rel}");
        }
        assert_eq!(at(".unpacked-success"), Place::Marker);
        // A top-level file that happens to be named like those directories is in the module.
        assert_eq!(at("api"), module("api"));
    }

    #[test]
    fn what_is_outside_the_layout() {
        for rel in [
            "bin/gopls",
            "bin/dlv",
            "bin/linux_arm64/go",
            "pkg/mod/cache/download/x",
            "pkg/linux_amd64/fmt.a",
            "pkg/obj/go-build/00/x",
            "pkg/tool/linux_amd64/dist",
            "pkg/tool/linux_amd64/distpack",
            "pkg/tool/linux_arm64/compile",
            "pkg/README",
        ] {
            assert_eq!(at(rel), Place::Foreign, "{rel}");
        }
    }

    #[test]
    fn windows_names_have_exe() {
        let win = |rel| place(rel, "windows_amd64", ".exe", false);
        assert_eq!(win("bin/go.exe"), module("bin/go.exe"));
        assert_eq!(win("bin/gofmt.exe"), module("bin/gofmt.exe"));
        assert_eq!(win("bin/go"), Place::Foreign);
        assert_eq!(win("bin/gopls.exe"), Place::Foreign);
        assert_eq!(
            win("pkg/tool/windows_amd64/compile.exe"),
            module("pkg/tool/windows_amd64/compile.exe")
        );
        assert_eq!(win("pkg/tool/windows_amd64/dist.exe"), Place::Foreign);
        assert_eq!(win("src/cmd/dist/dist.exe"), Place::Ignored);
    }

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let path = dir.path().join(rel);
            fs_err::create_dir_all(path.parent().unwrap()).unwrap();
            fs_err::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn inspect_reads_the_version_and_the_platform() {
        let dir = tree(&[
            ("VERSION", "go1.22.10\ntime 2024-12-03T18:00:00Z\n"),
            ("bin/go", ""),
            ("pkg/tool/linux_arm64/compile", ""),
        ]);
        let sdk = inspect(dir.path(), ("linux", "amd64")).unwrap();
        assert_eq!(sdk.version.name(), "go1.22.10");
        assert_eq!((sdk.goos.as_str(), sdk.goarch.as_str()), ("linux", "arm64"));
        let win = tree(&[
            ("VERSION", "go1.21.13"),
            ("bin/go.exe", ""),
            ("pkg/tool/windows_amd64/compile.exe", ""),
        ]);
        let sdk = inspect(win.path(), ("linux", "amd64")).unwrap();
        assert_eq!(
            (sdk.platform(), sdk.exe()),
            ("windows_amd64".into(), ".exe")
        );
    }

    #[test]
    fn inspect_says_what_is_not_an_sdk() {
        type Files<'a> = &'a [(&'a str, &'a str)];
        let cases: [(Files, &str, Exit); 5] = [
            (
                &[("README", "")],
                "VERSION file cannot be read",
                Exit::Environment,
            ),
            (
                &[("VERSION", "devel go1.23-abc")],
                "development build",
                Exit::Environment,
            ),
            (
                &[("VERSION", "banana")],
                "not a Go release",
                Exit::Environment,
            ),
            (
                &[("VERSION", "go1.22.10"), ("bin/go", "")],
                "no pkg/tool",
                Exit::Verification,
            ),
            (
                &[
                    ("VERSION", "go1.22.10"),
                    ("pkg/tool/linux_amd64/compile", ""),
                ],
                "has no bin/go",
                Exit::Verification,
            ),
        ];
        for (files, want, kind) in cases {
            let dir = tree(files);
            let e = inspect(dir.path(), ("linux", "amd64")).unwrap_err();
            assert!(e.message().contains(want), "{files:?}: {e:?}");
            assert_eq!(e.exit(), kind, "{files:?}");
            assert!(e.hint_text().is_some());
        }
        let e = inspect(Path::new("/no/such/dir"), ("linux", "amd64")).unwrap_err();
        assert_eq!(e.exit(), Exit::NotFound);
    }
}
