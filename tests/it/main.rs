//! gvx integration tests: one binary, one module per area, all against a loopback server.

mod doctor;
mod install;
mod real_sdk;
mod shells;
mod shim;
mod support;
mod support_selftest;
