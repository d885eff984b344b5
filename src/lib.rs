//! gvx: a Go SDK version manager.
