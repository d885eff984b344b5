//! gvx integration tests (placeholder; the lead replaces this file).

mod support;
mod support_selftest;
