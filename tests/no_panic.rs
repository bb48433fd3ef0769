//! No check panics, whatever the files hold: random bytes, a good package with one JSON value
//! replaced anywhere by any value, our module with bytes flipped or cut, and our composition
//! (a registry bundle, an application bundle, a workflow) with one JSON value replaced; and
//! every workflow and composite request of that composition run, whatever its modules answer.
//!
//! `PROPTEST_CASES` sets the number of cases per property (256 by default); README records a
//! long run. (`cargo fuzz` needs a nightly toolchain, which these machines cannot fetch.)

mod common;

use common::{HELLO_WASM, hello_contract, hello_manifest, hello_request};
use proptest::prelude::*;
use serde_json::{Value, json};
use traverse_playground::{
    check::{app_bundle, check_package, module_info::ReadHere, registry_bundle, request, set},
    package::{PackageFiles, digest, workspace},
    run::{
        compose::{Composed, Composing, Next},
        composition::Composition,
        host::traverse::EmittedEvent,
        protocol::{RunEnd, RunOutcome},
        workflow::WorkflowRequest,
    },
};

fn base_files() -> (Value, Value, Value) {
    (hello_manifest("./contract.json"), hello_contract(), hello_request())
}

fn package(manifest: &[u8], contract: &[u8], request: &[u8], binary: &[u8]) -> PackageFiles {
    let mut files = PackageFiles::new();
    files.insert("pkg/manifest.json", manifest.to_vec());
    files.insert("pkg/contract.json", contract.to_vec());
    files.insert("pkg/src/agent.rs", b"// source".to_vec());
    files.insert("pkg/artifacts/agent.wasm", binary.to_vec());
    files.insert("pkg/runtime-requests/r.json", request.to_vec());
    files
}

