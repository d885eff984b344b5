//! The std-only core shared by the `go`/`gofmt` shim and the gvx CLI: Go's version order, the
//! pin files, the one implementation of version selection, the GOPATH guard and the layout of
//! the store. Nothing here uses the network or a heavy dependency, so the shim starts fast.

pub mod goenv;
pub mod guard;
mod launch;
pub mod module;
pub mod pin;
pub mod select;
pub mod shim;
pub mod store;
pub mod text;
pub mod version;

/// Leaves Ctrl+C and Ctrl+Break to the child a process waits for (Windows), as the shim does;
/// `gvx exec` uses it too.
#[cfg(windows)]
pub use launch::ignore_console_ctrl;
pub use select::{Selection, select};
pub use store::Store;
pub use version::{GoVersion, VersionRequest};
