//! The module as Traverse's executor sees it before running it (never part of loading, SPEC
//! §2.2): a core WebAssembly module within the governed features, importing only the host ABI,
//! within the limits.

use crate::check::{
    diagnostic::{Diagnostic, Location},
    linkage,
    module_info::{InspectError, ModuleInfo, Reader},
};

/// What stops the module before it runs; also used alone, for a module run without its package.
/// The module is read by `reader` (by its SHA-256, when known); `None` while it is being read
/// elsewhere.
pub fn check(
    file: &str,
    bytes: &[u8],
    sha256: Option<&str>,
    reader: &dyn Reader,
) -> Option<(Vec<Diagnostic>, Option<ModuleInfo>)> {
    let collapsed = linkage::collapsed_stop();
    Some(match reader.read(bytes, sha256)? {
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
                // Not Traverse's to say: nothing is known of the module.
                InspectError::Unread(why) => {
                    let message =
                        format!("the playground could not read {file}: {why}; reload the page to retry");
                    return Some((
                        vec![Diagnostic::error("module.unread", Location::file(file), message)],
                        None,
                    ));
                }
            };
            (vec![Diagnostic::error("module.invalid", Location::file(file), message).stops(collapsed)], None)
        }
    })
}
