//! Every environment variable gvx reads, declared once. The README's table lists them all.

/// Overrides every pin and the global default for the shims and `gvx current`.
pub use gvx_shims::select::GVX_GO_VERSION;
/// `0`/`false`/`no`/`off`: the shims never install a missing SDK; they say what to run instead.
pub use gvx_shims::shim::AUTO_INSTALL_VAR as GVX_AUTO_INSTALL;
pub use gvx_shims::shim::VERBOSE_VAR as GVX_VERBOSE;
/// The store: SDKs, shims, the default version, caches. Default `~/.gvx`.
pub use gvx_shims::store::GVX_HOME;

/// URL of the official JSON download index, the only source of sha256s.
pub const GVX_GO_INDEX: &str = "GVX_GO_INDEX";
/// Base URL archives are fetched from by file name; bytes only, always verified.
pub const GVX_GO_MIRROR: &str = "GVX_GO_MIRROR";
/// Seconds to wait for another gvx process's lock before giving up. Default 600.
pub const GVX_LOCK_TIMEOUT: &str = "GVX_LOCK_TIMEOUT";
/// Seconds the cached index stays fresh. Default 600.
pub const GVX_INDEX_TTL: &str = "GVX_INDEX_TTL";
/// Seconds to wait for a connection and for any byte of an answer (each read, not the whole
/// transfer). Default 30 to connect, 60 of silence.
pub const GVX_HTTP_TIMEOUT: &str = "GVX_HTTP_TIMEOUT";

/// Base URL of gvx's own releases (`gvx self update`), laid out like GitHub's:
/// `<base>/latest/download/<file>` and `<base>/download/v<version>/<file>`.
pub const GVX_RELEASE_URL: &str = "GVX_RELEASE_URL";

pub const DEFAULT_RELEASE_URL: &str = "https://github.com/gvx-dev/gvx/releases";
pub const DEFAULT_INDEX: &str = "https://go.dev/dl/?mode=json&include=all";
/// Same handler and data as go.dev, reachable where go.dev is not.
pub const FALLBACK_INDEX: &str = "https://golang.google.cn/dl/?mode=json&include=all";
pub const DEFAULT_MIRROR: &str = "https://dl.google.com/go";
/// Where the fallback index's own download links point (`/dl/<file>` on the same host, as its
/// HTML page links them): tried for an archive when [`DEFAULT_MIRROR`] cannot be reached and
/// GVX_GO_MIRROR is not set. The bytes are verified against the index like any mirror's.
pub const FALLBACK_MIRROR: &str = "https://golang.google.cn/dl";

/// A variable's value, if set and not empty.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}
