//! `workflow_definition` files (SPEC §6): the registry's registration rules, and the package's
//! composition refs resolved against the workflows given.
//!
//! Package loading and execution never read workflow files, so nothing here ever stops Traverse
//! on a package: an invalid workflow is an error *in that file*, and an unresolved ref is only
//! information.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use serde_json::Value;

use crate::check::{
    diagnostic::{Diagnostic, Location},
    manifest::Manifest,
};
use crate::package::workspace::WORKFLOW_KIND;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename = "WorkflowDefinition")]
pub struct Workflow {
    pub kind: String,
    pub schema_version: String,
    pub id: String,
    pub name: String,
    pub version: String,
    pub lifecycle: String,
    pub owner: WorkflowOwner,
    pub summary: String,
    pub inputs: Value,
    pub outputs: Value,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub start_node: String,
    pub terminal_nodes: Vec<String>,
    #[serde(default)]
    pub output_projection: Vec<Value>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub governing_spec: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WorkflowOwner {
    pub team: String,
    pub contact: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Node {
    pub node_id: String,
    pub capability_id: String,
    pub capability_version: String,
    #[serde(default)]
    pub output: Option<NodeOutput>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct NodeOutput {
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
    pub event: Option<EdgeEvent>,
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
pub struct EdgeEvent {
    pub event_id: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Predicate {
    pub field: String,
}

pub const WORKFLOW_GOVERNING_SPEC: &str = "007-workflow-registry-traversal";

/// Parses and checks one workflow file: the registry's registration errors, all collected.
/// Returns the workflow when it parses, so refs can resolve against it.
pub fn check(file: &str, text: &str) -> (Vec<Diagnostic>, Option<Workflow>) {
    let workflow: Workflow = match serde_json::from_str(text) {
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
    let mut found = Vec::new();
    let mut rule = |fails: bool, path: &str, message: &str| {
        if fails {
            found.push(Diagnostic::error("workflow.invalid", Location::json(file, path), message));
        }
    };
    let w = &workflow;
    let blank = |value: &str| value.trim().is_empty();
    let semver = |value: &str| semver::Version::parse(value).is_ok();

    for (path, value) in [
        ("$.id", &w.id),
        ("$.name", &w.name),
        ("$.summary", &w.summary),
        ("$.owner.team", &w.owner.team),
        ("$.owner.contact", &w.owner.contact),
        ("$.start_node", &w.start_node),
    ] {
        rule(blank(value), path, "field must be non-empty");
    }
    rule(w.kind != WORKFLOW_KIND, "$.kind", "kind must equal workflow_definition");
    rule(w.schema_version != "1.0.0", "$.schema_version", "schema_version must equal 1.0.0");
    rule(
        w.governing_spec != WORKFLOW_GOVERNING_SPEC,
        "$.governing_spec",
        "governing_spec must equal 007-workflow-registry-traversal",
    );
    rule(!semver(&w.version), "$.version", "version must be valid semantic versioning");
    rule(w.nodes.is_empty(), "$.nodes", "nodes must not be empty");
    rule(w.terminal_nodes.is_empty(), "$.terminal_nodes", "terminal_nodes must not be empty");

    let mut node_ids = HashSet::new();
    for (i, node) in w.nodes.iter().enumerate() {
        rule(blank(&node.node_id), &format!("$.nodes[{i}].node_id"), "field must be non-empty");
        rule(blank(&node.capability_id), &format!("$.nodes[{i}].capability_id"), "field must be non-empty");
        rule(
            !node_ids.insert(node.node_id.as_str()),
            &format!("$.nodes[{i}].node_id"),
            "node_id values must be unique within one workflow definition",
        );
        rule(
            !semver(&node.capability_version),
            &format!("$.nodes[{i}].capability_version"),
            "capability_version must be valid semantic versioning",
        );
        let published = node.output.as_ref().and_then(|output| output.publish_to_state_as.as_deref());
        rule(
            published.is_some_and(blank),
            &format!("$.nodes[{i}].output.publish_to_state_as"),
            "publish_to_state_as must not be empty when present",
        );
    }
    let mut edge_ids = HashSet::new();
    for (i, edge) in w.edges.iter().enumerate() {
        let at = |field: &str| format!("$.edges[{i}]{field}");
        rule(blank(&edge.edge_id), &at(".edge_id"), "field must be non-empty");
        rule(
            !edge_ids.insert(edge.edge_id.as_str()),
            &at(".edge_id"),
            "edge_id values must be unique within one workflow definition",
        );
        match edge.trigger {
            Trigger::Direct => {
                rule(edge.event.is_some(), &at(".event"), "direct edges must not declare an event reference");
                rule(
                    edge.predicate.is_some(),
                    &at(".predicate"),
                    "direct edges must not declare an event predicate",
                );
            }
            Trigger::Event => {
                rule(edge.event.is_none(), &at(".event"), "event edges must declare an event reference");
                if let Some(event) = &edge.event {
                    rule(blank(&event.event_id), &at(".event.event_id"), "event_id must be non-empty");
                    rule(
                        !semver(&event.version),
                        &at(".event.version"),
                        "event version must be valid semantic versioning",
                    );
                }
                if let Some(predicate) = &edge.predicate {
                    rule(
                        blank(&predicate.field),
                        &at(".predicate.field"),
                        "event predicate field must be non-empty",
                    );
                }
            }
        }
        rule(
            !node_ids.contains(edge.from.as_str()),
            &at(".from"),
            "edge source must reference a declared node",
        );
        rule(!node_ids.contains(edge.to.as_str()), &at(".to"), "edge target must reference a declared node");
    }
    rule(
        !w.start_node.trim().is_empty() && !node_ids.contains(w.start_node.as_str()),
        "$.start_node",
        "start_node must reference a declared node",
    );
    let mut terminals = HashSet::new();
    for (i, terminal) in w.terminal_nodes.iter().enumerate() {
        let path = format!("$.terminal_nodes[{i}]");
        rule(!terminals.insert(terminal.as_str()), &path, "terminal_nodes must not contain duplicates");
        rule(!node_ids.contains(terminal.as_str()), &path, "terminal_nodes must reference declared node ids");
    }
    let mut projections = HashSet::new();
    for (i, projection) in w.output_projection.iter().enumerate() {
        // A projection is keyed by its `key` field, or is itself the key.
        let key = projection.get("key").unwrap_or(projection).to_string();
        rule(
            !projections.insert(key),
            &format!("$.output_projection[{i}]"),
            "output_projection keys must be unique",
        );
    }
    rule(has_cycle(w), "$.edges", "deterministic workflow cycles are not allowed in v0.1");
    (found, Some(workflow))
}

/// Whether the edges between declared nodes form a cycle.
fn has_cycle(workflow: &Workflow) -> bool {
    let mut successors: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for edge in &workflow.edges {
        successors.entry(&edge.from).or_default().push(&edge.to);
    }
    // Depth-first search with the three colours: unseen, on the current path, finished.
    fn visit<'a>(
        node: &'a str,
        successors: &BTreeMap<&'a str, Vec<&'a str>>,
        on_path: &mut HashSet<&'a str>,
        done: &mut HashSet<&'a str>,
    ) -> bool {
        if done.contains(node) {
            return false;
        }
        if !on_path.insert(node) {
            return true;
        }
        let cyclic =
            successors.get(node).into_iter().flatten().any(|next| visit(next, successors, on_path, done));
        on_path.remove(node);
        done.insert(node);
        cyclic
    }
    let (mut on_path, mut done) = (HashSet::new(), HashSet::new());
    successors.keys().any(|node| visit(node, &successors, &mut on_path, &mut done))
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
            let name = format!("{}@{}", reference.workflow_id, reference.workflow_version);
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
