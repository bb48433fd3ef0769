//! The web shell (wasm32 only): the Leptos page, the runner worker that owns wasmer, the
//! hashing worker and the strict lint's worker. It renders the core's state, forwards events, and moves bytes between the
//! page and its workers; every rule it applies is the core's.

pub mod hashing;
pub mod linter;
pub mod runner;
pub mod ui;
pub mod worker;
