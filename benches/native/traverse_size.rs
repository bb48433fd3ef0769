//! A package shaped like the largest of Traverse's own examples, which are not in this
//! repository: a 30 KB contract with a dozen use cases and an input schema seven levels deep,
//! ten runtime requests, a workflow, and a 30 KB module. Written fresh for each bench run, so
//! the native bench and the page check the same bytes. It is checked, never run: its module
//! validates and links as Traverse's executor would have it, but does no work.

use serde_json::{Value, json};
use wasm_encoder::{
    BlockType, CodeSection, EntityType, ExportKind, ExportSection, Function, FunctionSection, ImportSection,
    MemArg, MemorySection, MemoryType, Module, TypeSection, ValType,
};

use traverse_playground::package::digest;

const ID: &str = "playground.bench.access-review";
const VERSION: &str = "1.0.0";
const WORKFLOW: &str = "playground.bench.access-review-flow";
const BINARY: &str = "artifacts/access-review.wasm";
/// Functions of about a hundred bytes each, for a module of about 30 KB.
const FUNCTIONS: u32 = 450;

/// The package's files, by path.
pub fn files() -> Vec<(String, Vec<u8>)> {
    let module = module();
    let json = |value: Value| serde_json::to_vec_pretty(&value).unwrap();
    let mut files = vec![
        ("manifest.json".to_owned(), json(manifest(&digest::fnv1a64(&module)))),
        ("contract.json".to_owned(), json(contract())),
        ("workflows/access-review-flow.json".to_owned(), json(workflow())),
        (
            "src/lib.rs".to_owned(),
            b"// The bench package's module is generated; it has no source.\n".to_vec(),
        ),
        (BINARY.to_owned(), module),
    ];
    for case in 0..10 {
        files.push((format!("runtime-requests/review-{case:02}.json"), json(request(case))));
    }
    files
}

fn manifest(expected_digest: &str) -> Value {
    json!({
        "kind": "capability_package",
        "schema_version": "1.0.0",
        "package_id": ID,
        "version": VERSION,
        "summary": "Review an access request against a tenant's rule set, for the bench.",
        "capability_ref": { "id": ID, "version": VERSION, "contract_path": "./contract.json" },
        "known_compositions": [{ "workflow_id": WORKFLOW, "workflow_version": VERSION }],
        "source": { "path": "./src/lib.rs", "language": "rust", "entry": "run" },
        "binary": {
            "path": format!("./{BINARY}"), "format": "wasm",
            "expected_digest": expected_digest, "abi_version": "1.0.0"
        },
        "constraints": { "host_api_access": "none", "network_access": "forbidden", "filesystem_access": "none" },
        "model_dependencies": [
            { "interface": "access-policy-v2", "purpose": "An ordered rule set with conditions and obligations." }
        ]
    })
}

fn text(description: &str) -> Value {
    json!({ "type": "string", "minLength": 1, "description": description })
}

fn strings(description: &str) -> Value {
    json!({ "type": "array", "items": { "type": "string", "minLength": 1 }, "description": description })
}

