//! Check 5: Go's own settings — GOTOOLCHAIN against gvx's selection; GOMODCACHE, GOCACHE and
//! GOENV writable; GOPROXY, GOSUMDB and GOPRIVATE sane; with `--online`, the proxy answers.

use super::gopath::setting_fix;
use super::model::{Check, Fix, Item, Source, Status};
use crate::environment::Snapshot;
use crate::environment::disk::{Writable, env_file_lines};
use gvx_shims::goenv::{Origin, Setting};
use gvx_shims::select::Policy;
use std::path::PathBuf;

fn with_setting(m: &Snapshot, mut item: Item, var: &str, setting: &Setting, fix: bool) -> Item {
    let (evidence, found) = setting_fix(m, var, setting);
    for (value, source) in evidence {
        item = item.evidence(value, source);
    }
    if fix { item.maybe_fix(found) } else { item }
}

pub fn gotoolchain(m: &Snapshot) -> Check {
    let mut check = Check::new("gotoolchain", "GOTOOLCHAIN");
    let Some(setting) = m.setting("GOTOOLCHAIN") else {
        return check
            .summary("not set: auto (go.mod's toolchain lines are met from the gvx store)");
    };
    let value = setting.value.clone();
    let selected = m.selected_name().unwrap_or_else(|| "the selection".into());
    match Policy::parse(Some(&value)) {
        Policy::Auto { base: None, .. } => {}
        Policy::Auto {
            base: Some(v),
            path,
        } => check.push(with_setting(
            m,
            Item::ok(format!(
                "GOTOOLCHAIN={value}: go runs {} unless go.mod needs newer, met from the gvx store{}",
                v.name(),
                if path { " (never downloaded by go)" } else { "" }
            ))
            .detail("it overrides .go-version and the global default, as in Go"),
            "GOTOOLCHAIN",
            &setting,
            false,
        )),
        Policy::Custom => check.push(with_setting(
            m,
            Item::warn(format!("GOTOOLCHAIN={value} names a custom toolchain"))
                .detail(format!("gvx cannot install it; the shim runs {selected}, and that go looks for `{value}` on PATH itself")),
            "GOTOOLCHAIN",
            &setting,
            false,
        )),
        Policy::Local => check.push(with_setting(
            m,
            Item::ok(format!("GOTOOLCHAIN={value}: go runs {selected} as selected; go.mod's go and toolchain lines never raise it"))
                .detail("in a module that needs a newer Go, go fails with `go.mod requires go >= …` instead of switching"),
            "GOTOOLCHAIN",
            &setting,
            false,
        )),
        Policy::Exact(v) => {
            let name = v.name();
            let really = if m.find(&v).is_some() {
                format!("go runs {name} from the gvx store everywhere, whatever .go-version, the global default and go.mod say")
            } else {
                format!("whatever .go-version, the global default and go.mod say: {name} is not in the gvx store yet, so the shim installs it on first use (GVX_AUTO_INSTALL=0: it says what to run instead)")
            };
            check.push(with_setting(
                m,
                Item::warn(format!("GOTOOLCHAIN={value} overrides gvx's selection")).detail(really),
                "GOTOOLCHAIN",
                &setting,
                true,
            ));
        }
        Policy::Invalid => check.push(with_setting(
            m,
            Item::fail(format!("GOTOOLCHAIN={value} is not a value Go accepts"))
                .detail("go refuses to start: `invalid GOTOOLCHAIN` (use auto, local, path, go1.X.Y, go1.X.Y+auto)"),
            "GOTOOLCHAIN",
            &setting,
            true,
        )),
    }
    let summary = format!(
        "{value} ({})",
        m.describe(&m.origin_source(&setting.origin))
    );
    check.summary(summary)
}

/// `os.UserCacheDir()`.
fn user_cache_dir(m: &Snapshot) -> Option<PathBuf> {
    let var = |k: &str| m.process.var(k).map(PathBuf::from);
    if cfg!(windows) {
        var("LocalAppData")
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library").join("Caches"))
    } else {
        var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|h| h.join(".cache")))
    }
}

