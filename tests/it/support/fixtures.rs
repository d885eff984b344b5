//! [`FakeSdk`]: a tiny Go SDK in the official archive layout (reference
//! §1.9), with a shell-script `go`/`gofmt` that reports how it was invoked.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use super::archive::{RawEntry, ZipMember, tar_gz_bytes, zip_bytes};
use super::host_os_arch;

/// The `time` line of the fake `VERSION` file.
pub const FIXTURE_TIME: &str = "2024-12-03T00:00:00Z";

/// Contents of `go/go.env` (Go 1.21+ default).
pub const GO_ENV: &str = "\
# This file contains the initial defaults for go command configuration.
# Values set by 'go env -w' and written to the user's go/env file override these.
# The environment overrides everything else.

# Use the Go module mirror and checksum database by default.
# See https://proxy.golang.org for details.
GOPROXY=https://proxy.golang.org,direct
GOSUMDB=sum.golang.org

# Automatically download newer toolchains as directed by go.mod files.
# See https://go.dev/doc/toolchain for details.
GOTOOLCHAIN=auto
";

/// A fake Go SDK. Paths given to the builder methods are relative to the
/// archive root (`bin/go`, not `go/bin/go`).
///
/// On Unix hosts `bin/go` and `bin/gofmt` are runnable `#!/bin/sh` scripts
/// (see [`go_script`]); for a Windows target they are non-runnable
/// placeholders named `go.exe`/`gofmt.exe`.
#[derive(Clone, Debug)]
pub struct FakeSdk {
    version: String,
    os: String,
    arch: String,
    prefix: String,
    version_file: Option<String>,
    removed: Vec<String>,
    extra: Vec<(String, Vec<u8>, u32)>,
    modes: Vec<(String, u32)>,
}

impl FakeSdk {
    /// An SDK for `version` (`"1.22.10"` or `"go1.22.10"`) on the host platform.
    pub fn new(version: &str) -> FakeSdk {
        let (os, arch) = host_os_arch();
        FakeSdk {
            version: version.strip_prefix("go").unwrap_or(version).to_owned(),
            os: os.to_owned(),
            arch: arch.to_owned(),
            prefix: "go".to_owned(),
            version_file: None,
            removed: Vec::new(),
            extra: Vec::new(),
            modes: Vec::new(),
        }
    }

    /// Target GOOS as used in download names (`linux`, `darwin`, `windows`).
    #[must_use]
    pub fn os(mut self, os: &str) -> FakeSdk {
        os.clone_into(&mut self.os);
        self
    }

    /// Target arch as used in download names (`amd64`, `arm64`, `armv6l`).
    #[must_use]
    pub fn arch(mut self, arch: &str) -> FakeSdk {
        arch.clone_into(&mut self.arch);
        self
    }

    /// Root directory inside the archive (default `go`; e.g. `notgo` for a
    /// wrongly-rooted archive, `""` for no root at all).
    #[must_use]
    pub fn prefix(mut self, prefix: &str) -> FakeSdk {
        prefix.clone_into(&mut self.prefix);
        self
    }

    /// Replaces the whole `VERSION` file content (e.g. a wrong version).
    #[must_use]
    pub fn version_file(mut self, content: &str) -> FakeSdk {
        self.version_file = Some(content.to_owned());
        self
    }

    /// Leaves out an entry (`bin/go` also removes `bin/go.exe`), e.g. `VERSION`.
    #[must_use]
    pub fn without(mut self, path: &str) -> FakeSdk {
        self.removed.push(path.to_owned());
        self
    }

    /// Adds (or replaces) a file.
    #[must_use]
    pub fn file(mut self, path: &str, data: impl Into<Vec<u8>>, mode: u32) -> FakeSdk {
        self.extra.push((path.to_owned(), data.into(), mode));
        self
    }

    /// Overrides the mode of an entry (e.g. `0o4755` for setuid).
    #[must_use]
    pub fn mode(mut self, path: &str, mode: u32) -> FakeSdk {
        self.modes.push((path.to_owned(), mode));
        self
    }

    /// `go1.22.10`.
    pub fn go_version(&self) -> String {
        format!("go{}", self.version)
    }

    /// The target GOOS.
    pub fn target_os(&self) -> &str {
        &self.os
    }

