//! Traverse's account of a run (SPEC §7.3 step 12, §7.4, §7.5): the collapsed runtime error,
//! the line `traverse-cli` prints, and the `runtime_result` with its trace, for a run that
//! happened or one refused before it started.

use serde::Serialize;
use serde_json::{Value, json};

use crate::{
    check::{
        contract::Contract,
        diagnostic::{Stage, TraverseStop, step},
        linkage::collapsed_stop,
    },
    run::{
        execution::{Execution, classify},
        protocol::RunOutcome,
    },
};

/// What `traverse-cli` prints for a run whose runtime result completed.
pub const COMPLETED_LINE: &str = "status: completed";

/// Traverse's whole account of one governed run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    pub execution: Execution,
    /// Whether a contract's output schema was checked; without a contract any JSON passes.
    pub against_contract: bool,
    /// What `traverse-cli capability-package execute` prints: `status: completed`, or
    /// `runtime execution failed: …`. `None` when the playground itself failed.
    pub traverse_line: Option<String>,
    pub runtime_result: Option<Value>,
    pub trace: Option<Value>,
}

/// Classifies `outcome` against the contract (when there is one) for request `request_id`.
pub fn account(outcome: &RunOutcome, contract: Option<&Contract>, request_id: &str) -> Account {
    let any_output = Value::Object(Default::default());
    let output_schema = contract.map_or(&any_output, |contract| &contract.outputs.schema);
    let execution = classify(outcome, output_schema);
    let emits = contract.is_some_and(|contract| !contract.emits.is_empty());
    let (runtime_result, trace) = runtime_result(request_id, emits, &execution).unzip();
    let traverse_line = runtime_result.as_ref().map(|result| match result["error"]["message"].as_str() {
        Some(message) => format!("runtime execution failed: {message}"),
        None => COMPLETED_LINE.to_owned(),
    });
    Account { execution, against_contract: contract.is_some(), traverse_line, runtime_result, trace }
}

/// The warning every result from artifact verification on carries (SPEC §7.4).
pub fn unsigned_artifact_warning() -> Value {
    json!({"code": "unsigned_local_dev_artifact", "message": "unsigned local/dev artifact allowed by development security mode"})
}

/// The `runtime_result` Traverse returns for a run that reached the executor, and its trace.
pub fn runtime_result(
    request_id: &str,
    contract_emits: bool,
    execution: &Execution,
) -> Option<(Value, Value)> {
    let execution_id = format!("exec_{request_id}");
    let (status, output, error) = match execution {
        Execution::Completed { output, .. } => ("completed", output.clone(), Value::Null),
        Execution::ExecutorFailed { .. } => {
            ("error", Value::Null, collapsed_stop().runtime_error.unwrap_or_default())
        }
        Execution::OutputInvalid { violations, .. } => (
            "error",
            Value::Null,
            json!({"code": "output_validation_failed",
                   "message": "executor output does not satisfy the selected capability output contract",
                   "details": {"violations": violations}}),
        ),
        Execution::PlaygroundFailed { .. } => return None,
    };
    let result = result_document(request_id, status, output, error, vec![unsigned_artifact_warning()]);
    let trace = trace(&execution_id, contract_emits, execution, &result);
    Some((result, trace))
}

/// A `runtime_result` (SPEC §7.4), with Traverse's deterministic ids.
fn result_document(
    request_id: &str,
    status: &str,
    output: Value,
    error: Value,
    warnings: Vec<Value>,
) -> Value {
    let execution_id = format!("exec_{request_id}");
    json!({
        "kind": "runtime_result",
        "schema_version": "1.0.0",
        "execution_id": execution_id,
        "request_id": request_id,
        "status": status,
        "trace_ref": format!("trace_{execution_id}"),
        "output": output,
        "error": error,
        "warnings": warnings,
    })
}

