//! `gvx doctor --ci`: the pre-check a CI runner needs before a job builds — `go` runs, and
//! through the gvx shim; GOROOT is left to the shim; GOPATH, GOBIN and the caches are the
//! job's own and writable — as a short report (JSON) whose exit status gates the job.

use super::model::{Check, Fix, Item, Source};
use super::{gobin, gopath, goroot, path, settings};
use crate::environment::Snapshot;
use std::time::Duration;

/// The checks `--ci` runs, in order.
pub fn checks(m: &Snapshot) -> Vec<Check> {
    vec![
        go_runs(m),
        path::check(m),
        goroot::check(m),
        gopath::check_gopath(m),
        gobin::check(m),
        settings::dirs(m),
    ]
}

/// `go version`, run as the job would run it: the first `go` on PATH.
pub fn go_runs(m: &Snapshot) -> Check {
    let mut check = Check::new("go-runs", "go runs through the gvx shim");
    let Some(first) = path::found(m).into_iter().next() else {
        check.push(Item::fail("no `go` on PATH").fix(Fix::manual(
            "put the gvx shims on PATH",
            Some("gvx setup".into()),
        )));
        return check.summary("no go on PATH");
    };
    let evidence = (
        first.exe.display().to_string(),
        Source::PathEntry { index: first.index },
    );
    if !first.shim {
        check.push(
            Item::fail(format!("`go` is {}, not the gvx shim", first.exe.display()))
                .evidence(evidence.0, evidence.1)
                .fix(Fix::manual(
                    "put the gvx shims first on PATH",
                    Some("gvx setup".into()),
                )),
        );
        return check.summary("another go comes first");
    }
    let want = m.selected_name();
    match m
        .disk
        .run(&first.exe, &["version"], &[], Duration::from_secs(60))
    {
        Ok(out)
            if want
                .as_deref()
                .is_some_and(|w| out.split_whitespace().any(|x| x == w)) =>
        {
            check.summary(out.trim().to_owned())
        }
        Ok(out) => {
            check.push(
                Item::fail(format!(
                    "`go version` through the shim printed `{}`, not {}",
                    gvx_shims::text::untrusted(out.trim()),
                    want.as_deref().unwrap_or("the selected version")
                ))
                .evidence(evidence.0, evidence.1),
            );
            check.summary("go runs another version")
        }
        Err(why) => {
            check.push(
                Item::fail(format!("`go version` through the shim failed: {why}"))
                    .evidence(evidence.0, evidence.1)
                    .detail("every go step of the job fails the same way"),
            );
            check.summary("go does not run")
        }
    }
}
