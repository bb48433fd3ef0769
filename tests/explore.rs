//! `traverse-playground explore` on a package with planted bugs (tests/guests/planted): each
//! way a valid input makes Traverse fail is found and shrunk to the smallest failing input, the
//! same seed explores the same way, and a schema it cannot generate from is named.

use std::{path::PathBuf, process::Command};

use serde_json::{Value, json};
use traverse_playground::package::digest;

mod common;

use common::{hello_contract, hello_manifest};

const PLANTED: &[u8] = include_bytes!("fixtures/planted.wasm");

/// A package of the planted module whose contract lets `modes` through its input schema.
fn planted_package(name: &str, modes: &[&str], mode_schema: Value) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("traverse-playground-explore-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("artifacts")).unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let mut contract = hello_contract();
    contract["inputs"]["schema"] = json!({
        "type": "object",
        "required": ["mode", "n"],
        "properties": {"mode": mode_schema, "n": {"type": "integer", "minimum": 0, "maximum": 100}}
    });
    contract["outputs"]["schema"] =
        json!({"type": "object", "required": ["result"], "properties": {"result": {"type": "integer"}}});
    contract["use_cases"] = json!([
        {"scenario": "a small n", "input_example": {"mode": modes[0], "n": 1}, "output_example": {"result": 1}, "happy": true},
        {"scenario": "not a mode", "input_example": {"mode": "none", "n": 1}, "output_example": {"result": 1}, "happy": false}
    ]);
    let mut manifest = hello_manifest("./contract.json");
    manifest["binary"]["expected_digest"] = json!(digest::fnv1a64(PLANTED));
    std::fs::write(dir.join("contract.json"), serde_json::to_vec_pretty(&contract).unwrap()).unwrap();
    std::fs::write(dir.join("manifest.json"), serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    std::fs::write(dir.join("src/agent.rs"), "// the planted guest: tests/guests/planted").unwrap();
    std::fs::write(dir.join("artifacts/agent.wasm"), PLANTED).unwrap();
    dir
}

fn explore(dir: &PathBuf, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_traverse-playground"))
        .arg("explore")
        .arg("manifest.json")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

const COLLAPSED: &str = "runtime execution failed: execution failed: registered artifact execution failed";

#[test]
fn each_planted_bug_is_found_and_shrunk_to_its_smallest_input() {
    let modes = ["ok", "trap", "loop", "exit", "text", "wrong", "event"];
    let dir = planted_package("all", &modes, json!({"type": "string", "enum": modes}));
    let (code, out, err) = explore(&dir, &["--runs", "200", "--json"]);
    assert_eq!(code, 1, "a finding exits 1: {err}");
    let explored: Value = serde_json::from_str(&out).unwrap();
    // The boundaries (every pair of edges) find each bug at its first failing input.
    let findings: Vec<(&str, Value, &str, &str)> = explored["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap(),
                f["input"].clone(),
                f["traverse_line"].as_str().unwrap(),
                f["problem"].as_str().unwrap(),
            )
        })
        .collect();
    let found_with: Vec<Value> =
        explored["findings"].as_array().unwrap().iter().map(|f| f["found_with"].clone()).collect();
    assert_eq!(
        found_with,
        ["trap", "loop", "exit", "text", "wrong", "event"].map(|mode| json!({"mode": mode, "n": 100})),
        "each found at the edge n = 100"
    );
    assert_eq!(
        findings,
        [
            (
                "trap",
                json!({"mode": "trap", "n": 42}),
                COLLAPSED,
                "execution failed: wasm trap: wasm `unreachable` instruction executed"
            ),
            (
                "timeout",
                json!({"mode": "loop", "n": 42}),
                COLLAPSED,
                "execution timed out: all fuel consumed by WebAssembly"
            ),
            (
                "exit",
                json!({"mode": "exit", "n": 42}),
                COLLAPSED,
                "execution failed: the guest called proc_exit(3); Traverse fails every proc_exit, 0 included"
            ),
            (
                "not-json",
                json!({"mode": "text", "n": 42}),
                COLLAPSED,
                "output deserialization failed: stdout is not valid JSON: expected ident at line 1 column 2 — raw: not json"
            ),
            (
                "output-schema",
                json!({"mode": "wrong", "n": 42}),
                "runtime execution failed: executor output does not satisfy the selected capability output contract",
                "required property is missing at $.result"
            ),
            (
                "undeclared-event",
                json!({"mode": "event", "n": 42}),
                "status: completed",
                "emitted planted.undeclared@1.0.0, which the contract does not declare: Traverse refused it"
            ),
        ]
    );
    assert_eq!((explored["seed"].clone(), explored["inputs"].clone()), (json!(1), json!(200)));

    // The same seed, the same exploration; another seed still finds every bug, shrunk alike.
    assert_eq!(explore(&dir, &["--runs", "200", "--json"]).1, out);
    let (_, other, _) = explore(&dir, &["--runs", "200", "--json", "--seed", "99"]);
    let other: Value = serde_json::from_str(&other).unwrap();
    let inputs = |explored: &Value| -> Vec<Value> {
        explored["findings"].as_array().unwrap().iter().map(|f| f["input"].clone()).collect()
    };
    assert_eq!(inputs(&other), inputs(&explored));
}

