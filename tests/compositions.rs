//! Sets of many packages checked as Traverse checks them (WORKFLOWS.md): workflow registration
//! (§2), registry bundles (§9) and application bundles (§10), each rule a mutation of our own
//! composition (examples/guarded-transition over examples/authorize and
//! examples/transition-status) with its exact code, path and message; then Traverse's own
//! reference set, when it is beside the clone.

mod common;

use serde_json::{Value, json};
use traverse_playground::{
    check::{
        Verdict, app_bundle,
        module_info::ReadHere,
        registry::{Capability, Registry},
        registry_bundle,
        set::{self, Focus},
        workflow,
    },
    package::{
        PackageFiles,
        disk::read_tree,
        workspace::{self, Kind, Target},
    },
};

const BUNDLE: &str = "guarded-transition/registry-bundle/manifest.json";
const APP: &str = "guarded-transition/app/app.manifest.json";
const WORKFLOW: &str = "guarded-transition/workflows/guarded-transition.json";

fn examples() -> PackageFiles {
    common::composition_files()
}

use common::{json_of, with_json};

/// The registry a registration sees: our two executable capabilities.
fn registry() -> Registry {
    let files = examples();
    let mut registry = Registry::default();
    for path in ["authorize/contract.json", "transition-status/contract.json"] {
        let contract = traverse_playground::check::contract::parse(
            std::str::from_utf8(files.get(path).unwrap()).unwrap(),
        )
        .unwrap();
        registry.add_capability(Capability::new(path, contract));
    }
    registry
}

fn registration(change: impl FnOnce(&mut Value)) -> Vec<(String, String, String)> {
    let mut value = json_of(&examples(), WORKFLOW);
    change(&mut value);
    let parsed = workflow::parse(&value.to_string()).expect("the mutation still parses");
    workflow::registration_errors(&parsed, &registry())
        .into_iter()
        .map(|error| (error.code.to_owned(), error.path, error.message))
        .collect()
}

fn rows(expected: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    expected.iter().map(|(code, path, message)| ((*code).into(), (*path).into(), (*message).into())).collect()
}

#[test]
fn our_composition_registers() {
    assert_eq!(registration(|_| {}), rows(&[]));
}

