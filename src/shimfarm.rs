//! Places the shims in `<GVX_HOME>/bin`: `go` and `gofmt`, plus `go1.X.Y` for every installed
//! SDK (Go's own toolchain switch looks those up on PATH before downloading). Each is a real
//! executable, a copy of the `gvx-shim` binary installed beside gvx, replaced atomically.

use crate::error::{Error, Exit, Result};
use gvx_shims::Store;
use gvx_shims::store::EXE_SUFFIX;
use std::path::{Path, PathBuf};

/// The shim binary shipped next to the running gvx.
pub fn shim_source() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let source = exe.with_file_name(format!("gvx-shim{EXE_SUFFIX}"));
    if source.is_file() {
        return Ok(source);
    }
    Err(Error::new(
        Exit::Store,
        format!("the shim binary {} is missing", source.display()),
    )
    .hint(
        "reinstall gvx with install.sh (or install.ps1), which puts gvx and gvx-shim side by side",
    ))
}

/// Creates or updates every shim so that `bin/` matches the installed SDKs.
pub fn refresh(store: &Store) -> Result<()> {
    let source = shim_source()?;
    let shim = fs_err::read(&source)?;
    let bin = store.bin_dir();
    fs_err::create_dir_all(&bin)?;
    sweep_replaced(&bin);
    let mut wanted = vec!["go".to_owned(), "gofmt".to_owned()];
    wanted.extend(store.installed()?.iter().map(|v| v.name()));
    for name in &wanted {
        place(&bin, &format!("{name}{EXE_SUFFIX}"), &shim)?;
    }
    for entry in fs_err::read_dir(&bin)?.flatten() {
        let file_name = entry.file_name();
        let Some(name) = file_name.to_str() else {
            continue;
        };
        let stem = name.strip_suffix(EXE_SUFFIX).unwrap_or(name);
        let is_version_shim =
            stem.starts_with("go1") && gvx_shims::module::from_toolchain(stem).is_some();
        if is_version_shim && !wanted.iter().any(|w| w == stem) {
            remove(&entry.path());
        }
    }
    Ok(())
}

/// Writes `bin/<name>` unless it already holds exactly these bytes.
fn place(bin: &Path, name: &str, shim: &[u8]) -> Result<()> {
    let dest = bin.join(name);
    if fs_err::read(&dest).is_ok_and(|existing| existing == shim) {
        return Ok(());
    }
    let temp = bin.join(format!(".new-{name}-{}", std::process::id()));
    fs_err::write(&temp, shim)?;
    make_executable(&temp)?;
    if cfg!(windows) && dest.exists() {
        // A running .exe cannot be overwritten but can be renamed aside.
        let _ = crate::platform::rename(&dest, &replaced_name(bin, name));
    }
    crate::platform::rename(&temp, &dest).map_err(|e| {
        let _ = fs_err::remove_file(&temp);
        Error::from(e)
    })
}

fn replaced_name(bin: &Path, name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    bin.join(format!(".replaced-{nanos}-{name}"))
}

/// Deletes shims renamed aside earlier (those still running stay until next time) and shims
/// half-written by a killed refresh.
fn sweep_replaced(bin: &Path) {
    let Ok(entries) = fs_err::read_dir(bin) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // `.new-*`: a shim half-written by a killed refresh (every refresh holds the lock).
        if name.starts_with(".replaced-") || name.starts_with(".new-") {
            let _ = fs_err::remove_file(entry.path());
        }
    }
}

fn remove(path: &Path) {
    if fs_err::remove_file(path).is_err() && cfg!(windows) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(bin) = path.parent() {
            let _ = crate::platform::rename(path, &replaced_name(bin, &name));
        }
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs_err::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

#[cfg(not(unix))]
#[allow(clippy::unnecessary_wraps)]
fn make_executable(_: &Path) -> Result<()> {
    Ok(())
}
