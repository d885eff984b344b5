//! The Windows release zip that `scripts/release.sh` built (`GVX_TEST_RELEASE_DIR`), under
//! wine, through the steps install.ps1 takes (PowerShell itself does not run here): its sha256
//! checked against its `SHA256SUMS` line, unpacked, `gvx.exe` and `gvx-shim.exe` copied into a
//! fresh GVX_HOME, `gvx.exe --version`, `gvx.exe reshim`, then `go version` through the shim
//! it made, against the real go1.22.10 for Windows.

use crate::lanes;
use crate::support::{DEFAULT, world};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Read;
use std::path::Path;

const ZIP: &str = "gvx-x86_64-windows.zip";

/// The SHA256SUMS line's hash for `name` (exactly one line).
fn listed_sha256(sums: &str, name: &str) -> String {
    let lines: Vec<&str> = sums
        .lines()
        .filter(|line| line.split_whitespace().nth(1) == Some(name))
        .collect();
    assert_eq!(lines.len(), 1, "SHA256SUMS has one line for {name}: {sums}");
    lines[0].split_whitespace().next().unwrap().to_owned()
}

fn unzip(bytes: &[u8], into: &Path) -> Vec<String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().into_owned();
        assert!(
            !name.contains('/') && !name.contains('\\'),
            "{name} is not at the zip's root"
        );
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        fs::write(into.join(&name), data).unwrap();
        names.push(name);
    }
    names
}

#[test]
fn the_release_zip_installs_and_its_shim_runs_go() {
    let Some(dir) = lanes::input_dir(
        "release archives",
        "GVX_TEST_RELEASE_DIR",
        "scripts/release.sh with the test key (scripts/test.sh runs it)",
    ) else {
        return;
    };
    let Some(w) = world() else { return };

    let zip = fs::read(dir.join(ZIP)).unwrap();
    let sums = fs::read_to_string(dir.join("SHA256SUMS")).unwrap();
    let actual = format!("{:x}", Sha256::digest(&zip));
    assert_eq!(
        actual,
        listed_sha256(&sums, ZIP),
        "{ZIP} against SHA256SUMS"
    );

    let root = w.scratch("release");
    let unpacked = root.join("unpacked");
    fs::create_dir_all(&unpacked).unwrap();
    let mut names = unzip(&zip, &unpacked);
    names.sort();
    assert_eq!(names, ["gvx-shim.exe", "gvx.exe"]);

    let home = root.join("gvx home");
    let bin = home.join("bin");
    fs::create_dir_all(&bin).unwrap();
    for name in &names {
        fs::copy(unpacked.join(name), bin.join(name)).unwrap();
    }
    // The SDK the shim will run, as `gvx install` leaves it (hard links into the shared world).
    fs::create_dir_all(home.join("sdk")).unwrap();
    let status = std::process::Command::new("cp")
        .arg("-al")
        .arg(w.sdk(DEFAULT))
        .arg(home.join("sdk").join(format!("go{DEFAULT}")))
        .status()
        .unwrap();
    assert!(status.success());
    fs::write(home.join("default"), format!("{DEFAULT}\n")).unwrap();

    let gvx = w.win(&bin.join("gvx.exe"));
    let home_win = w.win(&home);
    let version = w
        .wine(&gvx)
        .arg("--version")
        .env("GVX_HOME", &home_win)
        .run();
    assert_eq!(
        version.success().trim(),
        format!("gvx {}", env!("CARGO_PKG_VERSION"))
    );
    w.wine(&gvx)
        .arg("reshim")
        .env("GVX_HOME", &home_win)
        .run()
        .success();
    assert!(bin.join("go.exe").is_file(), "gvx reshim made no go.exe");
    let go = w
        .wine(&w.win(&bin.join("go.exe")))
        .arg("version")
        .env("GVX_HOME", &home_win)
        .cwd(&root)
        .run();
    assert!(
        go.success()
            .contains(&format!("go version go{DEFAULT} windows/amd64")),
        "{go}"
    );
}
