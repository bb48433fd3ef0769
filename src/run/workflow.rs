//! A workflow run as Traverse's runtime walks it (WORKFLOWS.md §3.1, §4, §5, §8.1): the request
//! checks, then node by node the capability resolved, its input built from the state and
//! checked, the module run, its output checked and folded into the state, and the next edge
//! chosen (direct before event before the terminal check), ending in Traverse's
//! `WorkflowExecutionResult` and traversal evidence.
//!
//! Pure: [`Traversal`] hands out one [`NodeRun`] at a time and is resumed with what the runner
//! observed, so the page runs each node in its worker and native tests run it with anything
//! that yields a [`RunOutcome`].

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::{
    check::{
        contract::EventReference,
        request::{self, LookupScope},
        schema_subset::{self, SchemaViolation},
        workflow::{Edge, Node, Trigger, WORKFLOW_GOVERNING_SPEC, Workflow},
    },
    package::workspace::WORKFLOW_REQUEST_KIND,
    run::{
        account::unsigned_artifact_warning,
        composition::Composition,
        execution::{Execution, ExecutorError, classify},
        host::traverse::{EmittedEvent, EventPolicy},
        protocol::RunOutcome,
    },
    sorted,
};

/// What `execute_workflow` is asked (`WorkflowExecutionRequest`, §3.1): every field required.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WorkflowRequest {
    pub kind: String,
    pub schema_version: String,
    pub request_id: String,
    pub workflow_id: String,
    pub workflow_version: String,
    pub scope: LookupScope,
    pub input: Value,
    pub governing_spec: String,
}

impl WorkflowRequest {
    /// A request as an embedder submits one, and as a composite capability makes one.
    pub fn new(request_id: &str, workflow_id: &str, workflow_version: &str, input: Value) -> Self {
        Self {
            kind: WORKFLOW_REQUEST_KIND.to_owned(),
            schema_version: "1.0.0".to_owned(),
            request_id: request_id.to_owned(),
            workflow_id: workflow_id.to_owned(),
            workflow_version: workflow_version.to_owned(),
            scope: LookupScope::PreferPrivate,
            input,
            governing_spec: WORKFLOW_GOVERNING_SPEC.to_owned(),
        }
    }

    /// A `workflow_execution_request` file; serde's error when it is not one.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes)
            .map_err(|error| format!("not a valid workflow_execution_request: {error}"))
    }
}

/// A module to run for one node: the binary's path among the files, the exact stdin bytes and
/// what `emit_event` may accept.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRun {
    pub node_id: String,
    pub module: String,
    pub stdin: Vec<u8>,
    pub policy: EventPolicy,
}

/// What happened at one step, for the page to show when its node is chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeRecord {
    pub step_index: usize,
    pub node_id: String,
    /// The node input, as built from the state.
    pub input: Value,
    /// The bytes sent on stdin.
    pub stdin: String,
    /// What the runner observed; `None` when the step stopped before the module ran.
    pub outcome: Option<RunOutcome>,
    /// The workflow state after the step.
    pub state: Value,
}

/// A finished traversal: Traverse's result and evidence, and each step as it ran.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowRun {
    /// `WorkflowExecutionResult`; `None` when the playground's runner failed, which Traverse
    /// has no account of.
    pub result: Option<Value>,
    pub evidence: Option<Value>,
    pub nodes: Vec<NodeRecord>,
    /// Why the playground could not finish the run (its worker failed).
    pub playground_failure: Option<String>,
}

impl WorkflowRun {
    /// Whether Traverse completes the workflow.
    pub fn completed(&self) -> bool {
        self.result.as_ref().is_some_and(|result| result["status"] == "completed")
    }

    /// Each visited node's status (`entered`, `completed`, `failed`) by node id.
    pub fn node_status(&self, node_id: &str) -> Option<&str> {
        self.evidence.as_ref()?["visited_nodes"]
            .as_array()?
            .iter()
            .rev()
            .find(|visited| visited["node_id"] == node_id)?["status"]
            .as_str()
    }

