//! A Web Worker started for one job, as the intake, lint and Docs' workers are: it is ready once
//! it says so, its messages arrive in order as values (or the worker's error), and dropping it
//! terminates the worker. The runner's worker outlives its runs and has its own client
//! (`web::runner::client`); both start a worker with [`spawn`] and end it with [`terminate`].

use futures::{StreamExt, channel::mpsc};
use serde::{Serialize, de::DeserializeOwned};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, ErrorEvent, MessageEvent, Worker};

pub struct OneJob<M> {
    worker: Worker,
    inbox: mpsc::UnboundedReceiver<Result<M, String>>,
    // The handlers live as long as the worker.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl<M: DeserializeOwned + std::fmt::Debug + 'static> OneJob<M> {
    /// Starts trunk's worker `bundle` ([`spawn`]), and waits for its first message, which
    /// `is_ready` must accept: messages posted before a worker listens are lost, so each says
    /// when it does.
    pub async fn start(bundle: &str, is_ready: impl Fn(&M) -> bool) -> Result<Self, String> {
        let worker = spawn(bundle)?;
        let (sender, inbox) = mpsc::unbounded::<Result<M, String>>();
        let error_sender = sender.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let _ = sender.unbounded_send(
                serde_wasm_bindgen::from_value(event.data()).map_err(|error| error.to_string()),
            );
        });
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            event.prevent_default();
            let _ = error_sender.unbounded_send(Err(event.message()));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let mut job = Self { worker, inbox, _on_message: on_message, _on_error: on_error };
        match job.next().await {
            Some(Ok(message)) if is_ready(&message) => Ok(job),
            other => Err(format!("{other:?}")),
        }
    }

    /// The worker's next message, its error, or `None` once it can send no more.
    pub async fn next(&mut self) -> Option<Result<M, String>> {
        self.inbox.next().await
    }

    /// Posts `value` to the worker, moving the buffers in `transfer` rather than copying them.
    pub fn post(&self, value: &JsValue, transfer: &[JsValue]) -> Result<(), String> {
        let transfer: js_sys::Array = transfer.iter().collect();
        self.worker.post_message_with_transfer(value, &transfer).map_err(|error| super::describe(&error))
    }
}

impl<M> Drop for OneJob<M> {
    fn drop(&mut self) {
        terminate(&self.worker);
    }
}

thread_local! {
    /// The error handler of every terminated worker, made once and never freed.
    static SWALLOW_ERROR: Closure<dyn Fn(ErrorEvent)> =
        Closure::new(|event: ErrorEvent| event.prevent_default());
}

/// Starts the worker trunk builds for the binary `bundle` (`data-type="worker"`): its loader,
/// `{bundle}_loader.js`, and at the same time its wasm, fetched and compiled as it downloads
/// (off the page's thread) and handed to the worker as its first message, which the loader
/// waits for (`scripts/post-build`). The downloads overlap: a worker that fetched its own wasm
/// would ask for it only once its script had come, a round trip later. A wasm the page could
/// not fetch or compile is handed on as its path, for the worker to fetch, and fail on, itself.
pub fn spawn(bundle: &str) -> Result<Worker, String> {
    let worker = Worker::new(&format!("./{bundle}_loader.js")).map_err(|error| super::describe(&error))?;
    let wasm = format!("./{bundle}_bg.wasm");
    let target = worker.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let module = match web_sys::window() {
            Some(window) => {
                JsFuture::from(js_sys::WebAssembly::compile_streaming(&window.fetch_with_str(&wasm)))
                    .await
                    .ok()
            }
            None => None,
        };
        // Posting to a worker terminated meanwhile does nothing.
        let _ = target.post_message(&module.unwrap_or_else(|| JsValue::from_str(&wasm)));
    });
    Ok(worker)
}

/// Terminates `worker` before its handlers are freed with their owner. Browsers deliver an error
/// a worker raised even after it is terminated, so the error handler is swapped for one that
/// lives as long as the page; messages stop with the worker.
pub fn terminate(worker: &Worker) {
    worker.set_onmessage(None);
    SWALLOW_ERROR.with(|swallow| worker.set_onerror(Some(swallow.as_ref().unchecked_ref())));
    worker.terminate();
}

/// Starts a worker for one job with one answer: waits for its ready message, posts `job` (moving
/// the buffers in `transfer` rather than copying them), and returns what it answers. `name`
/// names the worker in every error ("the lint's worker").
pub async fn ask_once<M: DeserializeOwned + std::fmt::Debug + 'static>(
    bundle: &str,
    name: &str,
    is_ready: impl Fn(&M) -> bool,
    job: &JsValue,
    transfer: &[JsValue],
) -> Result<M, String> {
    let mut worker =
        OneJob::start(bundle, is_ready).await.map_err(|error| format!("{name} did not start: {error}"))?;
    worker.post(job, transfer).map_err(|error| format!("{name} could not be given its job: {error}"))?;
    match worker.next().await {
        Some(Ok(answer)) => Ok(answer),
        Some(Err(error)) => Err(format!("{name} failed: {error}")),
        None => Err(format!("{name} stopped")),
    }
}

/// Inside a worker that answers each job with one message ([`ask_once`]): says `ready`, then
/// answers every message the page posts with what `answer` makes of it.
pub fn serve<M: Serialize + 'static>(ready: M, answer: impl Fn(JsValue) -> M + 'static) {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        reply(&replies, &answer(event.data()));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker does.
    on_message.forget();
    reply(&scope, &ready);
}

/// Inside a worker: posts `message` to the page.
pub fn reply(scope: &DedicatedWorkerGlobalScope, message: &impl Serialize) {
    let value: JsValue = serde_wasm_bindgen::to_value(message).expect("worker messages convert to JS");
    scope.post_message(&value).expect("a worker can always post to its page");
}
