//! Go's own download settings, read the way `go` reads them — the environment, else the user's
//! go env file (`go env -w`), else Go's defaults — and the rules `go` applies to toolchain
//! downloads: GOPROXY's list, GOSUMDB's forms, and a checksum database that cannot be turned
//! off for `golang.org/toolchain`.

use super::MODULE;
use crate::error::{Error, Exit, Result};
use crate::sumdb::{SUM_GOLANG_ORG_KEY, VerifierKey};
use gvx_shims::goenv::{GoEnv, Origin, Setting};

/// `$GOROOT/go.env`'s values (gvx has no GOROOT to read them from before the install).
pub const DEFAULT_GOPROXY: &str = "https://proxy.golang.org,direct";
pub const DEFAULT_GOSUMDB: &str = "sum.golang.org";

/// One GOPROXY entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Proxy {
    /// A proxy URL (`https://…`, `http://…` or `file://…`), without a trailing `/`.
    Url(String),
    /// `direct`: fetch from the module's origin. `golang.org/toolchain` has no origin gvx
    /// can use, so for toolchains it ends the list.
    Direct,
    /// `off`: no downloads.
    Off,
}

/// A GOPROXY entry and whether any error (`|`) or only "not found" (`,`) moves on to the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxySpec {
    pub proxy: Proxy,
    pub fall_back_on_error: bool,
}

/// Where the checksum database is and how to check it.
#[derive(Debug)]
pub enum Sumdb {
    /// GOSUMDB=off, allowed only where Go allows it for toolchains: a single `file://` GOPROXY.
    Off,
    Database {
        /// The verifier key, checked: `<name>+<hash>+<key>`.
        vkey: String,
        name: String,
        /// `GOSUMDB="<key> <url>"`: this URL, bypassing proxies; else the first proxy that
        /// serves `/sumdb/<name>/supported`, else `https://<name>`.
        url: Option<String>,
    },
}

/// The settings a toolchain download uses.
#[derive(Debug)]
pub struct Settings {
    pub proxies: Vec<ProxySpec>,
    pub sumdb: Sumdb,
    /// GOPROXY's value and where it came from, for messages.
    pub goproxy: Setting,
    pub gosumdb: Setting,
}

impl Settings {
    /// Reads GOPROXY, GOSUMDB, GONOSUMDB, GOPRIVATE and GONOPROXY as `go` does.
    pub fn load(env: &GoEnv) -> Result<Settings> {
        let get = |key: &str, default: &str| {
            env.get(key).unwrap_or_else(|| Setting {
                value: default.to_owned(),
                origin: Origin::Default,
            })
        };
        let goproxy = get("GOPROXY", DEFAULT_GOPROXY);
        let gosumdb = get("GOSUMDB", DEFAULT_GOSUMDB);
        let private = env.get("GOPRIVATE").map(|s| s.value).unwrap_or_default();
        let noproxy = env.get("GONOPROXY").map_or(private.clone(), |s| s.value);
        let nosumdb = env.get("GONOSUMDB").map_or(private, |s| s.value);

        let mut proxies = parse_goproxy(&goproxy.value).map_err(|why| {
            Error::new(Exit::Environment, format!("invalid GOPROXY ({}): {why}", goproxy.origin))
                .hint("set GOPROXY to a comma-separated list of proxy URLs, e.g. https://proxy.golang.org,direct")
        })?;
        if matches_prefix_patterns(&noproxy, MODULE) && goproxy.value != "direct" {
            // `go` sends such modules to their origin, which toolchains do not have.
            proxies = vec![ProxySpec {
                proxy: Proxy::Direct,
                fall_back_on_error: false,
            }];
        }
        // Go's exception: GOPROXY=file://… alone is how a distpack is tested, and there the
        // ordinary GOSUMDB/GONOSUMDB rules apply.
        let single_file_proxy =
            goproxy.value.starts_with("file://") && !goproxy.value.contains([',', '|']);
        let sumdb = if single_file_proxy
            && (gosumdb.value == "off" || matches_prefix_patterns(&nosumdb, MODULE))
        {
            Sumdb::Off
        } else if gosumdb.value == "off" {
            return Err(Error::new(
                Exit::Verification,
                format!("verifying {MODULE}: checksum database disabled by GOSUMDB=off ({})", gosumdb.origin),
            )
            .hint("toolchains from a module proxy are installed only when the checksum database proves them, as `go` does; unset GOSUMDB, or install with --source dl"));
        } else {
            parse_gosumdb(&gosumdb)?
        };
        Ok(Settings {
            proxies,
            sumdb,
            goproxy,
            gosumdb,
        })
    }
}

