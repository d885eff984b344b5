//! The Windows lane: the cross-built `gvx-shim.exe` (and, later, `gvx.exe`) run under wine
//! against real Windows Go SDKs. Inputs come from `scripts/test.sh` (`GVX_WINEPREFIX`,
//! `GVX_TEST_WINDOWS_BIN`, `GVX_TEST_SDKS`); without them every test fails with a pointer to
//! that script. Run alone with `cargo test --test windows`.
#![cfg(target_os = "linux")]

mod goproxy;
mod gvx;
mod shim;
mod support;
