//! Go's version grammar and order, as `internal/gover` defines them.
//!
//! Two types: a [`GoVersion`] is one concrete version (`1.22.10`, `1.23rc1`, or a language
//! version such as `1.21` read from a `go` line), ordered exactly as Go orders them
//! (`1.21 < 1.21rc1 < 1.21.0 < 1.21.1`). A [`VersionRequest`] is what a person typed
//! (`1.22`, `go1.22.10`, `latest`), parsed once and resolved against a list of versions.
//! Versions are rendered without the `go` prefix; [`GoVersion::name`] adds it for directory
//! names and file names (`go1.22.10`).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A prerelease kind. Declared in Go's order: `alpha < beta < rc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PreKind {
    Alpha,
    Beta,
    Rc,
}

impl PreKind {
    fn as_str(self) -> &'static str {
        match self {
            PreKind::Alpha => "alpha",
            PreKind::Beta => "beta",
            PreKind::Rc => "rc",
        }
    }
}

/// One Go version. `patch` is `None` for a language version (`1.21`) and for prereleases
/// (`1.21rc1`); Go 1.0–1.20 releases without a patch (`1.20`) are stored as patch 0, as Go does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GoVersion {
    pub major: u64,
    pub minor: u64,
    pub patch: Option<u64>,
    pub pre: Option<(PreKind, u64)>,
}

impl GoVersion {
    /// A release `major.minor.patch`.
    pub const fn release(major: u64, minor: u64, patch: u64) -> Self {
        GoVersion {
            major,
            minor,
            patch: Some(patch),
            pre: None,
        }
    }

    /// Parses `1.22.10`, `go1.22.10`, `1.23rc1`, `1.21` (language version), `1.20` (== 1.20.0).
    pub fn parse(text: &str) -> Result<Self, VersionError> {
        let bare = text.trim();
        let bare = bare.strip_prefix("go").unwrap_or(bare);
        parse_bare(bare).ok_or_else(|| VersionError::new(text))
    }

    /// The version with the `go` prefix, as used in file and directory names: `go1.22.10`.
    pub fn name(&self) -> String {
        format!("go{self}")
    }

    /// True for a language version such as `1.21` (Go ≥ 1.21 without patch or prerelease).
    pub fn is_lang(&self) -> bool {
        self.patch.is_none() && self.pre.is_none()
    }

    /// True for a prerelease (`rc`, `beta`, `alpha`).
    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some()
    }

    /// True for a release or prerelease that names a real toolchain (not a language version).
    pub fn is_toolchain(&self) -> bool {
        !self.is_lang()
    }

    /// The language line this version belongs to, e.g. `(1, 22)`.
    pub fn line(&self) -> (u64, u64) {
        (self.major, self.minor)
    }

    /// The version Go's startup selection runs for a `go` line: `go 1.22` means `go1.22.0`.
    pub fn as_minimum_toolchain(&self) -> GoVersion {
        if self.is_lang() && (self.major, self.minor) >= (1, 21) {
            GoVersion::release(self.major, self.minor, 0)
        } else {
            *self
        }
    }
}

fn parse_bare(s: &str) -> Option<GoVersion> {
    let (major, rest) = cut_int(s)?;
    if rest.is_empty() {
        return Some(GoVersion::release(major, 0, 0));
    }
    let rest = rest.strip_prefix('.')?;
    let (minor, rest) = cut_int(rest)?;
    let default_patch = (major, minor) < (1, 21);
    if rest.is_empty() {
        let patch = if default_patch { Some(0) } else { None };
        return Some(GoVersion {
            major,
            minor,
            patch,
            pre: None,
        });
    }
    if let Some(rest) = rest.strip_prefix('.') {
        let (patch, rest) = cut_int(rest)?;
        // Go has never published a prerelease of a patch release as a toolchain (1.9.2rc2 is a
        // curiosity that `cmd/go` rejects), so neither do we.
        return rest
            .is_empty()
            .then_some(GoVersion::release(major, minor, patch));
    }
    let kind_len = rest.bytes().take_while(u8::is_ascii_lowercase).count();
    let kind = match &rest[..kind_len] {
        "alpha" => PreKind::Alpha,
        "beta" => PreKind::Beta,
        "rc" => PreKind::Rc,
        _ => return None,
    };
    let (pre, rest) = cut_int(&rest[kind_len..])?;
    rest.is_empty().then_some(GoVersion {
        major,
        minor,
        patch: None,
        pre: Some((kind, pre)),
    })
}

