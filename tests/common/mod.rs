//! Shared by the native integration tests; each test crate uses only some of it.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::{Value, json};

/// Our JSON guest, the binary of every test package.
pub const HELLO_WASM: &[u8] = include_bytes!("../../examples/hello-world/artifacts/hello-world.wasm");
const HELLO_MANIFEST: &str = include_str!("../../examples/hello-world/manifest.json");
const HELLO_CONTRACT: &str = include_str!("../../examples/hello-world/contract.json");
const HELLO_REQUEST: &str = include_str!("../../examples/hello-world/runtime-requests/greet-ada.json");

/// Our hello-world example's manifest, laid out as Traverse's template lays a package out: the
/// contract at `contract_path`, the source at `./src/agent.rs`, the binary at
/// `./artifacts/agent.wasm` with its true digest.
pub fn hello_manifest(contract_path: &str) -> Value {
    let mut manifest: Value = serde_json::from_str(HELLO_MANIFEST).unwrap();
    manifest["capability_ref"]["contract_path"] = json!(contract_path);
    manifest["source"]["path"] = json!("./src/agent.rs");
    manifest["binary"]["path"] = json!("./artifacts/agent.wasm");
    manifest["binary"]["expected_digest"] = json!(traverse_playground::package::digest::fnv1a64(HELLO_WASM));
    manifest
}

/// Our hello-world example's contract (`playground.examples.greet@1.0.0`).
pub fn hello_contract() -> Value {
    serde_json::from_str(HELLO_CONTRACT).unwrap()
}

/// Our hello-world example's request for Ada, which runs.
pub fn hello_request() -> Value {
    serde_json::from_str(HELLO_REQUEST).unwrap()
}

/// Where Traverse's reference data is: `TRAVERSE_REFERENCE`, or `shared/traverse/reference`
/// beside the clone. The tests that read it are `#[ignore]`d, so a plain `cargo test` in a
/// clone with nothing beside it skips them; `scripts/test` includes them when the data is here.
pub fn reference_dir() -> PathBuf {
    let dir = std::env::var_os("TRAVERSE_REFERENCE").map(PathBuf::from).unwrap_or_else(|| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/traverse/reference")
    });
    assert!(dir.is_dir(), "Traverse's reference data is not at {} (set TRAVERSE_REFERENCE)", dir.display());
    dir
}

pub fn reference_json(path: &str) -> Value {
    let bytes = std::fs::read(reference_dir().join(path)).expect("reference file");
    serde_json::from_slice(&bytes).expect("reference JSON")
}

/// Our composition (examples/guarded-transition) and the two packages it composes, laid out as
/// in examples/ (without build output), as the page holds a dropped set.
pub fn composition_files() -> traverse_playground::package::PackageFiles {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files = traverse_playground::package::PackageFiles::new();
    for folder in ["authorize", "transition-status", "guarded-transition"] {
        let tree = traverse_playground::package::disk::read_tree(&root.join(folder)).unwrap();
        for path in tree.paths().filter(|path| !path.starts_with("target/")) {
            files.insert(&format!("{folder}/{path}"), tree.get(path).unwrap().to_vec());
        }
    }
    files
}

/// The JSON of a loaded file.
pub fn json_of(files: &traverse_playground::package::PackageFiles, path: &str) -> Value {
    serde_json::from_slice(files.get(path).unwrap()).unwrap()
}

/// `files` with the JSON file at `path` changed by `change`.
pub fn with_json(
    mut files: traverse_playground::package::PackageFiles,
    path: &str,
    change: impl FnOnce(&mut Value),
) -> traverse_playground::package::PackageFiles {
    let mut value = json_of(&files, path);
    change(&mut value);
    files.insert(path, serde_json::to_vec_pretty(&value).unwrap());
    files
}

/// Runs a composed run to its end through the core, as the page runs it (Traverse's executor
/// gate included: each node's binary must be a module Traverse would instantiate), each node's
/// module answering as `run` says: what the page's runner does, with no WebAssembly engine.
pub fn walk<'c>(
    files: &traverse_playground::package::PackageFiles,
    (composing, next): (
        traverse_playground::run::compose::Composing<'c>,
        traverse_playground::run::compose::Next,
    ),
    mut run: impl FnMut(
        &traverse_playground::run::workflow::NodeRun,
    ) -> traverse_playground::run::protocol::RunOutcome,
) -> traverse_playground::run::compose::Composed {
    let limits = traverse_playground::run::protocol::Limits::default();
    composing.run_to_end(next, files, limits, |node, _| run(node))
}

/// A module Traverse instantiates and runs: a stand-in for a binary a test answers for.
pub fn stand_in_module() -> Vec<u8> {
    wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "_start")))"#).unwrap()
}