    /// The line the page prints for a direct run (Traverse's CLI has no command for one; the
    /// line is ours): its status, or its failure reason, error code and message.
    pub fn verdict_line(&self) -> Option<String> {
        let result = self.result.as_ref()?;
        Some(match result["error"]["message"].as_str() {
            Some(message) => format!(
                "workflow failed: {} ({}): {message}",
                self.evidence.as_ref()?["result"]["failure_reason"].as_str().unwrap_or_default(),
                result["error"]["code"].as_str().unwrap_or_default()
            ),
            None => format!("workflow status: {}", result["status"].as_str().unwrap_or_default()),
        })
    }

    /// Whether the edge was taken.
    pub fn edge_taken(&self, edge_id: &str) -> bool {
        self.evidence
            .as_ref()
            .and_then(|evidence| evidence["traversed_edges"].as_array())
            .is_some_and(|edges| edges.iter().any(|edge| edge["edge_id"] == edge_id))
    }
}

/// What to do next.
#[derive(Debug)]
pub enum Step {
    Run(NodeRun),
    Finished(WorkflowRun),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum StepStatus {
    Entered,
    Completed,
    Failed,
}

#[derive(Debug, Clone, Serialize)]
struct Visited {
    step_index: usize,
    node_id: String,
    capability_id: String,
    capability_version: String,
    status: StepStatus,
}

/// An event a node emitted, as the traversal matches it against waiting edges.
struct EventRecord {
    record_id: String,
    event: EventReference,
    payload: Value,
}

/// The event-edge bookkeeping of §4.1.
#[derive(Default)]
struct EventEvidence {
    waiting_edges: Vec<Value>,
    match_records: Vec<Value>,
    wake_decisions: Vec<Value>,
    consumptions: Vec<Value>,
    /// `record|execution|edge` keys already consumed.
    consumed: BTreeSet<String>,
}

/// A workflow being walked, over the composition it was found in.
pub struct Traversal<'c> {
    request: WorkflowRequest,
    workflow: &'c Workflow,
    composition: &'c Composition,
    state: Map<String, Value>,
    current: String,
    step_index: usize,
    evidence: Evidence,
    nodes: Vec<NodeRecord>,
    /// The node whose module is running.
    running: Option<&'c Node>,
}

/// Why a workflow failed (§8.1's `failure_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    WorkflowNotFound,
    WorkflowInvalid,
    AmbiguousNextEdge,
    MissingRequiredEvent,
    TerminalNodeNotReached,
    StepExecutionFailed,
    EventSubscriptionFailed,
}

impl Failure {
    fn as_str(self) -> &'static str {
        match self {
            Self::WorkflowNotFound => "workflow_not_found",
            Self::WorkflowInvalid => "workflow_invalid",
            Self::AmbiguousNextEdge => "ambiguous_next_edge",
            Self::MissingRequiredEvent => "missing_required_event",
            Self::TerminalNodeNotReached => "terminal_node_not_reached",
            Self::StepExecutionFailed => "step_execution_failed",
            Self::EventSubscriptionFailed => "event_subscription_failed",
        }
    }
}

/// Traverse's `RuntimeError`.
pub fn runtime_error(code: &str, message: &str, details: Value) -> Value {
    json!({"code": code, "message": message, "details": details})
}

fn violations_error(code: &str, message: &str, violations: &[SchemaViolation]) -> Value {
    runtime_error(code, message, json!({"violations": violations}))
}

