//! An application's `connector_bindings` (WORKFLOWS.md §10.2): each abstract connector a
//! component's contract requires bound once, by a well-formed binding whose version range
//! overlaps the required one. Bundle-local data only; never the host's private configuration.

use std::collections::{BTreeMap, BTreeSet};

use semver::{Version, VersionReq};
use serde::Deserialize;

use super::{AppError, has_text};
use crate::check::{contract::ConnectorRequirement, diagnostic::Location};

#[derive(Debug, Clone, Deserialize)]
pub struct ConnectorBinding {
    connector_id: String,
    version_range: String,
    config_ref: String,
}

/// The first problem of the bindings against what the components require, as Traverse stops
/// there. `required` is every component contract's requirements.
pub fn problem<'a>(
    manifest_path: &str,
    bindings: &[ConnectorBinding],
    required: impl Iterator<Item = &'a ConnectorRequirement>,
) -> Option<AppError> {
    let error = |code: &'static str, connector_id: &str, at: String, message: String| {
        let path = format!("connector_bindings[{connector_id}]");
        Some(AppError::new(code, path, message).shown_at(Location::json(manifest_path, at)))
    };
    let mut seen = BTreeSet::new();
    for (i, binding) in bindings.iter().enumerate() {
        let id = &binding.connector_id;
        if !has_text(id)
            || !has_text(&binding.config_ref)
            || VersionReq::parse(&binding.version_range).is_err()
        {
            return error(
                "connector_binding_malformed",
                id,
                format!("$.connector_bindings[{i}]"),
                "connector binding requires a non-empty connector_id, config_ref, and a valid semver version_range"
                    .into(),
            );
        }
        if !seen.insert(id) {
            let message = format!("duplicate connector binding for connector_id {id}");
            return error(
                "connector_binding_duplicate",
                id,
                format!("$.connector_bindings[{i}].connector_id"),
                message,
            );
        }
    }
    let mut ranges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for requirement in required {
        ranges.entry(&requirement.connector_id).or_default().push(&requirement.version);
    }
    for (id, ranges) in ranges {
        let Some((i, binding)) = bindings.iter().enumerate().find(|(_, binding)| binding.connector_id == id)
        else {
            let message = format!("no connector binding declared for required connector {id}");
            return error("connector_binding_missing", id, "$.connector_bindings".into(), message);
        };
        if let Some(range) = ranges.into_iter().find(|range| !overlap(&binding.version_range, range)) {
            let message = format!(
                "connector binding range {} is incompatible with required range {range} for {id}",
                binding.version_range
            );
            return error(
                "connector_binding_incompatible",
                id,
                format!("$.connector_bindings[{i}].version_range"),
                message,
            );
        }
    }
    None
}

/// Whether two ranges share a version, as traverse-registry judges it: the lowest version each
/// range's first comparator names satisfies the other range.
fn overlap(a: &str, b: &str) -> bool {
    let (Ok(a), Ok(b)) = (VersionReq::parse(a), VersionReq::parse(b)) else { return false };
    let floor = |req: &VersionReq| {
        let first = req.comparators.first()?;
        Some(Version::new(first.major, first.minor.unwrap_or(0), first.patch.unwrap_or(0)))
    };
    floor(&a).is_some_and(|version| b.matches(&version))
        || floor(&b).is_some_and(|version| a.matches(&version))
}
