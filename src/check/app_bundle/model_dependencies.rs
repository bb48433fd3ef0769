//! An application's `model_dependencies` (WORKFLOWS.md §10.2): abstract model interfaces with
//! real provider candidates, read as traverse-registry reads them (every field optional to
//! serde, then required one by one, in its order) and summarised as `app validate` prints them.

use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{AppError, has_text};
use crate::check::{contract::Target, diagnostic::Location};

#[derive(Debug, Clone, Deserialize)]
pub struct ModelDependency {
    interface_id: Option<String>,
    version_range: Option<String>,
    selection_policy: Option<SelectionPolicy>,
    required_capabilities: Option<Vec<String>>,
    minimum_context_window: Option<u64>,
    candidates: Option<Vec<Candidate>>,
}

#[derive(Debug, Clone, Deserialize)]
struct SelectionPolicy {
    strategy: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct Candidate {
    candidate_id: Option<String>,
    provider_capability_id: Option<String>,
    provider_implementation_id: Option<String>,
    model_identifier: Option<String>,
    placement_target: Option<Target>,
    priority: Option<u32>,
    required_provider_config_keys: Option<Vec<String>>,
    metadata: Option<Value>,
}

/// The only model interface Traverse resolves.
const INTERFACE: &str = "traverse.inference.generate";

impl ModelDependency {
    /// Its first problem, as Traverse stops there: Traverse's path (`$.model_dependencies[]…`,
    /// which names no dependency), shown at `$.model_dependencies[index]…` in `manifest_path`.
    pub fn problem(&self, manifest_path: &str, index: usize) -> Option<AppError> {
        let error = |code: &'static str, field: &str, candidate: Option<usize>, message: String| {
            let (traverse, shown) = match candidate {
                None => (
                    format!("$.model_dependencies[]{field}"),
                    format!("$.model_dependencies[{index}]{field}"),
                ),
                Some(k) => (
                    format!("$.model_dependencies[].candidates[]{field}"),
                    format!("$.model_dependencies[{index}].candidates[{k}]{field}"),
                ),
            };
            Some(AppError::new(code, traverse, message).shown_at(Location::json(manifest_path, shown)))
        };
        let invalid = "model_candidate_config_invalid";
        let missing = |value: &Option<String>| !value.as_deref().is_some_and(has_text);
        if missing(&self.interface_id) {
            return error(invalid, ".interface_id", None, "model dependency interface_id is required".into());
        }
        if missing(&self.version_range) {
            return error(
                invalid,
                ".version_range",
                None,
                "model dependency version_range is required".into(),
            );
        }
        let Some(policy) = &self.selection_policy else {
            return error(
                invalid,
                ".selection_policy",
                None,
                "model dependency selection_policy is required".into(),
            );
        };
        if missing(&policy.strategy) {
            let message = "model dependency selection_policy.strategy is required".into();
            return error(invalid, ".selection_policy.strategy", None, message);
        }
        let Some(required_capabilities) = &self.required_capabilities else {
            let message = "model dependency required_capabilities is required".into();
            return error(invalid, ".required_capabilities", None, message);
        };
        let no_candidates = "model_dependency_missing_candidates";
        let Some(candidates) = &self.candidates else {
            return error(
                no_candidates,
                ".candidates",
                None,
                "model dependency candidates are required".into(),
            );
        };
        if candidates.is_empty() {
            let message = "model dependency must declare at least one real candidate".into();
            return error(no_candidates, ".candidates", None, message);
        }
        let mut seen = BTreeSet::new();
        for (k, candidate) in candidates.iter().enumerate() {
            let required = [
                (".candidate_id", &candidate.candidate_id, "model candidate candidate_id is required"),
                (
                    ".provider_capability_id",
                    &candidate.provider_capability_id,
                    "model candidate provider_capability_id is required",
                ),
                (
                    ".provider_implementation_id",
                    &candidate.provider_implementation_id,
                    "model candidate provider_implementation_id is required",
                ),
                (
                    ".model_identifier",
                    &candidate.model_identifier,
                    "model candidate model_identifier is required",
                ),
            ];
            if let Some((field, _, message)) = required.iter().find(|(_, value, _)| missing(value)) {
                return error(invalid, field, Some(k), (*message).into());
            }
            if candidate.placement_target.is_none() {
                let message = "model candidate placement_target is required".into();
                return error(invalid, ".placement_target", Some(k), message);
            }
            let id = candidate.candidate_id.clone().unwrap_or_default();
            if !seen.insert(id.clone()) {
                let message = format!("duplicate model candidate id: {id}");
                return error("duplicate_model_candidate", ".candidate_id", Some(k), message);
            }
            let valid = candidate.priority.unwrap_or_default() > 0
                && candidate.required_provider_config_keys.iter().flatten().all(|key| has_text(key))
                && candidate.metadata.as_ref().is_some_and(Value::is_object);
            if !valid {
                let message = format!(
                    "model candidate {id} must declare provider ids, model_identifier, priority, config keys, and metadata object"
                );
                return error(invalid, "", Some(k), message);
            }
            let implementation = candidate.provider_implementation_id.as_deref().unwrap_or_default();
            let kind = candidate.metadata.as_ref().and_then(|m| m["implementation_kind"].as_str());
            if looks_like_placeholder(implementation) || kind.is_some_and(looks_like_placeholder) {
                let message = format!(
                    "model candidate {id} must reference a real provider implementation, not a fake, stub, placeholder, or documentation-only implementation"
                );
                return error(
                    "model_candidate_implementation_invalid",
                    ".provider_implementation_id",
                    Some(k),
                    message,
                );
            }
        }
        let interface = self.interface_id.as_deref().unwrap_or_default();
        if interface != INTERFACE {
            let message = format!("unsupported model dependency interface: {interface}");
            return error("unsupported_model_interface", ".interface_id", None, message);
        }
        if policy.strategy.as_deref() != Some("priority")
            || self.minimum_context_window.unwrap_or_default() == 0
            || required_capabilities.iter().any(|capability| !has_text(capability))
        {
            return error(
                invalid,
                "",
                None,
                "model dependency must declare version_range, priority selection policy, minimum_context_window, and non-empty required_capabilities".into(),
            );
        }
        None
    }

    /// Its entry in `app validate`'s `model_readiness`: declared, not resolved (resolution
    /// needs the providers, at run time).
    pub fn readiness(&self) -> Value {
        let candidate_ids: Vec<&str> =
            self.candidates.iter().flatten().filter_map(|c| c.candidate_id.as_deref()).collect();
        json!({
            "interface_id": self.interface_id,
            "version_range": self.version_range,
            "selection_strategy": self.selection_policy.as_ref().and_then(|p| p.strategy.as_deref()),
            "candidate_count": candidate_ids.len(),
            "candidate_ids": candidate_ids,
            "status": "declared",
        })
    }
}

fn looks_like_placeholder(value: &str) -> bool {
    let lowered = value.to_ascii_lowercase();
    ["fake", "stub", "placeholder", "documentation-only"].iter().any(|marker| lowered.contains(marker))
}
