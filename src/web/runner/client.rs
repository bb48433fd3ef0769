//! The page's side of the runner: owns the workers, enforces the wall-clock limit, and replaces
//! a worker that timed out or died, so the next run starts clean. Each kind of request has a
//! worker bundle of its own ([`Bundle`]), started when it is first needed.

use std::cell::{Cell, RefCell};

use futures::{
    StreamExt,
    channel::mpsc,
    future::{Either, select},
};
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{ErrorEvent, MessageEvent, Worker};

use crate::{
    check::module_info::{InspectError, Reading},
    run::module_text::ModuleText,
    run::protocol::{Mode, RunEnd, RunOutcome, RunRequest, WorkerMessage, WorkerRequest},
    web::{describe, worker},
};

/// The worker bundle that answers a kind of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bundle {
    /// Governed runs: the one a first run loads (`src/bin/runner.rs`).
    Governed,
    /// Runs with full WASI, on wasmer-wasix (`src/bin/sandbox.rs`).
    Sandbox,
    /// Modules' text, with wasmprinter (`src/bin/printer.rs`).
    Printer,
}

impl Bundle {
    fn of(request: &WorkerRequest) -> Self {
        match request {
            WorkerRequest::Run(RunRequest { mode: Mode::Governed { .. }, .. })
            | WorkerRequest::Read { .. } => Self::Governed,
            WorkerRequest::Run(_) => Self::Sandbox,
            WorkerRequest::Print { .. } => Self::Printer,
        }
    }

    /// Its binary, which trunk builds as a worker ([`worker::spawn`]).
    fn name(self) -> &'static str {
        match self {
            Self::Governed => "runner",
            Self::Sandbox => "sandbox",
            Self::Printer => "printer",
        }
    }
}

/// How long a new worker may take to load its wasm before the run is reported as failed. The
/// run's own limit starts only once the worker is ready, so loading never eats into it.
const WORKER_START_LIMIT_MS: u32 = 30_000;

/// How long the worker may take to print a module's text, or to read it for the checks.
const MODULE_ANSWER_LIMIT_MS: u32 = 30_000;

/// Runs modules in Web Workers, one run at a time.
pub struct Runner {
    /// An idle worker of each [`Bundle`], by its discriminant.
    idle: [RefCell<Option<RunnerWorker>>; 3],
    /// How many workers of each [`Bundle`] are answering a request.
    busy: [Cell<u32>; 3],
}

impl Runner {
    /// A runner with no worker yet: the page starts the governed one once it is idle
    /// ([`Runner::prepare`]); the sandbox and the printer, large and seldom used, are fetched
    /// only at their first request.
    pub fn new() -> Self {
        Self { idle: Default::default(), busy: Default::default() }
    }

    fn idle(&self, bundle: Bundle) -> &RefCell<Option<RunnerWorker>> {
        &self.idle[bundle as usize]
    }

    /// Starts the governed worker if there is none, so that the first run does not wait for it
    /// to load.
    pub fn prepare(&self) {
        self.prepare_bundle(Bundle::Governed);
    }

    fn prepare_bundle(&self, bundle: Bundle) {
        let idle = self.idle(bundle);
        // A worker answering a request (the checks' first module read, say) becomes the idle one.
        if idle.borrow().is_none() && self.busy[bundle as usize].get() == 0 {
            idle.replace(RunnerWorker::spawn(bundle).ok());
        }
    }

    /// Runs one request. Never fails: every way a run can end is a [`RunEnd`].
    pub async fn run(&self, request: RunRequest) -> RunOutcome {
        let started = js_sys::Date::now();
        let limit_ms = request.limits.wall_time_ms;
        match self.ask(WorkerRequest::Run(request), limit_ms).await {
            Ok(WorkerMessage::Finished(outcome)) => outcome,
            Ok(other) => RunOutcome::without_output(
                RunEnd::WorkerFailed(format!("the runner answered a run with {other:?}")),
                js_sys::Date::now() - started,
            ),
            Err(end) => RunOutcome::without_output(end, js_sys::Date::now() - started),
        }
    }

    /// The module's text form, made in the worker so a large module never holds up the page.
    pub async fn print(&self, module: Vec<u8>) -> Result<ModuleText, String> {
        match self.ask(WorkerRequest::Print { module }, MODULE_ANSWER_LIMIT_MS).await {
            Ok(WorkerMessage::Printed(printed)) => printed,
            Ok(other) => Err(format!("the runner answered with {other:?}")),
            Err(RunEnd::TimedOut { limit_ms }) => Err(format!("no text within {} s", limit_ms / 1000)),
            Err(end) => Err(end.detail()),
        }
    }