/// `execute_workflow`: the request's checks (§3.1), then the walk and its first step; the
/// whole run when the request is refused before any node.
pub fn start(
    request: WorkflowRequest,
    composition: &Composition,
) -> Result<(Traversal<'_>, Step), WorkflowRun> {
    let refused = |failure: Failure, error: Value| Err(failed_before_traversal(&request, failure, error));
    let literals = [
        (&request.kind, WORKFLOW_REQUEST_KIND, "$.kind", "kind must equal workflow_execution_request"),
        (&request.schema_version, "1.0.0", "$.schema_version", "schema_version must equal 1.0.0"),
        (
            &request.governing_spec,
            WORKFLOW_GOVERNING_SPEC,
            "$.governing_spec",
            "governing_spec must equal 007-workflow-registry-traversal",
        ),
    ];
    if let Some((_, _, path, message)) = literals.iter().find(|(value, expected, _, _)| value != expected) {
        return refused(
            Failure::WorkflowInvalid,
            runtime_error("request_invalid", message, json!({"path": path})),
        );
    }
    if [&request.request_id, &request.workflow_id, &request.workflow_version]
        .iter()
        .any(|field| field.trim().is_empty())
    {
        return refused(
            Failure::WorkflowInvalid,
            runtime_error(
                "request_invalid",
                "request_id, workflow_id, and workflow_version must be non-empty",
                json!({"path": "$"}),
            ),
        );
    }
    // The set's workflows are registered locally, in the private tier: a public-only lookup
    // does not see them.
    let visible = request.scope == LookupScope::PreferPrivate;
    let found = composition.workflow(&request.workflow_id, &request.workflow_version).filter(|_| visible);
    let Some(workflow) = found else {
        return refused(
            Failure::WorkflowNotFound,
            runtime_error(
                "capability_not_found",
                "workflow definition was not found in the workflow registry",
                json!({"workflow_id": request.workflow_id, "workflow_version": request.workflow_version}),
            ),
        );
    };
    let violations = schema_subset::violations(&request.input, &workflow.inputs.schema);
    if !violations.is_empty() {
        return refused(
            Failure::WorkflowInvalid,
            violations_error(
                "request_invalid",
                "workflow request input does not satisfy the workflow input contract",
                &violations,
            ),
        );
    }
    let mut traversal = Traversal {
        state: initial_state(&request.input),
        current: workflow.start_node.clone(),
        workflow,
        composition,
        request,
        step_index: 0,
        evidence: Evidence::default(),
        nodes: Vec::new(),
        running: None,
    };
    let step = traversal.enter();
    Ok((traversal, step))
}

/// The whole result of a request refused before any node (empty evidence, the request's ids).
fn failed_before_traversal(request: &WorkflowRequest, failure: Failure, error: Value) -> WorkflowRun {
    let (result, evidence) = documents(
        request,
        (&request.workflow_id, &request.workflow_version),
        Err((failure, error)),
        Evidence::default(),
    );
    WorkflowRun {
        result: Some(result),
        evidence: Some(evidence),
        nodes: Vec::new(),
        playground_failure: None,
    }
}

/// The parts of the evidence a traversal gathers.
#[derive(Default)]
struct Evidence {
    visited: Vec<Visited>,
    traversed: Vec<Value>,
    emitted: Vec<Value>,
    events: EventEvidence,
    warnings: Vec<Value>,
}

/// `WorkflowExecutionResult` and `WorkflowTraversalEvidence` (§8.1).
fn documents(
    request: &WorkflowRequest,
    (workflow_id, workflow_version): (&str, &str),
    end: Result<Value, (Failure, Value)>,
    evidence: Evidence,
) -> (Value, Value) {
    let (status, output, error, failure_reason) = match end {
        Ok(output) => ("completed", output, Value::Null, Value::Null),
        Err((failure, error)) => ("error", Value::Null, error, json!(failure.as_str())),
    };
    let result = json!({
        "kind": WORKFLOW_REQUEST_KIND,
        "schema_version": "1.0.0",
        "request_id": request.request_id,
        "workflow_id": workflow_id,
        "workflow_version": workflow_version,
        "status": status,
        "output": output,
        "error": error,
        "warnings": evidence.warnings,
    });
    let evidence = json!({
        "kind": "workflow_traversal_evidence",
        "schema_version": "1.0.0",
        "trace_id": format!("workflow_trace_{}", request.request_id),
        "request_id": request.request_id,
        "workflow_id": workflow_id,
        "workflow_version": workflow_version,
        "governing_spec": WORKFLOW_GOVERNING_SPEC,
        "visited_nodes": evidence.visited,
        "traversed_edges": evidence.traversed,
        "emitted_events": evidence.emitted,
        "waiting_edges": evidence.events.waiting_edges,
        "event_match_records": evidence.events.match_records,
        "event_wake_decisions": evidence.events.wake_decisions,
        "event_consumptions": evidence.events.consumptions,
        "result": {"status": status, "failure_reason": failure_reason},
    });
    (result, evidence)
}

