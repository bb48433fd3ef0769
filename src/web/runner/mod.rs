//! Running a module: the only part of the playground that touches wasmer.
//!
//! Invariant: wasmer runs only inside the runner and sandbox Web Workers (`src/bin/runner.rs`,
//! `src/bin/sandbox.rs`), so the page bundle stays small and a runaway module is stopped by
//! terminating its worker while the page stays responsive. A governed run loads only the
//! runner: the sandbox (wasmer-wasix) and the printer (wasmprinter, `src/bin/printer.rs`) are
//! bundles of their own, fetched when first used. The page and the workers speak
//! [`crate::run::protocol`]; nothing else crosses.
//!
//! - `client`: the page side, which owns the workers, their wall-clock limit and replacement;
//! - `worker`: the workers' side: three entry points, each answering its kind of request;
//! - `compiled`: the modules the worker has compiled, kept for the next run;
//! - `governed`: a run as Traverse runs it, on wasmer with only Traverse's host functions;
//! - `sandbox`: a run with full WASI on wasmer-wasix (not Traverse), in memory.

pub mod client;
mod compiled;
mod governed;
mod sandbox;
pub mod worker;

/// The worker's monotonic clock, in milliseconds.
fn now_ms() -> f64 {
    use wasm_bindgen::JsCast;
    js_sys::global()
        .unchecked_into::<web_sys::WorkerGlobalScope>()
        .performance()
        .map_or_else(js_sys::Date::now, |performance| performance.now())
}
