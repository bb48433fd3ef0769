//! Shared by the native integration tests; each test crate uses only some of it.
#![allow(dead_code)]

use std::path::PathBuf;

/// Our JSON guest, the binary of every test package.
pub const HELLO_WASM: &[u8] = include_bytes!("../../examples/hello-world/artifacts/hello-world.wasm");

/// Traverse's reference data: `TRAVERSE_REFERENCE`, or `shared/traverse/reference` beside the clone.
pub fn reference_dir() -> PathBuf {
    let dir = std::env::var_os("TRAVERSE_REFERENCE").map(PathBuf::from).unwrap_or_else(|| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/traverse/reference")
    });
    assert!(dir.is_dir(), "Traverse's reference data is not at {} (set TRAVERSE_REFERENCE)", dir.display());
    dir
}