/// An object input is the initial state; anything else is kept under `input` (§5).
fn initial_state(input: &Value) -> Map<String, Value> {
    match input {
        Value::Object(map) => map.clone(),
        other => {
            let mut state = Map::new();
            state.insert("input".to_owned(), other.clone());
            state
        }
    }
}

/// An object of the `keys` present in the state; missing keys are left out.
fn present(state: &Map<String, Value>, keys: &[String]) -> Value {
    sorted::object(keys.iter().filter_map(|key| Some((key.clone(), state.get(key)?.clone()))))
}

/// The node's `from_workflow_input` keys present in the state.
fn node_input(state: &Map<String, Value>, node: &Node) -> Value {
    present(state, &node.input.from_workflow_input)
}

/// Copies the node's `to_workflow_state` keys, then the whole output under
/// `publish_to_state_as`; an output that is not an object changes nothing.
fn update_state(state: &mut Map<String, Value>, node: &Node, output: &Value) {
    let Value::Object(object) = output else { return };
    for key in &node.output.to_workflow_state {
        if let Some(value) = object.get(key) {
            state.insert(key.clone(), value.clone());
        }
    }
    if let Some(name) = &node.output.publish_to_state_as {
        state.insert(name.clone(), output.clone());
    }
}

/// The whole state without a projection; else the projected keys present.
fn final_output(state: &Map<String, Value>, projection: &[String]) -> Value {
    if projection.is_empty() {
        return Value::Object(state.clone());
    }
    present(state, projection)
}

/// A predicate's field read from an event payload (§4.2): `payload.` is optional, only object
/// members are followed, and `payload` or nothing is the whole payload.
fn payload_field<'a>(payload: &'a Value, field: &str) -> Option<&'a Value> {
    let path = field.strip_prefix("payload.").unwrap_or(field);
    if path.is_empty() || path == "payload" {
        return Some(payload);
    }
    path.split('.').try_fold(payload, |value, segment| value.as_object()?.get(segment))
}

fn edge_record(edge: &Edge) -> Value {
    let trigger = match edge.trigger {
        Trigger::Direct => "direct",
        Trigger::Event => "event",
    };
    json!({"edge_id": edge.edge_id, "from": edge.from, "to": edge.to, "trigger": trigger, "event": edge.event})
}

impl<'c> Traversal<'c> {
    /// Steps a–e of §4 for the current node: the module to run, or the end.
    fn enter(&mut self) -> Step {
        let workflow = self.workflow;
        let Some(node) = workflow.nodes.iter().find(|node| node.node_id == self.current) else {
            let error = runtime_error(
                "execution_failed",
                "workflow node could not be resolved during traversal",
                json!({"node_id": self.current}),
            );
            return self.fail(Failure::WorkflowInvalid, error, None);
        };
        self.evidence.visited.push(Visited {
            step_index: self.step_index,
            node_id: node.node_id.clone(),
            capability_id: node.capability_id.clone(),
            capability_version: node.capability_version.clone(),
            status: StepStatus::Entered,
        });
        let Some(capability) = self.composition.capability(&node.capability_id, &node.capability_version)
        else {
            let error = runtime_error(
                "capability_not_found",
                "workflow node capability was not found in the capability registry",
                json!({"capability_id": node.capability_id, "capability_version": node.capability_version}),
            );
            return self.fail(Failure::WorkflowInvalid, error, None);
        };
        let input = node_input(&self.state, node);
        let stdin = request::stdin_bytes(&input);
        self.nodes.push(NodeRecord {
            step_index: self.step_index,
            node_id: node.node_id.clone(),
            input: input.clone(),
            stdin: stdin.clone(),
            outcome: None,
            state: Value::Object(self.state.clone()),
        });
        let Some(module) = capability.module.clone() else {
            // Ours: Traverse reads the binary where the package put it; a set without it loaded
            // fails the step the way an unreadable artefact does.
            let error = runtime_error(
                "artifact_missing",
                "the capability's binary is not loaded, so the workflow step has no artifact to run",
                json!({"node_id": node.node_id, "capability_id": node.capability_id,
                       "binary_path": capability.binary_path}),
            );
            return self.fail(Failure::StepExecutionFailed, error, Some(StepStatus::Failed));
        };
        self.evidence.warnings.push(unsigned_artifact_warning());
        let violations = schema_subset::violations(&input, &capability.contract.inputs.schema);
        if !violations.is_empty() {
            let error = violations_error(
                "request_invalid",
                "workflow node input does not satisfy the capability input contract",
                &violations,
            );
            return self.fail(Failure::StepExecutionFailed, error, Some(StepStatus::Failed));
        }
        let run = NodeRun {
            node_id: node.node_id.clone(),
            module,
            stdin: stdin.into_bytes(),
            policy: EventPolicy::of(Some(&capability.contract)),
        };
        self.running = Some(node);
        Step::Run(run)
    }