/// A FAIL when Go cannot write `dir` (`what`, set by `setting` or Go's default).
fn writable(
    m: &Snapshot,
    check: &mut Check,
    what: &str,
    dir: PathBuf,
    setting: Option<Setting>,
    fails: &str,
) {
    let Writable::No { at, why } = m.disk.writable(&dir) else {
        return;
    };
    let mut item = Item::fail(format!(
        "{what} {} is not writable ({why} at {})",
        m.show(&dir),
        m.show(&at)
    ))
    .detail(fails.to_owned());
    if let Some(s) = &setting {
        item = with_setting(m, item, what, s, true);
    } else {
        item = item.evidence(dir.display().to_string(), Source::Default);
    }
    check.push(item);
}

pub fn dirs(m: &Snapshot) -> Check {
    let mut check = Check::new("go-dirs", "Go's caches and env file");
    if let Some(cache) = m.goenv.gomodcache() {
        let setting = m.setting("GOMODCACHE");
        writable(
            m,
            &mut check,
            "GOMODCACHE",
            PathBuf::from(&cache.value),
            setting,
            "`go get`, `go mod download` and builds that need modules fail",
        );
    }
    let gocache = m.setting("GOCACHE");
    match gocache.as_ref().map(|s| s.value.as_str()) {
        Some("off") => {
            let setting = gocache.clone().unwrap_or(Setting {
                value: "off".into(),
                origin: Origin::Default,
            });
            check.push(with_setting(
                m,
                Item::fail("GOCACHE=off").detail("`go build` fails: `build cache is disabled by GOCACHE=off, but required as of Go 1.12`"),
                "GOCACHE",
                &setting,
                true,
            ));
        }
        Some(dir) => writable(
            m,
            &mut check,
            "GOCACHE",
            PathBuf::from(dir),
            gocache.clone(),
            "every `go build` and `go test` fails",
        ),
        None => {
            if let Some(dir) = user_cache_dir(m) {
                writable(
                    m,
                    &mut check,
                    "GOCACHE",
                    dir.join("go-build"),
                    None,
                    "every `go build` and `go test` fails",
                );
            }
        }
    }
    match &m.env_file {
        Some(file) => {
            let dir = file.parent().map(PathBuf::from).unwrap_or_default();
            if let Writable::No { at, why } = m.disk.writable(&dir) {
                check.push(
                    Item::warn(format!(
                        "Go's env file {} cannot be written ({why} at {})",
                        m.show(file),
                        m.show(&at)
                    ))
                    .detail("`go env -w` fails")
                    .evidence(
                        file.display().to_string(),
                        Source::Disk { path: file.clone() },
                    ),
                );
            }
        }
        None => check.push(
            Item::ok("GOENV=off: `go env -w` is disabled")
                .evidence("GOENV=off", Source::Environment),
        ),
    }
    let summary = if check.status == Status::Ok {
        "writable"
    } else {
        "not all writable"
    };
    check.summary(summary)
}

/// Proxies that serve everyone: with GOSUMDB=off, what they serve is not verified.
const PUBLIC_PROXIES: &[&str] = &[
    "proxy.golang.org",
    "goproxy.cn",
    "goproxy.io",
    "proxy.golang.com.cn",
    "mirrors.aliyun.com",
    "goproxy.baidu.com",
    "mirrors.tencent.com",
    "mirrors.cloud.tencent.com",
];

/// GOPROXY's default, from the selected SDK's `go.env`, else Go's built-in one.
fn default_proxy(m: &Snapshot, key: &str, builtin: &str) -> String {
    m.sdk()
        .and_then(|(_, root)| m.disk.read_to_string(&root.join("go.env")))
        .and_then(|text| {
            env_file_lines(&text)
                .into_iter()
                .rev()
                .find(|(k, _, _)| k == key)
                .map(|(_, v, _)| v)
        })
        .unwrap_or_else(|| builtin.to_owned())
}