/// One state transition: from, to, trigger, and its logical second.
type Transition = (&'static str, &'static str, &'static str, u32);

/// How every run begins (SPEC §7.5).
const OPENING: [Transition; 3] = [
    ("idle", "loading_registry", "runtime_initialization_started", 0),
    ("loading_registry", "ready", "registry_loaded", 1),
    ("ready", "discovering", "request_started", 2),
];

/// The trace's `state_transitions`, with ids `rse_{execution_id}_{NNNN}`.
fn state_transitions(execution_id: &str, transitions: &[Transition]) -> Vec<Value> {
    transitions
        .iter()
        .enumerate()
        .map(|(i, (from, to, trigger, second))| {
            json!({"event_id": format!("rse_{execution_id}_{i:04}"), "from_state": from, "to_state": to,
                   "trigger": trigger, "timestamp": logical_time(*second)})
        })
        .collect()
}

/// The parts of Traverse's `runtime_trace` that are deterministic (SPEC §7.5): logical times,
/// state transitions, the terminal outcome, and the emitted events by id and version.
fn trace(execution_id: &str, contract_emits: bool, execution: &Execution, result: &Value) -> Value {
    let succeeded = matches!(execution, Execution::Completed { .. });
    let mut steps = OPENING.to_vec();
    steps.extend([
        ("discovering", "evaluating_constraints", "candidates_collected", 3),
        ("evaluating_constraints", "selecting", "constraints_evaluated", 4),
        // Second 05 is `started_at`.
        ("selecting", "executing", "candidate_selected", 6),
    ]);
    let completed_at = if !succeeded {
        steps.extend([
            ("executing", "error", "execution_failed", 7),
            ("error", "ready", "execution_closed", 9),
        ]);
        8
    } else if contract_emits {
        steps.extend([
            ("executing", "emitting_events", "execution_succeeded_with_events", 8),
            ("emitting_events", "completed", "events_emitted", 9),
            ("completed", "ready", "execution_closed", 10),
        ]);
        7
    } else {
        steps.extend([
            ("executing", "completed", "execution_succeeded", 8),
            ("completed", "ready", "execution_closed", 9),
        ]);
        7
    };
    let transitions = state_transitions(execution_id, &steps);
    let emitted: Vec<Value> = match execution {
        Execution::Completed { events, .. } => {
            events.iter().map(|e| json!({"event_id": e.event_id, "version": e.version})).collect()
        }
        _ => vec![],
    };
    let (failure_reason, execution_status) = match execution {
        Execution::Completed { .. } => (Value::Null, "succeeded"),
        Execution::OutputInvalid { .. } => (json!("contract_output_invalid"), "failed"),
        _ => (json!("execution_failed"), "failed"),
    };
    json!({
        "trace_id": format!("trace_{execution_id}"),
        "execution_id": execution_id,
        "terminal_outcome": {"runtime_status": result["status"], "execution_status": execution_status,
                             "failure_reason": failure_reason, "error": result["error"]},
        "execution": {"placement": "local", "placement_target": "local", "status": execution_status,
                      "started_at": logical_time(5), "completed_at": logical_time(completed_at),
                      "failure_reason": failure_reason,
                      "artifact_verification": {"status": "warning", "trust_level": "local_dev",
                          "warning_code": "unsigned_local_dev_artifact", "scheme": null, "error_code": null}},
        "state_transitions": transitions,
        "emitted_events": emitted,
        "result": result,
    })
}

/// The `runtime_result` and trace of a request Traverse rejects before running the module
/// (SPEC §7.3 steps 1–9, §7.5): fully determined without a run. `None` for other stops.
pub fn refused_result(request_id: &str, stop: &TraverseStop) -> Option<(Value, Value)> {
    let error =
        stop.runtime_error.clone().filter(|_| stop.stage == Stage::Execute && stop.step < step::EXECUTOR)?;
    let execution_id = format!("exec_{request_id}");
    // Artifact verification (step 6) adds the warning to every later result.
    let warnings =
        if stop.step > step::REQUESTED_TARGET { vec![unsigned_artifact_warning()] } else { vec![] };
    let result = result_document(request_id, "error", Value::Null, error, warnings);
    let failure_reason = match stop.step {
        step::VALIDATE_REQUEST | step::INPUT_SCHEMA => "contract_input_invalid",
        step::FIND_CANDIDATES | step::REJECT_CANDIDATES | step::DRAFTS => "artifact_not_runnable",
        step::DEPENDENCIES => "artifact_missing",
        _ => "placement_unsupported",
    };
    let mut steps = OPENING.to_vec();
    match stop.step {
        step::FIND_CANDIDATES => {
            steps.extend([("discovering", "error", "no_match", 3), ("error", "ready", "execution_closed", 4)])
        }
        step::VALIDATE_REQUEST | step::REJECT_CANDIDATES => steps.extend([
            ("discovering", "evaluating_constraints", "candidates_collected", 3),
            ("evaluating_constraints", "error", "constraint_validation_failed", 4),
            ("error", "ready", "execution_closed", 5),
        ]),
        _ => steps.extend([
            ("discovering", "evaluating_constraints", "candidates_collected", 3),
            ("evaluating_constraints", "selecting", "constraints_evaluated", 4),
            ("selecting", "error", "selection_failed", 5),
            ("error", "ready", "execution_closed", 6),
        ]),
    }
    let transitions = state_transitions(&execution_id, &steps);
    let trace = json!({
        "trace_id": format!("trace_{execution_id}"),
        "execution_id": execution_id,
        "terminal_outcome": {"runtime_status": "error", "execution_status": "not_started",
                             "failure_reason": failure_reason, "error": result["error"]},
        "state_transitions": transitions,
        "emitted_events": [],
        "result": result,
    });
    Some((result, trace))
}

fn logical_time(second: u32) -> String {
    format!("1970-01-01T00:00:{second:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::protocol::RunEnd;

    fn outcome(stdout: &str, end: RunEnd) -> RunOutcome {
        RunOutcome { stdout: stdout.as_bytes().to_vec(), ..RunOutcome::without_output(end, 1.0) }
    }

    fn greeting_schema() -> Value {
        json!({"type": "object", "required": ["name", "greeting"], "properties": {"greeting": {"type": "string"}}})
    }

    #[test]
    fn a_success_gives_traverse_ids_warning_and_transitions() {
        let execution = classify(
            &outcome(r#"{"name":"Traverse","greeting":"Hello, Traverse!"}"#, RunEnd::Returned),
            &greeting_schema(),
        );
        let (result, trace) = runtime_result("hello-1", false, &execution).unwrap();
        assert_eq!(result["execution_id"], "exec_hello-1");
        assert_eq!(result["trace_ref"], "trace_exec_hello-1");
        assert_eq!(result["warnings"], json!([unsigned_artifact_warning()]));
        let transitions: Vec<_> = trace["state_transitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["to_state"].as_str().unwrap().to_owned(),
                    t["timestamp"].as_str().unwrap()[17..19].to_owned(),
                )
            })
            .collect();
        let expected = [
            ("loading_registry", "00"),
            ("ready", "01"),
            ("discovering", "02"),
            ("evaluating_constraints", "03"),
            ("selecting", "04"),
            ("executing", "06"),
            ("completed", "08"),
            ("ready", "09"),
        ];
        assert_eq!(transitions, expected.map(|(s, t)| (s.to_owned(), t.to_owned())));
        assert_eq!(trace["state_transitions"][7]["event_id"], "rse_exec_hello-1_0007");
    }

    #[test]
    fn the_account_prints_what_traverse_cli_prints() {
        let ok = account(&outcome("{}", RunEnd::Returned), None, "p");
        assert_eq!(ok.traverse_line.as_deref(), Some("status: completed"));
        let failed = account(&outcome("{}", RunEnd::Exited(0)), None, "p");
        assert_eq!(
            failed.traverse_line.as_deref(),
            Some("runtime execution failed: execution failed: registered artifact execution failed")
        );
        let lost = account(&outcome("", RunEnd::WorkerFailed("gone".into())), None, "p");
        assert_eq!((lost.traverse_line, lost.runtime_result), (None, None));
    }

    #[test]
    fn refusals_before_the_executor_have_their_own_result_and_transitions() {
        let input = TraverseStop::execute(
            step::INPUT_SCHEMA,
            "request_invalid",
            "runtime request input does not satisfy the selected capability input contract",
            json!({"violations": [{"path": "$.name", "message": "required property is missing"}]}),
        );
        let (result, trace) = refused_result("r", &input).unwrap();
        assert_eq!(result["error"]["details"]["violations"][0]["path"], "$.name");
        assert_eq!(result["warnings"], json!([unsigned_artifact_warning()]));
        let last: Vec<_> = trace["state_transitions"].as_array().unwrap()[3..]
            .iter()
            .map(|t| {
                (
                    t["to_state"].as_str().unwrap(),
                    t["trigger"].as_str().unwrap(),
                    t["timestamp"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            last,
            [
                ("evaluating_constraints", "candidates_collected", "1970-01-01T00:00:03Z"),
                ("selecting", "constraints_evaluated", "1970-01-01T00:00:04Z"),
                ("error", "selection_failed", "1970-01-01T00:00:05Z"),
                ("ready", "execution_closed", "1970-01-01T00:00:06Z"),
            ]
        );
        assert_eq!(trace["terminal_outcome"]["failure_reason"], "contract_input_invalid");

        // Before artifact verification there is no warning; no candidate ends at no_match.
        let no_match = TraverseStop::execute(step::FIND_CANDIDATES, "capability_not_found", "m", json!({}));
        let (result, trace) = refused_result("r", &no_match).unwrap();
        assert_eq!(result["warnings"], json!([]));
        assert_eq!(trace["state_transitions"][3]["trigger"], "no_match");
        assert_eq!(
            refused_result("r", &crate::check::linkage::collapsed_stop()),
            None,
            "the executor's failures need a run"
        );
    }

    #[test]
    fn every_executor_error_collapses() {
        let execution = classify(&outcome("{}", RunEnd::Exited(3)), &json!({}));
        let (result, trace) = runtime_result("r", true, &execution).unwrap();
        assert_eq!(
            result["error"],
            json!({"code": "execution_failed", "message": "execution failed: registered artifact execution failed", "details": {"code": "execution_failed"}})
        );
        let last = &trace["state_transitions"][7];
        assert_eq!(
            (last["to_state"].as_str(), last["timestamp"].as_str()),
            (Some("ready"), Some("1970-01-01T00:00:09Z"))
        );
    }

    #[test]
    fn output_schema_failures_are_their_own_error() {
        let execution =
            classify(&outcome(r#"{"name":"Traverse","greeting":7}"#, RunEnd::Returned), &greeting_schema());
        let (result, trace) = runtime_result("r1", false, &execution).unwrap();
        assert_eq!(result["status"], "error");
        assert_eq!(result["error"]["code"], "output_validation_failed");
        assert_eq!(
            result["error"]["details"]["violations"],
            json!([{"path": "$.greeting", "message": "expected string"}])
        );
        assert_eq!(trace["terminal_outcome"]["failure_reason"], "contract_output_invalid");
    }
}