    /// Steps f–p of §4 with what the current node's run ended as, then the next node.
    pub fn resume(&mut self, outcome: RunOutcome) -> Step {
        let Some(node) = self.running.take() else {
            return self.abandon("the playground resumed a workflow with no node running".to_owned());
        };
        let execution = classify(&outcome, &Value::Object(Map::new()));
        if let Some(record) = self.nodes.last_mut() {
            record.outcome = Some(outcome);
        }
        let (output, events) = match execution {
            Execution::Completed { output, events } => (output, events),
            Execution::ExecutorFailed { error } => {
                let error = runtime_error(
                    "execution_failed",
                    "registered artifact execution failed",
                    json!({"code": failure_code(&error)}),
                );
                return self.fail(Failure::StepExecutionFailed, error, Some(StepStatus::Failed));
            }
            Execution::PlaygroundFailed { reason } => return self.abandon(reason),
            // Classified against no schema, any JSON output is valid; the node's contract is next.
            Execution::OutputInvalid { output, .. } => (output, Vec::new()),
        };
        let capability = self.composition.capability(&node.capability_id, &node.capability_version);
        let output_schema = capability.map_or(&Value::Null, |c| &c.contract.outputs.schema);
        let violations = schema_subset::violations(&output, output_schema);
        if !violations.is_empty() {
            let error = violations_error(
                "output_validation_failed",
                "workflow node output does not satisfy the capability output contract",
                &violations,
            );
            return self.fail(Failure::StepExecutionFailed, error, Some(StepStatus::Failed));
        }
        update_state(&mut self.state, node, &output);
        if let Some(record) = self.nodes.last_mut() {
            record.state = Value::Object(self.state.clone());
        }
        let records = self.record_events(&events);
        self.mark_last(StepStatus::Completed);
        self.next(node, &records)
    }

    /// Step k: the node's accepted events as records, and in the evidence.
    fn record_events(&mut self, events: &[EmittedEvent]) -> Vec<EventRecord> {
        let records: Vec<EventRecord> = events
            .iter()
            .enumerate()
            .map(|(index, event)| EventRecord {
                record_id: format!("event_record_{index}"),
                event: EventReference { event_id: event.event_id.clone(), version: event.version.clone() },
                payload: event.data.clone(),
            })
            .collect();
        self.evidence.emitted.extend(records.iter().map(|record| json!(record.event)));
        records
    }

