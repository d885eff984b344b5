//! The Windows registry values the doctor reads, as data: the user, volatile and machine
//! environment keys (unexpanded, with their types) and the Go MSI's registration. Read once,
//! on Windows, by [`read`]; empty elsewhere, and built from data in tests.

use super::Scope;
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