/// GOPROXY's URLs, with a finding for each entry that is plain http or not a URL.
fn proxy_urls(
    m: &Snapshot,
    check: &mut Check,
    entries: &[&str],
    goproxy: Option<&Setting>,
) -> Vec<String> {
    let mut urls = Vec::new();
    for entry in entries {
        match *entry {
            "direct" | "off" => {}
            e if e.starts_with("https://") || e.starts_with("file://") => urls.push(e.to_owned()),
            e if e.starts_with("http://") => {
                urls.push(e.to_owned());
                let item = Item::warn(format!("GOPROXY entry {e} is plain http"))
                    .detail("module downloads can be read and altered on the way");
                check.push(match goproxy {
                    Some(s) => with_setting(m, item, "GOPROXY", s, false),
                    None => item,
                });
            }
            e => {
                let item = Item::fail(format!(
                    "GOPROXY entry `{e}` is not a URL, `direct` or `off`"
                ))
                .detail("go fails on every module download: `invalid proxy URL missing scheme`");
                check.push(match goproxy {
                    Some(s) => with_setting(m, item, "GOPROXY", s, true),
                    None => item,
                });
            }
        }
    }
    urls
}

pub fn proxy(m: &Snapshot) -> Check {
    let mut check = Check::new("proxy", "module proxy and checksums");
    let goproxy = m.setting("GOPROXY");
    let proxy_value = goproxy.as_ref().map_or_else(
        || default_proxy(m, "GOPROXY", "https://proxy.golang.org,direct"),
        |s| s.value.clone(),
    );
    let sumdb = m.setting("GOSUMDB");
    let sumdb_value = sumdb.as_ref().map_or_else(
        || default_proxy(m, "GOSUMDB", "sum.golang.org"),
        |s| s.value.clone(),
    );
    let entries: Vec<&str> = proxy_value
        .split([',', '|'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    let urls = proxy_urls(m, &mut check, &entries, goproxy.as_ref());
    if entries.first() == Some(&"off") {
        let item = Item::warn("GOPROXY=off: go downloads no modules")
            .detail("fine for vendored or fully cached builds; anything else fails with `module lookup disabled by GOPROXY=off`");
        check.push(match &goproxy {
            Some(s) => with_setting(m, item, "GOPROXY", s, false),
            None => item,
        });
    }
    let public = urls.iter().find(|u| {
        PUBLIC_PROXIES
            .iter()
            .any(|p| host(u) == *p || host(u).ends_with(&format!(".{p}")))
    });
    if sumdb_value == "off"
        && let Some(public) = public
    {
        let item = Item::warn(format!("GOSUMDB=off while downloading from the public proxy {public}"))
            .detail("nothing checks that the modules you get are the ones everyone else gets; set GONOSUMDB/GOPRIVATE for private modules instead");
        let item = match &sumdb {
            Some(s) => with_setting(m, item, "GOSUMDB", s, false),
            None => item,
        };
        check.push(item.fix(Fix::manual(
            "turn checksum verification back on (list private modules in GOPRIVATE or GONOSUMDB instead)",
            Some("go env -u GOSUMDB".into()),
        )));
    }
    for var in ["GOPRIVATE", "GONOPROXY", "GONOSUMDB"] {
        if let Some(setting) = m.setting(var)
            && setting.value.contains("://")
        {
            check.push(with_setting(
                m,
                Item::warn(format!("{var} holds a URL")).detail(format!(
                    "{var} takes module path patterns (example.com/org/*), not URLs; this one matches nothing"
                )),
                var,
                &setting,
                false,
            ));
        }
    }
    if m.online {
        online(m, &mut check, &urls);
    }
    check.summary(format!("GOPROXY={proxy_value} GOSUMDB={sumdb_value}"))
}

fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

/// Asks the first proxy for a module list (only with `--online`).
fn online(m: &Snapshot, check: &mut Check, urls: &[String]) {
    let Some(url) = urls.first() else {
        return;
    };
    if let Some(path) = url.strip_prefix("file://") {
        if !m.disk.is_dir(std::path::Path::new(path)) {
            check.push(Item::fail(format!("GOPROXY {url} is not a directory")));
        }
        return;
    }
    let probe = format!("{}/golang.org/x/mod/@v/list", url.trim_end_matches('/'));
    match m.disk.get(&probe) {
        Ok(status) => check.push(Item::ok(format!("{url} answers ({status})")).evidence(
            probe,
            Source::Command {
                command: "GET".into(),
            },
        )),
        Err(e) => {
            check.push(
                Item::fail(format!("{url} does not answer: {e}"))
                    .detail("module downloads fail; on networks where the default proxy is blocked, use a reachable mirror")
                    .fix(Fix::manual("use a proxy this network reaches", Some("go env -w GOPROXY=https://goproxy.cn,direct".into()))),
            );
        }
    }
}