    /// Steps l–p: the direct edge, else the event edges, else the terminal check.
    fn next(&mut self, node: &Node, records: &[EventRecord]) -> Step {
        let workflow = self.workflow;
        let outgoing: Vec<&Edge> = workflow.edges.iter().filter(|edge| edge.from == node.node_id).collect();
        let direct: Vec<&Edge> =
            outgoing.iter().copied().filter(|edge| edge.trigger == Trigger::Direct).collect();
        if direct.len() > 1 {
            let error = runtime_error(
                "execution_failed",
                "workflow traversal found more than one direct next edge",
                json!({"node_id": node.node_id}),
            );
            return self.fail(Failure::AmbiguousNextEdge, error, None);
        }
        if let Some(edge) = direct.first() {
            return self.take(edge);
        }
        let waiting: Vec<&Edge> = outgoing
            .iter()
            .copied()
            .filter(|edge| edge.trigger == Trigger::Event && edge.event.is_some())
            .collect();
        let execution_id = format!("workflow_exec_{}", self.request.request_id);
        self.evidence.events.waiting_edges.extend(waiting.iter().map(|edge| {
            json!({"workflow_execution_id": execution_id, "edge_id": edge.edge_id, "from_node_id": edge.from,
                   "to_node_id": edge.to, "event_ref": edge.event, "predicate": edge.predicate.as_ref().map(
                       |p| json!({"field": p.field, "equals": p.equals}))})
        }));
        let prefix = format!("{}:step:{}:local", self.request.request_id, self.step_index);
        let taken = self.evidence.events.evaluate(&waiting, records, &execution_id, &prefix);
        let unresolved = sorted::set(
            waiting
                .iter()
                .filter(|edge| !taken.contains(&edge.edge_id))
                .filter_map(|edge| edge.event.as_ref().map(|event| event.event_id.as_str())),
        );
        // The broker pass (§4.3): Traverse's default broker has an empty event catalog, so
        // subscribing to the first unresolved event type fails.
        if let Some(event_type) = unresolved.first() {
            let error = runtime_error(
                "request_invalid",
                "waiting edge references an event type not registered in EventBroker's catalog",
                json!({"node_id": node.node_id, "event_type": event_type}),
            );
            return self.fail(Failure::EventSubscriptionFailed, error, Some(StepStatus::Failed));
        }
        let matched: Vec<&Edge> =
            outgoing.iter().copied().filter(|edge| taken.contains(&edge.edge_id)).collect();
        if matched.len() > 1 {
            let error = runtime_error(
                "execution_failed",
                "workflow traversal found more than one event next edge",
                json!({"node_id": node.node_id}),
            );
            return self.fail(Failure::AmbiguousNextEdge, error, None);
        }
        if let Some(edge) = matched.first() {
            return self.take(edge);
        }
        if self.workflow.terminal_nodes.contains(&node.node_id) {
            let output = final_output(&self.state, &self.workflow.output_projection);
            let violations = schema_subset::violations(&output, &self.workflow.outputs.schema);
            if !violations.is_empty() {
                let error = violations_error(
                    "output_validation_failed",
                    "workflow output does not satisfy the workflow output contract",
                    &violations,
                );
                return self.fail(Failure::WorkflowInvalid, error, None);
            }
            return self.finish(Ok(output));
        }
        let failure = if outgoing.iter().any(|edge| edge.trigger == Trigger::Event) {
            Failure::MissingRequiredEvent
        } else {
            Failure::TerminalNodeNotReached
        };
        let error = runtime_error(
            "execution_failed",
            "workflow traversal could not reach a valid next node",
            json!({"node_id": node.node_id}),
        );
        self.fail(failure, error, None)
    }

    /// Ends a walk the playground could not finish: Traverse has no account of it.
    fn abandon(&mut self, reason: String) -> Step {
        Step::Finished(WorkflowRun {
            result: None,
            evidence: None,
            nodes: std::mem::take(&mut self.nodes),
            playground_failure: Some(reason),
        })
    }

    fn take(&mut self, edge: &Edge) -> Step {
        self.evidence.traversed.push(edge_record(edge));
        self.current = edge.to.clone();
        self.step_index += 1;
        self.enter()
    }

    fn mark_last(&mut self, status: StepStatus) {
        if let Some(last) = self.evidence.visited.last_mut() {
            last.status = status;
        }
    }

    /// Ends the walk with `failure`; the last step becomes `mark` when given.
    fn fail(&mut self, failure: Failure, error: Value, mark: Option<StepStatus>) -> Step {
        if let Some(status) = mark {
            self.mark_last(status);
        }
        self.finish(Err((failure, error)))
    }

