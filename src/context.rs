//! What every command needs: the store, this host, output settings, (created on first use)
//! the HTTP client and the download index, and the selection for the working directory.

use crate::error::Result;
use crate::http::Http;
use crate::index::{self, Index};
use crate::platform::Host;
use gvx_shims::Store;
use gvx_shims::select::{self, Inputs, Selection};
use std::cell::OnceCell;

pub struct Context {
    pub store: Store,
    pub host: Host,
    /// No progress bars or status chatter.
    pub quiet: bool,
    /// Fetch the index even when the cache is fresh.
    pub refresh: bool,
    http: OnceCell<Http>,
    index: OnceCell<Index>,
}

impl Context {
    pub fn new(store: Store, quiet: bool, refresh: bool) -> Self {
        Context {
            store,
            host: Host::current(),
            quiet,
            refresh,
            http: OnceCell::new(),
            index: OnceCell::new(),
        }
    }

    pub fn http(&self) -> Result<&Http> {
        if let Some(http) = self.http.get() {
            return Ok(http);
        }
        let http = Http::new()?;
        Ok(self.http.get_or_init(|| http))
    }

    /// The download index, loaded once per run.
    pub fn index(&self) -> Result<&Index> {
        if let Some(index) = self.index.get() {
            return Ok(index);
        }
        let index = index::load(&self.store, || self.http(), &self.host, self.refresh)?;
        Ok(self.index.get_or_init(|| index))
    }

    /// The archive mirror: `GVX_GO_MIRROR` or dl.google.com, without a trailing slash.
    pub fn mirror(&self) -> String {
        crate::env::var(crate::env::GVX_GO_MIRROR)
            .unwrap_or_else(|| crate::env::DEFAULT_MIRROR.to_owned())
            .trim_end_matches('/')
            .to_owned()
    }

    /// The selection for the working directory, as the shim computes it.
    pub fn selection(&self) -> Result<Selection> {
        let cwd = std::env::current_dir()?;
        let inputs = Inputs::from_env(cwd, &gvx_shims::goenv::GoEnv::load());
        Ok(select::select(&inputs, &self.store)?)
    }

    /// Prints a status line unless quiet.
    pub fn status(&self, text: &str) {
        if !self.quiet {
            crate::report::status(text);
        }
    }
}
