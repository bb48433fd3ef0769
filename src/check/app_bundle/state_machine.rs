//! An application's `state_machine` (WORKFLOWS.md §10.4): traverse-registry's serde model (a
//! state machine that does not parse fails the whole manifest's parse, as in Traverse), its
//! rules in their order, codes, paths and words, and the materialised form `app validate`
//! prints.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::AppError;
use crate::check::diagnostic::Location;

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct StateMachine {
    initial_state: String,
    #[serde(default)]
    list_context_fields: Vec<String>,
    states: Vec<State>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
struct State {
    id: String,
    /// Printed as `null` when absent, as Traverse prints it.
    #[serde(default)]
    invoke: Option<Invoke>,
    #[serde(default)]
    transitions: Vec<Transition>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
struct Invoke {
    capability_id: String,
    input_from: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
struct Transition {
    on: String,
    to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    condition: Option<Condition>,
    #[serde(default)]
    with_last_payload: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
struct Condition {
    field: String,
    op: String,
    /// `null` reads as absent, as serde reads an `Option`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<Value>,
}

const OPERATORS: [&str; 8] = ["eq", "neq", "gt", "gte", "lt", "lte", "in", "exists"];

impl StateMachine {
    /// The state machine as `app validate` prints it once it validates: every field present,
    /// condition fields trimmed.
    pub fn evidence(&self) -> Value {
        let mut machine = self.clone();
        for condition in
            machine.states.iter_mut().flat_map(|s| &mut s.transitions).flat_map(|t| &mut t.condition)
        {
            condition.field = condition.field.trim().to_owned();
        }
        serde_json::to_value(machine).expect("a state machine serialises")
    }

    /// Its problems in traverse-registry's order. Traverse stops at the first; the page goes on
    /// where what follows does not depend on it (every bad id, every undefined target, every
    /// unreachable state, every bad invoke and condition). Each is shown at its JSON value in
    /// `manifest_path`; `capabilities` are those the components declare.
    pub fn problems(&self, manifest_path: &str, capabilities: &BTreeSet<String>) -> Vec<AppError> {
        let mut errors = Vec::new();
        let problem = |code: &'static str, path: String, message: String, at: String| {
            AppError::new(code, path, message).shown_at(Location::json(manifest_path, at))
        };
        if self.initial_state.trim().is_empty() || self.states.is_empty() {
            errors.push(problem(
                "app_state_machine_invalid",
                "state_machine".into(),
                "state_machine requires initial_state and at least one state".into(),
                "$.state_machine".into(),
            ));
            return errors;
        }
        // Each id and where its state is: the first of an id, as traverse-registry finds it.
        let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, state) in self.states.iter().enumerate() {
            let id = state.id.as_str();
            if id.trim().is_empty() || ids.contains_key(id) {
                errors.push(problem(
                    "app_state_machine_invalid",
                    format!("state_machine.states.{id}"),
                    "state_machine states must have unique non-empty ids".into(),
                    format!("$.state_machine.states[{i}].id"),
                ));
            } else {
                ids.insert(id, i);
            }
        }
        if !errors.is_empty() {
            return errors;
        }
        let initial = self.initial_state.as_str();
        if !ids.contains_key(initial) {
            errors.push(problem(
                "app_state_machine_undefined_state",
                "state_machine.initial_state".into(),
                format!("initial_state '{initial}' is not declared in state_machine.states"),
                "$.state_machine.initial_state".into(),
            ));
            return errors;
        }
        // Reachability as traverse-registry walks it: a stack, each state's transitions in order.
        let mut reached = BTreeSet::new();
        let mut pending = vec![initial];
        while let Some(id) = pending.pop() {
            if !reached.insert(id) {
                continue;
            }
            let state = ids[id];
            for (j, transition) in self.states[state].transitions.iter().enumerate() {
                let (on, to) = (&transition.on, transition.to.as_str());
                if ids.contains_key(to) {
                    pending.push(to);
                } else {
                    errors.push(problem(
                        "app_state_machine_undefined_state",
                        format!("state_machine.states.{id}.transitions.{on}"),
                        format!("transition '{on}' targets undefined state '{to}'"),
                        format!("$.state_machine.states[{state}].transitions[{j}].to"),
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return errors;
        }
        for (id, &state) in ids.iter().filter(|(id, _)| !reached.contains(*id)) {
            errors.push(problem(
                "app_state_machine_unreachable_state",
                format!("state_machine.states.{id}"),
                format!("state_machine state '{id}' is unreachable from initial_state"),
                format!("$.state_machine.states[{state}]"),
            ));
        }
        if !errors.is_empty() {
            return errors;
        }
        let mut fields = HashSet::new();
        let bad_field =
            self.list_context_fields.iter().position(|field| !is_output_path(field) || !fields.insert(field));
        if let Some(i) = bad_field {
            errors.push(problem(
                "app_state_machine_invalid",
                "state_machine.list_context_fields".into(),
                "list_context_fields entries must be unique non-empty output.* paths".into(),
                format!("$.state_machine.list_context_fields[{i}]"),
            ));
            return errors;
        }
        for (i, state) in self.states.iter().enumerate() {
            let id = &state.id;
            if let Some(invoke) = &state.invoke
                && !capabilities.contains(&invoke.capability_id)
            {
                errors.push(problem(
                    "app_state_machine_undefined_capability",
                    format!("state_machine.states.{id}.invoke"),
                    format!("invoke capability '{}' is not declared in app components", invoke.capability_id),
                    format!("$.state_machine.states[{i}].invoke.capability_id"),
                ));
                continue;
            }
            for (j, transition) in state.transitions.iter().enumerate() {
                let Some(condition) = &transition.condition else { continue };
                let on = &transition.on;
                let path =
                    |part: &str| format!("state_machine.states.{id}.transitions.{on}.condition.{part}");
                let at =
                    |part: &str| format!("$.state_machine.states[{i}].transitions[{j}].condition.{part}");
                let operator = condition.op.as_str();
                if !is_output_path(condition.field.trim()) {
                    errors.push(problem(
                        "app_state_machine_invalid",
                        path("field"),
                        "transition condition field must be a non-empty output.* path".into(),
                        at("field"),
                    ));
                } else if !OPERATORS.contains(&operator) {
                    errors.push(problem(
                        "app_state_machine_invalid",
                        path("op"),
                        format!("unsupported transition condition operator '{operator}'"),
                        at("op"),
                    ));
                } else if operator != "exists" && condition.value.is_none() {
                    errors.push(problem(
                        "app_state_machine_invalid",
                        path("value"),
                        format!("transition condition operator '{operator}' requires value"),
                        at("op"),
                    ));
                }
            }
        }
        errors
    }
}

/// `output.` then one or more dot-separated segments, each with text.
fn is_output_path(field: &str) -> bool {
    field
        .strip_prefix("output.")
        .is_some_and(|rest| rest.split('.').all(|segment| !segment.trim().is_empty()))
}
