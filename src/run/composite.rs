//! A composite capability run through a `runtime_request` (WORKFLOWS.md §3.2, §8.2): the
//! runtime's state machine on its logical clock, candidate collection and selection, the
//! composite contract's input check, the workflow (run by [`crate::run::workflow`]), and the
//! `runtime_result` with the whole `RuntimeTrace`, every id derived from the request id.

use serde_json::{Map, Value, json};

use crate::{
    check::{
        contract::Lifecycle,
        request::{self, LookupScope, Request},
        schema_subset,
    },
    run::{
        composition::Composite,
        workflow::{WorkflowRequest, WorkflowRun, runtime_error},
    },
    sorted,
};

const GOVERNING_SPEC: &str = "006-runtime-request-execution";

/// Traverse's account of a composite run: its `runtime_result` and `RuntimeTrace`.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeOutcome {
    pub result: Value,
    pub trace: Value,
}

impl RuntimeOutcome {
    /// What `traverse-cli` prints for it.
    pub fn traverse_line(&self) -> String {
        match self.result["error"]["message"].as_str() {
            Some(message) => format!("runtime execution failed: {message}"),
            None => "status: completed".to_owned(),
        }
    }
}

/// A composite request selected and started: the workflow to run, and what finishing needs.
#[derive(Debug, Clone)]
pub struct Started {
    attempt: Attempt,
    clock: Clock,
    composite: Composite,
    candidates: Value,
    selection: Value,
    started_at: String,
    pub workflow: WorkflowRequest,
}

/// How a composite request begins: refused before its workflow, or started.
#[derive(Debug)]
pub enum Begun {
    Refused(Box<RuntimeOutcome>),
    Started(Box<Started>),
}

/// The request as the trace records it, and the ids derived from it.
#[derive(Debug, Clone)]
struct Attempt {
    request: Value,
    request_id: String,
    execution_id: String,
    trace_id: String,
}

/// The runtime's state machine (§8.2): one logical second per tick, an event and a
/// transition per move.
#[derive(Debug, Clone)]
struct Clock {
    execution_id: String,
    request_id: String,
    second: u32,
    state: &'static str,
    events: Vec<Value>,
    transitions: Vec<Value>,
}

const STATES: [&str; 10] = [
    "idle",
    "loading_registry",
    "ready",
    "discovering",
    "evaluating_constraints",
    "selecting",
    "executing",
    "emitting_events",
    "completed",
    "error",
];

fn logical_time(second: u32) -> String {
    format!("1970-01-01T00:00:{second:02}Z")
}

impl Clock {
    fn new(attempt: &Attempt) -> Self {
        Self {
            execution_id: attempt.execution_id.clone(),
            request_id: attempt.request_id.clone(),
            second: 0,
            state: "idle",
            events: Vec::new(),
            transitions: Vec::new(),
        }
    }

    fn tick(&mut self) -> String {
        let now = logical_time(self.second);
        self.second += 1;
        now
    }

