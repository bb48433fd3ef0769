//! The Docs view's Markdown rendered in a Web Worker of its own (`src/bin/reader.rs`), so that
//! the renderer ([`crate::present::docs::render`]) is not in the page's first load: a document
//! is rendered when it is opened.
//!
//! One worker per document, as for the lint: the page posts the document's path and text once
//! the worker says `Ready`, and the worker answers with the document's HTML.

use serde::{Deserialize, Serialize};

use crate::{
    present::docs,
    web::worker::{ask_once, serve},
};

/// The binary trunk builds as this worker ([`crate::web::worker::spawn`]).
const WORKER: &str = "reader";

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
    let job = serde_wasm_bindgen::to_value(&Job { path: path.to_owned(), markdown })
        .map_err(|error| error.to_string())?;
    let is_ready = |message: &Message| matches!(message, Message::Ready);
    match ask_once(WORKER, "the Docs' worker", is_ready, &job, &[]).await? {
        Message::Rendered { html } => Ok(html),
        Message::Failed { error } => Err(error),
        Message::Ready => Err("the Docs' worker started twice".to_owned()),
    }
}

/// Entry point of the Docs' worker.
pub fn start_worker() {
    serve(Message::Ready, |job| match serde_wasm_bindgen::from_value::<Job>(job) {
        Ok(job) => Message::Rendered { html: docs::render(&job.path, &job.markdown) },
        Err(error) => Message::Failed { error: format!("the Docs' worker could not read its job: {error}") },
    });
}
