//! The web shell (wasm32 only): the Leptos page, the runner worker that owns wasmer, the intake
//! worker (large loads read, unpacked and hashed), the strict lint's worker and the Docs' worker
//! (Markdown rendered). It renders the core's state, forwards events, and moves bytes between
//! the page and its workers; every rule it applies is the core's.

pub mod intake;
pub mod linter;
pub mod reader;
pub mod runner;
pub mod ui;
pub mod worker;

use wasm_bindgen::{JsCast, JsValue};

/// What a JavaScript error says: an `Error`'s message, a thrown string, or else its debug form.
pub fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|error| String::from(error.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}
