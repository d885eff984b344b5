//! The Windows environment as the registry keeps it, shared by `gvx setup` and `gvx doctor`.
//!
//! A new process's PATH is the machine value (`HKLM\…\Session Manager\Environment\Path`)
//! followed by the user value (`HKCU\Environment\Path`), each expanded. gvx reads both raw
//! (`%VAR%` unexpanded, never `$env:Path`), edits only the user value, and only entry by entry:
//! every segment it does not own stays byte for byte, entries are compared ignoring case, `/`
//! vs `\` and a trailing separator, and the value keeps its type (`REG_EXPAND_SZ`, or `REG_SZ`
//! until a `%` needs expanding). A value that is not a string is never touched.
//!
//! The text work is plain Rust, unit-tested on every OS; the registry I/O at the end is
//! Windows only.

/// The user half of the environment, as messages name it.
pub const USER_ENV: &str = r"HKCU\Environment";
/// The machine half, as messages name it.
pub const MACHINE_ENV: &str = r"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment";
const MACHINE_PS: &str = r"HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Environment";

/// A registry value's type, as far as PATH cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sz,
    ExpandSz,
    /// Anything else (`REG_DWORD`, `REG_BINARY`, …): Windows ignores it as an environment value.
    Other(u32),
}

impl Kind {
    /// `REG_SZ`, `REG_EXPAND_SZ`, `REG_DWORD`, …
    pub fn name(self) -> String {
        match self {
            Kind::Sz => "REG_SZ".into(),
            Kind::ExpandSz => "REG_EXPAND_SZ".into(),
            Kind::Other(0) => "REG_NONE".into(),
            Kind::Other(3) => "REG_BINARY".into(),
            Kind::Other(4) => "REG_DWORD".into(),
            Kind::Other(7) => "REG_MULTI_SZ".into(),
            Kind::Other(11) => "REG_QWORD".into(),
            Kind::Other(n) => format!("registry type {n}"),
        }
    }

    pub fn is_string(self) -> bool {
        matches!(self, Kind::Sz | Kind::ExpandSz)
    }
}

/// One value as stored: its type and its unexpanded text (empty for non-string types).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawValue {
    pub kind: Kind,
    pub text: String,
}

/// A registry value as gvx writes it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RegData {
    /// `REG_SZ`.
    Sz(String),
    /// `REG_EXPAND_SZ`.
    ExpandSz(String),
    /// `REG_DWORD` (gvx's own flags).
    Dword(u32),
}

impl RegData {
    pub fn text(&self) -> Option<&str> {
        match self {
            RegData::Sz(t) | RegData::ExpandSz(t) => Some(t),
            RegData::Dword(_) => None,
        }
    }

    /// `REG_SZ`, `REG_EXPAND_SZ`, `REG_DWORD`.
    pub fn type_name(&self) -> &'static str {
        match self {
            RegData::Sz(_) => "REG_SZ",
            RegData::ExpandSz(_) => "REG_EXPAND_SZ",
            RegData::Dword(_) => "REG_DWORD",
        }
    }
}

impl std::fmt::Display for RegData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RegData::Sz(t) | RegData::ExpandSz(t) => f.write_str(t),
            RegData::Dword(n) => write!(f, "{n}"),
        }
    }
}