/// A finding saved as a request (the page's Save as request) is a request of the package that
/// `run` runs to the same failure, under a name no other request has.
#[test]
fn a_finding_saved_as_a_request_runs_to_the_same_failure() {
    use traverse_playground::{
        check::contract,
        explore::{Finding, FindingKind, request_file},
    };
    let dir = planted_package("save", &["trap"], json!({"type": "string", "enum": ["trap"]}));
    let contract = contract::parse(&std::fs::read_to_string(dir.join("contract.json")).unwrap()).unwrap();
    let finding = Finding {
        kind: FindingKind::Trap,
        input: json!({"mode": "trap", "n": 42}),
        found_with: json!({"mode": "trap", "n": 100}),
        traverse_line: COLLAPSED.into(),
        problem: String::new(),
        shrink_runs: 0,
    };
    let taken = |path: &str| path == "pkg/runtime-requests/explore-trap.json";
    let (path, text) = request_file(&contract, "pkg/manifest.json", &finding, taken);
    assert_eq!(path, "pkg/runtime-requests/explore-trap-2.json");
    let (path, text_at_root) = request_file(&contract, "manifest.json", &finding, |_| false);
    assert_eq!(path, "runtime-requests/explore-trap.json");
    assert_eq!(text.replace("explore-trap-2", "explore-trap"), text_at_root);
    std::fs::create_dir_all(dir.join("runtime-requests")).unwrap();
    std::fs::write(dir.join(&path), text_at_root).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_traverse-playground"))
        .args(["run", "manifest.json", "--json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let runs: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        (runs[0]["request"].as_str(), runs[0]["end"].as_str()),
        (Some("runtime-requests/explore-trap.json"), Some("trapped"))
    );
    assert_eq!(runs[0]["traverse"], COLLAPSED);
}

#[test]
fn a_module_that_never_fails_exits_0_and_the_text_says_so() {
    let dir = planted_package("ok", &["ok"], json!({"type": "string", "enum": ["ok"]}));
    let (code, out, _) = explore(&dir, &["--runs", "50"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("explore manifest.json: seed 1, 50 inputs, 50 runs with shrinking, 0 findings\n"),
        "{out}"
    );
}

#[test]
fn a_schema_it_cannot_generate_from_is_named_and_nothing_runs() {
    let dir = planted_package("oneof", &["ok"], json!({"oneOf": [{"const": "ok"}, {"const": "trap"}]}));
    let (code, out, err) = explore(&dir, &[]);
    assert_eq!(code, 3);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "cannot explore the input schema at /properties/mode: `oneOf` chooses or refers to other schemas, which Explore does not generate from\n"
    );
}