/// Seven levels deep at `policy.rules[].obligations[].metadata.retention.days`.
fn input_schema() -> Value {
    let subject = json!({
        "type": "object", "required": ["id", "roles"], "additionalProperties": false,
        "description": "Who asks. The id is required and never empty; roles may be empty, and then only rules without a role requirement can allow.",
        "properties": {
            "id": text("The subject's stable id in its tenant."),
            "roles": strings("Roles granted to the subject, in no particular order."),
            "groups": strings("Groups the subject belongs to; rules may name a group instead of a role."),
            "attributes": {
                "type": "object", "description": "Facts about the subject that conditions may compare.",
                "properties": {
                    "tenant": text("The tenant the subject belongs to."),
                    "department": text("The subject's department."),
                    "clearance": { "type": "integer", "minimum": 0, "maximum": 5, "description": "Clearance level, 0 to 5." },
                    "status": { "type": "string", "enum": ["active", "suspended", "locked"] }
                }
            }
        }
    });
    let target = json!({
        "type": "object", "required": ["kind", "id"],
        "properties": {
            "kind": text("The related resource's kind."),
            "id": text("The related resource's id."),
            "path": {
                "type": "array", "description": "How the relation was found, hop by hop.",
                "items": { "type": "object", "required": ["segment"], "properties": {
                    "segment": text("One hop's relation."),
                    "depth": { "type": "integer", "minimum": 0 }
                } }
            }
        }
    });
    let resource = json!({
        "type": "object", "required": ["kind", "id"],
        "description": "What is acted on, with the facts conditions may compare and its relations to other resources.",
        "properties": {
            "kind": text("The resource's kind, such as document or payment."),
            "id": text("The resource's id."),
            "owner": text("The id of the subject who owns it."),
            "attributes": { "type": "object", "properties": {
                "tenant": text("The tenant that holds the resource."),
                "amount": { "type": "number", "minimum": 0 },
                "labels": strings("Labels such as confidential or archived.")
            } },
            "relationships": { "type": "array", "items": { "type": "object", "required": ["relation", "target"], "properties": {
                "relation": { "type": "string", "enum": ["parent", "member_of", "delegate_of"] },
                "target": target
            } } }
        }
    });
    let obligation = json!({
        "type": "object", "required": ["kind", "severity"],
        "properties": {
            "kind": { "type": "string", "enum": ["require_mfa", "audit_log", "notify_owner"] },
            "severity": { "type": "string", "enum": ["required", "advisory"] },
            "metadata": { "type": "object", "properties": {
                "category": text("What the obligation is about."),
                "retention": { "type": "object", "required": ["days"], "properties": {
                    "days": { "type": "integer", "minimum": 1, "maximum": 3650 },
                    "store": { "type": "string", "enum": ["hot", "archive"] }
                } }
            } }
        }
    });
    let rule = json!({
        "type": "object", "required": ["id", "effect", "priority"],
        "properties": {
            "id": text("The rule's id, named in the decision it makes."),
            "effect": { "type": "string", "enum": ["allow", "deny"] },
            "priority": { "type": "integer", "minimum": 0, "description": "Higher first; ties are decided by the order of the list." },
            "actions": strings("The actions the rule applies to; none means every action."),
            "subject": { "type": "object", "properties": { "roles": strings("Any of these roles."), "attributes": { "type": "object" } } },
            "resource": { "type": "object", "properties": { "kind": text("The resource kind the rule applies to.") } },
            "condition": { "type": "object", "required": ["left", "op", "right"], "properties": {
                "left": text("A dotted path into the request, such as subject.attributes.tenant."),
                "op": { "type": "string", "enum": ["eq", "neq", "gt", "lt", "in"] },
                "right": text("A dotted path into the request, or a literal prefixed with =.")
            } },
            "obligations": { "type": "array", "items": obligation }
        }
    });
    json!({
        "type": "object", "required": ["subject", "action", "resource", "policy"], "additionalProperties": false,
        "properties": {
            "subject": subject,
            "action": { "type": "string", "enum": ["read", "update", "delete", "approve", "transfer", "invite"] },
            "resource": resource,
            "context": { "type": "object", "properties": {
                "time": { "type": "string", "format": "date-time" },
                "channel": { "type": "string", "enum": ["web", "api", "batch"] },
                "session": { "type": "object", "properties": {
                    "id": text("The session's id."),
                    "mfa": { "type": "object", "properties": {
                        "done": { "type": "boolean" },
                        "method": { "type": "string", "enum": ["totp", "webauthn", "sms"] }
                    } }
                } }
            } },
            "policy": { "type": "object", "required": ["version", "default_effect", "rules"], "properties": {
                "version": text("The rule set's version."),
                "mode": { "type": "string", "enum": ["rbac", "abac", "hybrid"] },
                "default_effect": { "type": "string", "enum": ["allow", "deny"] },
                "rules": { "type": "array", "items": rule }
            } }
        }
    })
}

fn output_schema() -> Value {
    json!({
        "type": "object", "required": ["decision", "rule", "reasons"],
        "properties": {
            "decision": { "type": "string", "enum": ["allow", "deny"] },
            "rule": { "type": "string", "description": "The deciding rule's id, or default." },
            "obligations": { "type": "array", "items": { "type": "object", "required": ["kind"], "properties": {
                "kind": { "type": "string" }, "severity": { "type": "string" }
            } } },
            "reasons": { "type": "array", "items": { "type": "object", "required": ["code"], "properties": {
                "code": { "type": "string", "pattern": "^[a-z_]+$" }, "detail": { "type": "string" }
            } } }
        }
    })
}

