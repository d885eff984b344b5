//! The integration suite's GOPROXY and checksum database fixtures (`tests/it/support/`),
//! reused here to serve a Windows toolchain module to gvx.exe under wine.
#![allow(dead_code)]

/// What the fixtures reach as `super::lanes`.
pub(crate) use crate::lanes;

#[path = "../it/support/archive.rs"]
pub mod archive;
#[path = "../it/support/goproxy.rs"]
pub mod fixture;
#[path = "../it/support/fixtures.rs"]
pub mod fixtures;

/// What the fixtures name "this host": the Windows lane serves windows/amd64.
pub fn host_os_arch() -> (&'static str, &'static str) {
    ("windows", "amd64")
}
