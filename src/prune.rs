//! Which installed SDKs `gvx prune` removes, and why each other one stays: a pure plan from the
//! installed SDKs, the default and the selection, so the rules are tested from data.
//!
//! An SDK goes when a newer patch of its line is installed (in any store) and nothing holds it:
//! not the global default, not selected in the working directory, not in a shared store (gvx
//! only reads those), not adopted (its original location may link into the store).

use crate::context::Context;
use crate::error::Result;
use crate::{default, lock, provenance, storefs};
use gvx_shims::GoVersion;
use gvx_shims::select::Outcome;
use gvx_shims::store::Sdk;
use std::path::PathBuf;

/// What holds an SDK, or lets it go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// A newer patch of the same line is installed: it goes.
    Superseded(GoVersion),
    Default,
    /// Selected in the working directory, and why (`pinned by …/.go-version`).
    Selected(String),
    Shared(PathBuf),
    Adopted,
    /// The newest installed patch of its line.
    Newest,
    /// Not on a line `--prune` was asked about (`gvx upgrade 1.22 --prune`).
    OtherLine,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Superseded(newer) => write!(f, "superseded by {newer}"),
            Reason::Default => f.write_str("the global default"),
            Reason::Selected(why) => write!(f, "selected here ({why})"),
            Reason::Shared(store) => write!(
                f,
                "in the shared store {}, which gvx only reads",
                store.display()
            ),
            Reason::Adopted => f.write_str("adopted; `gvx uninstall` removes it"),
            Reason::Newest => f.write_str("the newest installed patch of its line"),
            Reason::OtherLine => f.write_str("not on a line being upgraded"),
        }
    }
}

/// Each installed SDK with what happens to it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub remove: Vec<(GoVersion, Reason)>,
    pub keep: Vec<(GoVersion, Reason)>,
}

/// What prune looks at besides the installed SDKs.
pub struct Holds<'a> {
    pub default: Option<GoVersion>,
    /// The version the working directory selects, and why.
    pub selected: Option<(GoVersion, String)>,
    pub adopted: &'a dyn Fn(&Sdk) -> bool,
    /// Only these lines (`None`: every line).
    pub lines: Option<&'a [(u64, u64)]>,
}

/// The plan for `sdks` (newest first in the result, as `gvx list` shows them).
pub fn plan(sdks: &[Sdk], holds: &Holds) -> Plan {
    let mut plan = Plan::default();
    for sdk in sdks.iter().rev() {
        let v = sdk.version;
        let newest = sdks
            .iter()
            .map(|s| s.version)
            .filter(|o| o.line() == v.line() && o.is_toolchain())
            .max()
            .filter(|newest| *newest > v);
        let hold = if holds.lines.is_some_and(|lines| !lines.contains(&v.line())) {
            Some(Reason::OtherLine)
        } else if let Some(store) = &sdk.shared {
            Some(Reason::Shared(store.clone()))
        } else if holds.default == Some(v) {
            Some(Reason::Default)
        } else if let Some((_, why)) = holds.selected.as_ref().filter(|(s, _)| *s == v) {
            Some(Reason::Selected(why.clone()))
        } else if (holds.adopted)(sdk) {
            Some(Reason::Adopted)
        } else if newest.is_none() {
            Some(Reason::Newest)
        } else {
            None
        };
        match (hold, newest) {
            (Some(reason), _) => plan.keep.push((v, reason)),
            (None, Some(newer)) => plan.remove.push((v, Reason::Superseded(newer))),
            (None, None) => plan.keep.push((v, Reason::Newest)),
        }
    }
    plan
}

/// What `gvx upgrade --prune --dry-run` assumes done before pruning: versions it would install
/// and the default it would move.
#[derive(Debug, Default)]
pub struct Assumed {
    pub installed: Vec<GoVersion>,
    pub default: Option<GoVersion>,
}

