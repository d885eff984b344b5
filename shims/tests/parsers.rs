//! Property tests for every parser the shim runs on user input: version specs, pin files,
//! go.mod/go.work lines and the go env file. None may panic; valid input must round-trip.

use gvx_shims::goenv::GoEnv;
use gvx_shims::module::Requirement;
use gvx_shims::version::{GoVersion, PreKind, VersionRequest};
use proptest::prelude::*;
use std::cmp::Ordering;
use std::path::{Path, PathBuf};

fn version() -> impl Strategy<Value = GoVersion> {
    let pre = prop_oneof![Just(PreKind::Alpha), Just(PreKind::Beta), Just(PreKind::Rc)];
    (
        1u64..3,
        0u64..40,
        prop::option::of(0u64..30),
        prop::option::of((pre, 1u64..5)),
    )
        .prop_map(|(major, minor, patch, pre)| {
            // Go's grammar: a patch and a prerelease never come together; before 1.21 a missing
            // patch means .0.
            let patch = if pre.is_some() {
                None
            } else {
                patch.or(((major, minor) < (1, 21)).then_some(0))
            };
            GoVersion {
                major,
                minor,
                patch,
                pre,
            }
        })
}

/// Go's order written out independently: language version < prereleases < releases.
fn model_key(v: &GoVersion) -> (u64, u64, u8, u64, u64) {
    match (v.patch, v.pre) {
        (None, None) => (v.major, v.minor, 0, 0, 0),
        (None, Some((kind, n))) => (v.major, v.minor, 1, kind as u64, n),
        (Some(p), _) => (v.major, v.minor, 2, p, 0),
    }
}

proptest! {
    #[test]
    fn versions_round_trip(v in version()) {
        prop_assert_eq!(GoVersion::parse(&v.to_string()), Ok(v));
        prop_assert_eq!(GoVersion::parse(&v.name()), Ok(v));
    }

    #[test]
    fn order_matches_the_model(a in version(), b in version()) {
        prop_assert_eq!(a.cmp(&b), model_key(&a).cmp(&model_key(&b)));
        prop_assert_eq!(a.cmp(&b) == Ordering::Equal, a == b);
    }

    #[test]
    fn requests_round_trip(v in version()) {
        if v.is_toolchain() {
            let request = VersionRequest::parse(&v.to_string()).unwrap();
            prop_assert!(request.matches(&v) || v.is_prerelease() || matches!(request, VersionRequest::Line(..)));
            prop_assert_eq!(VersionRequest::parse(&request.to_string()), Ok(request));
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,40}") {
        let _ = GoVersion::parse(&text);
        let _ = VersionRequest::parse(&text);
        let _ = gvx_shims::module::from_toolchain(&text);
        let _ = Requirement::parse(Path::new("go.mod"), &text);
        let _ = GoEnv::parse(PathBuf::from("env"), &text);
    }

    #[test]
    fn go_mod_lines_are_found_with_their_line_number(v in version(), before in 0usize..5) {
        let text = format!("{}module x\n\ngo {v} // comment\n", "// c\n".repeat(before));
        let requirement = Requirement::parse(Path::new("go.mod"), &text).unwrap();
        prop_assert_eq!(requirement.go, Some((v, before + 3)));
    }

    #[test]
    fn pin_files_never_panic_and_name_a_real_line(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let dir = std::env::temp_dir().join(format!("gvx-prop-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(".go-version");
        std::fs::write(&file, &bytes).unwrap();
        if let Err(e) = gvx_shims::pin::read_go_version(&file) {
            let text = String::from_utf8_lossy(&bytes);
            prop_assert!(e.line <= text.lines().count().max(1));
        }
        let _ = gvx_shims::pin::read_tool_versions(&file);
    }
}