impl Settings {
    /// Refuses a GOPROXY that names no proxy at all (`off`, `direct`): gvx would have nowhere
    /// to download the toolchain module from.
    pub fn check_downloads_allowed(&self) -> Result<()> {
        if self
            .proxies
            .iter()
            .any(|p| matches!(p.proxy, Proxy::Url(_)))
        {
            return Ok(());
        }
        let why = if self.proxies.iter().any(|p| p.proxy == Proxy::Off) {
            "module lookup disabled by GOPROXY=off"
        } else {
            "GOPROXY sends golang.org/toolchain `direct`, and the toolchain module has no origin gvx can fetch it from"
        };
        Err(Error::new(Exit::Environment, format!("{why} (GOPROXY={}, from {})", self.goproxy.value, self.goproxy.origin))
            .hint("set GOPROXY to a module proxy (e.g. https://proxy.golang.org), or install with --source dl"))
    }
}

/// Splits GOPROXY as `go` does (`cmd/go/internal/modfetch/proxy.go`, `proxyList`).
pub fn parse_goproxy(value: &str) -> Result<Vec<ProxySpec>, String> {
    let mut list = Vec::new();
    let mut rest = value;
    while !rest.is_empty() {
        let (entry, fall_back_on_error) = match rest.find([',', '|']) {
            Some(i) => {
                let entry = &rest[..i];
                let pipe = rest.as_bytes()[i] == b'|';
                rest = &rest[i + 1..];
                (entry, pipe)
            }
            None => (std::mem::take(&mut rest), false),
        };
        let entry = entry.trim();
        let proxy = match entry {
            "" => continue,
            "off" => Proxy::Off,
            "direct" => Proxy::Direct,
            url => Proxy::Url(complete_url(url)?),
        };
        let last = !matches!(proxy, Proxy::Url(_));
        list.push(ProxySpec {
            proxy,
            fall_back_on_error,
        });
        if last {
            // "off" and "direct" end the list; later entries are ignored, as in Go.
            break;
        }
    }
    if list.is_empty() {
        return Err("the list is not empty, but contains no entries".to_owned());
    }
    Ok(list)
}

/// Go's rule: single words are keywords; anything with `.`, `:` or `/` that is not already a
/// URL or an absolute path gets `https://`.
fn complete_url(entry: &str) -> Result<String, String> {
    let url = if entry.contains(":/") || entry.starts_with('/') {
        entry.to_owned()
    } else if entry.contains(['.', ':', '/']) {
        format!("https://{entry}")
    } else {
        return Err(format!(
            "unknown keyword `{entry}` (only `direct` and `off` are keywords)"
        ));
    };
    let url = if url.starts_with('/') {
        format!("file://{url}")
    } else {
        url
    };
    match url.split_once("://") {
        Some(("https" | "http" | "file", rest)) if !rest.is_empty() => {
            Ok(url.trim_end_matches('/').to_owned())
        }
        _ => Err(format!(
            "`{entry}` is not an https://, http:// or file:// URL"
        )),
    }
}