/// `%VAR%` replaced from `lookup`; unknown variables stay as written, as Windows leaves them.
pub fn expand(raw: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(start) = rest.find('%') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('%') {
            Some(end) if end > 0 => {
                let name = &after[..end];
                match lookup(name) {
                    Some(value) => out.push_str(&value),
                    None => out.push_str(&format!("%{name}%")),
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('%');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The non-empty entries of a PATH value, trimmed.
pub fn entries(value: &str) -> Vec<&str> {
    value
        .split(';')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect()
}

/// The same directory, as Windows compares paths: ignoring case, `/` vs `\` and a trailing
/// separator.
pub fn same_dir(a: &str, b: &str) -> bool {
    let key = |s: &str| {
        s.trim()
            .replace('/', "\\")
            .trim_end_matches('\\')
            .to_lowercase()
    };
    key(a) == key(b)
}

/// `raw` with `entry` first and no other copy of it (`is_it` recognises a copy in any
/// spelling); every other segment, empty ones included, stays byte for byte. `None` when the
/// first segment already is it.
pub fn with_first(raw: &str, entry: &str, is_it: &dyn Fn(&str) -> bool) -> Option<String> {
    if raw.split(';').next().is_some_and(is_it) {
        return None;
    }
    let rest = kept(raw, is_it);
    Some(if rest.is_empty() {
        entry.to_owned()
    } else {
        format!("{entry};{rest}")
    })
}

/// `raw` with `entry` added at the end unless a copy is anywhere in it.
pub fn with_last(raw: &str, entry: &str, is_it: &dyn Fn(&str) -> bool) -> Option<String> {
    if raw.split(';').any(is_it) {
        return None;
    }
    Some(if raw.is_empty() {
        entry.to_owned()
    } else if raw.ends_with(';') {
        format!("{raw}{entry}")
    } else {
        format!("{raw};{entry}")
    })
}

/// `raw` without any copy of the entry `is_it` recognises; `None` when there is none.
pub fn without(raw: &str, is_it: &dyn Fn(&str) -> bool) -> Option<String> {
    raw.split(';').any(is_it).then(|| kept(raw, is_it))
}

fn kept(raw: &str, is_it: &dyn Fn(&str) -> bool) -> String {
    if raw.is_empty() {
        return String::new();
    }
    raw.split(';')
        .filter(|segment| !is_it(segment))
        .collect::<Vec<_>>()
        .join(";")
}

/// The type to store `text` as: `REG_EXPAND_SZ`, except for a value that was `REG_SZ` (now, or
/// before gvx converted it: `was_sz`) and holds no `%`.
pub fn kind_for(now: Option<Kind>, was_sz: bool, text: &str) -> Kind {
    let sz = now == Some(Kind::Sz) || (now == Some(Kind::ExpandSz) && was_sz);
    if sz && !text.contains('%') {
        Kind::Sz
    } else {
        Kind::ExpandSz
    }
}

/// The PowerShell (to run as Administrator) that rewrites the machine Path without `entry`,
/// keeping it `REG_EXPAND_SZ` (`[Environment]::SetEnvironmentVariable` would store `REG_SZ`
/// and break its `%SystemRoot%` entries).
pub fn remove_machine_entry_command(entry: &str) -> String {
    let entry = entry.replace('\'', "''");
    format!(
        "$k = '{MACHINE_PS}'; $p = (Get-Item $k).GetValue('Path', '', 'DoNotExpandEnvironmentNames'); Set-ItemProperty $k -Name Path -Type ExpandString -Value (($p -split ';' | Where-Object {{ $_ -and $_ -ne '{entry}' }}) -join ';')"
    )
}

/// The PowerShell (as Administrator) that stores the machine Path as `REG_EXPAND_SZ`.
pub fn retype_machine_path_command() -> String {
    format!(
        "$k = '{MACHINE_PS}'; $p = (Get-Item $k).GetValue('Path', '', 'DoNotExpandEnvironmentNames'); Set-ItemProperty $k -Name Path -Type ExpandString -Value $p"
    )
}

#[cfg(windows)]
pub use registry::*;

#[cfg(windows)]
mod registry {
    //! Reading and writing the registry.

    use super::{Kind, RawValue, RegData};
    pub use std::io::Error;
    use std::io::{ErrorKind, Result};
    use windows_registry::{CURRENT_USER, Key, LOCAL_MACHINE, Type, Value};

    /// `HKCU\Environment`.
    pub const USER_ENV_KEY: &str = "Environment";
    /// `HKLM\SYSTEM\…\Session Manager\Environment`.
    pub const MACHINE_ENV_KEY: &str =
        r"SYSTEM\CurrentControlSet\Control\Session Manager\Environment";
    const UNINSTALL_KEY: &str = r"SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall";

    /// Which hive.
    #[derive(Clone, Copy, Debug)]
    pub enum Hive {
        User,
        Machine,
    }

    impl Hive {
        fn root(self) -> &'static Key {
            match self {
                Hive::User => CURRENT_USER,
                Hive::Machine => LOCAL_MACHINE,
            }
        }
    }

    fn kind_of(ty: Type) -> Kind {
        match ty {
            Type::String => Kind::Sz,
            Type::ExpandString => Kind::ExpandSz,
            other => Kind::Other(u32::from(other)),
        }
    }

    /// The registry's result with an I/O error (`ERROR_FILE_NOT_FOUND` becomes
    /// `ErrorKind::NotFound`).
    fn io<T>(result: windows_registry::Result<T>) -> Result<T> {
        result.map_err(Error::from)
    }

    /// The value as stored; text that is not valid UTF-16 is an error unless `lossy`.
    fn raw(value: &Value, lossy: bool) -> Result<RawValue> {
        let kind = kind_of(value.ty());
        let mut text = String::new();
        if kind.is_string() {
            let wide = value.as_wide();
            let end = wide.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1);
            text = if lossy {
                String::from_utf16_lossy(&wide[..end])
            } else {
                String::from_utf16(&wide[..end])
                    .map_err(|e| Error::new(ErrorKind::InvalidData, e))?
            };
        }
        Ok(RawValue { kind, text })
    }

    /// The value `name` of `key`, unexpanded (`RegQueryValueExW` returns the stored text);
    /// `Ok(None)` when the key or the value does not exist.
    pub fn read_value(hive: Hive, key: &str, name: &str) -> Result<Option<RawValue>> {
        let found = io(hive.root().open(key)).and_then(|k| io(k.get_value(name)));
        match found {
            Ok(value) => raw(&value, false).map(Some),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every value of `key` (none when it does not exist), text that is not valid UTF-16
    /// decoded lossily (for reading only).
    pub fn read_values(hive: Hive, key: &str) -> Vec<(String, RawValue)> {
        let Ok(opened) = hive.root().open(key) else {
            return Vec::new();
        };
        let Ok(values) = opened.values() else {
            return Vec::new();
        };
        values
            .filter_map(|(name, value)| raw(&value, true).ok().map(|v| (name, v)))
            .collect()
    }

    /// The value `name` of `HKCU\<key>` as gvx writes values; `Ok(None)` when absent. A value of
    /// another type is an error.
    pub fn read_user(key: &str, name: &str) -> Result<Option<RegData>> {
        let opened = match io(CURRENT_USER.open(key)) {
            Ok(opened) => opened,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let value = match io(opened.get_value(name)) {
            Ok(value) => value,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(Some(match value.ty() {
            Type::String => RegData::Sz(raw(&value, false)?.text),
            Type::ExpandString => RegData::ExpandSz(raw(&value, false)?.text),
            Type::U32 => RegData::Dword(io(opened.get_u32(name))?),
            other => {
                return Err(Error::new(
                    ErrorKind::InvalidData,
                    format!("it is a {} value", kind_of(other).name()),
                ));
            }
        }))
    }

    /// Sets (or, with `None`, deletes) the value `name` of `HKCU\<key>`. A key under
    /// `Software\gvx` left empty is removed.
    pub fn write_user(key: &str, name: &str, data: Option<&RegData>) -> Result<()> {
        let Some(data) = data else {
            delete_user_value(key, name)?;
            if key.to_ascii_lowercase().starts_with(r"software\gvx")
                && let Ok(opened) = CURRENT_USER.open(key)
                && io(opened.values())?.next().is_none()
                && io(opened.keys())?.next().is_none()
            {
                io(CURRENT_USER.remove_tree(key))?;
            }
            return Ok(());
        };
        let opened = io(CURRENT_USER.create(key))?;
        io(match data {
            RegData::Sz(text) => opened.set_string(name, text),
            RegData::ExpandSz(text) => opened.set_expand_string(name, text),
            RegData::Dword(n) => opened.set_u32(name, *n),
        })
    }

    /// Deletes a value of `HKCU\<key>`; a missing one is not an error.
    fn delete_user_value(key: &str, name: &str) -> Result<()> {
        let done = io(CURRENT_USER.options().read().write().open(key))
            .and_then(|k| io(k.remove_value(name)));
        match done {
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            done => done,
        }
    }

    /// The Go MSI as Windows lists it under Uninstall: its name (`Go Programming Language amd64
    /// go1.22.10`) and product code (the key's name, for `msiexec /x`).
    pub fn go_msi() -> Option<(String, String)> {
        let uninstall = LOCAL_MACHINE.open(UNINSTALL_KEY).ok()?;
        uninstall.keys().ok()?.find_map(|code| {
            let name = uninstall
                .open(&code)
                .and_then(|k| k.get_string("DisplayName"))
                .ok()?;
            name.starts_with("Go Programming Language")
                .then_some((name, code))
        })
    }

    /// The Go MSI's own record of where it installed Go (`HKCU\Software\GoProgrammingLanguage`).
    pub fn go_msi_location() -> Option<String> {
        CURRENT_USER
            .open(r"Software\GoProgrammingLanguage")
            .and_then(|k| k.get_string("installLocation"))
            .ok()
    }

    /// Tells Explorer (and so programs started from now on) that the environment changed.
    #[allow(unsafe_code)]
    pub fn broadcast() {
        use windows_sys::Win32::UI::WindowsAndMessaging::{
            HWND_BROADCAST, SMTO_ABORTIFHUNG, SendMessageTimeoutW, WM_SETTINGCHANGE,
        };
        let name: Vec<u16> = "Environment".encode_utf16().chain(Some(0)).collect();
        let mut result = 0usize;
        // SAFETY: `name` is a NUL-terminated UTF-16 string that outlives the call, and
        // `result` is a valid out pointer.
        unsafe {
            SendMessageTimeoutW(
                HWND_BROADCAST,
                WM_SETTINGCHANGE,
                0,
                name.as_ptr() as isize,
                SMTO_ABORTIFHUNG,
                5000,
                &raw mut result,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &str) -> Option<String> {
        (name == "USERPROFILE").then(|| r"C:\Users\jo".to_owned())
    }

    fn is_gvx(segment: &str) -> bool {
        same_dir(&expand(segment, &lookup), r"C:\Users\jo\.gvx\bin")
    }

    const GVX: &str = r"%USERPROFILE%\.gvx\bin";

    #[test]
    fn prepending_keeps_every_other_byte() {
        let raw = r"%USERPROFILE%\tools;C:\foo";
        let after = with_first(raw, GVX, &is_gvx).unwrap();
        assert_eq!(after, format!(r"{GVX};%USERPROFILE%\tools;C:\foo"));
        assert_eq!(with_first(&after, GVX, &is_gvx), None);
        assert_eq!(without(&after, &is_gvx).as_deref(), Some(raw));
        // Empty segments, blanks and a trailing `;` survive the round trip.
        for raw in ["", ";", "A;;B;", " A ; B", "C:\\x\\"] {
            let after = with_first(raw, GVX, &is_gvx).unwrap();
            assert_eq!(without(&after, &is_gvx).as_deref(), Some(raw), "{raw:?}");
        }
    }

    #[test]
    fn any_spelling_of_the_entry_counts() {
        for first in [
            r"C:\USERS\JO\.gvx\bin\",
            r"c:/users/jo/.gvx/bin",
            r" %USERPROFILE%\.GVX\BIN ",
        ] {
            assert_eq!(with_first(&format!("{first};C:\\a"), GVX, &is_gvx), None);
        }
        let after = with_first(
            r"C:\a;C:\Users\jo\.gvx\bin\;C:\b;%USERPROFILE%\.gvx\bin",
            GVX,
            &is_gvx,
        );
        assert_eq!(after.as_deref(), Some(r"%USERPROFILE%\.gvx\bin;C:\a;C:\b"));
        assert_eq!(without(r"C:\a;C:\b", &is_gvx), None);
        assert_eq!(
            with_last(r"C:\a;", GVX, &is_gvx).as_deref(),
            Some(r"C:\a;%USERPROFILE%\.gvx\bin")
        );
        assert_eq!(with_last(r"C:\Users\jo\.gvx\bin", GVX, &is_gvx), None);
    }

    #[test]
    fn value_types() {
        assert_eq!(kind_for(None, false, "C:\\a"), Kind::ExpandSz);
        assert_eq!(
            kind_for(Some(Kind::ExpandSz), false, "C:\\a"),
            Kind::ExpandSz
        );
        assert_eq!(kind_for(Some(Kind::Sz), false, "C:\\a"), Kind::Sz);
        assert_eq!(kind_for(Some(Kind::Sz), false, GVX), Kind::ExpandSz);
        // Converted by gvx earlier, and back to plain text: REG_SZ again.
        assert_eq!(kind_for(Some(Kind::ExpandSz), true, "C:\\a"), Kind::Sz);
        assert_eq!(kind_for(Some(Kind::ExpandSz), true, GVX), Kind::ExpandSz);
        assert_eq!(Kind::Other(4).name(), "REG_DWORD");
    }

    #[test]
    fn expansion() {
        assert_eq!(
            expand(r"%USERPROFILE%\go\bin", &lookup),
            r"C:\Users\jo\go\bin"
        );
        assert_eq!(expand(r"%NOPE%\x;100%", &lookup), r"%NOPE%\x;100%");
    }
}