    fn push(&mut self, to: &'static str, reason: &'static str, details: Value) {
        let at = self.tick();
        let mut details = match details {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        details.insert("transition_reason".into(), json!(reason));
        let index = self.events.len();
        self.events.push(json!({
            "kind": "runtime_state_event", "schema_version": "1.0.0",
            "event_id": format!("rse_{}_{index:04}", self.execution_id),
            "execution_id": self.execution_id, "request_id": self.request_id,
            "state": to, "entered_at": at, "details": details}));
        self.transitions.push(json!({
            "from_state": self.state, "to_state": to, "reason_code": reason, "occurred_at": at,
            "request_id": self.request_id, "execution_id": self.execution_id, "details": details}));
        self.state = to;
    }

    fn validation(&self) -> Value {
        let checked: Vec<String> = self
            .transitions
            .iter()
            .map(|t| {
                format!(
                    "{}->{}",
                    t["from_state"].as_str().unwrap_or(""),
                    t["to_state"].as_str().unwrap_or("")
                )
            })
            .collect();
        json!({
            "kind": "runtime_state_machine_validation", "schema_version": "1.0.0",
            "governing_spec": "010-runtime-state-machine",
            "validated_at": logical_time(self.second.saturating_sub(1)), "status": "passed",
            "checked_states": STATES, "checked_transitions": checked, "violations": []})
    }
}

/// The request as `RuntimeRequest` serialises it: every field, absent optional ones `null`.
fn normalised_request(raw: &Value) -> Value {
    let pick = |object: &Value, keys: &[&str]| -> Value {
        sorted::object(keys.iter().map(|key| ((*key).to_owned(), object[*key].clone())))
    };
    let mut request = pick(raw, &["kind", "schema_version", "request_id", "input", "governing_spec"]);
    request["intent"] =
        pick(&raw["intent"], &["capability_id", "capability_version", "intent_key", "version_range"]);
    request["lookup"] = pick(&raw["lookup"], &["scope", "allow_ambiguity"]);
    request["context"] = pick(
        &raw["context"],
        &[
            "requested_target",
            "correlation_id",
            "caller",
            "traceparent",
            "tracestate",
            "identity",
            "metadata",
        ],
    );
    request
}

fn placement_not_attempted(requested: &Value, reason: &str) -> Value {
    json!({"requested_target": requested, "selected_target": null, "status": "not_attempted",
           "reason": reason, "supported_executor_targets": ["local"]})
}

fn placement_selected() -> Value {
    json!({"requested_target": "local", "selected_target": "local", "status": "selected",
           "reason": "requested_target_selected", "supported_executor_targets": ["local"]})
}

fn execution_not_started(placement: Value, artifact_ref: Value, failure_reason: &str) -> Value {
    let target = if placement["selected_target"].is_null() {
        placement["requested_target"].clone()
    } else {
        placement["selected_target"].clone()
    };
    json!({"placement": placement, "placement_target": target, "status": "not_started",
           "artifact_ref": artifact_ref, "started_at": null, "completed_at": null, "output_digest": null,
           "failure_reason": failure_reason, "artifact_verification": null, "identity": null})
}

fn artifact_ref(composite: &Composite) -> String {
    format!("bundle:{}:{}:{}", composite.bundle_id, composite.contract.id, composite.contract.version)
}

/// Checks and selects a composite request (`execute` up to `execute_started_selection`):
/// the workflow to run, or Traverse's refusal. `raw` is the request file's JSON.
pub fn begin(raw: &Value, request: &Request, composite: Option<&Composite>) -> Begun {
    let execution_id = format!("exec_{}", request.request_id);
    let attempt = Attempt {
        request: normalised_request(raw),
        request_id: request.request_id.clone(),
        trace_id: format!("trace_{execution_id}"),
        execution_id,
    };
    let mut clock = Clock::new(&attempt);
    clock.push(
        "loading_registry",
        "runtime_initialization_started",
        json!({"registry_status": "available", "identity": null}),
    );
    clock.push("ready", "registry_loaded", json!({"governing_spec": GOVERNING_SPEC}));
    let lookup_scope = match request.lookup.scope {
        LookupScope::PublicOnly => "public_only",
        LookupScope::PreferPrivate => "prefer_private",
    };
    clock.push("discovering", "request_started", json!({"lookup_scope": lookup_scope, "identity": null}));
    let requested = attempt.request["context"]["requested_target"].clone();

    if let Some((path, message)) = request::validate(request).into_iter().next() {
        let error = runtime_error("request_invalid", message, json!({"path": path}));
        clock.push("evaluating_constraints", "candidates_collected", json!({"candidate_count": 0}));
        clock.push(
            "error",
            "constraint_validation_failed",
            json!({"code": "request_invalid", "message": message}),
        );
        clock.push("ready", "execution_closed", json!({"terminal_state": "error"}));
        let candidates =
            json!({"lookup_scope": "prefer_private", "candidates": [], "rejected_candidates": []});
        let selection = selection_failed("invalid_request", "invalid_request");
        let execution = execution_not_started(
            placement_not_attempted(&requested, "selection_not_reached"),
            Value::Null,
            "contract_input_invalid",
        );
        return refused(attempt, clock, candidates, selection, execution, error);
    }

    // Composites are registered locally, in the private tier: public-only lookups miss them.
    let visible = composite.filter(|_| lookup_scope != "public_only");
    let Some(composite) = visible else {
        return nothing_eligible(attempt, clock, lookup_scope, &request.request_id, Vec::new());
    };
    let (id, version) = (&composite.contract.id, &composite.contract.version);
    let lifecycle = serde_json::to_value(composite.contract.lifecycle).unwrap_or_default();
    let scope = "private";
    clock.push("evaluating_constraints", "candidates_collected", json!({"candidate_count": 1}));
    if !matches!(composite.contract.lifecycle, Lifecycle::Active | Lifecycle::Deprecated) {
        let rejected = vec![json!({"capability_id": id, "capability_version": version,
                                   "reason": "lifecycle_not_runnable", "scope": scope})];
        return nothing_eligible(attempt, clock, lookup_scope, &request.request_id, rejected);
    }
    let reference = artifact_ref(composite);
    let candidates = json!({"lookup_scope": lookup_scope, "rejected_candidates": [], "candidates": [{
        "artifact_ref": reference, "capability_id": id, "capability_version": version,
        "implementation_kind": "workflow", "lifecycle": lifecycle, "reason": "exact_match", "scope": scope}]});
    clock.push(
        "selecting",
        "constraints_evaluated",
        json!({"eligible_candidates": 1, "rejected_candidates": 0}),
    );
    let selection = json!({"status": "selected", "selected_capability_id": id,
                           "selected_capability_version": version, "failure_reason": null,
                           "remaining_candidates": []});

    let pre_execution = |mut clock: Clock, error: Value, placement: Value, reason: &str| {
        clock.push("error", "selection_failed", json!({"code": error["code"], "details": error["details"]}));
        clock.push("ready", "execution_closed", json!({"terminal_state": "error"}));
        let execution = execution_not_started(placement, json!(reference), reason);
        (clock, execution, error)
    };
    let drafts = composite.contract_path.split('/').any(|segment| segment == "drafts");
    let refusal = if drafts {
        let violation = json!({"violation_code": "draft_artifact_not_executable", "path": composite.contract_path,
                               "message": "draft artifacts are quarantined under drafts/ and must not be executable"});
        let error = runtime_error(
            "contract_violation",
            "draft artifacts are not executable",
            json!({"violations": [violation]}),
        );
        Some(pre_execution(
            clock.clone(),
            error,
            placement_not_attempted(&requested, "selection_not_reached"),
            "artifact_not_runnable",
        ))
    } else if requested != "local" {
        let error = runtime_error(
            "placement_unsupported",
            "requested placement target is not supported by the available executor set",
            json!({"requested_target": requested, "supported_executor_targets": ["local"]}),
        );
        Some(pre_execution(
            clock.clone(),
            error,
            placement_not_attempted(&requested, "requested_target_unsupported"),
            "placement_unsupported",
        ))
    } else {
        let violations = schema_subset::violations(&request.input, &composite.contract.inputs.schema);
        (!violations.is_empty()).then(|| {
            let error = runtime_error(
                "request_invalid",
                "runtime request input does not satisfy the selected capability input contract",
                json!({"violations": violations}),
            );
            pre_execution(clock.clone(), error, placement_selected(), "contract_input_invalid")
        })
    };
    if let Some((clock, execution, error)) = refusal {
        return refused(attempt, clock, candidates, selection, execution, error);
    }

    let started_at = clock.tick();
    clock.push(
        "executing",
        "candidate_selected",
        json!({"capability_id": id, "capability_version": version, "artifact_ref": reference,
               "requested_target": "local", "selected_target": "local", "placement_status": "selected",
               "placement_reason": "requested_target_selected", "identity": null}),
    );
    let workflow = WorkflowRequest::new(
        &request.request_id,
        &composite.workflow_id,
        &composite.workflow_version,
        request.input.clone(),
    );
    Begun::Started(Box::new(Started {
        attempt,
        clock,
        composite: composite.clone(),
        candidates,
        selection,
        started_at,
        workflow,
    }))
}

/// No eligible candidate (`no_eligible_outcome`): none found (`no_match`), or every one
/// rejected (`capability_not_runnable`, with the rejections).
fn nothing_eligible(
    attempt: Attempt,
    mut clock: Clock,
    lookup_scope: &str,
    request_id: &str,
    rejected: Vec<Value>,
) -> Begun {
    let (transition, error, failure) = if rejected.is_empty() {
        let details = json!({"request_id": request_id});
        (
            "no_match",
            runtime_error(
                "capability_not_found",
                "no eligible capability matched the runtime request",
                details,
            ),
            "no_match",
        )
    } else {
        let message = "matching capabilities were found but none were runnable locally";
        let details = json!({"rejected_candidates": rejected});
        (
            "constraint_validation_failed",
            runtime_error("capability_not_runnable", message, details),
            "not_runnable",
        )
    };
    clock.push("error", transition, json!({"code": error["code"]}));
    clock.push("ready", "execution_closed", json!({"terminal_state": "error"}));
    let requested = attempt.request["context"]["requested_target"].clone();
    let candidates = json!({"lookup_scope": lookup_scope, "candidates": [], "rejected_candidates": rejected});
    let execution = execution_not_started(
        placement_not_attempted(&requested, "selection_not_reached"),
        Value::Null,
        "artifact_not_runnable",
    );
    refused(attempt, clock, candidates, selection_failed("no_match", failure), execution, error)
}

/// A request refused before its workflow: no output, warnings, evidence or events.
fn refused(
    attempt: Attempt,
    clock: Clock,
    candidates: Value,
    selection: Value,
    execution: Value,
    error: Value,
) -> Begun {
    let outcome = finish_trace(
        attempt,
        clock,
        candidates,
        selection,
        execution,
        Err(error),
        vec![],
        Value::Null,
        vec![],
    );
    Begun::Refused(Box::new(outcome))
}

fn selection_failed(status: &str, reason: &str) -> Value {
    json!({"status": status, "selected_capability_id": null, "selected_capability_version": null,
           "failure_reason": reason, "remaining_candidates": []})
}

/// Traverse's account once the workflow has run; `None` when the playground could not finish
/// it (its worker failed).
pub fn finish(started: Started, run: &WorkflowRun) -> Option<RuntimeOutcome> {
    let (result, evidence) = (run.result.as_ref()?, run.evidence.clone()?);
    let Started { attempt, mut clock, composite, candidates, selection, started_at, .. } = started;
    let warnings = result["warnings"].as_array().cloned().unwrap_or_default();
    let emitted = evidence["emitted_events"].as_array().cloned().unwrap_or_default();
    let reference = artifact_ref(&composite);
    let (id, version) = (&composite.contract.id, &composite.contract.version);
    let completed = result["status"] == "completed";
    let end = if completed {
        let output = if result["output"].is_null() { json!({}) } else { result["output"].clone() };
        let completed_at = clock.tick();
        // A workflow-backed capability always goes through emitting_events (§8.2).
        clock.push(
            "emitting_events",
            "execution_succeeded_with_events",
            json!({"capability_id": id, "capability_version": version,
                   "declared_event_count": composite.contract.emits.len()}),
        );
        clock.push(
            "completed",
            "events_emitted",
            json!({"capability_id": id, "capability_version": version}),
        );
        clock.push("ready", "execution_closed", json!({"terminal_state": "completed"}));
        (Ok(output.clone()), completed_at, "succeeded", Value::Null, json!(content_digest(&output)))
    } else {
        let error = if result["error"].is_null() {
            runtime_error("execution_failed", "workflow-backed capability execution failed", json!({}))
        } else {
            result["error"].clone()
        };
        clock.push("error", "execution_failed", json!({"code": error["code"], "details": error["details"]}));
        let completed_at = clock.tick();
        clock.push("ready", "execution_closed", json!({"terminal_state": "error"}));
        (Err(error), completed_at, "failed", json!("execution_failed"), Value::Null)
    };
    let (output, completed_at, status, failure_reason, digest) = end;
    let execution = json!({
        "placement": placement_selected(), "placement_target": "local", "status": status,
        "artifact_ref": reference, "started_at": started_at, "completed_at": completed_at,
        "output_digest": digest, "failure_reason": failure_reason, "identity": null,
        "artifact_verification": {"status": "verified", "trust_level": "local_dev", "warning_code": null,
                                  "scheme": null, "error_code": null}});
    Some(finish_trace(attempt, clock, candidates, selection, execution, output, warnings, evidence, emitted))
}

/// The `runtime_result` and `RuntimeTrace` of a finished attempt.
#[allow(clippy::too_many_arguments)]
fn finish_trace(
    attempt: Attempt,
    clock: Clock,
    candidates: Value,
    selection: Value,
    execution: Value,
    output: Result<Value, Value>,
    warnings: Vec<Value>,
    workflow_evidence: Value,
    emitted: Vec<Value>,
) -> RuntimeOutcome {
    let (status, output, error) = match output {
        Ok(output) => ("completed", output, Value::Null),
        Err(error) => ("error", Value::Null, error),
    };
    let validation = clock.validation();
    let trace_result = json!({"status": status, "output": output, "error": error, "warnings": warnings});
    let otel = otel_trace(&attempt, &clock.transitions, &selection, &error);
    let terminal_failure = if error.is_null() { Value::Null } else { execution["failure_reason"].clone() };
    let trace = json!({
        "kind": "runtime_trace", "schema_version": "1.0.0",
        "trace_id": attempt.trace_id, "execution_id": attempt.execution_id, "request_id": attempt.request_id,
        "governing_spec": GOVERNING_SPEC, "request": attempt.request,
        "decision_evidence": {"candidate_collection": candidates, "model_resolution": [], "selection": selection},
        "state_progression": {"state_events": clock.events, "transitions": clock.transitions, "validation": validation},
        "terminal_outcome": {"runtime_status": status, "execution_status": execution["status"],
                             "failure_reason": terminal_failure, "error": error},
        "emitted_events": emitted, "workflow_evidence": workflow_evidence, "model_resolution": [],
        "state_transitions": clock.transitions, "state_machine_validation": validation,
        "candidate_collection": candidates, "selection": selection, "execution": execution,
        "result": trace_result, "otel_trace": otel,
    });
    let result = json!({
        "kind": "runtime_result", "schema_version": "1.0.0", "execution_id": attempt.execution_id,
        "request_id": attempt.request_id, "status": status, "trace_ref": attempt.trace_id,
        "output": output, "error": error, "warnings": warnings,
    });
    RuntimeOutcome { result, trace }
}

/// The trace's `output_digest`: `0.1.0:` and an FNV-1a-style hash of the compact, key-sorted
/// output. Traverse multiplies by 0x1_0000_01b3, not FNV's 64-bit prime 0x100_0000_01b3, so
/// this is not the `fnv1a64` of the output: only its low 32 bits agree.
fn content_digest(output: &Value) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const MULTIPLIER: u64 = 0x0000_0001_0000_01b3;
    let bytes = request::stdin_bytes(output);
    let hash = bytes.bytes().fold(OFFSET, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(MULTIPLIER));
    format!("0.1.0:{hash:016x}")
}