    fn finish(&mut self, end: Result<Value, (Failure, Value)>) -> Step {
        // A completed walk names the definition's ids, a failed one the request's (§3.1).
        let ids = match end {
            Ok(_) => (self.workflow.id.as_str(), self.workflow.version.as_str()),
            Err(_) => (self.request.workflow_id.as_str(), self.request.workflow_version.as_str()),
        };
        let (result, evidence) = documents(&self.request, ids, end, std::mem::take(&mut self.evidence));
        Step::Finished(WorkflowRun {
            result: Some(result),
            evidence: Some(evidence),
            nodes: std::mem::take(&mut self.nodes),
            playground_failure: None,
        })
    }
}

impl EventEvidence {
    /// Matches `records` against the waiting edges (sorted by execution and edge id), in
    /// Traverse's order, recording every comparison; the edges taken.
    fn evaluate(
        &mut self,
        waiting: &[&Edge],
        records: &[EventRecord],
        execution_id: &str,
        prefix: &str,
    ) -> Vec<String> {
        let mut edges: Vec<&Edge> = waiting.to_vec();
        sorted::sort_by(&mut edges, |a, b| a.edge_id.cmp(&b.edge_id));
        let record =
            |event: &EventReference, edge: &Edge, result: &str, predicate: Value, reason: Value, at| {
                json!({"event_id": event.event_id, "event_version": event.version, "edge_id": edge.edge_id,
                   "match_result": result, "predicate_result": predicate, "rejection_reason": reason,
                   "recorded_at": at, "subscription_id": null, "cursor": null})
            };
        let mut taken = Vec::new();
        if records.is_empty() {
            for edge in edges {
                let Some(event) = &edge.event else { continue };
                let at = format!("{prefix}:no_event:{}", edge.edge_id);
                self.match_records.push(record(
                    event,
                    edge,
                    "not_matched",
                    Value::Null,
                    json!("required event was not emitted"),
                    at,
                ));
            }
            return taken;
        }
        let mut wake_order = 1;
        for (index, emitted) in records.iter().enumerate() {
            for edge in &edges {
                let Some(waited) = &edge.event else { continue };
                let at = format!("{prefix}:event:{index}:match:{}", edge.edge_id);
                let event = &emitted.event;
                if event != waited {
                    let reason = json!("event id/version did not match the waiting edge");
                    self.match_records.push(record(event, edge, "not_matched", Value::Null, reason, at));
                    continue;
                }
                let passed = edge.predicate.as_ref().map(|predicate| {
                    payload_field(&emitted.payload, &predicate.field)
                        .is_some_and(|value| *value == predicate.equals)
                });
                if passed == Some(false) {
                    let reason = json!("event predicate did not match the emitted payload");
                    self.match_records.push(record(event, edge, "not_matched", json!("failed"), reason, at));
                    continue;
                }
                let predicate = if passed.is_some() { json!("passed") } else { Value::Null };
                let key = format!("{}|{execution_id}|{}", emitted.record_id, edge.edge_id);
                if !self.consumed.insert(key) {
                    let reason = json!("event record was already consumed for this waiting edge");
                    self.match_records.push(record(event, edge, "already_consumed", predicate, reason, at));
                    continue;
                }
                self.match_records.push(record(event, edge, "matched", predicate, Value::Null, at));
                taken.push(edge.edge_id.clone());
                let woken = format!("{prefix}:event:{index}:wake:{}", edge.edge_id);
                self.wake_decisions.push(json!({
                    "decision_type": "event_wake", "event_id": event.event_id, "event_version": event.version,
                    "edge_id": edge.edge_id, "workflow_execution_id": execution_id, "wake_order": wake_order,
                    "result": "taken", "recorded_at": woken, "subscription_id": null, "cursor": null}));
                self.consumptions.push(json!({
                    "event_id": event.event_id, "event_version": event.version, "edge_id": edge.edge_id,
                    "workflow_execution_id": execution_id, "consumed_at": woken,
                    "subscription_id": null, "cursor": null}));
                wake_order += 1;
            }
        }
        taken
    }
}

