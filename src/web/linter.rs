//! The strict lint ([`crate::check::strict_lint`]) in a Web Worker of its own
//! (`src/bin/linter.rs`), so that `jsonschema` and its two regex engines, about a third of the
//! page's code, are not in the page's first load. The verdicts never wait for it: its findings
//! are advisory warnings and join the report when they arrive.
//!
//! One worker per lint, as for hashing: the page posts the [`Job`] as JSON text once the
//! worker says `Ready`, and the worker answers `Done` with the findings.

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use crate::{
    check::strict_lint::{Finding, Job},
    web::worker::{ask_once, serve},
};

/// The binary trunk builds as this worker ([`crate::web::worker::spawn`]).
const WORKER: &str = "linter";

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Message {
    Ready,
    Done { findings: Vec<Finding> },
    Failed { error: String },
}

/// The findings of `job`, linted in a new worker.
pub async fn lint(job: &Job) -> Result<Vec<Finding>, String> {
    let text = job.to_message();
    let is_ready = |message: &Message| matches!(message, Message::Ready);
    match ask_once(WORKER, "the lint's worker", is_ready, &JsValue::from_str(&text), &[]).await? {
        Message::Done { findings } => Ok(findings),
        Message::Failed { error } => Err(error),
        Message::Ready => Err("the lint's worker started twice".to_owned()),
    }
}

/// Entry point of the lint's worker.
pub fn start_worker() {
    serve(Message::Ready, |job| match Job::from_message(&job.as_string().unwrap_or_default()) {
        Ok(job) => Message::Done { findings: job.run() },
        Err(error) => Message::Failed { error },
    });
}
