//! The worker's side of [`protocol`](crate::run::protocol): announce readiness, then answer every
//! request. Three bundles start here, each with its own entry point naming only its own code,
//! so the linker leaves the rest out: a governed run never loads wasmer-wasix or wasmprinter.

use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::{compiled::CompiledModules, governed, sandbox};
use crate::{
    check::module_info,
    run::module_text,
    run::protocol::{Mode, RunEnd, RunOutcome, WorkerMessage, WorkerRequest},
};

/// Entry point of the runner worker (`src/bin/runner.rs`): runs as Traverse runs them.
pub fn start_governed() {
    let mut compiled = CompiledModules::default();
    serve("runner", move |request| match request {
        WorkerRequest::Run(request) => match &request.mode {
            Mode::Governed { events } => {
                WorkerMessage::Finished(governed::run(&request, events, &mut compiled))
            }
            Mode::Sandbox { .. } => misrouted("runner", "a sandbox run"),
        },
        WorkerRequest::Read { module } => WorkerMessage::Read(module_info::inspect(&module)),
        WorkerRequest::Print { .. } => misrouted("runner", "a module to print"),
    });
}

/// Entry point of the sandbox worker (`src/bin/sandbox.rs`): runs with full WASI.
pub fn start_sandbox() {
    let mut compiled = CompiledModules::default();
    serve("sandbox", move |request| match request {
        WorkerRequest::Run(request) => match &request.mode {
            Mode::Sandbox { args, env, files } => {
                WorkerMessage::Finished(sandbox::run(&request, args, env, files, &mut compiled))
            }
            Mode::Governed { .. } => misrouted("sandbox", "a governed run"),
        },
        WorkerRequest::Print { .. } => misrouted("sandbox", "a module to print"),
        WorkerRequest::Read { .. } => misrouted("sandbox", "a module to read"),
    });
}

/// Entry point of the printer worker (`src/bin/printer.rs`): modules' text.
pub fn start_printer() {
    serve("printer", |request| match request {
        WorkerRequest::Print { module } => WorkerMessage::Printed(module_text::print(&module)),
        WorkerRequest::Run(_) => misrouted("printer", "a run"),
        WorkerRequest::Read { .. } => misrouted("printer", "a module to read"),
    });
}

/// The answer to a request sent to the wrong worker: the page's mistake, said as such.
fn misrouted(worker: &str, what: &str) -> WorkerMessage {
    failed(format!("the {worker} worker was sent {what}"))
}

fn failed(why: String) -> WorkerMessage {
    WorkerMessage::Finished(RunOutcome::without_output(RunEnd::WorkerFailed(why), 0.0))
}

/// Answers every request with `answer`, after announcing readiness.
fn serve(worker: &'static str, mut answer: impl FnMut(WorkerRequest) -> WorkerMessage + 'static) {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let reply = match serde_wasm_bindgen::from_value::<WorkerRequest>(event.data()) {
            Ok(request) => answer(request),
            Err(error) => failed(format!("the {worker} worker could not read the request: {error}")),
        };
        post(&replies, &reply);
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