    /// The target download arch.
    pub fn target_arch(&self) -> &str {
        &self.arch
    }

    /// `zip` for windows, else `tar.gz`.
    pub fn extension(&self) -> &'static str {
        if self.os == "windows" {
            "zip"
        } else {
            "tar.gz"
        }
    }

    /// The official download name, e.g. `go1.22.10.linux-amd64.tar.gz`.
    pub fn filename(&self) -> String {
        format!(
            "go{}.{}-{}.{}",
            self.version,
            self.os,
            self.arch,
            self.extension()
        )
    }

    /// `.exe` for windows.
    fn exe(&self) -> &'static str {
        if self.os == "windows" { ".exe" } else { "" }
    }

    /// The SDK's files (relative to the root, sorted) with their modes,
    /// after all builder mutations.
    pub fn files(&self) -> Vec<(String, Vec<u8>, u32)> {
        let v = self.go_version();
        let exe = self.exe();
        let tool_dir = format!("pkg/tool/{}_{}", self.os, self.arch);
        let version_file = self
            .version_file
            .clone()
            .unwrap_or_else(|| format!("{v}\ntime {FIXTURE_TIME}\n"));
        let (go, gofmt) = if exe.is_empty() {
            (go_script(&v, &self.os, &self.arch), gofmt_script(&v))
        } else {
            (
                format!("MZ fake go.exe {v}\n"),
                format!("MZ fake gofmt.exe {v}\n"),
            )
        };
        let mut files: BTreeMap<String, (Vec<u8>, u32)> = BTreeMap::new();
        let mut add =
            |p: String, data: String, mode: u32| files.insert(p, (data.into_bytes(), mode));
        add("VERSION".into(), version_file, 0o644);
        add("go.env".into(), GO_ENV.into(), 0o644);
        add(
            "LICENSE".into(),
            "Copyright 2009 The Go Authors. (fake)\n".into(),
            0o644,
        );
        add(format!("bin/go{exe}"), go, 0o755);
        add(format!("bin/gofmt{exe}"), gofmt, 0o755);
        add(
            format!("{tool_dir}/compile{exe}"),
            format!("fake compile {v}\n"),
            0o755,
        );
        add(
            "src/runtime/runtime.go".into(),
            "package runtime\n".into(),
            0o644,
        );
        add(
            "src/cmd/go/main.go".into(),
            "package main\n\nfunc main() {}\n".into(),
            0o644,
        );
        add("src/bytes/bytes.go".into(), "package bytes\n".into(), 0o644);
        files.retain(|p, _| {
            !self
                .removed
                .iter()
                .any(|r| p == r || *p == format!("{r}.exe"))
        });
        for (p, data, mode) in &self.extra {
            files.insert(p.clone(), (data.clone(), *mode));
        }
        for (p, mode) in &self.modes {
            if let Some(entry) = files.get_mut(p) {
                entry.1 = *mode;
            }
        }
        files.into_iter().map(|(p, (d, m))| (p, d, m)).collect()
    }

    fn rooted(&self, path: &str) -> String {
        if self.prefix.is_empty() {
            path.to_owned()
        } else {
            format!("{}/{path}", self.prefix)
        }
    }

    /// The archive members in distpack order: a directory entry before the
    /// first file of every directory, then the files, sorted.
    pub fn entries(&self) -> Vec<RawEntry> {
        let mut out = Vec::new();
        let mut dirs_done: Vec<String> = Vec::new();
        if !self.prefix.is_empty() {
            out.push(RawEntry::dir(&format!("{}/", self.prefix)));
        }
        for (path, data, mode) in self.files() {
            for (slash, _) in path.match_indices('/') {
                let dir = &path[..slash];
                if !dirs_done.iter().any(|d| d == dir) {
                    dirs_done.push(dir.to_owned());
                    out.push(RawEntry::dir(&format!("{}/", self.rooted(dir))));
                }
            }
            out.push(RawEntry::file(&self.rooted(&path), mode, data));
        }
        out
    }

    /// A `.tar.gz` of [`Self::entries`].
    pub fn tar_gz(&self) -> Vec<u8> {
        tar_gz_bytes(&self.entries())
    }

    /// A `.zip` of the files (no directory entries, like distpack's zips).
    pub fn zip(&self) -> Vec<u8> {
        let members: Vec<ZipMember> = self
            .entries()
            .into_iter()
            .filter(|e| !e.name.ends_with('/'))
            .map(ZipMember::from)
            .collect();
        zip_bytes(&members)
    }

    /// The archive in the format matching the target OS ([`Self::extension`]).
    pub fn archive(&self) -> Vec<u8> {
        if self.os == "windows" {
            self.zip()
        } else {
            self.tar_gz()
        }
    }

    /// Writes the SDK tree (without the archive root) into `dest`, as an
    /// installed SDK would look; sets Unix modes. Creates `dest`.
    pub fn write_tree(&self, dest: &Path) {
        for (path, data, mode) in self.files() {
            let file = dest.join(&path);
            fs::create_dir_all(file.parent().expect("has parent")).expect("create dirs");
            fs::write(&file, data).expect("write fixture file");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                fs::set_permissions(&file, fs::Permissions::from_mode(mode & 0o777))
                    .expect("chmod");
            }
            #[cfg(not(unix))]
            let _ = mode;
        }
    }
}

