//! The Windows lane: the cross-built `gvx-shim.exe` (and, later, `gvx.exe`) run under wine
//! against real Windows Go SDKs. Inputs come from `scripts/test.sh` (`GVX_WINEPREFIX`,
//! `GVX_TEST_WINDOWS_BIN`, `GVX_TEST_SDKS`); without wine or them the lane is skipped, or fails
//! under `GVX_TEST_STRICT=1` (`lanes`). Run alone with `cargo test --test windows`.
#![cfg(target_os = "linux")]

mod adopt;
mod goproxy;
mod gvx;
#[path = "../it/support/lanes.rs"]
mod lanes;
mod release;
mod self_update;
#[path = "../common/serve.rs"]
mod serve;
mod shim;
mod support;
