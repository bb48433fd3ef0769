//! The worker's side of [`protocol`](crate::run::protocol): announce readiness, then answer every
//! request with the outcome of one run, governed or sandboxed as the request says, or with a
//! module's text.

use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::{compiled::CompiledModules, governed, sandbox};
use crate::{
    run::module_text,
    run::protocol::{Mode, RunEnd, RunOutcome, WorkerMessage, WorkerRequest},
};

/// Entry point of the runner worker (`src/bin/runner.rs`).
pub fn start() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let mut compiled = CompiledModules::default();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let answer = match serde_wasm_bindgen::from_value::<WorkerRequest>(event.data()) {
            Ok(WorkerRequest::Run(request)) => WorkerMessage::Finished(match &request.mode {
                Mode::Governed { events } => governed::run(&request, events, &mut compiled),
                Mode::Sandbox { args, env, files } => sandbox::run(&request, args, env, files, &mut compiled),
            }),
            Ok(WorkerRequest::Print { module }) => WorkerMessage::Printed(module_text::print(&module)),
            Err(error) => WorkerMessage::Finished(RunOutcome::without_output(
                RunEnd::WorkerFailed(format!("the runner could not read the request: {error}")),
                0.0,
            )),
        };
        post(&replies, &answer);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker does.
    on_message.forget();
    post(&scope, &WorkerMessage::Ready);
}

fn post(scope: &DedicatedWorkerGlobalScope, message: &WorkerMessage) {
    // Our own plain structs always convert; were it ever not so, the panic reaches the page as
    // the worker's error event and is reported there, with the worker replaced.
    let value = serde_wasm_bindgen::to_value(message).expect("protocol messages convert to JS");
    scope.post_message(&value).expect("a worker can always post to its page");
}
