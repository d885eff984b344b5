//! gvx integration tests: one binary, one module per area, all against a loopback server.
//!
//! Unix only: the fake SDKs' `go` is a shell script. Windows behaviour is tested by running the
//! cross-built binaries under wine (`tests/windows/`).

#![cfg(unix)]

mod adopt;
mod doctor;
mod exec;
mod exit_codes;
mod hardening;
mod install;
mod proxy;
mod real_sdk;
mod self_update;
mod shared_stores;
mod shells;
mod shim;
mod support;
mod support_selftest;
mod upgrade;
mod verbose;
