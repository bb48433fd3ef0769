//! The strict lint ([`crate::check::strict_lint`]) in a Web Worker of its own
//! (`src/bin/linter.rs`), so that `jsonschema` and its two regex engines, about a third of the
//! page's code, are not in the page's first load. The verdicts never wait for it: its findings
//! are advisory warnings and join the report when they arrive.
//!
//! One worker per lint, as for hashing: the page posts the [`Job`] as JSON text once the
//! worker says `Ready`, and the worker answers `Done` with the findings.

use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::{
    check::strict_lint::{Finding, Job},
    web::worker::{OneJob, reply},
};

/// The loader trunk writes for the `linter` binary.
const WORKER_SCRIPT: &str = "./linter_loader.js";

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Message {
    Ready,
    Done { findings: Vec<Finding> },
    Failed { error: String },
}

/// The findings of `job`, linted in a new worker.
pub async fn lint(job: &Job) -> Result<Vec<Finding>, String> {
    let mut worker = OneJob::start(WORKER_SCRIPT, |message| matches!(message, Message::Ready))
        .await
        .map_err(|error| format!("the lint's worker did not start: {error}"))?;
    let text = serde_json::to_string(job).map_err(|error| error.to_string())?;
    worker
        .post(&JsValue::from_str(&text), &[])
        .map_err(|error| format!("the requests could not be sent to the lint's worker: {error}"))?;
    match worker.next().await {
        Some(Ok(Message::Done { findings })) => Ok(findings),
        Some(Ok(Message::Failed { error })) => Err(error),
        Some(Ok(Message::Ready)) => Err("the lint's worker started twice".to_owned()),
        Some(Err(error)) => Err(format!("the lint's worker failed: {error}")),
        None => Err("the lint's worker stopped".to_owned()),
    }
}

/// Entry point of the lint's worker.
pub fn start_worker() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        let message = match serde_json::from_str::<Job>(&text) {
            Ok(job) => Message::Done { findings: job.run() },
            Err(error) => {
                Message::Failed { error: format!("the lint's worker could not read its job: {error}") }
            }
        };
        reply(&replies, &message);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker does.
    on_message.forget();
    reply(&scope, &Message::Ready);
}
