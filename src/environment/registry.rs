//! The one writer of registry values (Windows, `HKCU` only): each write first checks the value
//! is still what the editor read, so a change made meanwhile is never overwritten. Other systems
//! have no registry: there is nothing to read, and a write is an error.

use super::edit::{RegData, RegistryEdit};
use crate::error::{Error, Exit, Result};

/// The value `name` of `HKCU\<key>`.
pub fn read(key: &str, name: &str) -> Result<Option<RegData>> {
    os::read_user(key, name).map_err(|e| {
        Error::new(Exit::Environment, format!(r"cannot read HKCU\{key}\{name}"))
            .source(e)
            .hint("nothing was changed")
    })
}

/// Writes one value, if it is still what the plan read.
pub fn write(edit: &RegistryEdit) -> Result<()> {
    if read(&edit.key, &edit.name)? != edit.before {
        return Err(Error::new(
            Exit::Environment,
            format!("{} changed while gvx ran; it was left alone", edit.place()),
        )
        .hint("run the command again"));
    }
    os::write_user(&edit.key, &edit.name, edit.after.as_ref()).map_err(|e| {
        Error::new(Exit::Environment, format!("cannot change {}", edit.place())).source(e)
    })
}

/// Tells programs started from now on that the environment changed.
pub fn broadcast() {
    os::broadcast();
}

#[cfg(windows)]
use crate::platform::windows_env as os;

#[cfg(not(windows))]
mod os {
    use super::RegData;
    use std::io::{Error, ErrorKind, Result};

    #[allow(clippy::unnecessary_wraps)]
    pub fn read_user(_key: &str, _name: &str) -> Result<Option<RegData>> {
        Ok(None)
    }

    pub fn write_user(_key: &str, _name: &str, _data: Option<&RegData>) -> Result<()> {
        Err(Error::new(
            ErrorKind::Unsupported,
            "the registry exists only on Windows",
        ))
    }

    pub fn broadcast() {}
}
