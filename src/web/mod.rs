//! The web shell (wasm32 only): the Leptos page, the runner worker that owns wasmer, and the
//! hashing worker. It renders the core's state, forwards events, and moves bytes between the
//! page and its workers; every rule it applies is the core's.

pub mod hashing;
pub mod runner;
pub mod ui;