const ROLES: [&str; 3] = ["admin", "member", "finance"];
const ACTIONS: [&str; 6] = ["read", "update", "delete", "approve", "transfer", "invite"];

/// The request of one case: a different action, tenant and rule set each time.
fn case_input(case: usize) -> Value {
    let rules: Vec<Value> = (0..1 + case % 2)
        .map(|rule| {
            let mut value = json!({
                "id": format!("rule-{case}-{rule}"),
                "effect": if rule == 0 { "allow" } else { "deny" },
                "priority": 200 - 50 * rule,
                "actions": [ACTIONS[(case + rule) % ACTIONS.len()]],
                "subject": { "roles": [ROLES[rule % 3]] }
            });
            if case % 3 == 1 {
                value["obligations"] = json!([{ "kind": "audit_log", "severity": "required",
                    "metadata": { "retention": { "days": 30 } } }]);
            }
            value
        })
        .collect();
    json!({
        "subject": { "id": format!("user-{case}"), "roles": [ROLES[case % 3]], "attributes": { "tenant": format!("t-{}", case % 2) } },
        "action": ACTIONS[case % ACTIONS.len()],
        "resource": { "kind": "document", "id": format!("doc-{case}"), "attributes": { "tenant": "t-0" } },
        "context": { "time": "2026-11-30T12:00:00Z" },
        "policy": { "version": "2.0", "default_effect": "deny", "rules": rules }
    })
}

fn contract() -> Value {
    let use_cases: Vec<Value> = (0..12)
        .map(|case| {
            json!({
                "scenario": format!(
                    "As a reviewer in tenant t-{}, I ask whether a {} of a document is allowed under a rule set of {} rules, so that the decision and the rule that made it are recorded with their obligations.",
                    case % 2, ACTIONS[case % ACTIONS.len()], 3 + case % 4
                ),
                "input_example": case_input(case),
                "output_example": {
                    "decision": if case % 3 == 0 { "deny" } else { "allow" },
                    "rule": format!("rule-{case}-0"),
                    "obligations": [{ "kind": "audit_log", "severity": "required" }],
                    "reasons": [{ "code": "rule_matched", "detail": format!("rule-{case}-0 matched first") }]
                },
                "happy": case % 3 != 0
            })
        })
        .collect();
    json!({
        "kind": "capability_contract",
        "schema_version": "1.0.0",
        "id": ID,
        "namespace": "playground.bench",
        "name": "access-review",
        "version": VERSION,
        "lifecycle": "active",
        "owner": { "team": "traverse-playground", "contact": "maintainers@traverse-playground.invalid" },
        "summary": "Review an access request against a tenant's rule set, for the bench.",
        "description": "Evaluates the rules of the request's policy from the highest priority down: the first rule whose actions, subject, resource and condition all match decides, with its obligations; when none matches, the policy's default effect decides. Every decision names its rule and gives its reasons.",
        "inputs": { "schema": input_schema() },
        "outputs": { "schema": output_schema() },
        "preconditions": [{ "id": "policy-given", "description": "The request carries the rule set to apply." }],
        "postconditions": [{ "id": "decision-is-explained", "description": "Every decision names the rule that made it." }],
        "side_effects": [{ "kind": "memory_only", "description": "Computes its answer in memory." }],
        "emits": [],
        "consumes": [],
        "permissions": [{ "id": ID }],
        "execution": {
            "binary_format": "wasm",
            "entrypoint": { "kind": "wasi-command", "command": "run" },
            "preferred_targets": ["local"],
            "constraints": { "host_api_access": "none", "network_access": "forbidden", "filesystem_access": "none" }
        },
        "policies": [{ "id": "playground-bench" }],
        "dependencies": [],
        "provenance": {
            "source": "greenfield", "author": "traverse-playground", "created_at": "2026-11-30T00:00:00Z",
            "spec_ref": "traverse-playground-bench@1.0.0", "adr_refs": [], "exception_refs": []
        },
        "evidence": [],
        "service_type": "stateless",
        "permitted_targets": ["local", "browser"],
        "artifact_type": "native",
        "use_cases": use_cases
    })
}

