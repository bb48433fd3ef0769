//! The web shell (wasm32 only): the Leptos page, the runner worker that owns wasmer, the intake
//! worker (large loads read, unpacked and hashed) and the strict lint's worker. It renders the
//! core's state, forwards events, and moves bytes between the page and its workers; every rule
//! it applies is the core's.

pub mod intake;
pub mod linter;
pub mod runner;
pub mod ui;
pub mod worker;