/// WORKFLOWS.md §2 rows 1–15: the definition's own fields, all collected, in the registry's order.
#[test]
fn workflow_field_rules() {
    type Case = (&'static str, fn(&mut Value), &'static [(&'static str, &'static str, &'static str)]);
    let cases: &[Case] = &[
        (
            "blank name",
            |w| w["name"] = json!(" "),
            &[("MissingRequiredField", "$.name", "field must be non-empty")],
        ),
        (
            "blank kind",
            |w| w["kind"] = json!(""),
            &[
                ("MissingRequiredField", "$.kind", "field must be non-empty"),
                ("InvalidLiteral", "$.kind", "kind must equal workflow_definition"),
            ],
        ),
        (
            "kind",
            |w| w["kind"] = json!("workflow"),
            &[("InvalidLiteral", "$.kind", "kind must equal workflow_definition")],
        ),
        (
            "schema_version",
            |w| w["schema_version"] = json!("2.0.0"),
            &[("InvalidLiteral", "$.schema_version", "schema_version must equal 1.0.0")],
        ),
        (
            "governing_spec",
            |w| w["governing_spec"] = json!("007"),
            &[(
                "InvalidLiteral",
                "$.governing_spec",
                "governing_spec must equal 007-workflow-registry-traversal",
            )],
        ),
        (
            "version",
            |w| w["version"] = json!("1.0"),
            &[("InvalidSemver", "$.version", "version must be valid semantic versioning")],
        ),
        (
            "owner",
            |w| w["owner"]["contact"] = json!(""),
            &[("MissingRequiredField", "$.owner.contact", "field must be non-empty")],
        ),
        (
            "terminal_nodes empty",
            |w| w["terminal_nodes"] = json!([]),
            &[("InvalidTerminalNode", "$.terminal_nodes", "terminal_nodes must not be empty")],
        ),
        (
            "nodes empty",
            |w| w["nodes"] = json!([]),
            &[
                ("MissingRequiredField", "$.nodes", "nodes must not be empty"),
                ("InvalidStartNode", "$.start_node", "start_node must reference a declared node"),
                (
                    "InvalidTerminalNode",
                    "$.terminal_nodes[0]",
                    "terminal_nodes must reference declared node ids",
                ),
                ("InvalidEdgeReference", "$.edges[0].from", "edge source must reference a declared node"),
                ("InvalidEdgeReference", "$.edges[0].to", "edge target must reference a declared node"),
            ],
        ),
        (
            "node fields",
            |w| {
                w["nodes"][1]["capability_id"] = json!("");
                w["nodes"][1]["capability_version"] = json!("one");
                w["nodes"][1]["output"]["publish_to_state_as"] = json!(" ");
            },
            &[
                ("MissingRequiredField", "$.nodes[1].capability_id", "field must be non-empty"),
                (
                    "InvalidSemver",
                    "$.nodes[1].capability_version",
                    "capability_version must be valid semantic versioning",
                ),
                (
                    "MissingRequiredField",
                    "$.nodes[1].output.publish_to_state_as",
                    "publish_to_state_as must not be empty when present",
                ),
                (
                    "MissingReference",
                    "$.nodes[1]",
                    "workflow node must reference one registered capability contract version",
                ),
            ],
        ),
        (
            "duplicate node",
            |w| w["nodes"][1]["node_id"] = json!("authorize"),
            &[
                (
                    "DuplicateItem",
                    "$.nodes[1].node_id",
                    "node_id values must be unique within one workflow definition",
                ),
                (
                    "InvalidTerminalNode",
                    "$.terminal_nodes[0]",
                    "terminal_nodes must reference declared node ids",
                ),
                ("InvalidEdgeReference", "$.edges[0].to", "edge target must reference a declared node"),
                // The registry resolves capabilities by node id, the last node of an id winning:
                // both nodes are held to transition-status's contract.
                (
                    "EdgeSchemaMismatch",
                    "$.nodes[0].input.from_workflow_input[0]",
                    "capability input schema is missing referenced field",
                ),
                (
                    "EdgeSchemaMismatch",
                    "$.nodes[0].input.from_workflow_input[1]",
                    "capability input schema is missing referenced field",
                ),
                (
                    "EdgeSchemaMismatch",
                    "$.nodes[0].input.from_workflow_input[2]",
                    "capability input schema is missing referenced field",
                ),
                (
                    "EdgeSchemaMismatch",
                    "$.nodes[0].output.to_workflow_state[0]",
                    "capability output schema is missing referenced field",
                ),
                (
                    "EdgeSchemaMismatch",
                    "$.nodes[0].output.to_workflow_state[1]",
                    "capability output schema is missing referenced field",
                ),
            ],
        ),
        (
            "projection",
            |w| w["output_projection"] = json!(["decision", "decision", ""]),
            &[
                ("DuplicateItem", "$.output_projection[1]", "output_projection keys must be unique"),
                ("MissingRequiredField", "$.output_projection[2]", "field must be non-empty"),
            ],
        ),
        (
            "duplicate terminal",
            |w| w["terminal_nodes"] = json!(["transition", "transition"]),
            &[("DuplicateItem", "$.terminal_nodes[1]", "terminal_nodes must not contain duplicates")],
        ),
        (
            "direct edge with an event",
            |w| {
                w["edges"][0]["event"] =
                    json!({"event_id": "playground.examples.status-changed", "version": "1.0.0"});
                w["edges"][0]["predicate"] = json!({"field": "to", "equals": "done"});
            },
            &[
                ("InvalidEventEdge", "$.edges[0].event", "direct edges must not declare an event reference"),
                (
                    "InvalidEventEdge",
                    "$.edges[0].predicate",
                    "direct edges must not declare an event predicate",
                ),
            ],
        ),
        (
            "event edge without its event",
            |w| w["edges"][0]["trigger"] = json!("event"),
            &[("InvalidEventEdge", "$.edges[0].event", "event edges must declare an event reference")],
        ),
        (
            "event edge fields",
            |w| {
                w["edges"][0]["trigger"] = json!("event");
                w["edges"][0]["event"] = json!({"event_id": " ", "version": "1"});
                w["edges"][0]["predicate"] = json!({"field": "", "equals": null});
            },
            &[
                ("InvalidEventEdge", "$.edges[0].event.event_id", "event_id must be non-empty"),
                (
                    "InvalidSemver",
                    "$.edges[0].event.version",
                    "event version must be valid semantic versioning",
                ),
                ("InvalidEventEdge", "$.edges[0].predicate.field", "event predicate field must be non-empty"),
                (
                    "InvalidEventEdge",
                    "$.edges[0].event",
                    "event edge must reference an event emitted by the source capability contract",
                ),
            ],
        ),
        (
            "duplicate edge id and blank ends",
            |w| {
                let mut edge = w["edges"][0].clone();
                edge["from"] = json!("");
                w["edges"].as_array_mut().unwrap().push(edge);
            },
            &[
                ("MissingRequiredField", "$.edges[1].from", "field must be non-empty"),
                (
                    "DuplicateItem",
                    "$.edges[1].edge_id",
                    "edge_id values must be unique within one workflow definition",
                ),
                ("InvalidEdgeReference", "$.edges[1].from", "edge source must reference a declared node"),
            ],
        ),
        (
            "start and terminal undeclared",
            |w| {
                w["start_node"] = json!("begin");
                w["terminal_nodes"] = json!(["end"]);
            },
            &[
                ("InvalidStartNode", "$.start_node", "start_node must reference a declared node"),
                (
                    "InvalidTerminalNode",
                    "$.terminal_nodes[0]",
                    "terminal_nodes must reference declared node ids",
                ),
            ],
        ),
        (
            "cycle through an event edge",
            |w| {
                w["edges"].as_array_mut().unwrap().push(json!({"edge_id": "back", "from": "transition", "to": "authorize",
                "trigger": "event", "event": {"event_id": "playground.examples.status-changed", "version": "1.0.0"}}));
            },
            &[(
                "DeterministicCycleNotAllowed",
                "$.edges",
                "deterministic workflow cycles are not allowed in v0.1",
            )],
        ),
    ];
    for (name, change, expected) in cases {
        assert_eq!(registration(change), rows(expected), "{name}");
    }
}

/// §2 rows 16–20: references against the registered capabilities, and the field flow.
#[test]
fn workflow_reference_rules() {
    type Case = (&'static str, fn(&mut Value), &'static [(&'static str, &'static str, &'static str)]);
    let cases: &[Case] = &[
        (
            "unregistered version",
            |w| w["nodes"][0]["capability_version"] = json!("2.0.0"),
            &[(
                "MissingReference",
                "$.nodes[0]",
                "workflow node must reference one registered capability contract version",
            )],
        ),
        (
            "a key no one provides",
            |w| w["nodes"][1]["input"]["from_workflow_input"] = json!(["action_id", "reason"]),
            &[(
                "EdgeSchemaMismatch",
                "$.nodes[1].input.from_workflow_input[1]",
                "workflow input field is not available from prior nodes or workflow inputs",
            )],
        ),
        (
            "a key the capability does not take",
            |w| w["nodes"][1]["input"]["from_workflow_input"] = json!(["action_id", "action"]),
            &[(
                "EdgeSchemaMismatch",
                "$.nodes[1].input.from_workflow_input[1]",
                "capability input schema is missing referenced field",
            )],
        ),
        (
            "a key of another type",
            |w| w["inputs"]["schema"]["properties"]["from"]["type"] = json!("integer"),
            &[(
                "EdgeSchemaMismatch",
                "$.nodes[1].input.from_workflow_input[1]",
                "field type mismatch: state provides integer, capability expects string",
            )],
        ),
        (
            "an output the capability does not give",
            |w| w["nodes"][0]["output"]["to_workflow_state"] = json!(["decision", "verdict"]),
            &[(
                "EdgeSchemaMismatch",
                "$.nodes[0].output.to_workflow_state[1]",
                "capability output schema is missing referenced field",
            )],
        ),
        (
            "a published namespace is never known",
            |w| {
                w["nodes"][0]["output"]["publish_to_state_as"] = json!("authorization");
                w["nodes"][1]["input"]["from_workflow_input"] = json!(["authorization"]);
            },
            &[(
                "EdgeSchemaMismatch",
                "$.nodes[1].input.from_workflow_input[0]",
                "workflow input field is not available from prior nodes or workflow inputs",
            )],
        ),
        (
            "an earlier node's output is known",
            |w| {
                w["inputs"]["schema"]["properties"].as_object_mut().unwrap().remove("principal");
                w["nodes"].as_array_mut().unwrap().reverse();
            },
            &[
                // Topological order, not file order: authorize (now nodes[1]) runs first and reads
                // the principal no one gives.
                (
                    "EdgeSchemaMismatch",
                    "$.nodes[1].input.from_workflow_input[0]",
                    "workflow input field is not available from prior nodes or workflow inputs",
                ),
            ],
        ),
        (
            "an open workflow input schema skips the flow",
            |w| {
                w["inputs"]["schema"] = json!({"type": "object"});
                w["nodes"][1]["input"]["from_workflow_input"] = json!(["reason"]);
            },
            &[],
        ),
        (
            "two direct edges",
            |w| {
                w["nodes"].as_array_mut().unwrap().push(json!({"node_id": "again", "capability_id": "playground.examples.authorize",
                "capability_version": "1.0.0", "input": {"from_workflow_input": []}, "output": {"to_workflow_state": []}}));
                w["edges"].as_array_mut().unwrap().push(
                    json!({"edge_id": "second", "from": "authorize", "to": "again", "trigger": "direct"}),
                );
            },
            &[(
                "DuplicateItem",
                "$.edges[1]",
                "nodes must not declare more than one direct outgoing edge in v0.1",
            )],
        ),
        (
            "an event edge for an event the source does not emit",
            |w| {
                w["edges"][0] = json!({"edge_id": "on-change", "from": "authorize", "to": "transition", "trigger": "event",
                "event": {"event_id": "playground.examples.status-changed", "version": "1.0.0"}});
            },
            &[(
                "InvalidEventEdge",
                "$.edges[0].event",
                "event edge must reference an event emitted by the source capability contract",
            )],
        ),
        (
            "two event edges, one direct: the direct one may stay",
            |w| {
                let event = json!({"event_id": "playground.examples.status-changed", "version": "1.0.0"});
                w["nodes"].as_array_mut().unwrap().push(json!({"node_id": "after", "capability_id": "playground.examples.authorize",
                "capability_version": "1.0.0", "input": {"from_workflow_input": []}, "output": {"to_workflow_state": []}}));
                for (id, to) in
                    [("direct-after", "after"), ("event-after", "after"), ("event-again", "after")]
                {
                    let trigger = if id.starts_with("direct") { "direct" } else { "event" };
                    let mut edge = json!({"edge_id": id, "from": "transition", "to": to, "trigger": trigger});
                    if trigger == "event" {
                        edge["event"] = event.clone();
                    }
                    w["edges"].as_array_mut().unwrap().push(edge);
                }
                w["terminal_nodes"] = json!(["after"]);
            },
            &[(
                "DuplicateItem",
                "$.edges[3]",
                "nodes must not declare more than one event outgoing edge in v0.1",
            )],
        ),
    ];
    for (name, change, expected) in cases {
        assert_eq!(registration(change), rows(expected), "{name}");
    }
}

/// The cycle check and the topological order walk an explicit stack: a 100,000-node chain
/// (and a cycle at its end) neither overflows nor takes long.
#[test]
fn a_long_chain_is_checked_without_recursion() {
    let mut value = json_of(&examples(), WORKFLOW);
    let node = |i: usize| {
        json!({"node_id": format!("n{i}"), "capability_id": "playground.examples.authorize",
        "capability_version": "1.0.0", "input": {"from_workflow_input": []}, "output": {"to_workflow_state": []}})
    };
    let edge = |from: usize, to: usize| json!({"edge_id": format!("e{from}"), "from": format!("n{from}"), "to": format!("n{to}"), "trigger": "direct"});
    const N: usize = 100_000;
    value["nodes"] = (0..N).map(node).collect();
    value["edges"] = (0..N - 1).map(|i| edge(i, i + 1)).collect();
    value["start_node"] = json!("n0");
    value["terminal_nodes"] = json!([format!("n{}", N - 1)]);
    value["inputs"]["schema"] = json!({"type": "object"});
    let chain = workflow::parse(&value.to_string()).unwrap();
    assert_eq!(workflow::registration_errors(&chain, &registry()), vec![]);
    assert_eq!(workflow::topological_order(&chain).map(|order| order.len()), Some(N));
    value["edges"].as_array_mut().unwrap().push(edge(N - 1, 0));
    let cyclic = workflow::parse(&value.to_string()).unwrap();
    let errors = workflow::registration_errors(&cyclic, &registry());
    assert_eq!(errors.iter().map(|e| e.code).collect::<Vec<_>>(), ["DeterministicCycleNotAllowed"]);
    assert_eq!(workflow::topological_order(&cyclic), None);
}

fn bundle(files: &PackageFiles) -> registry_bundle::BundleReport {
    registry_bundle::check(files, BUNDLE)
}

fn fails(verdict: Verdict) -> (u8, String) {
    match verdict {
        Verdict::Fails(stop) => (stop.exit_code, stop.message),
        Verdict::Passes => panic!("expected a failure"),
    }
}

#[test]
fn our_registry_bundle_inspects_and_registers_with_its_composite() {
    let report = bundle(&examples());
    assert_eq!(report.inspect_verdict(), Verdict::Passes);
    assert_eq!(report.register_verdict(), Verdict::Passes);
    // In the order Traverse registers them: events, capabilities, workflows.
    let registration = report.registration.as_ref().unwrap();
    assert_eq!(registration.events, ["playground.examples.status-changed@1.0.0"]);
    let capabilities: Vec<String> =
        registration.capabilities.iter().map(|r| format!("{} ({})", r.id, r.implementation)).collect();
    assert_eq!(
        capabilities,
        [
            "playground.examples.authorize@1.0.0 (executable)",
            "playground.examples.transition-status@1.0.0 (executable)",
            "playground.examples.guarded-transition@1.0.0 (workflow)"
        ]
    );
    assert_eq!(registration.workflows, ["playground.examples.guarded-transition@1.0.0"]);
    assert_eq!(report.composites.len(), 1);
    assert_eq!(report.composites[0].workflow, "playground.examples.guarded-transition@1.0.0");
    assert!(report.composites[0].workflow_in_bundle);
}

/// WORKFLOWS.md §9: `load_registry_bundle`'s order, first failure wins, exit 4.
#[test]
fn registry_bundle_loading_rules() {
    type Case = (&'static str, fn(PackageFiles) -> PackageFiles, &'static str);
    let cases: &[Case] = &[
        (
            "manifest not JSON",
            |mut f| {
                f.insert(BUNDLE, b"{".to_vec());
                f
            },
            "failed to parse bundle manifest guarded-transition/registry-bundle/manifest.json: EOF while parsing an object at line 1 column 1",
        ),
        (
            "manifest without events",
            |f| {
                with_json(f, BUNDLE, |b| {
                    b.as_object_mut().unwrap().remove("events");
                })
            },
            "failed to parse bundle manifest guarded-transition/registry-bundle/manifest.json: missing field `events` at line 29 column 1",
        ),
        (
            "scope",
            |f| with_json(f, BUNDLE, |b| b["scope"] = json!("team")),
            "bundle manifest guarded-transition/registry-bundle/manifest.json declares unsupported scope team",
        ),
        (
            "duplicate capability",
            |f| {
                with_json(f, BUNDLE, |b| {
                    let c = b["capabilities"][0].clone();
                    b["capabilities"].as_array_mut().unwrap().push(c);
                })
            },
            "duplicate capability artifact entry in bundle manifest: playground.examples.authorize@1.0.0",
        ),
        (
            "duplicate event",
            |f| {
                with_json(f, BUNDLE, |b| {
                    let c = b["events"][0].clone();
                    b["events"].as_array_mut().unwrap().push(c);
                })
            },
            "duplicate event artifact entry in bundle manifest: playground.examples.status-changed@1.0.0",
        ),
        (
            "duplicate workflow",
            |f| {
                with_json(f, BUNDLE, |b| {
                    let c = b["workflows"][0].clone();
                    b["workflows"].as_array_mut().unwrap().push(c);
                })
            },
            "duplicate workflow artifact entry in bundle manifest: playground.examples.guarded-transition@1.0.0",
        ),
        (
            "missing capability file",
            |mut f| {
                f.remove("authorize/contract.json");
                f
            },
            "missing artifact file for playground.examples.authorize at guarded-transition/registry-bundle/../../authorize/contract.json",
        ),
        (
            "invalid contract",
            |f| with_json(f, "authorize/contract.json", |c| c["kind"] = json!("contract")),
            "failed to parse artifact playground.examples.authorize at guarded-transition/registry-bundle/../../authorize/contract.json: kind must equal capability_contract at $.kind",
        ),
        (
            "id mismatch",
            |f| {
                with_json(f, BUNDLE, |b| b["capabilities"][1]["id"] = json!("playground.examples.transition"))
            },
            "artifact id mismatch for guarded-transition/registry-bundle/../../transition-status/contract.json: manifest declared playground.examples.transition, file contains playground.examples.transition-status",
        ),
        (
            "version mismatch",
            |f| with_json(f, BUNDLE, |b| b["capabilities"][0]["version"] = json!("1.1.0")),
            "artifact version mismatch for guarded-transition/registry-bundle/../../authorize/contract.json: manifest declared 1.1.0, file contains 1.0.0",
        ),
        (
            "invalid event contract",
            |f| with_json(f, "guarded-transition/events/status-changed.json", |e| e["kind"] = json!("event")),
            "failed to parse artifact playground.examples.status-changed at guarded-transition/registry-bundle/../events/status-changed.json: kind must equal event_contract at $.kind",
        ),
        (
            "workflow not parsable",
            |f| {
                with_json(f, WORKFLOW, |w| {
                    w.as_object_mut().unwrap().remove("tags");
                })
            },
            "failed to parse workflow artifact guarded-transition/registry-bundle/../workflows/guarded-transition.json for playground.examples.guarded-transition: missing field `tags` at line 128 column 1",
        ),
    ];
    for (name, change, message) in cases {
        let report = bundle(&change(examples()));
        assert_eq!(fails(report.inspect_verdict()), (4, (*message).to_owned()), "{name}");
        assert_eq!(report.register_verdict(), report.inspect_verdict(), "{name}: register loads first");
        assert_eq!(report.summary, None, "{name}");
    }
}

/// §9 `bundle register`: the public scope, the event gate, workflow-backed capabilities without
/// a ref, and workflow registration, each exit 2 with Traverse's message.
#[test]
fn registry_bundle_registration_rules() {
    type Case = (&'static str, fn(PackageFiles) -> PackageFiles, &'static str);
    let cases: &[Case] = &[
        (
            "public scope",
            |f| with_json(f, BUNDLE, |b| b["scope"] = json!("public")),
            "local_public_scope_rejected: local bundle registration cannot populate the public registry tier; use scope: private for local testing or traverse-cli capability publish for governed publication ($.scope)",
        ),
        (
            "the gate lists every unresolved event",
            |f| {
                let f = with_json(f, BUNDLE, |b| b["events"] = json!([]));
                with_json(f, "authorize/contract.json", |c| {
                    c["consumes"] = json!([{"event_id": "playground.examples.asked", "version": "1.0.0"}])
                })
            },
            "registration-time contractual enforcement gate failed\n\
            - [unresolved_event_reference] guarded-transition/registry-bundle/../../authorize/contract.json: capability references missing event playground.examples.asked@1.0.0\n\
            - [unresolved_event_reference] guarded-transition/registry-bundle/../../transition-status/contract.json: capability references missing event playground.examples.status-changed@1.0.0",
        ),
        (
            "workflow-backed without a ref",
            |f| {
                with_json(f, "guarded-transition/contracts/guarded-transition.json", |c| {
                    c["composability"].as_object_mut().unwrap().remove("workflow_ref");
                })
            },
            "workflow-backed capability playground.examples.guarded-transition must declare workflow_ref",
        ),
        (
            "workflow registration",
            |f| {
                with_json(f, WORKFLOW, |w| {
                    w["nodes"][1]["capability_version"] = json!("2.0.0");
                    w["terminal_nodes"] = json!(["nowhere"]);
                })
            },
            "terminal_nodes must reference declared node ids at $.terminal_nodes[0]; workflow node must reference one registered capability contract version at $.nodes[1]",
        ),
    ];
    for (name, change, message) in cases {
        let report = bundle(&change(examples()));
        assert_eq!(report.inspect_verdict(), Verdict::Passes, "{name}: inspect only loads");
        assert_eq!(fails(report.register_verdict()), (2, (*message).to_owned()), "{name}");
        assert_eq!(report.registration, None, "{name}");
    }
}

/// Every missing artefact is named with the path to add it under, not only the first.
#[test]
fn a_bundle_names_every_missing_file() {
    let mut files = examples();
    files.remove("authorize/contract.json");
    files.remove(WORKFLOW);
    let report = bundle(&files);
    let missing: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "bundle.missing_artifact_file")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        missing,
        [
            "the capability file of playground.examples.authorize is missing: add authorize/contract.json",
            "the workflow file of playground.examples.guarded-transition is missing: add guarded-transition/workflows/guarded-transition.json",
        ]
    );
}

fn app(files: &PackageFiles) -> app_bundle::AppReport {
    app_bundle::check(files, APP, &ReadHere)
}

fn first_error(report: &app_bundle::AppReport) -> (String, String, String) {
    let error = report.errors.first().expect("an error");
    (error.code.to_owned(), error.path.clone(), error.message.clone())
}

#[test]
fn our_application_bundle_validates() {
    let files = examples();
    let report = app(&files);
    assert_eq!(report.errors, vec![]);
    let digest = |path: &str| traverse_playground::package::digest::sha256(files.get(path).unwrap());
    let (authorize, transition) = (
        digest("authorize/artifacts/authorize.wasm"),
        digest("transition-status/artifacts/transition-status.wasm"),
    );
    let component = |name: &str, capability: &str, digest: &str| {
        let folder = format!("guarded-transition/app/components/{name}");
        json!({
            "component_id": format!("playground.examples.{name}-component"),
            "component_version": "1.0.0",
            "execution_mode": "wasm",
            "capability_id": capability,
            "capability_version": "1.0.0",
            "manifest_path": format!("{folder}/component.manifest.json"),
            "contract_path": format!("{folder}/../../../../{name}/contract.json"),
            "wasm_digest": digest,
            "platforms": [],
            "wrapper_path": null,
        })
    };
    let verified = |name: &str, digest: &str| {
        json!({
            "component_id": format!("playground.examples.{name}-component"),
            "component_version": "1.0.0",
            "path": format!("guarded-transition/app/components/{name}/../../../../{name}/artifacts/{name}.wasm"),
            "wasm_digest": digest,
            "status": "verified",
        })
    };
    let to = |on: &str, to: &str| json!({"on": on, "to": to, "with_last_payload": false});
    let invoke = |capability: &str| json!({"capability_id": capability, "input_from": "command.payload"});
    // Traverse's `render_app_validation_success`, field for field.
    let expected = json!({
        "status": "validated",
        "app_id": "playground.examples.guarded-transition-app",
        "app_version": "1.0.0",
        "schema_version": "1.0.0",
        "manifest_path": APP,
        "component_ids": ["playground.examples.authorize-component", "playground.examples.transition-status-component"],
        "workflow_ids": ["playground.examples.guarded-transition"],
        "components": [
            component("authorize", "playground.examples.authorize", &authorize),
            component("transition-status", "playground.examples.transition-status", &transition),
        ],
        "workflows": [{
            "workflow_id": "playground.examples.guarded-transition",
            "workflow_version": "1.0.0",
            "path": "../workflows/guarded-transition.json",
        }],
        "digest_verification": [verified("authorize", &authorize), verified("transition-status", &transition)],
        "model_readiness": [],
        "effective_config": {"values": {"workspace_id": "local-default"}, "redacted_secret_keys": []},
        "public_surfaces": ["cli"],
        "state_machine": {
            "initial_state": "idle",
            "list_context_fields": ["output.decision", "output.status"],
            "states": [
                {"id": "idle", "invoke": null, "transitions": [to("submit", "authorizing")]},
                {
                    "id": "authorizing",
                    "invoke": invoke("playground.examples.authorize"),
                    "transitions": [to("capability_succeeded", "transitioning"), to("capability_failed", "error")],
                },
                {
                    "id": "transitioning",
                    "invoke": invoke("playground.examples.transition-status"),
                    "transitions": [to("capability_succeeded", "done"), to("capability_failed", "error")],
                },
                {"id": "done", "invoke": null, "transitions": [to("reset", "idle")]},
                {
                    "id": "error",
                    "invoke": null,
                    "transitions": [
                        {"on": "retry", "to": "authorizing", "with_last_payload": true},
                        to("reset", "idle"),
                    ],
                },
            ],
        },
        "runtime_references": {
            "inspection": "/v1/apps/playground.examples.guarded-transition-app/1.0.0",
            "workflows": ["/v1/workflows/playground.examples.guarded-transition/1.0.0"],
        },
        "governing_specs": [
            "044-application-bundle-manifest",
            "045-governed-model-dependency-resolution",
            "046-public-cli-app-registration",
        ],
    });
    assert_eq!(report.evidence(), Some(expected));
    assert_eq!(report.exit_code(), 0);
    // Registration by Traverse's native embedder: its empty event registry refuses the component
    // whose contract emits an event; its browser embedder refuses the module importing emit_event.
    assert_eq!(report.registration.iter().map(|e| e.code).collect::<Vec<_>>(), ["missing_event_reference"]);
    assert_eq!(
        report.browser_embedder,
        [
            "rejects component playground.examples.transition-status-component: its module imports traverse_host.emit_event, which its whitelist lacks",
        ]
    );
}

/// A `registry_ref` of Traverse's shape, `namespace` as given.
fn registry_ref(namespace: &str) -> Value {
    json!({"namespace": namespace, "id": "playground.examples.authorize", "version_range": "^1.0.0"})
}

/// A component from the registry instead of a local contract (its WASM fields left).
fn registry_instead(component: &mut Value, namespace: &str) {
    component.as_object_mut().unwrap().remove("contract_path");
    component["registry_ref"] = registry_ref(namespace);
}

/// A component made compatible: no WASM fields, this wrapper and these platforms.
fn compatible(component: &mut Value, wrapper: Option<&str>, platforms: &[&str]) {
    let fields = component.as_object_mut().unwrap();
    fields.remove("wasm_binary_path");
    fields.remove("wasm_digest");
    fields.insert("execution_mode".into(), json!("compatible"));
    fields.insert("platforms".into(), json!(platforms));
    if let Some(wrapper) = wrapper {
        fields.insert("wrapper_path".into(), json!(wrapper));
    }
}

/// A model dependency Traverse accepts.
fn model_dependency() -> Value {
    json!({
        "interface_id": "traverse.inference.generate",
        "version_range": "^1.0.0",
        "selection_policy": {"strategy": "priority", "allow_fallback": false},
        "required_capabilities": ["text_generation"],
        "minimum_context_window": 8192,
        "candidates": [{
            "candidate_id": "local-small",
            "provider_capability_id": "acme.inference.generate",
            "provider_implementation_id": "acme.inference.llama-local",
            "model_identifier": "llama-3-8b",
            "placement_target": "local",
            "priority": 1,
            "required_provider_config_keys": ["endpoint"],
            "metadata": {"family": "llama"}
        }]
    })
}

/// The application with one model dependency, changed by `change`.
fn with_model(files: PackageFiles, change: fn(&mut Value)) -> PackageFiles {
    let mut dependency = model_dependency();
    change(&mut dependency);
    with_json(files, APP, |a| a["model_dependencies"] = json!([dependency]))
}

/// The application with a workspace-local configuration file holding `text`.
fn with_workspace_config(files: PackageFiles, text: &str) -> PackageFiles {
    let mut files =
        with_json(files, APP, |a| a["workspace_defaults"]["config_path"] = json!("workspace.local.json"));
    files.insert("guarded-transition/app/workspace.local.json", text.as_bytes().to_vec());
    files
}

static MAIL_BINDING: std::sync::LazyLock<Value> = std::sync::LazyLock::new(
    || json!({"connector_id": "acme.mail", "version_range": "^1.0.0", "config_ref": "mail"}),
);

/// authorize's contract requiring connector `acme.mail` ^1.2.0, and the application's bindings.
fn with_connector(files: PackageFiles, bindings: Value) -> PackageFiles {
    let files = with_json(files, "authorize/contract.json", |c| {
        c["connector_requirements"] = json!([{"connector_id": "acme.mail", "version": "^1.2.0"}])
    });
    with_json(files, APP, |a| a["connector_bindings"] = bindings)
}

/// What a valid application declares beyond our example shows in its evidence: models as
/// declared, the configuration with the workspace's overrides and its secrets' keys only, a
/// condition's field trimmed.
#[test]
fn the_evidence_holds_models_configuration_and_conditions() {
    let files = with_model(examples(), |_| {});
    let files = with_json(files, APP, |a| {
        a["config_schema"]["properties"]["tier"] =
            json!({"type": "integer", "x-traverse-overrideable": true});
        a["default_config"]["tier"] = json!(1);
        a["state_machine"]["states"][0]["transitions"][0]["condition"] =
            json!({"field": " output.ready ", "op": "exists"});
    });
    let files = with_workspace_config(
        files,
        r#"{"overrides": {"tier": 3}, "secrets": {"token": "s3cret", "api_key": "k"}}"#,
    );
    let report = app(&files);
    assert_eq!(report.errors, vec![]);
    let evidence = report.evidence().unwrap();
    assert_eq!(
        evidence["model_readiness"],
        json!([{
            "interface_id": "traverse.inference.generate",
            "version_range": "^1.0.0",
            "selection_strategy": "priority",
            "candidate_count": 1,
            "candidate_ids": ["local-small"],
            "status": "declared",
        }])
    );
    assert_eq!(
        evidence["effective_config"],
        json!({"values": {"workspace_id": "local-default", "tier": 3}, "redacted_secret_keys": ["api_key", "token"]})
    );
    assert!(!evidence.to_string().contains("s3cret"));
    assert_eq!(
        evidence["state_machine"]["states"][0]["transitions"][0],
        json!({"on": "submit", "to": "authorizing", "condition": {"field": "output.ready", "op": "exists"}, "with_last_payload": false})
    );
}

/// The CLI reads every manifest as JSON before validating: one that is not stops the command
/// with its exit code and no evidence, as `traverse-cli` does.
#[test]
fn a_manifest_that_is_not_json_stops_app_validate() {
    let mut files = examples();
    files.insert(APP, b"{\"app_id\": ".to_vec());
    let report = app(&files);
    assert_eq!(report.evidence(), None);
    assert_eq!(report.exit_code(), 2);
    assert_eq!(
        report.line(),
        "exit 2: failed to parse JSON file guarded-transition/app/app.manifest.json: EOF while parsing a value at line 1 column 11"
    );
    let mut files = examples();
    files.insert("guarded-transition/app/components/transition-status/component.manifest.json", vec![0xff]);
    let report = app(&files);
    assert_eq!(
        report.line(),
        "exit 4: failed to read JSON file guarded-transition/app/components/transition-status/component.manifest.json: stream did not contain valid UTF-8"
    );
    // A private field in the first component is found before the second is read.
    let files =
        with_json(files, "guarded-transition/app/components/authorize/component.manifest.json", |c| {
            c["_note"] = json!("x")
        });
    assert_eq!(app(&files).exit_code(), 0);
    assert_eq!(app(&files).errors[0].code, "unsupported_private_field");
}

/// WORKFLOWS.md §10: the CLI's pre-checks, then the loader and each component, in order.
#[test]
fn application_bundle_rules() {
    const A: &str = "guarded-transition/app/components/authorize/component.manifest.json";
    type Case = (&'static str, fn(PackageFiles) -> PackageFiles, (&'static str, &'static str, &'static str));
    let cases: &[Case] = &[
        (
            "private top-level field",
            |f| with_json(f, APP, |a| a["x-internal-notes"] = json!("x")),
            (
                "unsupported_private_field",
                "$.x-internal-notes",
                "unsupported private/internal manifest field x-internal-notes",
            ),
        ),
        (
            "all-zero digest",
            |f| {
                with_json(f, APP, |a| {
                    a["components"][1]["digest"] = json!(format!("sha256:{}", "0".repeat(64)))
                })
            },
            (
                "placeholder_wasm_digest",
                "$.components[].digest",
                "application component reference declares a placeholder or all-zero WASM digest",
            ),
        ),
        (
            "digest of nothing",
            |f| {
                with_json(f, APP, |a| {
                    a["components"][0]["digest"] =
                        json!("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")
                })
            },
            (
                "placeholder_wasm_digest",
                "$.components[].digest",
                "application component reference declares a placeholder or all-zero WASM digest",
            ),
        ),
        (
            "private component field",
            |f| with_json(f, A, |c| c["_draft"] = json!(true)),
            (
                "unsupported_private_field",
                "$.components[]._draft",
                "unsupported private/internal manifest field _draft",
            ),
        ),
        (
            "placeholder component digest",
            |f| with_json(f, A, |c| c["wasm_digest"] = json!("0".repeat(64))),
            (
                "placeholder_wasm_digest",
                "guarded-transition/app/components/authorize/component.manifest.json:$.wasm_digest",
                "component manifest declares a placeholder or all-zero WASM digest",
            ),
        ),
        (
            "manifest missing a field",
            |f| {
                with_json(f, APP, |a| {
                    a.as_object_mut().unwrap().remove("public_surfaces");
                })
            },
            (
                "manifest_parse_failed",
                "guarded-transition/app/app.manifest.json",
                "failed to parse application manifest guarded-transition/app/app.manifest.json: missing field `public_surfaces` at line 127 column 1",
            ),
        ),
        (
            "duplicate component",
            |f| {
                with_json(f, APP, |a| {
                    let c = a["components"][0].clone();
                    a["components"].as_array_mut().unwrap().push(c);
                })
            },
            (
                "duplicate_component_reference",
                "playground.examples.authorize-component@1.0.0",
                "duplicate component reference in application manifest: playground.examples.authorize-component@1.0.0",
            ),
        ),
        (
            "component manifest missing",
            |mut f| {
                f.remove(A);
                f
            },
            (
                "app_component_manifest_missing",
                "guarded-transition/app/components/authorize/component.manifest.json",
                "missing component manifest for playground.examples.authorize-component at guarded-transition/app/components/authorize/component.manifest.json",
            ),
        ),
        (
            "execution mode",
            |f| with_json(f, A, |c| c["execution_mode"] = json!("native")),
            (
                "invalid_execution_mode",
                "guarded-transition/app/components/authorize/component.manifest.json",
                "component playground.examples.authorize-component@1.0.0 declares unsupported execution_mode native",
            ),
        ),
        (
            "registry_ref beside the contract",
            |f| with_json(f, A, |c| c["registry_ref"] = registry_ref(" acme")),
            (
                "component_source_must_be_exclusive",
                "guarded-transition/app/components/authorize/component.manifest.json",
                "component playground.examples.authorize-component@1.0.0 must declare exactly one of contract_path or registry_ref",
            ),
        ),
        (
            "registry_ref with a blank field",
            |f| with_json(f, A, |c| registry_instead(c, " ")),
            (
                "registry_reference_invalid",
                "guarded-transition/app/components/authorize/component.manifest.json",
                "component playground.examples.authorize-component@1.0.0 registry_ref requires non-empty namespace, id, and version_range",
            ),
        ),
        (
            "registry_ref with WASM fields",
            |f| with_json(f, A, |c| registry_instead(c, "acme")),
            (
                "component_source_must_be_exclusive",
                "guarded-transition/app/components/authorize/component.manifest.json",
                "component playground.examples.authorize-component@1.0.0 registry_ref must not declare local WASM fields",
            ),
        ),
        (
            "compatible with WASM fields",
            |f| with_json(f, A, |c| c["execution_mode"] = json!("compatible")),
            (
                "compatible_component_invalid_wasm_fields",
                "guarded-transition/app/components/authorize/component.manifest.json",
                "compatible component playground.examples.authorize-component@1.0.0 must not declare wasm_binary_path or wasm_digest",
            ),
        ),
        (
            "compatible without a wrapper",
            |f| with_json(f, A, |c| compatible(c, None, &[])),
            (
                "compatible_component_missing_wrapper",
                "guarded-transition/app/components/authorize/component.manifest.json",
                "compatible component playground.examples.authorize-component@1.0.0 requires wrapper_path",
            ),
        ),
        (
            "compatible wrapper not there",
            |f| with_json(f, A, |c| compatible(c, Some("bin/wrapper.sh"), &["linux-x86_64"])),
            (
                "compatible_component_missing_wrapper",
                "guarded-transition/app/components/authorize/component.manifest.json",
                "compatible component playground.examples.authorize-component@1.0.0 wrapper_path does not exist",
            ),
        ),
        (
            "compatible without platforms",
            |f| with_json(f, A, |c| compatible(c, Some("component.manifest.json"), &[" "])),
            (
                "compatible_component_missing_platforms",
                "guarded-transition/app/components/authorize/component.manifest.json",
                "compatible component playground.examples.authorize-component@1.0.0 requires non-empty platforms",
            ),
        ),
        (
            "a dependency by range",
            |f| {
                with_json(f, A, |c| {
                    c["dependencies"] = json!([{"component_id": "acme.dep", "version_range": "^1"}])
                })
            },
            (
                "component_dependency_must_be_concrete",
                "guarded-transition/app/components/authorize/component.manifest.json",
                "component dependency acme.dep must declare concrete version and digest without version_range",
            ),
        ),
        (
            "a blank executable pin",
            |f| {
                with_json(f, A, |c| {
                    c["executable_pin"] = json!({"package_id": "", "package_version": "1.0.0"})
                })
            },
            (
                "executable_pin_malformed",
                "guarded-transition/app/components/authorize/component.manifest.json",
                "component playground.examples.authorize-component@1.0.0 declares executable_pin with a non-empty package_id and package_version",
            ),
        ),
        (
            "reference mismatch",
            |f| with_json(f, A, |c| c["version"] = json!("1.0.1")),
            (
                "component_reference_mismatch",
                "guarded-transition/app/components/authorize/component.manifest.json",
                "component reference mismatch for guarded-transition/app/components/authorize/component.manifest.json: app declared playground.examples.authorize-component@1.0.0, component manifest contains playground.examples.authorize-component@1.0.1",
            ),
        ),
        (
            "invalid app digest",
            |f| with_json(f, APP, |a| a["components"][0]["digest"] = json!("sha256:abc")),
            (
                "invalid_digest_metadata",
                "$.components[].digest",
                "component reference playground.examples.authorize-component@1.0.0 declares invalid digest metadata",
            ),
        ),
        (
            "digests disagree",
            |f| with_json(f, A, |c| c["wasm_digest"] = json!(format!("sha256:{}", "1".repeat(64)))),
            (
                "component_digest_mismatch",
                "guarded-transition/app/components/authorize/component.manifest.json",
                "component digest mismatch for playground.examples.authorize-component@1.0.0: app declared sha256:c615cc1740282bb103f7edb4ade5de74a93a65c499cdb10fd2c6f53105f1cb19, component manifest declared sha256:1111111111111111111111111111111111111111111111111111111111111111",
            ),
        ),
        (
            "contract missing",
            |mut f| {
                f.remove("authorize/contract.json");
                f
            },
            (
                "component_contract_missing",
                "guarded-transition/app/components/authorize/../../../../authorize/contract.json",
                "missing capability contract for playground.examples.authorize-component at guarded-transition/app/components/authorize/../../../../authorize/contract.json",
            ),
        ),
        (
            "contract of another capability",
            |f| {
                with_json(f, A, |c| c["contract_path"] = json!("../../../../transition-status/contract.json"))
            },
            (
                "component_contract_mismatch",
                "guarded-transition/app/components/authorize/../../../../transition-status/contract.json",
                "component contract mismatch for playground.examples.authorize-component: manifest declared playground.examples.authorize@1.0.0, contract contains playground.examples.transition-status@1.0.0",
            ),
        ),
        (
            "no binary path",
            |f| with_json(f, A, |c| c["wasm_binary_path"] = json!(" ")),
            (
                "wasm_component_missing_wasm_fields",
                "guarded-transition/app/components/authorize/component.manifest.json",
                "wasm component playground.examples.authorize-component@1.0.0 requires wasm_binary_path",
            ),
        ),
        (
            "binary missing",
            |mut f| {
                f.remove("authorize/artifacts/authorize.wasm");
                f
            },
            (
                "component_wasm_missing",
                "guarded-transition/app/components/authorize/../../../../authorize/artifacts/authorize.wasm",
                "missing WASM binary at guarded-transition/app/components/authorize/../../../../authorize/artifacts/authorize.wasm",
            ),
        ),
        (
            "binary changed",
            |mut f| {
                f.insert("authorize/artifacts/authorize.wasm", b"\0asm\x01\0\0\0".to_vec());
                f
            },
            (
                "component_digest_mismatch",
                "guarded-transition/app/components/authorize/../../../../authorize/artifacts/authorize.wasm",
                "WASM digest mismatch for guarded-transition/app/components/authorize/../../../../authorize/artifacts/authorize.wasm: expected sha256:c615cc1740282bb103f7edb4ade5de74a93a65c499cdb10fd2c6f53105f1cb19, got sha256:93a44bbb96c751218e4c00d479e4c14358122a389acca16205b1e4d0dc5f9476",
            ),
        ),
        (
            "model interface Traverse does not resolve",
            |f| with_model(f, |m| m["interface_id"] = json!("acme.chat")),
            (
                "unsupported_model_interface",
                "$.model_dependencies[].interface_id",
                "unsupported model dependency interface: acme.chat",
            ),
        ),
        (
            "model without candidates",
            |f| with_model(f, |m| m["candidates"] = json!([])),
            (
                "model_dependency_missing_candidates",
                "$.model_dependencies[].candidates",
                "model dependency must declare at least one real candidate",
            ),
        ),
        (
            "model candidate that is a stub",
            |f| {
                with_model(f, |m| {
                    m["candidates"][0]["provider_implementation_id"] = json!("acme.Stub-inference")
                })
            },
            (
                "model_candidate_implementation_invalid",
                "$.model_dependencies[].candidates[].provider_implementation_id",
                "model candidate local-small must reference a real provider implementation, not a fake, stub, placeholder, or documentation-only implementation",
            ),
        ),
        (
            "model candidate twice",
            |f| with_model(f, |m| m["candidates"] = json!([m["candidates"][0], m["candidates"][0]])),
            (
                "duplicate_model_candidate",
                "$.model_dependencies[].candidates[].candidate_id",
                "duplicate model candidate id: local-small",
            ),
        ),
        (
            "model candidate without a priority",
            |f| with_model(f, |m| m["candidates"][0]["priority"] = json!(0)),
            (
                "model_candidate_config_invalid",
                "$.model_dependencies[].candidates[]",
                "model candidate local-small must declare provider ids, model_identifier, priority, config keys, and metadata object",
            ),
        ),
        (
            "model candidate without a placement",
            |f| with_model(f, |m| m["candidates"][0]["placement_target"] = Value::Null),
            (
                "model_candidate_config_invalid",
                "$.model_dependencies[].candidates[].placement_target",
                "model candidate placement_target is required",
            ),
        ),
        (
            "model without a context window",
            |f| with_model(f, |m| m["minimum_context_window"] = json!(0)),
            (
                "model_candidate_config_invalid",
                "$.model_dependencies[]",
                "model dependency must declare version_range, priority selection policy, minimum_context_window, and non-empty required_capabilities",
            ),
        ),
        (
            "workspace config that is not JSON",
            |f| with_workspace_config(f, "{"),
            (
                "app_config_invalid",
                "guarded-transition/app/workspace.local.json",
                "failed to parse workspace-local config guarded-transition/app/workspace.local.json: EOF while parsing an object at line 1 column 1",
            ),
        ),
        (
            "workspace config without overrides",
            |f| with_workspace_config(f, r#"{"secrets": {}}"#),
            ("app_config_invalid", "$.overrides", "workspace-local config overrides must be an object"),
        ),
        (
            "a secret named as an immutable field",
            |f| with_workspace_config(f, r#"{"overrides": {}, "secrets": {"app_id": "x"}}"#),
            (
                "app_config_immutable_override",
                "$.overrides.app_id",
                "workspace-local config cannot override immutable manifest field app_id",
            ),
        ),
        (
            "an override the schema does not declare",
            |f| with_workspace_config(f, r#"{"overrides": {"mode": "fast"}, "secrets": {}}"#),
            (
                "app_config_invalid",
                "$.overrides.mode",
                "workspace-local config override mode is not declared by config_schema",
            ),
        ),
        (
            "an override of a field not overrideable",
            |f| with_workspace_config(f, r#"{"overrides": {"workspace_id": "w2"}, "secrets": {}}"#),
            (
                "app_config_immutable_override",
                "$.overrides.workspace_id",
                "workspace-local config override workspace_id is not declared overrideable",
            ),
        ),
        (
            "an override of another type",
            |f| {
                let f = with_json(f, APP, |a| {
                    a["config_schema"]["properties"]["workspace_id"]["x-traverse-overrideable"] = json!(true)
                });
                with_workspace_config(f, r#"{"overrides": {"workspace_id": 5}, "secrets": {}}"#)
            },
            (
                "app_config_invalid",
                "$.overrides.workspace_id",
                "workspace-local config override workspace_id does not match declared schema type string",
            ),
        ),
        (
            "required configuration missing",
            |f| with_json(f, APP, |a| a["default_config"] = json!({})),
            (
                "app_config_invalid",
                "$.effective_config.workspace_id",
                "required application config value workspace_id is missing",
            ),
        ),
        (
            "a required connector not bound",
            |f| with_connector(f, json!([])),
            (
                "connector_binding_missing",
                "connector_bindings[acme.mail]",
                "no connector binding declared for required connector acme.mail",
            ),
        ),
        (
            "a connector bound twice",
            |f| with_connector(f, json!([MAIL_BINDING.clone(), MAIL_BINDING.clone()])),
            (
                "connector_binding_duplicate",
                "connector_bindings[acme.mail]",
                "duplicate connector binding for connector_id acme.mail",
            ),
        ),
        (
            "a connector bound out of range",
            |f| {
                with_connector(
                    f,
                    json!([{"connector_id": "acme.mail", "version_range": "^2.0.0", "config_ref": "mail"}]),
                )
            },
            (
                "connector_binding_incompatible",
                "connector_bindings[acme.mail]",
                "connector binding range ^2.0.0 is incompatible with required range ^1.2.0 for acme.mail",
            ),
        ),
        (
            "a connector binding without a range",
            |f| {
                with_connector(
                    f,
                    json!([{"connector_id": "acme.mail", "version_range": "one", "config_ref": "mail"}]),
                )
            },
            (
                "connector_binding_malformed",
                "connector_bindings[acme.mail]",
                "connector binding requires a non-empty connector_id, config_ref, and a valid semver version_range",
            ),
        ),
        (
            "state machine invokes a stranger",
            |f| {
                with_json(f, APP, |a| {
                    a["state_machine"]["states"][1]["invoke"]["capability_id"] =
                        json!("playground.examples.greet")
                })
            },
            (
                "app_state_machine_undefined_capability",
                "state_machine.states.authorizing.invoke",
                "invoke capability 'playground.examples.greet' is not declared in app components",
            ),
        ),
        // traverse-registry's state machine rules, each with its own code, path and words.
        (
            "state machine without states",
            |f| with_json(f, APP, |a| a["state_machine"]["states"] = json!([])),
            (
                "app_state_machine_invalid",
                "state_machine",
                "state_machine requires initial_state and at least one state",
            ),
        ),
        (
            "state machine with a state id twice",
            |f| with_json(f, APP, |a| a["state_machine"]["states"][3]["id"] = json!("idle")),
            (
                "app_state_machine_invalid",
                "state_machine.states.idle",
                "state_machine states must have unique non-empty ids",
            ),
        ),
        (
            "state machine starting nowhere",
            |f| with_json(f, APP, |a| a["state_machine"]["initial_state"] = json!("asleep")),
            (
                "app_state_machine_undefined_state",
                "state_machine.initial_state",
                "initial_state 'asleep' is not declared in state_machine.states",
            ),
        ),
        (
            "state machine going nowhere",
            |f| {
                with_json(f, APP, |a| a["state_machine"]["states"][2]["transitions"][0]["to"] = json!("gone"))
            },
            (
                "app_state_machine_undefined_state",
                "state_machine.states.transitioning.transitions.capability_succeeded",
                "transition 'capability_succeeded' targets undefined state 'gone'",
            ),
        ),
        (
            "state machine with a state nothing reaches",
            |f| {
                with_json(f, APP, |a| {
                    a["state_machine"]["states"][2]["transitions"][0]["to"] = json!("error")
                })
            },
            (
                "app_state_machine_unreachable_state",
                "state_machine.states.done",
                "state_machine state 'done' is unreachable from initial_state",
            ),
        ),
        (
            "state machine with a context field twice",
            |f| {
                with_json(f, APP, |a| a["state_machine"]["list_context_fields"][1] = json!("output.decision"))
            },
            (
                "app_state_machine_invalid",
                "state_machine.list_context_fields",
                "list_context_fields entries must be unique non-empty output.* paths",
            ),
        ),
        (
            "state machine with an unknown condition operator",
            |f| {
                with_json(f, APP, |a| {
                    a["state_machine"]["states"][0]["transitions"][0]["condition"] =
                        json!({"field": "output.ok", "op": "like", "value": 1})
                })
            },
            (
                "app_state_machine_invalid",
                "state_machine.states.idle.transitions.submit.condition.op",
                "unsupported transition condition operator 'like'",
            ),
        ),
        (
            "state machine with a condition without its value",
            |f| {
                with_json(f, APP, |a| {
                    a["state_machine"]["states"][0]["transitions"][0]["condition"] =
                        json!({"field": "output.ok", "op": "eq"})
                })
            },
            (
                "app_state_machine_invalid",
                "state_machine.states.idle.transitions.submit.condition.value",
                "transition condition operator 'eq' requires value",
            ),
        ),
    ];
    // Every case's first error, compared at once: a change of words shows every case it touches.
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(name, change, (code, path, message))| {
            let found = first_error(&app(&change(examples())));
            let expected = ((*code).into(), (*path).into(), (*message).into());
            (found != expected).then(|| format!("{name}:\n  found    {found:?}\n  expected {expected:?}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    for (name, change, _) in cases {
        let report = app(&change(examples()));
        let evidence = report.evidence().expect("evidence");
        assert_eq!(evidence["status"], "failed", "{name}");
        assert_eq!(evidence["errors"][0]["severity"], "error", "{name}");
        assert_eq!(evidence["errors"].as_array().unwrap().len(), 1, "{name}: Traverse reports the first");
    }
}

/// Traverse's browser embedder validates no state machine: a bundle `app validate` refuses for
/// one, the embedder would accept, and the page says so.
#[test]
fn the_browser_embedder_does_not_check_the_state_machine() {
    let files = with_json(examples(), APP, |a| a["state_machine"]["initial_state"] = json!("asleep"));
    let report = app(&files);
    assert_eq!(first_error(&report).0, "app_state_machine_undefined_state");
    assert!(
        report.browser_embedder.iter().any(|note| note == "does not check the state machine"),
        "{:?}",
        report.browser_embedder
    );
}

/// §10.3, step 8: a `registry_ref` component needs a resolver. Without `--workspace` there is
/// none; with one, Traverse reads the workspace's synced public registry, which the playground
/// never holds, and fails as Traverse fails before `registry sync`.
#[test]
fn a_registry_ref_component_fails_to_resolve_with_or_without_a_workspace() {
    const A: &str = "guarded-transition/app/components/authorize/component.manifest.json";
    let with_ref = |range: &str| {
        with_json(examples(), A, |c| {
            let object = c.as_object_mut().unwrap();
            for field in ["contract_path", "wasm_binary_path", "wasm_digest"] {
                object.remove(field);
            }
            object.insert(
                "registry_ref".into(),
                json!({"namespace": "playground.examples", "id": "authorize", "version_range": range}),
            );
        })
    };
    let files = with_ref("^1.0");
    assert_eq!(
        first_error(&app(&files)),
        (
            "registry_reference_requires_resolution".into(),
            "guarded-transition/app/components/authorize/component.manifest.json".into(),
            "component playground.examples.authorize-component@1.0.0 uses registry_ref and must be resolved during app registration".into()
        )
    );
    let in_workspace =
        |files: &PackageFiles| app_bundle::check_in_workspace(files, APP, Some("team-a"), &ReadHere);
    assert_eq!(
        first_error(&in_workspace(&files)),
        (
            "registry_reference_requires_resolution".into(),
            "$.registry_ref".into(),
            "workspace team-a has no synced public registry state; run traverse-cli registry sync".into()
        )
    );
    assert_eq!(
        first_error(&in_workspace(&with_ref("one"))).2,
        "invalid registry_ref version_range one: unexpected character 'o' while parsing major version number"
    );
}

/// §10.3: an app digest in capitals and without `sha256:` is accepted (Traverse normalises it);
/// Traverse's browser embedder, which wants `sha256:` and lowercase, would refuse it.
#[test]
fn digests_in_any_case_validate_but_the_browser_embedder_refuses_them() {
    let files = with_json(examples(), APP, |a| {
        let digest =
            a["components"][0]["digest"].as_str().unwrap().trim_start_matches("sha256:").to_uppercase();
        a["components"][0]["digest"] = json!(digest);
    });
    let report = app(&files);
    assert_eq!(report.errors, vec![]);
    assert!(
        report.browser_embedder[0].starts_with("rejects components[0].digest"),
        "{:?}",
        report.browser_embedder
    );
}

/// The set: every file recognised by content, what refers to what, one focus per item.
#[test]
fn a_set_is_read_by_content_with_its_references() {
    let mut files = examples();
    // Names do not matter: a contract saved under another name is still a contract.
    let contract = files.get("guarded-transition/contracts/guarded-transition.json").unwrap().to_vec();
    files.remove("guarded-transition/contracts/guarded-transition.json");
    files.insert("guarded-transition/contracts/composite.txt.json", contract);
    let (items, references) = workspace::set(&files);
    let kind_of = |path: &str| items.iter().find(|item| item.path == path).map(|item| item.kind);
    assert_eq!(kind_of(BUNDLE), Some(Kind::RegistryBundle));
    assert_eq!(kind_of(APP), Some(Kind::Application));
    assert_eq!(
        kind_of("guarded-transition/app/components/authorize/component.manifest.json"),
        Some(Kind::Component)
    );
    assert_eq!(kind_of("guarded-transition/events/status-changed.json"), Some(Kind::EventContract));
    assert_eq!(kind_of("guarded-transition/contracts/composite.txt.json"), Some(Kind::Contract));
    assert_eq!(kind_of("authorize/artifacts/authorize.wasm"), Some(Kind::Module));
    // The bundle's reference to the renamed contract now points at nothing: add this file.
    let missing: Vec<_> = references
        .iter()
        .filter(|r| r.found.is_none())
        .map(|r| (r.from.as_str(), r.json_path.as_str()))
        .collect();
    assert_eq!(missing, [(BUNDLE, "$.capabilities[2].path")]);
    let node = references.iter().find(|r| r.from == WORKFLOW && r.json_path == "$.nodes[1]").unwrap();
    assert_eq!(node.target, Target::Capability { id: "playground.examples.transition-status@1.0.0".into() });
    assert_eq!(node.found.as_deref(), Some("transition-status/contract.json"));
    let diagnostics = set::set_diagnostics(&items, &references);
    assert_eq!(diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(), ["set.file_missing"]);
    // Each checkable item gets its own focus.
    assert!(matches!(set::check_item(&files, BUNDLE, &ReadHere), Some(Focus::RegistryBundle(_))));
    assert!(matches!(set::check_item(&files, APP, &ReadHere), Some(Focus::Application(_))));
    assert!(matches!(set::check_item(&files, "authorize/manifest.json", &ReadHere), Some(Focus::Package(_))));
    assert!(set::check_item(&files, "authorize/contract.json", &ReadHere).is_none());
}

/// Contracts and a workflow, with no package or bundle: a set whose workflow is checked by
/// itself, against the contracts loaded, as the CLI checks it.
#[test]
fn contracts_and_a_workflow_are_a_set_whose_workflow_is_checked_first() {
    let whole = examples();
    let mut files = PackageFiles::new();
    for path in ["authorize/contract.json", "transition-status/contract.json", WORKFLOW] {
        files.insert(path, whole.get(path).unwrap().to_vec());
    }
    let (items, _) = workspace::set(&files);
    assert!(set::is_set(&items));
    assert_eq!(set::default_focus(&items).map(|item| item.path.as_str()), Some(WORKFLOW));
    let Some(Focus::Workflow { diagnostics, .. }) = set::check_item(&files, WORKFLOW, &ReadHere) else {
        panic!("a workflow")
    };
    assert!(diagnostics.iter().all(|d| d.traverse.is_none()), "it registers: {diagnostics:?}");
    // One package with its own files is no set, and its manifest is what the checks show.
    let (package, _) = workspace::set(&whole);
    assert!(set::is_set(&package), "the example set: bundle, app, packages");
    let mut one = PackageFiles::new();
    for path in whole.paths().filter(|path| path.starts_with("authorize/")) {
        one.insert(path, whole.get(path).unwrap().to_vec());
    }
    let (items, _) = workspace::set(&one);
    assert!(!set::is_set(&items));
    assert_eq!(set::default_focus(&items), None);
}

#[test]
fn two_files_claiming_one_id_are_named() {
    let mut files = examples();
    files.insert("copy/contract.json", files.get("authorize/contract.json").unwrap().to_vec());
    let (items, references) = workspace::set(&files);
    let duplicates: Vec<_> = set::set_diagnostics(&items, &references)
        .into_iter()
        .filter(|d| d.code == "set.duplicate_id")
        .map(|d| d.message)
        .collect();
    assert_eq!(
        duplicates,
        [
            "claims playground.examples.authorize@1.0.0, as authorize/contract.json does: a registry keeps one contract per id@version, so the set is ambiguous"
        ]
    );
}

/// In a set, each package gets the requests that name its capability (the composite's request
/// belongs to no package) and the workflows that run it.
#[test]
fn each_package_checks_its_own_requests() {
    let files = examples();
    let (requests, workflows) = workspace::requests_and_workflows(&files, Some("authorize/manifest.json"));
    assert!(!requests.is_empty());
    assert!(requests.iter().all(|path| path.starts_with("authorize/")), "{requests:?}");
    // And the workflows that run its capability.
    const ANNOUNCED: &str = "guarded-transition/workflows/announced-transition.json";
    assert_eq!(workflows, [ANNOUNCED, WORKFLOW]);
    let (_, workflows) = workspace::requests_and_workflows(&files, Some("transition-status/manifest.json"));
    assert_eq!(
        workflows,
        [ANNOUNCED, WORKFLOW, "transition-status/workflows/transition-status-flow/workflow.json"]
    );
}

/// Traverse's own reference set: the starter bundle inspects and registers with its composite;
/// the three application bundles fail as Traverse fails them without their binaries.
#[test]
#[ignore = "needs Traverse's reference data (scripts/test runs it when present)"]
fn traverse_reference_sets() {
    let files = read_tree(&common::reference_dir()).unwrap();
    let starter = registry_bundle::check(&files, "examples/traverse-starter/registry-bundle/manifest.json");
    assert_eq!(starter.register_verdict(), Verdict::Passes);
    assert_eq!(
        starter.register_text().unwrap(),
        "bundle_id: traverse-starter.seed-bundle\nversion: 1.0.0\nscope: private\n\
         registered_capabilities: 4\nregistered_events: 0\nregistered_workflows: 1\ncapability_records:\n\
         \x20 - traverse-starter.validate@1.0.0 (executable)\n\
         \x20 - traverse-starter.process@1.0.0 (executable)\n\
         \x20 - traverse-starter.summarize@1.0.0 (executable)\n\
         \x20 - traverse-starter.pipeline@1.0.0 (workflow)\n\
         event_records:\nworkflow_records:\n\x20 - traverse-starter.pipeline@1.0.0\nevidence:\n"
    );
    for (app, component, wasm) in [
        (
            "traverse-starter",
            "process",
            "../../../../../examples/traverse-starter/process-agent/artifacts/process-agent.wasm",
        ),
        (
            "meeting-notes",
            "process",
            "../../../../../examples/meeting-notes/process-agent/artifacts/process-agent.wasm",
        ),
        ("doc-approval", "analyze", "../../../../doc-approval/analyze-agent/artifacts/analyze-agent.wasm"),
    ] {
        let report =
            app_bundle::check(&files, &format!("examples/applications/{app}/app.manifest.json"), &ReadHere);
        // Traverse's path is the binary's, as the component manifest resolves it.
        let binary = format!("examples/applications/{app}/components/{component}/{wasm}");
        assert_eq!(
            first_error(&report),
            ("component_wasm_missing".into(), binary.clone(), format!("missing WASM binary at {binary}")),
            "{app}"
        );
    }
    // Every workflow of the reference registers against the contracts beside it.
    let registry = Registry::of_files(&files);
    for (path, kind) in workspace::kinds(&files) {
        if kind == Kind::Workflow {
            let parsed = workflow::parse(std::str::from_utf8(files.get(&path).unwrap()).unwrap()).unwrap();
            assert_eq!(workflow::registration_errors(&parsed, &registry), vec![], "{path}");
        }
    }
}

/// A bundle naming 10,000 artefacts that are not there: each is named once, the verdict is
/// the first, and the set lists each reference.
#[test]
fn a_bundle_of_ten_thousand_missing_artefacts_names_each() {
    let files = with_json(examples(), BUNDLE, |b| {
        b["capabilities"] = (0..10_000)
            .map(|i| json!({"id": format!("acme.c{i}"), "version": "1.0.0", "path": format!("../../../outside/c{i}.json")}))
            .collect();
    });
    let report = bundle(&files);
    let missing = report.diagnostics.iter().filter(|d| d.code == "bundle.missing_artifact_file").count();
    assert_eq!(missing, 10_000);
    assert_eq!(
        fails(report.inspect_verdict()),
        (4, "missing artifact file for acme.c0 at guarded-transition/registry-bundle/../../../outside/c0.json".to_owned())
    );
    // A path above the dropped folder keeps its `..`: it names a file the user must add.
    assert!(
        report.diagnostics[0].message.ends_with("add ../outside/c0.json"),
        "{}",
        report.diagnostics[0].message
    );
    let (_, references) = workspace::set(&files);
    assert_eq!(references.iter().filter(|r| r.from == BUNDLE && r.found.is_none()).count(), 10_000);
}

/// Traverse's path `$.components[].digest` names no component; the page's diagnostic points at
/// the one at fault, and a component's private field at its own manifest.
#[test]
fn app_diagnostics_point_at_the_component_at_fault() {
    use traverse_playground::check::diagnostic::Location;
    let at = |files: PackageFiles| app(&files).diagnostics[0].location.clone();
    let zeros = with_json(examples(), APP, |a| {
        a["components"][1]["digest"] = json!(format!("sha256:{}", "0".repeat(64)))
    });
    assert_eq!(at(zeros), Location::json(APP, "$.components[1].digest"));
    let invalid = with_json(examples(), APP, |a| a["components"][1]["digest"] = json!("md5:1"));
    assert_eq!(at(invalid), Location::json(APP, "$.components[1].digest"));
    const COMPONENT: &str = "guarded-transition/app/components/transition-status/component.manifest.json";
    let private = with_json(examples(), COMPONENT, |c| c["private_notes"] = json!(""));
    assert_eq!(at(private), Location::json(COMPONENT, "$.private_notes"));
}

/// A package's check hands the registry the contract it parsed; the registry must be the one
/// parsing every contract itself gives.
#[test]
fn a_registry_knowing_one_parsed_contract_is_the_registry_of_the_files() {
    let files = examples();
    let path = "authorize/contract.json";
    let parsed =
        traverse_playground::check::contract::parse(std::str::from_utf8(files.get(path).unwrap()).unwrap())
            .unwrap();
    let whole = Registry::of_files(&files);
    assert!(whole.capability("playground.examples.authorize", "1.0.0").is_some());
    assert_eq!(Registry::of_files_knowing(&files, Some((path, &parsed))), whole);
}