/// A decimal without leading zeros, as Go's `cutInt` accepts it.
fn cut_int(s: &str) -> Option<(u64, &str)> {
    let len = s.bytes().take_while(u8::is_ascii_digit).count();
    if len == 0 || (len > 1 && s.starts_with('0')) {
        return None;
    }
    Some((s[..len].parse().ok()?, &s[len..]))
}

impl Ord for GoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor)
            .cmp(&(other.major, other.minor))
            // `None < Some(0)`: a language version sorts before every release of its line.
            .then(self.patch.cmp(&other.patch))
            .then_with(|| match (self.pre, other.pre) {
                (None, None) => Ordering::Equal,
                // A language version (no patch, no kind) sorts before its prereleases; a
                // release with a patch never carries a kind, so "no kind" here is a language version.
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(a), Some(b)) => a.cmp(&b),
            })
    }
}

impl PartialOrd for GoVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        match (self.patch, self.pre) {
            // Before Go 1.21 the first release of a line had no patch: go1.20, not go1.20.0.
            (Some(0), None) if (self.major, self.minor) < (1, 21) => Ok(()),
            (Some(patch), _) => write!(f, ".{patch}"),
            (None, Some((kind, n))) => write!(f, "{}{n}", kind.as_str()),
            (None, None) => Ok(()),
        }
    }
}

impl FromStr for GoVersion {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        GoVersion::parse(s)
    }
}

/// What a person asked for: parsed once, resolved against installed or published versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VersionRequest {
    /// `latest`: the newest stable release.
    Latest,
    /// `1.22`: the newest stable release of that line.
    Line(u64, u64),
    /// `1.22.10`, `1.23rc1`: exactly that release.
    Exact(GoVersion),
}

impl VersionRequest {
    /// Parses `latest`, `1.22`, `go1.22`, `1.22.10`, `go1.22.10`, `1.23rc1`.
    pub fn parse(text: &str) -> Result<Self, VersionError> {
        let trimmed = text.trim();
        if trimmed.eq_ignore_ascii_case("latest") || trimmed.eq_ignore_ascii_case("stable") {
            return Ok(VersionRequest::Latest);
        }
        let bare = trimmed.strip_prefix("go").unwrap_or(trimmed);
        // `1.22` and `1.20` both mean "the newest 1.N.x", as `go get go@1.22` does. Only
        // the exact form (`1.20.0`, `1.22.0`) asks for a line's first release.
        if let Some((major, minor)) = bare.split_once('.')
            && !minor.contains('.')
            && let (Some((major, "")), Some((minor, ""))) = (cut_int(major), cut_int(minor))
        {
            return Ok(VersionRequest::Line(major, minor));
        }
        let version = GoVersion::parse(bare).map_err(|_| VersionError::new(text))?;
        if version.is_lang() || !bare.contains('.') {
            return Err(VersionError::new(text));
        }
        Ok(VersionRequest::Exact(version))
    }

    /// True when `version` satisfies the request. `Latest` and `Line` accept stable releases only.
    pub fn matches(&self, version: &GoVersion) -> bool {
        match self {
            VersionRequest::Latest => !version.is_prerelease() && version.is_toolchain(),
            VersionRequest::Line(major, minor) => {
                version.line() == (*major, *minor)
                    && !version.is_prerelease()
                    && version.is_toolchain()
            }
            VersionRequest::Exact(exact) => version == exact,
        }
    }

    /// The newest of `versions` that satisfies the request.
    pub fn best<'a, I>(&self, versions: I) -> Option<GoVersion>
    where
        I: IntoIterator<Item = &'a GoVersion>,
    {
        versions
            .into_iter()
            .filter(|v| self.matches(v))
            .max()
            .copied()
    }
}

impl fmt::Display for VersionRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionRequest::Latest => f.write_str("latest"),
            VersionRequest::Line(major, minor) => write!(f, "{major}.{minor}"),
            VersionRequest::Exact(version) => version.fmt(f),
        }
    }
}

impl FromStr for VersionRequest {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VersionRequest::parse(s)
    }
}

/// A version that Go's grammar does not accept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionError {
    pub input: String,
}

impl VersionError {
    fn new(input: &str) -> Self {
        VersionError {
            input: input.to_owned(),
        }
    }
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.input.trim().is_empty() {
            f.write_str("empty Go version")
        } else {
            write!(
                f,
                "`{}` is not a Go version",
                crate::text::untrusted(&self.input)
            )
        }
    }
}

impl std::error::Error for VersionError {}

