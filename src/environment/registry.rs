//! The Windows registry: the values the doctor reads, as data — the user, volatile and machine
//! environment keys (unexpanded, with their types) and the Go MSI's registration, read once, on
//! Windows, by [`read`]; empty elsewhere, and built from data in tests — and the one writer of
//! values ([`write`], `HKCU` only), which first checks each value is still what the editor read,
//! so a change made meanwhile is never overwritten. Other systems have no registry: there is
//! nothing to read, and a write is an error.

use super::Scope;
use super::edit::{RegData, RegistryEdit};
use crate::error::{Error, Exit, Result};
pub use crate::platform::windows_env::{Kind, MACHINE_ENV, USER_ENV};

pub const VOLATILE_ENV: &str = r"HKCU\Volatile Environment";
pub const MSI_KEY: &str = r"HKCU\Software\GoProgrammingLanguage";

/// One registry value, unexpanded.
#[derive(Clone, Debug)]
pub struct RegValue {
    pub key: &'static str,
    pub scope: Scope,
    pub name: String,
    pub kind: Kind,
    pub raw: String,
}

/// What the registry holds that the doctor reads.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    pub values: Vec<RegValue>,
    /// `HKCU\Software\GoProgrammingLanguage` `installLocation`, set by the Go MSI.
    pub msi: Option<String>,
}

impl Registry {
    pub fn get(&self, key: &str, name: &str) -> Option<&RegValue> {
        self.values
            .iter()
            .find(|v| v.key == key && v.name.eq_ignore_ascii_case(name))
    }
}

/// Reads the environment keys (values unexpanded) and the MSI's registration.
#[cfg(windows)]
pub fn read() -> Registry {
    use crate::platform::windows_env::{self as env, Hive, MACHINE_ENV_KEY, USER_ENV_KEY};
    let mut values = Vec::new();
    let mut read_key = |hive: Hive, path: &str, key: &'static str, scope: Scope| {
        for (name, value) in env::read_values(hive, path) {
            values.push(RegValue {
                key,
                scope,
                name,
                kind: value.kind,
                raw: value.text,
            });
        }
    };
    read_key(Hive::User, USER_ENV_KEY, USER_ENV, Scope::User);
    read_key(
        Hive::User,
        "Volatile Environment",
        VOLATILE_ENV,
        Scope::Session,
    );
    read_key(Hive::Machine, MACHINE_ENV_KEY, MACHINE_ENV, Scope::System);
    Registry {
        values,
        msi: env::go_msi_location(),
    }
}

/// No registry outside Windows.
#[cfg(not(windows))]
pub fn read() -> Registry {
    Registry::default()
}

/// The value `name` of `HKCU\<key>`, as gvx writes values.
pub fn user_value(key: &str, name: &str) -> Result<Option<RegData>> {
    os::read_user(key, name).map_err(|e| {
        Error::new(Exit::Environment, format!(r"cannot read HKCU\{key}\{name}"))
            .source(e)
            .hint("nothing was changed")
    })
}

/// Writes one value, if it is still what the plan read.
pub fn write(edit: &RegistryEdit) -> Result<()> {
    if user_value(&edit.key, &edit.name)? != edit.before {
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
