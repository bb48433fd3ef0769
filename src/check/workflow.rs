//! `workflow_definition` files: the workflow registry's registration (WORKFLOWS.md §1–§2),
//! every error collected in the registry's order with its code, path and message, and the
//! package's composition refs resolved against the workflows given.
//!
//! Registration has two halves: the definition's own fields ([`field_errors`]), and its
//! references against what is registered ([`reference_errors`]): node capabilities, the field
//! flow between nodes, outgoing edges and the events they wait for. Package loading and
//! execution never read workflow files, so nothing here stops Traverse on a package.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use serde_json::Value;

use crate::check::{
    contract::{EventReference, Lifecycle, Owner, SchemaContainer},
    diagnostic::{Diagnostic, Location},
    manifest::Manifest,
    registry::{Registry, key},
};
use crate::package::workspace::WORKFLOW_KIND;
use crate::sorted;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename = "WorkflowDefinition")]
pub struct Workflow {
    pub kind: String,
    pub schema_version: String,
    pub id: String,
    pub name: String,
    pub version: String,
    pub lifecycle: Lifecycle,
    pub owner: Owner,
    pub summary: String,
    pub inputs: SchemaContainer,
    pub outputs: SchemaContainer,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub start_node: String,
    pub terminal_nodes: Vec<String>,
    #[serde(default)]
    pub output_projection: Vec<String>,
    pub tags: Vec<String>,
    pub governing_spec: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Node {
    pub node_id: String,
    pub capability_id: String,
    pub capability_version: String,
    pub input: NodeInput,
    pub output: NodeOutput,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NodeInput {
    pub from_workflow_input: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NodeOutput {
    pub to_workflow_state: Vec<String>,
    #[serde(default)]
    pub publish_to_state_as: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Edge {
    pub edge_id: String,
    pub from: String,
    pub to: String,
    pub trigger: Trigger,
    #[serde(default)]
    pub event: Option<EventReference>,
    #[serde(default)]
    pub predicate: Option<Predicate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Direct,
    Event,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Predicate {
    pub field: String,
    pub equals: Value,
}

pub const WORKFLOW_GOVERNING_SPEC: &str = "007-workflow-registry-traversal";

/// One registration error, as the registry reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationError {
    /// The registry's error code: `MissingRequiredField`, `InvalidSemver`, …
    pub code: &'static str,
    pub path: String,
    pub message: String,
}

impl RegistrationError {
    fn new(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code, path: path.into(), message: message.into() }
    }
}

/// Parses a workflow definition as the registry's serde model does (unknown fields ignored).
pub fn parse(text: &str) -> Result<Workflow, serde_json::Error> {
    serde_json::from_str(text)
}

/// Everything `WorkflowRegistry::register` reports for `workflow` against `registry`: the
/// field errors, then the reference errors.
pub fn registration_errors(workflow: &Workflow, registry: &Registry) -> Vec<RegistrationError> {
    let mut errors = field_errors(workflow);
    errors.extend(reference_errors(workflow, registry));
    errors
}

/// The definition's own rules (WORKFLOWS.md §2 rows 1–15), in the registry's order.
pub fn field_errors(w: &Workflow) -> Vec<RegistrationError> {
    let mut errors = Vec::new();
    // A macro, not a closure: the path is formatted only for a rule that fails (a workflow
    // may have 100,000 nodes).
    macro_rules! rule {
        ($fails:expr, $code:expr, $path:expr, $message:expr $(,)?) => {
            if $fails {
                errors.push(RegistrationError::new($code, $path, $message));
            }
        };
    }
    let blank = |value: &str| value.trim().is_empty();
    let not_semver = |value: &str| semver::Version::parse(value).is_err();
    const MISSING: &str = "MissingRequiredField";
    const NON_EMPTY: &str = "field must be non-empty";

    // The registry also requires its own record's `workflow_path` and `registered_at`, which
    // registration always fills.
    for (path, value) in [
        ("$.kind", &w.kind),
        ("$.schema_version", &w.schema_version),
        ("$.id", &w.id),
        ("$.name", &w.name),
        ("$.version", &w.version),
        ("$.owner.team", &w.owner.team),
        ("$.owner.contact", &w.owner.contact),
        ("$.summary", &w.summary),
        ("$.start_node", &w.start_node),
        ("$.governing_spec", &w.governing_spec),
    ] {
        rule!(blank(value), MISSING, path, NON_EMPTY);
    }
    rule!(w.kind != WORKFLOW_KIND, "InvalidLiteral", "$.kind", "kind must equal workflow_definition");
    rule!(
        w.schema_version != "1.0.0",
        "InvalidLiteral",
        "$.schema_version",
        "schema_version must equal 1.0.0",
    );
    rule!(
        w.governing_spec != WORKFLOW_GOVERNING_SPEC,
        "InvalidLiteral",
        "$.governing_spec",
        "governing_spec must equal 007-workflow-registry-traversal",
    );
    rule!(not_semver(&w.version), "InvalidSemver", "$.version", "version must be valid semantic versioning");
    rule!(w.nodes.is_empty(), MISSING, "$.nodes", "nodes must not be empty");
    rule!(
        w.terminal_nodes.is_empty(),
        "InvalidTerminalNode",
        "$.terminal_nodes",
        "terminal_nodes must not be empty",
    );

    let mut node_ids = HashSet::new();
    for (i, node) in w.nodes.iter().enumerate() {
        let at = |field: &str| format!("$.nodes[{i}].{field}");
        rule!(blank(&node.node_id), MISSING, at("node_id"), NON_EMPTY);
        rule!(blank(&node.capability_id), MISSING, at("capability_id"), NON_EMPTY);
        rule!(blank(&node.capability_version), MISSING, at("capability_version"), NON_EMPTY);
        rule!(
            !node_ids.insert(node.node_id.as_str()),
            "DuplicateItem",
            at("node_id"),
            "node_id values must be unique within one workflow definition",
        );
        rule!(
            not_semver(&node.capability_version),
            "InvalidSemver",
            at("capability_version"),
            "capability_version must be valid semantic versioning",
        );
        rule!(
            node.output.publish_to_state_as.as_deref().is_some_and(blank),
            MISSING,
            at("output.publish_to_state_as"),
            "publish_to_state_as must not be empty when present",
        );
    }
    let mut projections = HashSet::new();
    for (i, projection) in w.output_projection.iter().enumerate() {
        let path = format!("$.output_projection[{i}]");
        rule!(blank(projection), MISSING, path.clone(), NON_EMPTY);
        rule!(
            !projections.insert(projection.as_str()),
            "DuplicateItem",
            &path,
            "output_projection keys must be unique",
        );
    }
    let mut terminals = HashSet::new();
    for (i, terminal) in w.terminal_nodes.iter().enumerate() {
        rule!(
            !terminals.insert(terminal.as_str()),
            "DuplicateItem",
            format!("$.terminal_nodes[{i}]"),
            "terminal_nodes must not contain duplicates",
        );
    }
    let mut edge_ids = HashSet::new();
    for (i, edge) in w.edges.iter().enumerate() {
        let at = |field: &str| format!("$.edges[{i}]{field}");
        rule!(blank(&edge.edge_id), MISSING, at(".edge_id"), NON_EMPTY);
        rule!(blank(&edge.from), MISSING, at(".from"), NON_EMPTY);
        rule!(blank(&edge.to), MISSING, at(".to"), NON_EMPTY);
        rule!(
            !edge_ids.insert(edge.edge_id.as_str()),
            "DuplicateItem",
            at(".edge_id"),
            "edge_id values must be unique within one workflow definition",
        );
        match (edge.trigger, &edge.event) {
            (Trigger::Direct, _) => {
                rule!(
                    edge.event.is_some(),
                    "InvalidEventEdge",
                    at(".event"),
                    "direct edges must not declare an event reference",
                );
                rule!(
                    edge.predicate.is_some(),
                    "InvalidEventEdge",
                    at(".predicate"),
                    "direct edges must not declare an event predicate",
                );
            }
            // Without its event, the edge's other fields are not looked at.
            (Trigger::Event, None) => {
                rule!(true, "InvalidEventEdge", at(".event"), "event edges must declare an event reference")
            }
            (Trigger::Event, Some(event)) => {
                rule!(
                    blank(&event.event_id),
                    "InvalidEventEdge",
                    at(".event.event_id"),
                    "event_id must be non-empty",
                );
                rule!(
                    not_semver(&event.version),
                    "InvalidSemver",
                    at(".event.version"),
                    "event version must be valid semantic versioning",
                );
                rule!(
                    edge.predicate.as_ref().is_some_and(|predicate| blank(&predicate.field)),
                    "InvalidEventEdge",
                    at(".predicate.field"),
                    "event predicate field must be non-empty",
                );
            }
        }
    }
    rule!(
        !node_ids.contains(w.start_node.as_str()),
        "InvalidStartNode",
        "$.start_node",
        "start_node must reference a declared node",
    );
    for (i, terminal) in w.terminal_nodes.iter().enumerate() {
        rule!(
            !node_ids.contains(terminal.as_str()),
            "InvalidTerminalNode",
            format!("$.terminal_nodes[{i}]"),
            "terminal_nodes must reference declared node ids",
        );
    }
    for (i, edge) in w.edges.iter().enumerate() {
        rule!(
            !node_ids.contains(edge.from.as_str()),
            "InvalidEdgeReference",
            format!("$.edges[{i}].from"),
            "edge source must reference a declared node",
        );
        rule!(
            !node_ids.contains(edge.to.as_str()),
            "InvalidEdgeReference",
            format!("$.edges[{i}].to"),
            "edge target must reference a declared node",
        );
    }
    rule!(
        has_cycle(w),
        "DeterministicCycleNotAllowed",
        "$.edges",
        "deterministic workflow cycles are not allowed in v0.1",
    );
    errors
}

/// The references against what is registered (WORKFLOWS.md §2 rows 16–20), in the registry's
/// order: node capabilities, the field flow, then each edge.
pub fn reference_errors(w: &Workflow, registry: &Registry) -> Vec<RegistrationError> {
    let mut errors = Vec::new();
    let mut resolved = BTreeMap::new();
    for (i, node) in w.nodes.iter().enumerate() {
        match registry.capability(&node.capability_id, &node.capability_version) {
            // By node id, the last node of a duplicated id winning, as in the registry.
            Some(capability) => {
                resolved.insert(node.node_id.as_str(), &capability.contract);
            }
            None => errors.push(RegistrationError::new(
                "MissingReference",
                format!("$.nodes[{i}]"),
                "workflow node must reference one registered capability contract version",
            )),
        }
    }
    field_flow(w, &resolved, &mut errors);

    let (mut direct, mut event) = (BTreeMap::<&str, usize>::new(), BTreeMap::<&str, usize>::new());
    for (i, edge) in w.edges.iter().enumerate() {
        let (count, kind) = match edge.trigger {
            Trigger::Direct => (&mut direct, "direct"),
            Trigger::Event => (&mut event, "event"),
        };
        let seen = count.entry(edge.from.as_str()).or_default();
        *seen += 1;
        if *seen > 1 {
            errors.push(RegistrationError::new(
                "DuplicateItem",
                format!("$.edges[{i}]"),
                format!("nodes must not declare more than one {kind} outgoing edge in v0.1"),
            ));
        }
        if edge.trigger == Trigger::Direct {
            continue;
        }
        let (Some(reference), Some(source)) = (&edge.event, resolved.get(edge.from.as_str())) else {
            continue;
        };
        if !source.emits.contains(reference) {
            errors.push(RegistrationError::new(
                "InvalidEventEdge",
                format!("$.edges[{i}].event"),
                "event edge must reference an event emitted by the source capability contract",
            ));
        }
    }
    errors
}

/// The field-flow check: only when the workflow's input schema declares properties and the
/// graph has a topological order. `publish_to_state_as` keys never become known here, so a
/// later node reading a published namespace fails it.
fn field_flow(
    w: &Workflow,
    resolved: &BTreeMap<&str, &crate::check::contract::Contract>,
    errors: &mut Vec<RegistrationError>,
) {
    if !declares_properties(&w.inputs.schema) {
        return;
    }
    let Some(order) = topological_order(w) else { return };
    let mut known = property_types(&w.inputs.schema);
    for index in order {
        let node = &w.nodes[index];
        let Some(contract) = resolved.get(node.node_id.as_str()) else { continue };
        let input_schema = &contract.inputs.schema;
        let input_types = declares_properties(input_schema).then(|| property_types(input_schema));
        for (j, field) in node.input.from_workflow_input.iter().enumerate() {
            let path = format!("$.nodes[{index}].input.from_workflow_input[{j}]");
            let Some(provided) = known.get(field) else {
                errors.push(RegistrationError::new(
                    "EdgeSchemaMismatch",
                    path,
                    "workflow input field is not available from prior nodes or workflow inputs",
                ));
                continue;
            };
            let Some(input_types) = &input_types else { continue };
            match input_types.get(field) {
                None => errors.push(RegistrationError::new(
                    "EdgeSchemaMismatch",
                    path,
                    "capability input schema is missing referenced field",
                )),
                Some(expected) if expected != provided => errors.push(RegistrationError::new(
                    "EdgeSchemaMismatch",
                    path,
                    format!("field type mismatch: state provides {provided}, capability expects {expected}"),
                )),
                Some(_) => {}
            }
        }
        let output_schema = &contract.outputs.schema;
        if declares_properties(output_schema) {
            let output_types = property_types(output_schema);
            for (j, field) in node.output.to_workflow_state.iter().enumerate() {
                match output_types.get(field) {
                    Some(kind) => {
                        known.insert(field.clone(), kind.clone());
                    }
                    None => errors.push(RegistrationError::new(
                        "EdgeSchemaMismatch",
                        format!("$.nodes[{index}].output.to_workflow_state[{j}]"),
                        "capability output schema is missing referenced field",
                    )),
                }
            }
        } else {
            for field in &node.output.to_workflow_state {
                known.insert(field.clone(), "object".to_owned());
            }
        }
    }
}

/// `{"type": "object", "properties": …}`: a schema whose fields the flow check can follow.
fn declares_properties(schema: &Value) -> bool {
    schema["type"] == "object" && schema.get("properties").is_some()
}

/// The declared `type` string of each property that has one.
fn property_types(schema: &Value) -> BTreeMap<String, String> {
    let Some(properties) = schema["properties"].as_object() else { return BTreeMap::new() };
    sorted::map(
        properties
            .iter()
            .filter_map(|(name, property)| Some((name.clone(), property["type"].as_str()?.to_owned()))),
    )
}

/// The nodes (by index) in an order where every edge between declared nodes goes forward,
/// ready nodes taken by `node_id`; `None` when there is none (a cycle).
pub fn topological_order(w: &Workflow) -> Option<Vec<usize>> {
    let index = sorted::map(w.nodes.iter().enumerate().map(|(i, node)| (node.node_id.as_str(), i)));
    let mut incoming = vec![0usize; w.nodes.len()];
    let mut successors = vec![Vec::new(); w.nodes.len()];
    for edge in &w.edges {
        if let (Some(&from), Some(&to)) = (index.get(edge.from.as_str()), index.get(edge.to.as_str())) {
            successors[from].push(to);
            incoming[to] += 1;
        }
    }
    let mut ready = sorted::set(
        (0..w.nodes.len()).filter(|&i| incoming[i] == 0).map(|i| (w.nodes[i].node_id.as_str(), i)),
    );
    let mut order = Vec::with_capacity(w.nodes.len());
    while let Some((_, next)) = ready.pop_first() {
        order.push(next);
        for &to in &successors[next] {
            incoming[to] -= 1;
            if incoming[to] == 0 {
                ready.insert((w.nodes[to].node_id.as_str(), to));
            }
        }
    }
    (order.len() == w.nodes.len()).then_some(order)
}

/// Whether a cycle is reachable from a declared node over all edges, direct and event. An
/// explicit stack, not recursion: a chain of 100,000 edges must not overflow the page's stack.
fn has_cycle(w: &Workflow) -> bool {
    let mut successors: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for edge in &w.edges {
        successors.entry(edge.from.as_str()).or_default().push(edge.to.as_str());
    }
    let no_successors = Vec::new();
    let (mut seen, mut on_path) = (HashSet::new(), HashSet::new());
    for start in w.nodes.iter().map(|node| node.node_id.as_str()) {
        if !seen.insert(start) {
            continue;
        }
        // Each frame: a node and how many of its successors were followed.
        let mut stack = vec![(start, 0usize)];
        on_path.insert(start);
        while let Some((node, followed)) = stack.last_mut() {
            match successors.get(node).unwrap_or(&no_successors).get(*followed) {
                Some(&successor) => {
                    *followed += 1;
                    if on_path.contains(successor) {
                        return true;
                    }
                    if seen.insert(successor) {
                        on_path.insert(successor);
                        stack.push((successor, 0));
                    }
                }
                None => {
                    on_path.remove(*node);
                    stack.pop();
                }
            }
        }
    }
    false
}

/// Parses and registers one workflow file against `registry`: every registration error as a
/// diagnostic at its path. A node whose capability is not registered names the contract to
/// add. Returns the workflow when it parses, so refs can resolve against it.
pub fn check(file: &str, text: &str, registry: &Registry) -> (Vec<Diagnostic>, Option<Workflow>) {
    let workflow = match parse(text) {
        Ok(workflow) => workflow,
        Err(error) => {
            let diagnostic = Diagnostic::error(
                "workflow.parse",
                Location::file(file),
                format!("not a valid workflow_definition: {error}"),
            );
            return (vec![diagnostic], None);
        }
    };
    let diagnostics = registration_errors(&workflow, registry)
        .into_iter()
        .map(|error| {
            let location = Location::json(file, &error.path);
            if error.code == "MissingReference" {
                let node = node_at(&workflow, &error.path);
                let wanted = node.map_or_else(String::new, |node| {
                    format!(
                        ": no capability contract {} is loaded; add its file",
                        key(&node.capability_id, &node.capability_version)
                    )
                });
                Diagnostic::error(
                    "workflow.capability_missing",
                    location,
                    format!("{} ({}){wanted}", error.message, error.code),
                )
            } else {
                Diagnostic::error("workflow.invalid", location, format!("{} ({})", error.message, error.code))
            }
        })
        .collect();
    (diagnostics, Some(workflow))
}

/// The node a `$.nodes[i]` path names.
fn node_at<'a>(workflow: &'a Workflow, path: &str) -> Option<&'a Node> {
    let index = path.strip_prefix("$.nodes[")?.strip_suffix(']')?.parse::<usize>().ok()?;
    workflow.nodes.get(index)
}

/// The package's composition refs against the workflows given: advisory only (SPEC §2.3).
pub fn resolve_refs(
    manifest_path: &str,
    manifest: &Manifest,
    workflows: &[(String, Workflow)],
) -> Vec<Diagnostic> {
    let field = if manifest.known_compositions.is_some() { "known_compositions" } else { "workflow_refs" };
    manifest
        .compositions()
        .iter()
        .enumerate()
        .map(|(i, reference)| {
            let location = Location::json(manifest_path, format!("$.{field}[{i}]"));
            let name = key(&reference.workflow_id, &reference.workflow_version);
            let found = workflows
                .iter()
                .find(|(_, w)| w.id == reference.workflow_id && w.version == reference.workflow_version);
            match found {
                Some((file, workflow)) => {
                    let uses_capability =
                        workflow.nodes.iter().any(|node| node.capability_id == manifest.capability_ref.id);
                    let note = if uses_capability {
                        format!("workflow {name} is defined in {file} and has a node for this capability")
                    } else {
                        format!(
                            "workflow {name} is defined in {file}, but none of its nodes runs {}",
                            manifest.capability_ref.id
                        )
                    };
                    Diagnostic::info("workflow.ref_resolved", location, note)
                }
                None => Diagnostic::info(
                    "workflow.ref_unresolved",
                    location,
                    format!(
                        "no workflow file given defines {name}; Traverse never resolves composition refs, so this does not block"
                    ),
                ),
            }
        })
        .collect()
}