/// The plan for the store as it is now (plus what is `assumed`), for `lines` (`None`: all).
pub fn plan_here(cx: &Context, lines: Option<&[(u64, u64)]>, assumed: &Assumed) -> Result<Plan> {
    let mut sdks = storefs::sdks(&cx.store)?;
    for version in &assumed.installed {
        if !sdks.iter().any(|s| s.version == *version) {
            sdks.push(Sdk {
                version: *version,
                root: cx.store.sdk(version),
                shared: None,
            });
        }
    }
    sdks.sort_by_key(|s| s.version);
    let selected = cx.selection().ok().and_then(|s| match s.outcome {
        Outcome::Run(v) => Some((
            v,
            s.raised
                .map_or_else(|| s.source.to_string(), |r| r.to_string()),
        )),
        Outcome::Install(_) => None,
    });
    let adopted = |sdk: &Sdk| {
        matches!(
            provenance::read(&sdk.store(), &sdk.version),
            Some(provenance::Provenance::Adopted { .. })
        )
    };
    Ok(plan(
        &sdks,
        &Holds {
            default: match assumed.default {
                Some(version) => Some(version),
                None => default::read_version(&cx.store)?,
            },
            selected,
            adopted: &adopted,
            lines,
        },
    ))
}

/// Removes what `plan` removes, under the store lock, one SDK at a time (each whole or not at
/// all), quietly: the caller prints the plan. Returns the versions removed.
pub fn carry_out(cx: &Context, plan: &Plan) -> Result<Vec<GoVersion>> {
    if plan.remove.is_empty() {
        return Ok(Vec::new());
    }
    let cx = &Context::new(cx.store.clone(), true, cx.refresh, cx.completions);
    let _lock = lock::lock(&cx.store)?;
    crate::install::clear_staging(&cx.store)?;
    let mut removed = Vec::new();
    for (version, _) in &plan.remove {
        if !cx.store.has_own(version) {
            continue; // removed meanwhile by another gvx
        }
        let remaining: Vec<GoVersion> = storefs::installed(&cx.store)?
            .into_iter()
            .filter(|v| v != version || cx.store.find_shared(v).is_some())
            .collect();
        crate::uninstall::remove(cx, *version, &remaining)?;
        removed.push(*version);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sdk(version: &str, shared: Option<&str>) -> Sdk {
        let v = GoVersion::parse(version).unwrap();
        let home = PathBuf::from(shared.unwrap_or("/u/.gvx"));
        Sdk {
            version: v,
            root: home.join("sdk").join(v.name()),
            shared: shared.map(PathBuf::from),
        }
    }

    fn v(text: &str) -> GoVersion {
        GoVersion::parse(text).unwrap()
    }

    fn names(list: &[(GoVersion, Reason)]) -> Vec<String> {
        list.iter().map(|(v, r)| format!("{v}: {r}")).collect()
    }

    #[test]
    fn old_patches_go_and_every_hold_is_said() {
        let sdks = [
            sdk("1.20.1", None),
            sdk("1.21.0", None),
            sdk("1.21.5", Some("/opt/gvx")),
            sdk("1.21.13", None),
            sdk("1.22.1", None),
            sdk("1.22.3", None),
            sdk("1.22.8", None),
            sdk("1.22.10", Some("/opt/gvx")),
            sdk("1.23rc1", None),
            sdk("1.23.0", None),
        ];
        let adopted = |s: &Sdk| s.version == v("1.22.1");
        let plan = plan(
            &sdks,
            &Holds {
                default: Some(v("1.22.3")),
                selected: Some((v("1.21.0"), "pinned by /p/.go-version".into())),
                adopted: &adopted,
                lines: None,
            },
        );
        assert_eq!(
            names(&plan.remove),
            [
                "1.23rc1: superseded by 1.23.0",
                "1.22.8: superseded by 1.22.10"
            ]
        );
        assert_eq!(
            names(&plan.keep),
            [
                "1.23.0: the newest installed patch of its line",
                "1.22.10: in the shared store /opt/gvx, which gvx only reads",
                "1.22.3: the global default",
                "1.22.1: adopted; `gvx uninstall` removes it",
                "1.21.13: the newest installed patch of its line",
                "1.21.5: in the shared store /opt/gvx, which gvx only reads",
                "1.21.0: selected here (pinned by /p/.go-version)",
                "1.20.1: the newest installed patch of its line",
            ]
        );
    }

    #[test]
    fn only_the_lines_asked_about() {
        let sdks = [
            sdk("1.21.0", None),
            sdk("1.21.13", None),
            sdk("1.22.3", None),
            sdk("1.22.10", None),
        ];
        let plan = plan(
            &sdks,
            &Holds {
                default: None,
                selected: None,
                adopted: &|_| false,
                lines: Some(&[(1, 22)]),
            },
        );
        assert_eq!(names(&plan.remove), ["1.22.3: superseded by 1.22.10"]);
        assert!(names(&plan.keep).contains(&"1.21.0: not on a line being upgraded".to_owned()));
    }
}