/// Traverse's deterministic OTel ids: FNV-1a over 128 bits of seed and value, as hex.
fn deterministic_hex(value: &str, len: usize) -> String {
    const SEED: &str = "traverse-runtime";
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let hash = SEED
        .bytes()
        .chain(value.bytes())
        .fold(OFFSET, |hash, byte| (hash ^ u128::from(byte)).wrapping_mul(PRIME));
    format!("{hash:032x}")[..len].to_owned()
}

/// The `otel_trace`: a root span and one per phase, their times read off the transitions.
fn otel_trace(attempt: &Attempt, transitions: &[Value], selection: &Value, error: &Value) -> Value {
    let trace_id = deterministic_hex(&attempt.trace_id, 32);
    let span_id =
        |name: &str, index: usize| deterministic_hex(&format!("{}:{name}:{index}", attempt.execution_id), 16);
    let time = |transition: Option<&Value>| transition.map_or(Value::Null, |t| t["occurred_at"].clone());
    let (first, last) = (time(transitions.first()), time(transitions.last()));
    // A phase runs from its transition to the next; past the end, the first or last time.
    let started =
        |index: usize| transitions.get(index).map_or_else(|| first.clone(), |t| t["occurred_at"].clone());
    let ended =
        |index: usize| transitions.get(index + 1).map_or_else(|| last.clone(), |t| t["occurred_at"].clone());
    let context = &attempt.request["context"];
    let mut attributes = vec![
        json!({"key": "traverse.request.id", "value": attempt.request_id}),
        json!({"key": "traverse.execution.id", "value": attempt.execution_id}),
        json!({"key": "traverse.lookup.scope", "value": attempt.request["lookup"]["scope"]}),
        json!({"key": "traverse.runtime.placement.target", "value": "local"}),
    ];
    if !context["correlation_id"].is_null() {
        attributes.push(json!({"key": "traverse.correlation.id", "value": context["correlation_id"]}));
    }
    if !selection["selected_capability_id"].is_null() {
        attributes
            .push(json!({"key": "traverse.capability.id", "value": selection["selected_capability_id"]}));
        attributes.push(
            json!({"key": "traverse.capability.version", "value": selection["selected_capability_version"]}),
        );
    }
    let failed = !error.is_null();
    let exception = || -> Vec<Value> {
        if !failed {
            return vec![];
        }
        vec![json!({"name": "exception", "timestamp": logical_time(0), "attributes": [
            {"key": "traverse.error.classification", "value": error["code"]},
            {"key": "traverse.error.message", "value": error["message"]}]})]
    };
    let status = |failed: bool| if failed { "ERROR" } else { "OK" };
    let root = span_id("runtime.request", 0);
    let mut spans = vec![json!({
        "trace_id": trace_id, "span_id": root, "parent_span_id": null, "name": "traverse.runtime.request",
        "kind": "internal", "status": status(failed), "started_at": first, "ended_at": last,
        "attributes": attributes, "events": exception()})];
    let phases = [
        "traverse.request.intake",
        "traverse.registry.lookup",
        "traverse.contract.validation",
        "traverse.capability.execution",
        "traverse.trace.assembly",
    ];
    for (index, phase) in phases.iter().enumerate() {
        let assembly = *phase == "traverse.trace.assembly";
        spans.push(json!({
            "trace_id": trace_id, "span_id": span_id(phase, index + 1), "parent_span_id": root, "name": phase,
            "kind": "internal", "status": status(failed && assembly), "started_at": started(index), "ended_at": ended(index),
            "attributes": attributes, "events": if assembly { exception() } else { vec![] }}));
    }
    json!({"trace_id": trace_id, "parent_traceparent": context["traceparent"], "tracestate": context["tracestate"],
           "exporter": {"enabled": false, "endpoint": null, "protocol": "http"}, "spans": spans})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn otel_ids_are_traverse_hashes_of_the_trace_and_execution_ids() {
        assert_eq!(
            deterministic_hex("trace_exec_traverse-starter-pipeline-001", 32),
            "f410d62931d02a35c6ead9cf03f33165"
        );
        assert_eq!(
            deterministic_hex("exec_traverse-starter-pipeline-001:runtime.request:0", 16),
            "7eaa52e6ba5cc85a"
        );
    }
}
