//! The module proxy and checksum database `bench/run.py toolchain` serves on loopback: the real
//! SDKs in the module form `GOTOOLCHAIN` downloads (`golang.org/toolchain`), and a sumdb signed
//! with a test key that the real `go` accepts — built by the integration tests' own fixtures
//! (`tests/it/support/goproxy.rs`, checked against the real `go` by `support_selftest`).
//!
//! ```text
//! cargo test --release --bench toolchain_proxy -- OUT 1.22.10 [--goroot 1.21.13]
//! ```
//!
//! Writes `OUT/proxy/` (GOPROXY's tree: `golang.org/toolchain/@v/…`, `sumdb/<name>/…`) with a
//! toolchain module for each version, and prints `key value` lines: `proxy <dir>`, `sumdb
//! <name>`, `vkey <GOSUMDB key>`, `h1 <version> <h1:…>`, and `goroot <version> <dir>` for every
//! version named (the extracted real SDK). Needs `GVX_TEST_SDKS` (or the trees extracted by an
//! earlier test run).

#[cfg(unix)]
#[path = "../tests/it/support/mod.rs"]
mod support;

/// The checksum database's name (the signer in its notes).
#[cfg(unix)]
const SUMDB: &str = "sumdb.bench.test";

/// Records ahead of the toolchains, so the proofs climb three tile levels as sum.golang.org's
/// do (it holds tens of millions; Go's client reads one tile per level).
#[cfg(unix)]
const FILLERS: usize = 70_000;

fn main() {
    #[cfg(unix)]
    {
        if let Err(e) = unix::run(std::env::args().skip(1).collect()) {
            let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{e}\n").as_bytes());
            std::process::exit(2);
        }
    }
    #[cfg(not(unix))]
    {
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"bench/toolchain_proxy: Unix only (the real SDKs are linux/amd64)\n",
        );
        std::process::exit(2);
    }
}

#[cfg(unix)]
mod unix {
    use super::support::goproxy::{GoProxy, Sumdb, ToolchainZip, real_goroot};
    use super::support::host_os_arch;
    use super::{FILLERS, SUMDB};
    use std::io::Write;
    use std::path::PathBuf;

    pub fn run(args: Vec<String>) -> Result<(), String> {
        let usage = "usage: toolchain_proxy OUT VERSION... [--goroot VERSION]...";
        // `cargo bench` appends `--bench`.
        let mut args = args.into_iter().filter(|a| a != "--bench");
        let out = PathBuf::from(args.next().ok_or(usage)?);
        let (mut publish, mut goroots) = (Vec::new(), Vec::new());
        while let Some(a) = args.next() {
            if a == "--goroot" {
                goroots.push(args.next().ok_or(usage)?);
            } else {
                publish.push(a);
            }
        }
        if !out.is_absolute() || publish.is_empty() {
            return Err(format!("{usage} (OUT absolute)"));
        }
        let goroot = |v: &str| {
            real_goroot(v).ok_or_else(|| {
                format!("no real go{v}: set GVX_TEST_SDKS (scripts/real-sdks.sh prepares it)")
            })
        };
        let (goos, goarch) = host_os_arch();
        let proxy = GoProxy::new(&out.join("proxy"));
        let mut db = Sumdb::new(SUMDB, 0x5b);
        db.add_fillers(FILLERS);
        let mut lines = vec![
            format!("proxy {}", proxy.root.display()),
            format!("sumdb {SUMDB}"),
            format!("vkey {}", db.vkey()),
        ];
        for v in &publish {
            let zip = ToolchainZip::from_sdk_tree(&goroot(v)?, v, goos, goarch);
            proxy.publish(&zip);
            db.add_toolchain(&zip);
            lines.push(format!("h1 {v} {}", zip.h1()));
        }
        proxy.publish_sumdb(&db);
        for v in publish.iter().chain(&goroots) {
            lines.push(format!("goroot {v} {}", goroot(v)?.display()));
        }
        let mut stdout = std::io::stdout().lock();
        for line in lines {
            writeln!(stdout, "{line}").map_err(|e| format!("stdout: {e}"))?;
        }
        Ok(())
    }
}
