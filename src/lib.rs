//! Traverse Playground: check and run Traverse governed capability packages in the browser.
//!
//! The crate is a pure core with a thin web shell (see ARCHITECTURE.md):
//! - [`digest`] and [`runner::protocol`] are plain Rust over bytes and values, tested natively;
//! - [`runner`] owns wasmer, inside a Web Worker, behind [`runner::protocol`] (wasm32 only);
//! - `hashing` hashes large files in a Web Worker of its own (wasm32 only);
//! - `ui` holds the Leptos components, which render state and forward events (wasm32 only).

pub mod archive;
pub mod check;
pub mod contract;
pub mod diagnostic;
pub mod digest;
pub mod docs;
pub mod execution;
#[cfg(target_arch = "wasm32")]
pub mod hashing;
pub mod host;
pub mod host_abi;
pub mod instrument;
pub mod json_view;
pub mod limits;
pub mod linkage;
pub mod manifest;
pub mod module_info;
pub mod package;
pub mod request;
pub mod runner;
pub mod schema_subset;
pub mod share_link;
pub mod strict_lint;
pub mod trap;
#[cfg(target_arch = "wasm32")]
pub mod ui;
pub mod use_case;
pub mod workflow;
pub mod workspace;
