//! The store lock: every mutation of `<GVX_HOME>` holds it; readers never take it.

use crate::env;
use crate::error::{Error, Exit, Result};
use crate::report;
use gvx_shims::Store;
use std::fs::{File, TryLockError};
use std::time::{Duration, Instant};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// Held until dropped.
#[derive(Debug)]
pub struct StoreLock {
    _file: File,
}

/// Takes the store lock, saying so when another gvx process holds it.
pub fn lock(store: &Store) -> Result<StoreLock> {
    let path = store.lock_file();
    fs_err::create_dir_all(store.home()).map_err(|e| unwritable(store, e))?;
    let file = fs_err::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| unwritable(store, e))?;
    let file = file.into_parts().0;
    let timeout = env::var(env::GVX_LOCK_TIMEOUT)
        .and_then(|s| s.parse().ok())
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs);
    let started = Instant::now();
    let mut said = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(StoreLock { _file: file }),
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(e)) => {
                return Err(
                    Error::new(Exit::Store, format!("cannot lock {}", path.display())).source(e),
                );
            }
        }
        if !said {
            report::status(&format!(
                "waiting for another gvx process (lock at {}) ...",
                path.display()
            ));
            said = true;
        }
        if started.elapsed() > timeout {
            return Err(Error::new(
                Exit::Store,
                format!(
                    "another gvx process has held {} for over {} s",
                    path.display(),
                    timeout.as_secs()
                ),
            )
            .hint(format!(
                "wait for it to finish, or raise {}",
                env::GVX_LOCK_TIMEOUT
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The store lock if it is free right now and the store is writable; `None` otherwise. For
/// tidying up that can wait for the next change when someone else is busy.
pub fn try_lock(store: &Store) -> Option<StoreLock> {
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(store.lock_file())
        .ok()?;
    file.try_lock().ok()?;
    Some(StoreLock { _file: file })
}

fn unwritable(store: &Store, e: std::io::Error) -> Error {
    Error::new(
        Exit::Store,
        format!(
            "the gvx store {} is not writable: changing it (installing, uninstalling, `gvx use`, `gvx reshim`) takes the lock {}",
            store.home().display(),
            store.lock_file().display()
        ),
    )
    .source(e)
    .hint(format!(
        "run this as the store's owner, fix its permissions, or point {} at a directory you own (reading it, as `gvx list` and the go shim do, needs no write access)",
        env::GVX_HOME
    ))
}
