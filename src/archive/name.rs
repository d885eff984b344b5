//! The one place where an archive entry name is judged.

use std::fmt;
use std::path::PathBuf;

/// Longest entry name accepted (Go's longest is under 200 bytes).
const MAX_NAME: usize = 4096;

/// Why [`strip_check`] refused an entry name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnsafeReason {
    Empty,
    NotUtf8,
    TooLong,
    Nul,
    ControlChar,
    Backslash,
    Absolute,
    DriveLetter,
    /// One of `<>:"|?*`, which Windows forbids (`:` also opens NTFS alternate streams).
    WindowsChar,
    /// A reserved device name (`CON`, `NUL`, `COM1`, …) or a trailing dot or space.
    WindowsReserved,
    ParentDir,
    /// An empty (`a//b`) or `.` component.
    EmptyComponent,
    OutsideGo,
    /// Not under a module zip's `<module>@<version>/` directory.
    OutsideModule,
    /// The joined path would not stay under the destination (never expected after the
    /// other checks; kept as a second line of defence).
    Escapes,
}

impl fmt::Display for UnsafeReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnsafeReason::Empty => "the name is empty",
            UnsafeReason::NotUtf8 => "the name is not valid UTF-8",
            UnsafeReason::TooLong => "the name is too long",
            UnsafeReason::Nul => "the name contains a NUL byte",
            UnsafeReason::ControlChar => "the name contains a control character",
            UnsafeReason::Backslash => "the name contains a backslash",
            UnsafeReason::Absolute => "the path is absolute",
            UnsafeReason::DriveLetter => "the name starts with a Windows drive letter",
            UnsafeReason::WindowsChar => {
                "the name contains a character Windows forbids in file names (one of <>:\"|?*)"
            }
            UnsafeReason::WindowsReserved => {
                "the name uses a Windows device name (such as CON or NUL) or ends in a dot or space"
            }
            UnsafeReason::ParentDir => "the path climbs out with `..`",
            UnsafeReason::EmptyComponent => "the path has an empty or `.` component",
            UnsafeReason::OutsideGo => "it lies outside the top-level `go/` directory",
            UnsafeReason::OutsideModule => {
                "it lies outside the module's `golang.org/toolchain@<version>/` directory"
            }
            UnsafeReason::Escapes => "the path would leave the destination directory",
        })
    }
}

/// The top-level directory every entry of an archive sits under; extraction strips it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root<'a> {
    /// `go/`: an official go.dev/dl archive.
    Go,
    /// `<module>@<version>/`, e.g. `golang.org/toolchain@v0.0.1-go1.22.10.linux-amd64`: a
    /// module zip from a Go module proxy (given without the trailing `/`).
    Module(&'a str),
}

/// Judges an entry name of an official archive and strips the leading `go/`: see
/// [`strip_check_under`].
pub fn strip_check(name: &str) -> Result<Option<PathBuf>, UnsafeReason> {
    strip_check_under(name, Root::Go)
}

/// Judges an archive entry name and strips `root`.
///
/// Returns the path relative to the destination (built only from plain components), or
/// `None` for the root directory itself. A trailing `/` (directory entries) is allowed.
/// Refused: anything outside the root, absolute paths, `..`, empty or `.` components,
/// backslashes (so UNC `\\server` too), drive letters, NUL and control characters, and names
/// Windows cannot represent faithfully — on every platform, so an archive is accepted or
/// refused the same way everywhere (official Go trees obey Go's module-zip file-name rules,
/// which already exclude all of these).
pub fn strip_check_under(name: &str, root: Root<'_>) -> Result<Option<PathBuf>, UnsafeReason> {
    let bytes = name.as_bytes();
    if name.is_empty() {
        return Err(UnsafeReason::Empty);
    }
    if name.len() > MAX_NAME {
        return Err(UnsafeReason::TooLong);
    }
    if bytes.contains(&0) {
        return Err(UnsafeReason::Nul);
    }
    if bytes.contains(&b'\\') {
        return Err(UnsafeReason::Backslash);
    }
    if bytes[0] == b'/' {
        return Err(UnsafeReason::Absolute);
    }
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err(UnsafeReason::DriveLetter);
    }
    if name.chars().any(char::is_control) {
        return Err(UnsafeReason::ControlChar);
    }
    if bytes.iter().any(|b| b"<>:\"|?*".contains(b)) {
        return Err(UnsafeReason::WindowsChar);
    }

    let trimmed = name.strip_suffix('/').unwrap_or(name);
    for component in trimmed.split('/') {
        match component {
            ".." => return Err(UnsafeReason::ParentDir),
            "" | "." => return Err(UnsafeReason::EmptyComponent),
            _ if windows_reserved(component) => return Err(UnsafeReason::WindowsReserved),
            _ => {}
        }
    }
    let (root, outside) = match root {
        Root::Go => ("go", UnsafeReason::OutsideGo),
        Root::Module(prefix) => (prefix, UnsafeReason::OutsideModule),
    };
    let rest = match trimmed.strip_prefix(root) {
        Some("") => return Ok(None),
        Some(rest) => rest.strip_prefix('/').ok_or(outside)?,
        None => return Err(outside),
    };
    Ok(Some(rest.split('/').collect()))
}

