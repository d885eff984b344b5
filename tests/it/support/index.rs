//! The `go.dev/dl/?mode=json&include=all` index, serialized exactly like the
//! official `serveJSON` (reference §1.2): a JSON array, Go struct field
//! order, one-space indent, trailing newline.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::fixtures::FakeSdk;

/// Lowercase hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One `files[]` entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndexFile {
    /// e.g. `go1.22.10.linux-amd64.tar.gz`.
    pub filename: String,
    /// GOOS; `""` for source.
    pub os: String,
    /// Download arch; `""` for source.
    pub arch: String,
    /// Same as the release's version.
    pub version: String,
    /// Lowercase hex; `""` for very old releases.
    pub sha256: String,
    /// Bytes; 0 for very old releases.
    pub size: u64,
    /// `archive`, `installer` or `source`.
    pub kind: String,
}

impl IndexFile {
    /// An `archive` entry describing `bytes` (sha256 and size computed).
    pub fn archive(version: &str, filename: &str, os: &str, arch: &str, bytes: &[u8]) -> IndexFile {
        IndexFile {
            filename: filename.to_owned(),
            os: os.to_owned(),
            arch: arch.to_owned(),
            version: go_prefixed(version),
            sha256: sha256_hex(bytes),
            size: bytes.len() as u64,
            kind: "archive".to_owned(),
        }
    }

    /// The `archive` entry for `sdk` whose archive bytes are `bytes`.
    pub fn sdk(sdk: &FakeSdk, bytes: &[u8]) -> IndexFile {
        let (os, arch) = (sdk.target_os(), sdk.target_arch());
        IndexFile::archive(&sdk.go_version(), &sdk.filename(), os, arch, bytes)
    }

    /// An entry for a file that is not served; its sha256 is that of the
    /// filename, so picking it by mistake fails verification.
    pub fn decoy(version: &str, filename: &str, os: &str, arch: &str, kind: &str) -> IndexFile {
        IndexFile {
            filename: filename.to_owned(),
            os: os.to_owned(),
            arch: arch.to_owned(),
            version: go_prefixed(version),
            sha256: sha256_hex(filename.as_bytes()),
            size: 12_345_678,
            kind: kind.to_owned(),
        }
    }
}

/// One release.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndexRelease {
    /// e.g. `go1.22.10`, `go1.23rc1`.
    pub version: String,
    /// `false` for beta/rc versions (the official rule).
    pub stable: bool,
    /// In the order given.
    pub files: Vec<IndexFile>,
}

fn go_prefixed(version: &str) -> String {
    if version.starts_with("go") {
        version.to_owned()
    } else {
        format!("go{version}")
    }
}

/// The official `isStable`: no `beta` and no `rc` in the version.
pub fn is_stable(version: &str) -> bool {
    !version.contains("beta") && !version.contains("rc")
}

/// Other platforms offered as decoys: `(os, arch, extension, kind)`.
const DECOY_PLATFORMS: &[(&str, &str, &str, &str)] = &[
    ("darwin", "amd64", "tar.gz", "archive"),
    ("darwin", "amd64", "pkg", "installer"),
    ("darwin", "arm64", "tar.gz", "archive"),
    ("darwin", "arm64", "pkg", "installer"),
    ("freebsd", "amd64", "tar.gz", "archive"),
    ("linux", "386", "tar.gz", "archive"),
    ("linux", "amd64", "tar.gz", "archive"),
    ("linux", "arm64", "tar.gz", "archive"),
    ("linux", "armv6l", "tar.gz", "archive"),
    ("windows", "amd64", "zip", "archive"),
    ("windows", "amd64", "msi", "installer"),
    ("windows", "arm64", "zip", "archive"),
];

impl IndexRelease {
    /// An empty release; `stable` follows [`is_stable`]; `go` is prefixed if missing.
    pub fn new(version: &str) -> IndexRelease {
        let version = go_prefixed(version);
        IndexRelease {
            stable: is_stable(&version),
            version,
            files: Vec::new(),
        }
    }

    /// Appends a file.
    #[must_use]
    pub fn file(mut self, file: IndexFile) -> IndexRelease {
        self.files.push(file);
        self
    }

    /// Appends an `archive` entry for `bytes` (see [`IndexFile::archive`]).
    #[must_use]
    pub fn archive(self, filename: &str, os: &str, arch: &str, bytes: &[u8]) -> IndexRelease {
        let file = IndexFile::archive(&self.version, filename, os, arch, bytes);
        self.file(file)
    }

    /// Appends the entry for `sdk` whose archive bytes are `bytes`
    /// (filename/os/arch from the SDK).
    #[must_use]
    pub fn sdk(self, sdk: &FakeSdk, bytes: &[u8]) -> IndexRelease {
        self.file(IndexFile::sdk(sdk, bytes))
    }

    /// Adds decoys the way the real index has them: the source tarball first
    /// (`os`/`arch` empty), and archives and installers for other platforms
    /// (never an `archive` for an os/arch that already has one).
    #[must_use]
    pub fn with_decoys(mut self) -> IndexRelease {
        let v = self.version.clone();
        let mut files = vec![IndexFile::decoy(
            &v,
            &format!("{v}.src.tar.gz"),
            "",
            "",
            "source",
        )];
        for &(os, arch, ext, kind) in DECOY_PLATFORMS {
            let taken = self
                .files
                .iter()
                .any(|f| f.os == os && f.arch == arch && f.kind == kind);
            if !taken {
                files.push(IndexFile::decoy(
                    &v,
                    &format!("{v}.{os}-{arch}.{ext}"),
                    os,
                    arch,
                    kind,
                ));
            }
        }
        files.append(&mut self.files);
        self.files = files;
        self
    }

    /// An old release as in the real data (≤ go1.4.2): every file has
    /// `"sha256": ""` and `"size": 0`; includes a host-platform archive
    /// entry and the `-osx10.8` darwin names.
    pub fn legacy(version: &str) -> IndexRelease {
        let (os, arch) = super::host_os_arch();
        let v = go_prefixed(version);
        let ext = if os == "windows" { "zip" } else { "tar.gz" };
        let names = [
            (format!("{v}.src.tar.gz"), "", "", "source"),
            (
                format!("{v}.darwin-amd64-osx10.8.tar.gz"),
                "darwin",
                "amd64",
                "archive",
            ),
            (format!("{v}.{os}-{arch}.{ext}"), os, arch, "archive"),
        ];
        let mut release = IndexRelease::new(&v);
        for (filename, os, arch, kind) in names {
            let file = IndexFile {
                sha256: String::new(),
                size: 0,
                ..IndexFile::decoy(&v, &filename, os, arch, kind)
            };
            release = release.file(file);
        }
        release
    }

    /// The `go1` pseudo-release (last in the real index) holding the
    /// go1.4-bootstrap tarballs with `"os": "4"`, `"arch": "bootstrap"`.
    pub fn bootstrap() -> IndexRelease {
        let mut release = IndexRelease::new("go1");
        for date in ["20170518", "20170531"] {
            let name = format!("go1.4-bootstrap-{date}.tar.gz");
            release = release.file(IndexFile::decoy("go1", &name, "4", "bootstrap", "archive"));
        }
        release
    }
}

/// Serializes `releases` (in the given order; the real index is newest
/// first) exactly like Go's `json.Encoder` with `SetIndent("", " ")`.
pub fn index_json(releases: &[IndexRelease]) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
    releases.serialize(&mut ser).expect("serialize index");
    out.push(b'\n');
    String::from_utf8(out).expect("json is utf-8")
}
