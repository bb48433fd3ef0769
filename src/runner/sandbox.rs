//! Sandbox mode (not Traverse): one run of a WASI command module on wasmer-wasix's JS backend,
//! entirely in memory, with the whole of WASI preview 1.
//!
//! Host policy lives here, apart from the engine: stdin is a byte buffer, stdout and stderr are
//! captured, the filesystem is an empty in-memory tree with no preopened directory, and there
//! is no network, no package source and no HTTP client. Runs are synchronous: the worker's
//! thread is the guest's thread, which is why the page puts a wall-clock limit around it.

use std::{
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use futures::future::BoxFuture;
use wasm_bindgen::JsCast;
use wasmer::{Module, Store};
use wasmer_wasix::{
    Pipe, PluggableRuntime, UnsupportedVirtualNetworking, WasiEnvBuilder, WasiError, WasiThreadError,
    runtime::{
        resolver::MultiSource,
        task_manager::{TaskWasm, VirtualTaskManager},
    },
    virtual_fs::{self, mem_fs},
};

use super::protocol::{RunEnd, RunOutcome, RunRequest};

/// argv[0] of every guest; Traverse passes no arguments at all.
const PROGRAM_NAME: &str = "guest";

/// Compiles and runs `request.module` with `request.stdin`, reporting how it ended.
pub fn run(request: &RunRequest) -> RunOutcome {
    let started = now_ms();
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let end = run_captured(request, &mut stdout, &mut stderr);
    RunOutcome { stdout, stderr, ..RunOutcome::without_output(end, now_ms() - started) }
}

fn run_captured(request: &RunRequest, stdout: &mut Vec<u8>, stderr: &mut Vec<u8>) -> RunEnd {
    let mut store = Store::default();
    let module = match Module::new(&store, &request.module) {
        Ok(module) => module,
        Err(error) => return RunEnd::SetupFailed(format!("module compile: {error}")),
    };

    let (mut stdin_host, stdin_guest) = Pipe::channel();
    let (mut stdout_host, stdout_guest) = Pipe::channel();
    let (mut stderr_host, stderr_guest) = Pipe::channel();
    // The whole input, then EOF: the guest reads until a read returns 0 bytes.
    if let Err(error) = std::io::Write::write_all(&mut stdin_host, &request.stdin) {
        return RunEnd::SetupFailed(format!("stdin: {error}"));
    }
    stdin_host.close();

    let filesystem: Arc<dyn virtual_fs::FileSystem + Send + Sync> = Arc::new(mem_fs::FileSystem::default());
    let instantiated = WasiEnvBuilder::new(PROGRAM_NAME)
        .stdin(Box::new(stdin_guest))
        .stdout(Box::new(stdout_guest))
        .stderr(Box::new(stderr_guest))
        .fs(filesystem)
        .runtime(Arc::new(offline_runtime()))
        .instantiate(module, &mut store);
    let (instance, wasi_env) = match instantiated {
        Ok(pair) => pair,
        Err(error) => return RunEnd::SetupFailed(format!("instantiate: {error}")),
    };

    let end = match instance.exports.get_function("_start") {
        Err(error) => RunEnd::SetupFailed(format!("entry point: {error}")),
        Ok(start) => match start.call(&mut store, &[]) {
            Ok(_) => RunEnd::Returned,
            Err(error) => match error.downcast::<WasiError>() {
                Ok(WasiError::Exit(code)) => RunEnd::Exited(code.raw()),
                Ok(other) => RunEnd::Trapped(other.to_string()),
                Err(trap) => RunEnd::Trapped(trap.message()),
            },
        },
    };
    let exit_code = match &end {
        RunEnd::Returned => 0,
        RunEnd::Exited(code) => *code,
        _ => 1,
    };
    wasi_env.on_exit(&mut store, Some(exit_code.into()));

    // Drained on every path, so a panicking guest's message on stderr is kept.
    drain(&mut stdout_host, stdout);
    drain(&mut stderr_host, stderr);
    end
}

/// Reads what the guest wrote without blocking (`Read` on a `Pipe` would block the worker).
fn drain(pipe: &mut Pipe, into: &mut Vec<u8>) {
    let mut chunk = [0u8; 8 * 1024];
    while let Some(read) = pipe.try_read(&mut chunk) {
        if read == 0 {
            break;
        }
        into.extend_from_slice(&chunk[..read]);
    }
}

/// A wasmer-wasix runtime with no way out: no sockets, no package registry, no HTTP.
fn offline_runtime() -> PluggableRuntime {
    let mut runtime = PluggableRuntime::new(Arc::new(InlineTaskManager));
    runtime.http_client = None;
    runtime.source = Arc::new(MultiSource::default());
    runtime.set_networking_implementation(UnsupportedVirtualNetworking::default());
    runtime
}

/// wasmer-wasix's JS backend ships no task manager. Guests here are single-threaded and run
/// inline, so only sleeping is supported.
#[derive(Debug)]
struct InlineTaskManager;

impl VirtualTaskManager for InlineTaskManager {
    fn sleep_now(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + Sync>> {
        Box::pin(Sleep { until_ms: now_ms() + duration.as_secs_f64() * 1000.0 })
    }

    fn task_shared(
        &self,
        _task: Box<dyn FnOnce() -> BoxFuture<'static, ()> + Send + 'static>,
    ) -> Result<(), WasiThreadError> {
        Err(WasiThreadError::Unsupported)
    }

    fn task_wasm(&self, _task: TaskWasm) -> Result<(), WasiThreadError> {
        Err(WasiThreadError::Unsupported)
    }

    fn task_dedicated(&self, _task: Box<dyn FnOnce() + Send + 'static>) -> Result<(), WasiThreadError> {
        Err(WasiThreadError::Unsupported)
    }

    fn thread_parallelism(&self) -> Result<usize, WasiThreadError> {
        Ok(1)
    }
}

/// A sleep that wakes itself until its deadline: wasmer-wasix polls it from a blocking loop
/// whose parker returns at once, so a future that waits for an outside waker would never end.
struct Sleep {
    until_ms: f64,
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if now_ms() >= self.until_ms {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

/// The worker's monotonic clock, in milliseconds.
pub(super) fn now_ms() -> f64 {
    js_sys::global()
        .unchecked_into::<web_sys::WorkerGlobalScope>()
        .performance()
        .map_or_else(js_sys::Date::now, |performance| performance.now())
}
