use crate::context::Context;
use crate::error::Result;
use std::process::ExitCode;

/// Recreate the go, gofmt and go1.X.Y shims in <GVX_HOME>/bin.
#[derive(Debug, clap::Args)]
pub struct Reshim {}

impl Reshim {
    pub fn run(self, cx: &Context) -> Result<ExitCode> {
        let _lock = crate::lock::lock(&cx.store)?;
        crate::shimfarm::refresh(&cx.store)?;
        cx.status(&format!(
            "shims are up to date in {}",
            cx.store.bin_dir().display()
        ));
        Ok(ExitCode::SUCCESS)
    }
}