/// Parses GOSUMDB: `<name>` of a known database, `<verifier key>`, or `<key> <url>`.
fn parse_gosumdb(setting: &Setting) -> Result<Sumdb> {
    let invalid = |why: String| {
        Error::new(Exit::Environment, format!("invalid GOSUMDB ({}): {why}", setting.origin)).hint(
            "use sum.golang.org (the default), a verifier key `<name>+<hash>+<key>`, or `<key> <url>`",
        )
    };
    let mut value = setting.value.as_str();
    if value == "sum.golang.google.cn" {
        // Go's alias for sum.golang.org, reachable inside mainland China.
        value = "sum.golang.org https://sum.golang.google.cn";
    }
    let fields: Vec<&str> = value.split_whitespace().collect();
    let (key, url) = match fields[..] {
        [] => return Err(invalid("missing GOSUMDB".to_owned())),
        [key] => (key, None),
        [key, url] => (key, Some(url.trim_end_matches('/').to_owned())),
        _ => return Err(invalid("too many fields".to_owned())),
    };
    let key = if key == "sum.golang.org" {
        SUM_GOLANG_ORG_KEY
    } else {
        key
    };
    let name = VerifierKey::parse(key)
        .map_err(|e| invalid(e.to_string()))?
        .name()
        .to_owned();
    Ok(Sumdb::Database {
        vkey: key.to_owned(),
        name,
        url,
    })
}

/// Go's `module.MatchPrefixPatterns`: whether any comma-separated glob matches a leading run
/// of `path`'s elements.
pub fn matches_prefix_patterns(patterns: &str, path: &str) -> bool {
    patterns
        .split(',')
        .map(|p| p.trim().trim_end_matches('/'))
        .filter(|p| !p.is_empty())
        .any(|pattern| {
            let n = pattern.split('/').count();
            let elements: Vec<&str> = path.split('/').collect();
            elements.len() >= n
                && pattern
                    .split('/')
                    .zip(&elements)
                    .all(|(glob, element)| glob_match(glob.as_bytes(), element.as_bytes()))
        })
}