/// The fake `go` script for `version` (`go1.22.10`) on `os`/`arch`:
/// - `go version` → `go version go1.22.10 linux/amd64`
/// - `go env GOROOT` → `$GOROOT` if set, else the directory above `bin/`
///   (from `$0`); `go env GOVERSION` → the version; `go env X...` → one line
///   per name with the value of env var `X` (GOOS/GOARCH default to the target)
/// - anything else → `fake-go go1.22.10 args:<args joined by |> GOROOT=<$GOROOT>
///   GOPATH=<$GOPATH> GOTOOLCHAIN=<$GOTOOLCHAIN>`, then, if the first arg is
///   `cat`, copies stdin to stdout
/// - exit status `$FAKE_GO_EXIT`, default 0.
pub fn go_script(version: &str, os: &str, arch: &str) -> String {
    let goarch = if arch == "armv6l" { "arm" } else { arch };
    format!(
        r#"#!/bin/sh
# Fake go for gvx integration tests.
V='{version}'
root() {{
  if [ -n "${{GOROOT:-}}" ]; then printf '%s\n' "$GOROOT"; return; fi
  d=$(dirname -- "$0")
  (cd -- "$d/.." && pwd)
}}
case "${{1:-}}" in
  version) printf 'go version %s %s\n' "$V" '{os}/{goarch}' ;;
  env)
    shift
    for n in "$@"; do
      case "$n" in
        GOROOT) root ;;
        GOVERSION) printf '%s\n' "$V" ;;
        GOOS) printf '%s\n' "${{GOOS:-{os}}}" ;;
        GOARCH) printf '%s\n' "${{GOARCH:-{goarch}}}" ;;
        ''|[!A-Za-z_]*|*[!A-Za-z0-9_]*) printf '\n' ;;
        *) eval "printf '%s\n' \"\${{$n:-}}\"" ;;
      esac
    done ;;
  *)
    a=''; s=''
    for x in "$@"; do a="$a$s$x"; s='|'; done
    printf 'fake-go %s args:%s GOROOT=%s GOPATH=%s GOTOOLCHAIN=%s\n' "$V" "$a" "${{GOROOT:-}}" "${{GOPATH:-}}" "${{GOTOOLCHAIN:-}}"
    if [ "${{1:-}}" = cat ]; then cat; fi ;;
esac
exit "${{FAKE_GO_EXIT:-0}}"
"#
    )
}

/// The fake `gofmt`: prints `fake-gofmt go1.22.10 args:<args joined by |>
/// GOROOT=<$GOROOT>`, copies stdin if the first arg is `cat`, exits
/// `$FAKE_GO_EXIT` (default 0).
pub fn gofmt_script(version: &str) -> String {
    format!(
        r#"#!/bin/sh
# Fake gofmt for gvx integration tests.
a=''; s=''
for x in "$@"; do a="$a$s$x"; s='|'; done
printf 'fake-gofmt %s args:%s GOROOT=%s\n' '{version}' "$a" "${{GOROOT:-}}"
if [ "${{1:-}}" = cat ]; then cat; fi
exit "${{FAKE_GO_EXIT:-0}}"
"#
    )
}
