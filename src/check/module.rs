//! The module as Traverse's executor sees it before running it (never part of loading, SPEC
//! §2.2): a core WebAssembly module within the governed features, importing only the host ABI,
//! within the limits.

use crate::check::{
    diagnostic::{Diagnostic, Location},
    linkage,
    module_info::{self, InspectError, ModuleInfo},
};

/// What stops the module before it runs; also used alone, for a module run without its package.
/// With the module's SHA-256, its description is kept for the next checks
/// ([`module_info::inspect_known`]).
pub fn check(file: &str, bytes: &[u8], sha256: Option<&str>) -> (Vec<Diagnostic>, Option<ModuleInfo>) {
    let collapsed = linkage::collapsed_stop();
    let inspected = match sha256 {
        Some(sha256) => module_info::inspect_known(bytes, sha256),
        None => module_info::inspect(bytes),
    };
    match inspected {
        Ok(module) => (linkage::module_against_host(file, &module), Some(module)),
        Err(error) => {
            let message = match error {
                InspectError::Component => {
                    "malformed_wasm_artifact: module compile: this is a WebAssembly component \
                     (component model); Traverse runs core wasm32-wasip1 modules"
                        .to_owned()
                }
                InspectError::NotWasm { starts, looks_like } => format!(
                    "malformed_wasm_artifact: module compile: {file} is not a WebAssembly module: it starts \
                     with bytes {starts}{}, and a module starts with 00 61 73 6d (\\0asm)",
                    looks_like.map(|kind| format!(" ({kind})")).unwrap_or_default()
                ),
                InspectError::Invalid(detail) => {
                    format!("malformed_wasm_artifact: module compile: {detail}")
                }
            };
            (vec![Diagnostic::error("module.invalid", Location::file(file), message).stops(collapsed)], None)
        }
    }
}