fn request(case: usize) -> Value {
    json!({
        "kind": "runtime_request",
        "schema_version": "1.0.0",
        "request_id": format!("access-review-{case:02}"),
        "intent": { "capability_id": ID, "capability_version": VERSION },
        "input": case_input(case),
        "lookup": { "scope": "public_only", "allow_ambiguity": false },
        "context": { "requested_target": "local", "caller": "traverse-playground-bench" },
        "governing_spec": "006-runtime-request-execution"
    })
}

fn workflow() -> Value {
    let fields = ["subject", "action", "resource", "context", "policy"];
    json!({
        "kind": "workflow_definition",
        "schema_version": "1.0.0",
        "id": WORKFLOW,
        "name": "access-review-flow",
        "version": VERSION,
        "lifecycle": "active",
        "owner": { "team": "traverse-playground", "contact": "maintainers@traverse-playground.invalid" },
        "summary": "Review one access request, as a one-node workflow.",
        "inputs": { "schema": { "type": "object", "required": ["subject", "action", "resource", "policy"] } },
        "outputs": { "schema": { "type": "object", "required": ["decision", "rule"], "properties": {
            "decision": { "type": "string" }, "rule": { "type": "string" }
        } } },
        "nodes": [{
            "node_id": "review", "capability_id": ID, "capability_version": VERSION,
            "input": { "from_workflow_input": fields },
            "output": { "to_workflow_state": ["decision", "rule"] }
        }],
        "edges": [],
        "start_node": "review",
        "terminal_nodes": ["review"],
        "tags": ["playground-bench"],
        "governing_spec": "007-workflow-registry-traversal"
    })
}

/// Imports only what Traverse links, exports `memory` and `_start`; each function loops over
/// memory and calls the one before it, so the validator has real bodies to read.
fn module() -> Vec<u8> {
    let mut types = TypeSection::new();
    types.ty().function([ValType::I32; 4], [ValType::I32]); // 0: fd_read, fd_write
    types.ty().function([ValType::I32], []); // 1: proc_exit
    types.ty().function([], []); // 2: _start
    types.ty().function([ValType::I32], [ValType::I32]); // 3: the workers
    let mut imports = ImportSection::new();
    for (name, ty) in [("fd_read", 0), ("fd_write", 0), ("proc_exit", 1)] {
        imports.import("wasi_snapshot_preview1", name, EntityType::Function(ty));
    }
    let imported = 3;
    let mut functions = FunctionSection::new();
    let mut code = CodeSection::new();
    let memarg = MemArg { offset: 16, align: 2, memory_index: 0 };
    for index in 0..FUNCTIONS {
        functions.function(3);
        let mut body = Function::new([(2, ValType::I32)]);
        body.instructions()
            .i32_const(0)
            .local_set(1)
            .block(BlockType::Empty)
            .loop_(BlockType::Empty)
            .local_get(1)
            .local_get(0)
            .i32_ge_u()
            .br_if(1)
            .local_get(1)
            .i32_const(4)
            .i32_mul()
            .local_get(1)
            .i32_const(4)
            .i32_mul()
            .i32_load(memarg)
            .i32_const(index as i32 + 7)
            .i32_xor()
            .local_get(2)
            .i32_add()
            .local_tee(2)
            .i32_store(memarg)
            .local_get(1)
            .i32_const(1)
            .i32_add()
            .local_set(1)
            .br(0)
            .end()
            .end();
        if index > 0 {
            body.instructions()
                .local_get(0)
                .i32_const(1)
                .i32_shr_u()
                .call(imported + index - 1)
                .local_get(2)
                .i32_add();
        } else {
            body.instructions().local_get(2);
        }
        body.instructions().end();
        code.function(&body);
    }
    functions.function(2);
    let mut start = Function::new([]);
    start
        .instructions()
        .i32_const(0)
        .i32_const(64)
        .i32_const(1)
        .i32_const(96)
        .call(0)
        .call(imported + FUNCTIONS - 1)
        .drop()
        .i32_const(0)
        .call(2)
        .end();
    code.function(&start);
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 2,
        maximum: None,
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    let mut exports = ExportSection::new();
    exports.export("memory", ExportKind::Memory, 0);
    exports.export("_start", ExportKind::Func, imported + FUNCTIONS);
    let mut module = Module::new();
    module
        .section(&types)
        .section(&imports)
        .section(&functions)
        .section(&memories)
        .section(&exports)
        .section(&code);
    module.finish()
}