/// The executor's failure code as Traverse's router names it (§7).
fn failure_code(error: &ExecutorError) -> &'static str {
    match error {
        ExecutorError::ExecutionFailed(_) => "ExecutionFailed",
        ExecutorError::Timeout(_) => "Timeout",
        ExecutorError::ResourceExhausted(_) => "ResourceExhausted",
        ExecutorError::RuntimeSetupFailed(_) => "ConstraintViolated",
        ExecutorError::OutputDeserializationFailed(_) => "InvalidInput",
    }
}

/// A starting input for a workflow from its input schema: each required property (or every
/// property, without `required`) with a value of its type, nested objects and arrays alike.
pub fn starting_input(schema: &Value) -> Value {
    match schema["type"].as_str() {
        Some("object") => {
            let properties = schema["properties"].as_object();
            let required: Vec<&str> = schema["required"].as_array().map_or_else(
                || properties.map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default(),
                |required| required.iter().filter_map(Value::as_str).collect(),
            );
            let value_of =
                |name: &str| starting_input(properties.and_then(|p| p.get(name)).unwrap_or(&Value::Null));
            sorted::object(required.into_iter().map(|name| (name.to_owned(), value_of(name))))
        }
        Some("array") => json!([]),
        Some("string") => json!(""),
        Some("integer" | "number") => json!(0),
        Some("boolean") => json!(false),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_starting_input_follows_the_schema() {
        let schema = json!({"type": "object", "required": ["who", "n", "tags", "inner"], "properties": {
            "who": {"type": "string"}, "n": {"type": "integer"}, "tags": {"type": "array"},
            "inner": {"type": "object", "properties": {"ok": {"type": "boolean"}}}, "optional": {"type": "string"}}});
        assert_eq!(starting_input(&schema), json!({"who": "", "n": 0, "tags": [], "inner": {"ok": false}}));
        assert_eq!(starting_input(&json!({})), Value::Null);
    }

    #[test]
    fn predicates_read_object_members_of_the_payload() {
        let payload = json!({"severity": "high", "nested": {"n": 1}, "list": [1]});
        assert_eq!(payload_field(&payload, "payload.severity"), Some(&json!("high")));
        assert_eq!(payload_field(&payload, "severity"), Some(&json!("high")));
        assert_eq!(payload_field(&payload, "nested.n"), Some(&json!(1)));
        assert_eq!(payload_field(&payload, "payload"), Some(&payload));
        assert_eq!(payload_field(&payload, ""), Some(&payload));
        assert_eq!(payload_field(&payload, "list.0"), None, "no array indexing");
        assert_eq!(payload_field(&json!("scalar"), "payload.severity"), None);
    }

    #[test]
    fn state_input_and_output_follow_section_5() {
        assert_eq!(initial_state(&json!(3)), Map::from_iter([("input".to_owned(), json!(3))]));
        let node: Node = serde_json::from_value(json!({
            "node_id": "n", "capability_id": "c", "capability_version": "1.0.0",
            "input": {"from_workflow_input": ["a", "missing"]},
            "output": {"to_workflow_state": ["b"], "publish_to_state_as": "n_out"}
        }))
        .unwrap();
        let mut state = initial_state(&json!({"a": 1}));
        assert_eq!(node_input(&state, &node), json!({"a": 1}));
        update_state(&mut state, &node, &json!(["not", "an", "object"]));
        assert_eq!(Value::Object(state.clone()), json!({"a": 1}), "an array output changes nothing");
        update_state(&mut state, &node, &json!({"b": 2, "c": 3}));
        assert_eq!(Value::Object(state.clone()), json!({"a": 1, "b": 2, "n_out": {"b": 2, "c": 3}}));
        assert_eq!(final_output(&state, &[]), json!({"a": 1, "b": 2, "n_out": {"b": 2, "c": 3}}));
        assert_eq!(final_output(&state, &["b".into(), "never".into()]), json!({"b": 2}));
    }
}