/// Checks the package and reads everything a caller would, so a panic anywhere shows.
fn check_all(files: &PackageFiles) {
    let report = check_package(files, "pkg/manifest.json", &ReadHere);
    let _ = (report.load_verdict(), report.run_verdict(None));
    for request in &report.requests {
        let _ = report.run_verdict(Some(request));
    }
    serde_json::to_string(&report).expect("a report always serialises");
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::from),
        Just(json!("../../../../etc/passwd")),
        Just(json!("fnv1a64:0000000000000000")),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(".{0,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// How many values `value` holds, itself included: the positions [`replace_nth`] can reach.
fn count_values(value: &Value) -> usize {
    1 + match value {
        Value::Object(map) => map.values().map(count_values).sum(),
        Value::Array(items) => items.iter().map(count_values).sum(),
        _ => 0,
    }
}

/// Replaces the value at the `choice`-th position of a depth-first walk (objects and arrays
/// included) with `replacement`.
fn replace_nth(value: &mut Value, choice: &mut usize, replacement: &Value) -> bool {
    if *choice == 0 {
        *value = replacement.clone();
        return true;
    }
    *choice -= 1;
    match value {
        Value::Object(map) => map.values_mut().any(|child| replace_nth(child, choice, replacement)),
        Value::Array(items) => items.iter_mut().any(|child| replace_nth(child, choice, replacement)),
        _ => false,
    }
}

const COMPOSITION_FILES: [&str; 8] = [
    "guarded-transition/registry-bundle/manifest.json",
    "guarded-transition/app/app.manifest.json",
    "guarded-transition/app/components/authorize/component.manifest.json",
    "guarded-transition/workflows/guarded-transition.json",
    "guarded-transition/workflows/announced-transition.json",
    "guarded-transition/contracts/guarded-transition.json",
    "guarded-transition/runtime-requests/owner-starts-work.json",
    "guarded-transition/workflow-requests/started-is-rechecked.json",
];

/// Reads the set and checks every item of it, as the page and the CLI do.
fn check_set(files: &PackageFiles) {
    let (items, references) = workspace::set(files);
    let _ = set::set_diagnostics(&items, &references);
    for item in &items {
        if let Some(focus) = set::check_item(files, &item.path, &ReadHere) {
            let _ = (focus.passes(), focus.diagnostics());
            serde_json::to_string(&focus).expect("a focus always serialises");
        }
    }
}

/// Runs a composed run to its end through the core, every node answering `output` with
/// `events`.
fn walk(files: &PackageFiles, start: (Composing, Next), output: &Value, events: &[EmittedEvent]) -> Composed {
    common::walk(files, start, |_| RunOutcome {
        stdout: output.to_string().into_bytes(),
        events: events.to_vec(),
        ..RunOutcome::without_output(RunEnd::Returned, 1.0)
    })
}

/// Runs every workflow of the set with `input`, and every composite request, each node
/// answering `output`: each ends with Traverse's result, never a panic.
fn run_compositions(files: &PackageFiles, input: &Value, output: &Value, events: &[EmittedEvent]) {
    let composition = Composition::of_files(files);
    for found in composition.workflows() {
        let request = WorkflowRequest::new("p", &found.id, &found.version, input.clone());
        let run = walk(files, Composing::workflow(request, &composition), output, events).run.unwrap();
        assert!(run.result.is_some() && run.verdict_line().is_some());
    }
    for path in composition.composite_requests(files) {
        let bytes = files.get(&path).unwrap();
        let (Ok(raw), Ok(parsed)) = (serde_json::from_slice::<Value>(bytes), request::parse(&path, bytes))
        else {
            continue;
        };
        let composed = walk(files, Composing::composite(&raw, &parsed, &composition), output, events);
        assert!(composed.runtime.is_some() && composed.line.is_some());
    }
}

proptest! {
    #[test]
    fn compositions_run_whatever_the_files_and_the_modules_answer(
        which in 0..COMPOSITION_FILES.len(),
        at in any::<prop::sample::Index>(),
        replacement in any_json(),
        output in any_json(),
        payload in any_json(),
    ) {
        let mut files = common::composition_files();
        let path = COMPOSITION_FILES[which];
        let mut value: Value = serde_json::from_slice(files.get(path).unwrap()).unwrap();
        let mut position = at.index(count_values(&value));
        prop_assert!(replace_nth(&mut value, &mut position, &replacement));
        files.insert(path, serde_json::to_vec(&value).unwrap());
        let input = common::json_of(&files, "guarded-transition/runtime-requests/owner-starts-work.json")
            .get("input").cloned().unwrap_or(Value::Null);
        let event = EmittedEvent { event_id: "playground.examples.status-changed".into(), version: "1.0.0".into(), data: payload };
        run_compositions(&files, &input, &output, &[event]);
        run_compositions(&files, &replacement, &output, &[]);
    }

    #[test]
    fn one_json_value_replaced_in_a_composition(
        which in 0..COMPOSITION_FILES.len(),
        at in any::<prop::sample::Index>(),
        replacement in any_json(),
    ) {
        let mut files = common::composition_files();
        let path = COMPOSITION_FILES[which];
        let mut value: Value = serde_json::from_slice(files.get(path).unwrap()).unwrap();
        let mut position = at.index(count_values(&value));
        prop_assert!(replace_nth(&mut value, &mut position, &replacement));
        files.insert(path, serde_json::to_vec(&value).unwrap());
        check_set(&files);
    }

    #[test]
    fn random_bytes_as_a_bundle_or_an_application(
        which in 0..COMPOSITION_FILES.len(),
        bytes in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let mut files = common::composition_files();
        let path = COMPOSITION_FILES[which];
        files.insert(path, bytes);
        check_set(&files);
        // Whatever the file now is, each kind's check reads it without panicking.
        let _ = registry_bundle::check(&files, path);
        let _ = app_bundle::check(&files, path, &ReadHere).evidence();
    }

    #[test]
    fn random_bytes_in_every_file(
        manifest in prop::collection::vec(any::<u8>(), 0..256),
        contract in prop::collection::vec(any::<u8>(), 0..256),
        request in prop::collection::vec(any::<u8>(), 0..256),
        binary in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        check_all(&package(&manifest, &contract, &request, &binary));
    }

    #[test]
    fn one_json_value_replaced_anywhere(
        which in 0..3usize,
        at in any::<prop::sample::Index>(),
        replacement in any_json(),
    ) {
        let (manifest, contract, request) = base_files();
        let mut documents = [manifest, contract, request];
        let positions = count_values(&documents[which]);
        prop_assert!(replace_nth(&mut documents[which], &mut at.index(positions), &replacement));
        let [manifest, contract, request] = documents;
        let bytes = |v: &Value| serde_json::to_vec(v).unwrap();
        check_all(&package(&bytes(&manifest), &bytes(&contract), &bytes(&request), HELLO_WASM));
    }

    #[test]
    fn module_bytes_flipped_or_cut(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
        keep in any::<prop::sample::Index>(),
    ) {
        let mut binary = HELLO_WASM.to_vec();
        for (index, byte) in flips {
            let i = index.index(binary.len());
            binary[i] ^= byte;
        }
        binary.truncate(keep.index(binary.len() + 1));
        let (mut manifest, contract, request) = base_files();
        manifest["binary"]["expected_digest"] = json!(digest::fnv1a64(&binary));
        let bytes = |v: &Value| serde_json::to_vec(v).unwrap();
        check_all(&package(&bytes(&manifest), &bytes(&contract), &bytes(&request), &binary));
    }
}
