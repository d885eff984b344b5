//! gvx: install official Go SDKs, verified and atomically, and select the right one for every
//! project through `go`/`gofmt` shims. The selection itself lives in the `gvx-shims` crate so
//! that the shim and the CLI share one implementation.

pub mod adopt;
pub mod archive;
pub mod cli;
pub mod commands;
pub mod completion;
pub mod context;
pub mod default;
pub mod doctor;
pub mod env;
pub mod environment;
pub mod error;
pub mod http;
pub mod index;
pub mod install;
pub mod lock;
pub mod manifest;
pub mod platform;
pub mod provenance;
pub mod prune;
pub mod report;
pub mod selfupdate;
pub mod setup;
pub mod shell;
pub mod shimfarm;
pub mod source;
pub mod storefs;
pub mod sumdb;
pub mod uninstall;
pub mod upgrade;