/// `path.Match` for one element: `*`, `?`, `[…]` classes (with `^` negation and ranges) and
/// `\` escapes. A malformed pattern matches nothing.
fn glob_match(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|i| glob_match(rest, &name[i..])),
        Some((b'?', rest)) => !name.is_empty() && glob_match(rest, &name[1..]),
        Some((b'[', rest)) => {
            let Some((&c, name_rest)) = name.split_first() else {
                return false;
            };
            let (negated, mut class) = match rest.split_first() {
                Some((b'^', r)) => (true, r),
                _ => (false, rest),
            };
            let mut matched = false;
            let mut first = true;
            loop {
                match class {
                    [b']', after @ ..] if !first => {
                        return matched != negated && glob_match(after, name_rest);
                    }
                    [lo, b'-', hi, after @ ..] if *hi != b']' => {
                        matched |= (*lo..=*hi).contains(&c);
                        class = after;
                    }
                    [b'\\', x, after @ ..] | [x, after @ ..] => {
                        matched |= *x == c;
                        class = after;
                    }
                    [] => return false,
                }
                first = false;
            }
        }
        Some((b'\\', [x, rest @ ..])) | Some((x, rest)) => {
            name.first() == Some(x) && glob_match(rest, &name[1..])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(value: &str) -> Vec<(String, bool)> {
        parse_goproxy(value)
            .unwrap()
            .into_iter()
            .map(|s| {
                let name = match s.proxy {
                    Proxy::Url(u) => u,
                    Proxy::Direct => "direct".into(),
                    Proxy::Off => "off".into(),
                };
                (name, s.fall_back_on_error)
            })
            .collect()
    }

    #[test]
    fn goproxy_lists_split_as_go_splits_them() {
        assert_eq!(
            urls("https://proxy.golang.org,direct"),
            [
                ("https://proxy.golang.org".into(), false),
                ("direct".into(), false)
            ]
        );
        assert_eq!(
            urls("goproxy.cn|file:///srv/mirror/, off ,https://never"),
            [
                ("https://goproxy.cn".into(), true),
                ("file:///srv/mirror".into(), false),
                ("off".into(), false)
            ]
        );
        assert_eq!(urls("/srv/proxy"), [("file:///srv/proxy".into(), false)]);
        assert_eq!(urls(" , direct"), [("direct".into(), false)]);
        assert!(parse_goproxy(",").unwrap_err().contains("no entries"));
        assert!(
            parse_goproxy("on")
                .unwrap_err()
                .contains("unknown keyword `on`")
        );
        assert!(
            parse_goproxy("ftp://x")
                .unwrap_err()
                .contains("not an https://")
        );
    }

    #[test]
    fn prefix_patterns_match_leading_elements() {
        assert!(matches_prefix_patterns(
            "golang.org",
            "golang.org/toolchain"
        ));
        assert!(matches_prefix_patterns(
            "example.com, golang.org/*",
            "golang.org/toolchain"
        ));
        assert!(matches_prefix_patterns("*.org", "golang.org/toolchain"));
        assert!(matches_prefix_patterns(
            "golang.or[a-z]/tool?hain",
            "golang.org/toolchain"
        ));
        assert!(!matches_prefix_patterns(
            "golang.org/x",
            "golang.org/toolchain"
        ));
        assert!(!matches_prefix_patterns(
            "golang.org/toolchain/more",
            "golang.org/toolchain"
        ));
        assert!(!matches_prefix_patterns("", "golang.org/toolchain"));
        assert!(!matches_prefix_patterns(
            "golang.or[^g]",
            "golang.org/toolchain"
        ));
        assert!(!matches_prefix_patterns("go", "golang.org/toolchain"));
    }

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings> {
        let text: String = pairs.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
        let env = GoEnv::parse("/nonexistent/go/env".into(), &text);
        // These tests read only the env file: the process environment must not interfere.
        for (key, _) in pairs {
            assert!(
                std::env::var_os(key).is_none(),
                "{key} is set in the test environment"
            );
        }
        Settings::load(&env)
    }

    #[test]
    fn gosumdb_off_is_refused_unless_a_single_file_proxy_is_used() {
        let err =
            settings(&[("GOSUMDB", "off"), ("GOPROXY", "https://proxy.example")]).unwrap_err();
        assert!(
            err.message()
                .contains("checksum database disabled by GOSUMDB=off"),
            "{}",
            err.message()
        );
        assert!(
            err.message().contains("/nonexistent/go/env:1"),
            "{}",
            err.message()
        );
        let err = settings(&[("GOSUMDB", "off"), ("GOPROXY", "file:///a,file:///b")]).unwrap_err();
        assert_eq!(err.exit(), Exit::Verification);
        let ok = settings(&[("GOSUMDB", "off"), ("GOPROXY", "file:///srv/proxy")]).unwrap();
        assert!(matches!(ok.sumdb, Sumdb::Off));
    }

    #[test]
    fn gonosumdb_does_not_turn_the_database_off_for_toolchains() {
        let s = settings(&[
            ("GONOSUMDB", "golang.org"),
            ("GOPROXY", "file:///a|https://b"),
        ])
        .unwrap();
        assert!(matches!(s.sumdb, Sumdb::Database { .. }));
        let s = settings(&[("GOPRIVATE", "golang.org"), ("GOPROXY", "file:///a")]).unwrap();
        assert!(matches!(s.sumdb, Sumdb::Off));
        assert_eq!(
            s.proxies[0].proxy,
            Proxy::Direct,
            "GOPRIVATE also sends it to direct"
        );
    }

    #[test]
    fn gosumdb_forms() {
        let s = settings(&[]).unwrap();
        let Sumdb::Database { name, url, .. } = s.sumdb else {
            panic!()
        };
        assert_eq!((name.as_str(), url), ("sum.golang.org", None));
        let s = settings(&[("GOSUMDB", "sum.golang.google.cn")]).unwrap();
        let Sumdb::Database { name, url, .. } = s.sumdb else {
            panic!()
        };
        assert_eq!(name, "sum.golang.org");
        assert_eq!(url.as_deref(), Some("https://sum.golang.google.cn"));
        let vkey = format!("{SUM_GOLANG_ORG_KEY} https://sumdb.example/");
        let s = settings(&[("GOSUMDB", &vkey)]).unwrap();
        let Sumdb::Database { url, .. } = s.sumdb else {
            panic!()
        };
        assert_eq!(url.as_deref(), Some("https://sumdb.example"));
        for bad in [
            "on",
            "a b c",
            "sum.golang.org+00000000+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8",
        ] {
            let err = settings(&[("GOSUMDB", bad)]).unwrap_err();
            assert!(
                err.message().starts_with("invalid GOSUMDB"),
                "{bad}: {}",
                err.message()
            );
        }
    }
}