/// Device names Windows resolves in any directory (also with an extension, `nul.txt`), and
/// names whose trailing dots or spaces Windows silently drops.
fn windows_reserved(component: &str) -> bool {
    if component.ends_with('.') || component.ends_with(' ') {
        return true;
    }
    let stem = component.split('.').next().unwrap_or(component).trim_end();
    const DEVICES: [&str; 6] = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"];
    if DEVICES.iter().any(|d| stem.eq_ignore_ascii_case(d)) {
        return true;
    }
    let mut chars = stem.chars();
    let prefix: String = chars.by_ref().take(3).collect();
    let rest: String = chars.collect();
    (prefix.eq_ignore_ascii_case("COM") || prefix.eq_ignore_ascii_case("LPT"))
        && matches!(
            rest.as_str(),
            "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::testutil::hostile_name;
    use proptest::prelude::*;
    use std::path::{Component, Path};

    fn ok(name: &str) -> Option<PathBuf> {
        strip_check(name).unwrap_or_else(|r| panic!("{name:?} refused: {r}"))
    }

    #[test]
    fn accepts_the_go_tree() {
        assert_eq!(ok("go"), None);
        assert_eq!(ok("go/"), None);
        assert_eq!(ok("go/bin/"), Some(PathBuf::from("bin")));
        assert_eq!(
            ok("go/src/cmd/go/main.go"),
            Some(["src", "cmd", "go", "main.go"].iter().collect())
        );
        assert_eq!(
            ok("go/.gitattributes"),
            Some(PathBuf::from(".gitattributes"))
        );
        assert_eq!(ok("go/a..b"), Some(PathBuf::from("a..b")));
        assert_eq!(ok("go/icon.go/x"), Some(["icon.go", "x"].iter().collect()));
        assert_eq!(ok("go/conn.go"), Some(PathBuf::from("conn.go")));
        assert_eq!(ok("go/console.go"), Some(PathBuf::from("console.go")));
        assert_eq!(ok("go/COM10"), Some(PathBuf::from("COM10")));
        assert_eq!(ok("go/ünïcode.txt"), Some(PathBuf::from("ünïcode.txt")));
        assert_eq!(
            ok("go/test/fixedbugs/issue1.go"),
            Some(["test", "fixedbugs", "issue1.go"].iter().collect())
        );
    }

    #[test]
    fn refuses_hostile_names() {
        let cases: &[(&str, UnsafeReason)] = &[
            ("", UnsafeReason::Empty),
            ("go/a\0b", UnsafeReason::Nul),
            ("go/a\nb", UnsafeReason::ControlChar),
            ("go\\bin\\go", UnsafeReason::Backslash),
            ("go/..\\evil", UnsafeReason::Backslash),
            ("\\\\server\\share\\x", UnsafeReason::Backslash),
            ("/etc/passwd", UnsafeReason::Absolute),
            ("/go/bin/go", UnsafeReason::Absolute),
            ("//server/share/x", UnsafeReason::Absolute),
            ("C:/evil", UnsafeReason::DriveLetter),
            ("c:evil", UnsafeReason::DriveLetter),
            ("go/C:evil", UnsafeReason::WindowsChar),
            ("go/a:stream", UnsafeReason::WindowsChar),
            ("go/what?", UnsafeReason::WindowsChar),
            ("go/../evil", UnsafeReason::ParentDir),
            ("../evil", UnsafeReason::ParentDir),
            ("go/a/../../evil", UnsafeReason::ParentDir),
            ("go/..", UnsafeReason::ParentDir),
            ("go//a", UnsafeReason::EmptyComponent),
            ("go/./a", UnsafeReason::EmptyComponent),
            ("./go/a", UnsafeReason::EmptyComponent),
            ("go/a//", UnsafeReason::EmptyComponent),
            ("go/NUL", UnsafeReason::WindowsReserved),
            ("go/src/aux.go", UnsafeReason::WindowsReserved),
            ("go/com1.txt", UnsafeReason::WindowsReserved),
            ("go/LPT9", UnsafeReason::WindowsReserved),
            ("go/COM¹", UnsafeReason::WindowsReserved),
            ("go/trailing.", UnsafeReason::WindowsReserved),
            ("go/trailing ", UnsafeReason::WindowsReserved),
            ("go/...", UnsafeReason::WindowsReserved),
            ("gox/a", UnsafeReason::OutsideGo),
            ("src/a", UnsafeReason::OutsideGo),
            ("Go/a", UnsafeReason::OutsideGo),
            ("pax_global_header", UnsafeReason::OutsideGo),
        ];
        for (name, want) in cases {
            assert_eq!(strip_check(name), Err(*want), "{name:?}");
        }
        assert_eq!(
            strip_check(&format!("go/{}", "a".repeat(MAX_NAME))),
            Err(UnsafeReason::TooLong)
        );
    }

    fn assert_stays_under(dest: &Path, rel: &Path) {
        assert!(
            rel.components().all(|c| matches!(c, Component::Normal(_))),
            "{rel:?}"
        );
        let joined = dest.join(rel);
        assert!(joined.starts_with(dest), "{joined:?}");
        // Lexically resolving the joined path never climbs above dest either.
        let mut depth = 0usize;
        for c in joined.strip_prefix(dest).unwrap().components() {
            match c {
                Component::Normal(_) => depth += 1,
                other => panic!("unexpected component {other:?} in {joined:?}"),
            }
        }
        assert!(depth >= 1);
    }

    proptest! {
        #[test]
        fn accepted_names_stay_under_dest(name in hostile_name()) {
            let dest = Path::new("/stage/dest");
            if let Ok(Some(rel)) = strip_check(&name) {
                assert_stays_under(dest, &rel);
                prop_assert!(name.starts_with("go/"));
            }
        }

        #[test]
        fn arbitrary_strings_stay_under_dest(name in "\\PC*") {
            let dest = Path::new("/stage/dest");
            if let Ok(Some(rel)) = strip_check(&name) {
                assert_stays_under(dest, &rel);
            }
        }
    }
}