/// The examples every version error ends with.
pub const VERSION_EXAMPLES: &str =
    "a Go version looks like `1.22` (newest 1.22.x), `1.22.10`, `go1.22.10`, `1.23rc1` or `latest`";

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> GoVersion {
        GoVersion::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Go's own vectors, from `cmd/go/internal/gover/gover_test.go`.
    #[test]
    fn compare_matches_go() {
        let less = [
            ("1", "1.1"),
            ("1.5", "1.6"),
            ("1.5", "1.10"),
            ("1.6", "1.6.1"),
            ("1.19rc1", "1.19"),
            ("1.20rc1", "1.20"),
            ("1.21", "1.21.0"),
            ("1.21", "1.21rc1"),
            ("1.21rc1", "1.21.0"),
            ("1.6", "1.19"),
            ("1.19", "1.19.1"),
            ("1.19rc1", "1.19.1"),
            ("1.19rc1", "1.19rc2"),
            ("1.19.0", "1.19.1"),
            ("1.19rc1", "1.19.0"),
            ("1.19alpha3", "1.19beta2"),
            ("1.19beta2", "1.19rc1"),
            ("1.1", "1.99999999999999998"),
            ("1.21rc2", "1.21.0"),
            ("1.21.1", "1.21.2"),
            ("1.18beta1", "1.18beta2"),
            ("1.18rc1", "1.18"),
        ];
        for (a, b) in less {
            assert_eq!(v(a).cmp(&v(b)), Ordering::Less, "{a} < {b}");
            assert_eq!(v(b).cmp(&v(a)), Ordering::Greater, "{b} > {a}");
        }
        for (a, b) in [("1.19", "1.19.0"), ("1.20", "1.20.0"), ("1", "1.0.0")] {
            assert_eq!(v(a), v(b), "{a} == {b}");
        }
    }

    #[test]
    fn lang_versions() {
        for (s, lang) in [
            ("1.22", true),
            ("1.21", true),
            ("1.20", false),
            ("1.19", false),
        ] {
            assert_eq!(v(s).is_lang(), lang, "{s}");
        }
        for s in ["1.2rc3", "1.2.3", "1.21.0", "1.21rc2"] {
            assert!(!v(s).is_lang(), "{s}");
        }
        assert_eq!(v("1.22").as_minimum_toolchain(), v("1.22.0"));
        assert_eq!(v("1.20").as_minimum_toolchain(), v("1.20"));
    }

    #[test]
    fn invalid_versions() {
        for s in [
            "",
            "x",
            "1.",
            "1.01",
            "01.2",
            "1.2.3.4",
            "1.21.3rc1",
            "1.600+auto",
            "banana",
            "1.2x1",
        ] {
            assert!(GoVersion::parse(s).is_err(), "{s:?} should be invalid");
        }
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "1.22.10",
            "1.21rc1",
            "1.20",
            "1.19.13",
            "1.21.0",
            "1.21",
            "1.18beta1",
        ] {
            assert_eq!(v(s).to_string(), s);
        }
        assert_eq!(v("1.20.0").to_string(), "1.20");
        assert_eq!(v("go1.22.10").name(), "go1.22.10");
    }

    #[test]
    fn requests() {
        use VersionRequest::*;
        assert_eq!(VersionRequest::parse("latest"), Ok(Latest));
        assert_eq!(VersionRequest::parse("1.22"), Ok(Line(1, 22)));
        assert_eq!(VersionRequest::parse("go1.20"), Ok(Line(1, 20)));
        assert_eq!(
            VersionRequest::parse(" go1.22.10 "),
            Ok(Exact(v("1.22.10")))
        );
        assert_eq!(VersionRequest::parse("1.23rc1"), Ok(Exact(v("1.23rc1"))));
        for bad in ["", "1", "banana", "1.2.3.4", "1.22.x", "go", "1.01"] {
            assert!(VersionRequest::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn best_match() {
        let list: Vec<GoVersion> = [
            "1.21.13", "1.22.0", "1.22.10", "1.23rc1", "1.23.0", "1.23.9", "1.24rc2",
        ]
        .iter()
        .map(|s| v(s))
        .collect();
        let best = |r: &str| {
            VersionRequest::parse(r)
                .unwrap()
                .best(&list)
                .map(|v| v.to_string())
        };
        assert_eq!(best("1.22").as_deref(), Some("1.22.10"));
        assert_eq!(best("latest").as_deref(), Some("1.23.9"));
        assert_eq!(best("1.23rc1").as_deref(), Some("1.23rc1"));
        assert_eq!(best("1.24"), None);
        assert_eq!(best("1.99"), None);
    }
}
