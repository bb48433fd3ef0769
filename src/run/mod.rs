//! What a governed run means, as plain Rust: the module rewritten for fuel and limits, the
//! host functions Traverse links, what crosses to the runner worker and back, and the account
//! Traverse gives of what ran. Only [`native`] runs a module (wasmi, for the command line); the
//! page's runner worker runs it with wasmer (`web::runner`), over the same rewrite and host.

pub mod account;
pub mod compose;
pub mod composite;
pub mod composition;
pub mod execution;
pub mod host;
pub mod instrument;
pub mod module_text;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
pub mod plan;
pub mod protocol;
pub mod settings;
pub mod trap;
pub mod use_case;
pub mod workflow;
