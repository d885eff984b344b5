//! Writing the registry for `--fix`: Windows only.

use super::super::model::Applied;
use super::{USER_ENV, VOLATILE_ENV};
use crate::platform::windows_env::{self as env, Hive, USER_ENV_KEY};
use std::path::Path;

fn lookup(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

pub fn apply_registry(key: &str, name: &str, value: Option<&str>) -> Result<Vec<Applied>, String> {
    let sub = match key {
        USER_ENV => USER_ENV_KEY,
        VOLATILE_ENV => "Volatile Environment",
        other => return Err(format!("{other} is not a user-scope key")),
    };
    let change = match value {
        None => {
            if env::read_value(Hive::User, sub, name)
                .map_err(|e| e.to_string())?
                .is_none()
            {
                return Ok(Vec::new());
            }
            env::delete_user_value(sub, name).map_err(|e| e.to_string())?;
            format!("deleted {name} from {key}")
        }
        Some(value) => {
            env::write_user_string(sub, name, env::Kind::ExpandSz, value)
                .map_err(|e| e.to_string())?;
            format!("set {name} in {key}")
        }
    };
    env::broadcast();
    Ok(vec![Applied {
        change,
        backup: None,
    }])
}

/// Moves `front` to the front of the user Path, or appends `back` when it is missing, with the
/// same edit as `gvx setup`: other entries byte for byte, the value's type kept.
pub fn apply_user_path(front: Option<&Path>, back: Option<&Path>) -> Result<Vec<Applied>, String> {
    let now = env::read_value(Hive::User, USER_ENV_KEY, "Path").map_err(|e| e.to_string())?;
    if let Some(value) = now.as_ref().filter(|v| !v.kind.is_string()) {
        return Err(format!(
            "{USER_ENV} Path is a {} value, not a string; not modifying it",
            value.kind.name()
        ));
    }
    let raw = now.as_ref().map_or("", |v| v.text.as_str());
    let mut new = raw.to_owned();
    if let Some(front) = front {
        let dir = front.display().to_string();
        let is_it = |s: &str| super::same(&super::expand(s, &lookup), &dir);
        new = env::with_first(&new, &dir, &is_it).unwrap_or(new);
    }
    if let Some(back) = back {
        let dir = back.display().to_string();
        let is_it = |s: &str| super::same(&super::expand(s, &lookup), &dir);
        new = env::with_last(&new, &dir, &is_it).unwrap_or(new);
    }
    let kind = env::kind_for(now.as_ref().map(|v| v.kind), false, &new);
    if new == raw && now.as_ref().map(|v| v.kind) == Some(kind) {
        return Ok(Vec::new());
    }
    env::write_user_string(USER_ENV_KEY, "Path", kind, &new).map_err(|e| e.to_string())?;
    env::broadcast();
    Ok(vec![Applied {
        change: format!("set your user Path ({USER_ENV}, {}) to {new}", kind.name()),
        backup: None,
    }])
}
