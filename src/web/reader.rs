//! The Docs view's Markdown rendered in a Web Worker of its own (`src/bin/reader.rs`), so that
//! the renderer ([`crate::present::docs::render`]) is not in the page's first load: a document
//! is rendered when it is opened.
//!
//! One worker per document, as for the lint: the page posts the document's path and text once
//! the worker says `Ready`, and the worker answers with the document's HTML.

use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::{
    present::docs,
    web::worker::{OneJob, reply},
};

/// The loader trunk writes for the `reader` binary.
const WORKER_SCRIPT: &str = "./reader_loader.js";

#[derive(Serialize, Deserialize)]
struct Job {
    path: String,
    markdown: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Message {
    Ready,
    Rendered { html: String },
    Failed { error: String },
}

/// The HTML of the document at `path`, rendered in a new worker.
pub async fn render(path: &str, markdown: String) -> Result<String, String> {
    let mut worker = OneJob::start(WORKER_SCRIPT, |message| matches!(message, Message::Ready))
        .await
        .map_err(|error| format!("the Docs' worker did not start: {error}"))?;
    let job = serde_wasm_bindgen::to_value(&Job { path: path.to_owned(), markdown })
        .map_err(|error| error.to_string())?;
    worker
        .post(&job, &[])
        .map_err(|error| format!("the document could not be sent to the Docs' worker: {error}"))?;
    match worker.next().await {
        Some(Ok(Message::Rendered { html })) => Ok(html),
        Some(Ok(Message::Failed { error })) => Err(error),
        Some(Ok(Message::Ready)) => Err("the Docs' worker started twice".to_owned()),
        Some(Err(error)) => Err(format!("the Docs' worker failed: {error}")),
        None => Err("the Docs' worker stopped".to_owned()),
    }
}

/// Entry point of the Docs' worker.
pub fn start_worker() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let message = match serde_wasm_bindgen::from_value::<Job>(event.data()) {
            Ok(job) => Message::Rendered { html: docs::render(&job.path, &job.markdown) },
            Err(error) => {
                Message::Failed { error: format!("the Docs' worker could not read its job: {error}") }
            }
        };
        reply(&replies, &message);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker does.
    on_message.forget();
    reply(&scope, &Message::Ready);
}