    /// The module's description for the page's checks; what the checks see when the worker
    /// could not read it.
    pub async fn read(&self, module: Vec<u8>) -> Reading {
        let unread = |why: String| Err(InspectError::Unread(why));
        match self.ask(WorkerRequest::Read { module }, MODULE_ANSWER_LIMIT_MS).await {
            Ok(WorkerMessage::Read(reading)) => reading,
            Ok(other) => unread(format!("the runner answered with {other:?}")),
            Err(RunEnd::TimedOut { limit_ms }) => unread(format!("no answer within {} s", limit_ms / 1000)),
            Err(end) => unread(end.detail()),
        }
    }

    /// Sends one request to an idle worker (started if need be) and waits for its answer for
    /// at most `limit_ms`; a worker that does not answer in time, or dies, is replaced.
    async fn ask(&self, request: WorkerRequest, limit_ms: u32) -> Result<WorkerMessage, RunEnd> {
        let bundle = Bundle::of(&request);
        let taken = self.idle(bundle).take();
        let mut worker =
            taken.map_or_else(|| RunnerWorker::spawn(bundle), Ok).map_err(RunEnd::WorkerFailed)?;
        let busy = Busy::new(&self.busy[bundle as usize]);
        let answer = worker.ask(&request, limit_ms).await;
        drop(busy);
        match answer {
            Ok(answer) => {
                // `prepare` may have started another while this one worked; one idle worker is enough.
                drop(self.idle(bundle).replace(Some(worker)));
                Ok(answer)
            }
            Err(end) => {
                // A worker stuck in a guest cannot be interrupted, only terminated.
                drop(worker);
                self.prepare_bundle(bundle);
                Err(end)
            }
        }
    }
}

/// A worker counted as answering for as long as this lives, however its request ends.
struct Busy<'a>(&'a Cell<u32>);

impl<'a> Busy<'a> {
    fn new(count: &'a Cell<u32>) -> Self {
        count.set(count.get() + 1);
        Self(count)
    }
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

impl Default for Runner {
    fn default() -> Self {
        Self::new()
    }
}

struct RunnerWorker {
    worker: Worker,
    inbox: mpsc::UnboundedReceiver<Result<WorkerMessage, String>>,
    ready: bool,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl RunnerWorker {
    fn spawn(bundle: Bundle) -> Result<Self, String> {
        let worker = worker::spawn(bundle.name())?;
        let (sender, inbox) = mpsc::unbounded();
        let error_sender = sender.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let message = serde_wasm_bindgen::from_value(event.data())
                .map_err(|error| format!("the runner sent an unreadable reply: {error}"));
            let _ = sender.unbounded_send(message);
        });
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            event.prevent_default();
            let _ = error_sender.unbounded_send(Err(format!("the runner crashed: {}", event.message())));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Self { worker, inbox, ready: false, _on_message: on_message, _on_error: on_error })
    }

    /// The answer, or the [`RunEnd`] of a request that must be abandoned with its worker.
    async fn ask(&mut self, request: &WorkerRequest, limit_ms: u32) -> Result<WorkerMessage, RunEnd> {
        if !self.ready {
            match self.next_message(WORKER_START_LIMIT_MS).await {
                Some(Ok(WorkerMessage::Ready)) => self.ready = true,
                Some(Ok(_)) => {
                    return Err(RunEnd::WorkerFailed("the runner answered before it was ready".into()));
                }
                Some(Err(error)) => return Err(RunEnd::WorkerFailed(error)),
                None => {
                    return Err(RunEnd::WorkerFailed(format!(
                        "the runner did not start within {} s",
                        WORKER_START_LIMIT_MS / 1000
                    )));
                }
            }
        }
        let message = serde_wasm_bindgen::to_value(request)
            .map_err(|error| RunEnd::WorkerFailed(format!("the request could not be sent: {error}")))?;
        self.worker.post_message(&message).map_err(|error| RunEnd::WorkerFailed(describe(&error)))?;
        match self.next_message(limit_ms).await {
            Some(Ok(WorkerMessage::Ready)) => {
                Err(RunEnd::WorkerFailed("the runner restarted during the run".into()))
            }
            Some(Ok(answer)) => Ok(answer),
            Some(Err(error)) => Err(RunEnd::WorkerFailed(error)),
            None => Err(RunEnd::TimedOut { limit_ms }),
        }
    }

    /// The worker's next message, or `None` when `limit_ms` passes first.
    async fn next_message(&mut self, limit_ms: u32) -> Option<Result<WorkerMessage, String>> {
        match select(self.inbox.next(), TimeoutFuture::new(limit_ms)).await {
            Either::Left((Some(message), _)) => Some(message),
            Either::Left((None, _)) => Some(Err("the runner closed".into())),
            Either::Right(_) => None,
        }
    }
}

impl Drop for RunnerWorker {
    fn drop(&mut self) {
        worker::terminate(&self.worker);
    }
}
