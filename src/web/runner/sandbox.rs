//! Sandbox mode (not Traverse): one run of a WASI command module on wasmer-wasix's JS backend,
//! entirely in memory, with the whole of WASI preview 1.
//!
//! Host policy lives here, apart from the engine: stdin is a byte buffer, stdout and stderr are
//! captured (the first [`SANDBOX_OUTPUT_KEPT_BYTES`] of each), the filesystem is an in-memory
//! tree preopened at `/` holding the user's files, bounded by [`SANDBOX_FILESYSTEM_LIMIT_BYTES`]
//! and read back after the run, arguments and environment are the user's, and there is no
//! network, no package source and no HTTP client. Runs are synchronous: the worker's thread is the
//! guest's thread, which is why the page puts a wall-clock limit around it.

use std::{
    future::Future,
    path::{Path, PathBuf},
    pin::Pin,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicUsize, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use futures::{executor::block_on, future::BoxFuture};
use wasmer::{Module, Store};
use wasmer_wasix::{
    Pipe, PluggableRuntime, UnsupportedVirtualNetworking, WasiEnvBuilder, WasiError, WasiThreadError,
    runtime::{
        resolver::MultiSource,
        task_manager::{TaskWasm, VirtualTaskManager},
    },
    virtual_fs::{
        self, AsyncReadExt, AsyncWriteExt, DualWriteFile, FileSystem, FsError, NullFile,
        limiter::FsMemoryLimiter, mem_fs,
    },
};

use super::{compiled::CompiledModules, now_ms};
use crate::{
    package::digest,
    run::{
        protocol::{RunEnd, RunOutcome, RunRequest, SANDBOX_FILESYSTEM_LIMIT_BYTES, SandboxFile},
        settings::SANDBOX_OUTPUT_KEPT_BYTES,
        trap,
    },
    sorted,
};

/// argv[0] of every guest; Traverse passes no arguments at all.
const PROGRAM_NAME: &str = "guest";

/// Compiles and runs `request.module` with `request.stdin`, `args`, `env` and `files`, reporting
/// how it ended and every file left in the filesystem.
pub fn run(
    request: &RunRequest,
    args: &[String],
    env: &[(String, String)],
    files: &[SandboxFile],
    compiled: &mut CompiledModules,
) -> RunOutcome {
    let started = now_ms();
    let filesystem = mem_fs::FileSystem::default();
    filesystem.set_memory_limiter(Arc::new(FilesystemBudget::default()));
    let mut store = Store::default();
    let key = format!("sandbox {}", digest::sha256(&request.module));
    let module = compiled.get_or_compile(key, || {
        Module::from_binary(&store, &request.module).map_err(|error| error.to_string())
    });
    let compile_ms = now_ms() - started;
    let module_was_kept = matches!(module, Ok((_, true)));
    let (stdout, stderr) = (Captured::default(), Captured::default());
    let end = match (module, put_files(&filesystem, files)) {
        (Err(error), _) => RunEnd::SetupFailed(format!("module compile: {error}")),
        (_, Err(error)) => RunEnd::SetupFailed(error),
        (Ok((module, _)), Ok(())) => {
            run_captured(&mut store, &module, request, args, env, &filesystem, [&stdout, &stderr])
        }
    };
    let mut left = Vec::new();
    collect_files(&filesystem, Path::new("/"), &mut left);
    let ((stdout, stdout_dropped), (stderr, stderr_dropped)) = (stdout.take(), stderr.take());
    RunOutcome {
        stdout,
        stderr,
        stdout_dropped,
        stderr_dropped,
        files: left,
        compile_ms,
        module_was_kept,
        ..RunOutcome::without_output(end, now_ms() - started)
    }
}

/// How the run ended; what it wrote to stdout and stderr is in `[stdout, stderr]`.
fn run_captured(
    store: &mut Store,
    module: &Module,
    request: &RunRequest,
    args: &[String],
    env: &[(String, String)],
    filesystem: &mem_fs::FileSystem,
    [stdout, stderr]: [&Captured; 2],
) -> RunEnd {
    let (mut stdin_host, stdin_guest) = Pipe::channel();
    // The whole input, then EOF: the guest reads until a read returns 0 bytes.
    if let Err(error) = std::io::Write::write_all(&mut stdin_host, &request.stdin) {
        return RunEnd::SetupFailed(format!("stdin: {error}"));
    }
    stdin_host.close();

    // A clone shares the same storage, so the files can be read back after the run.
    let shared: Arc<dyn virtual_fs::FileSystem + Send + Sync> = Arc::new(filesystem.clone());
    let builder = WasiEnvBuilder::new(PROGRAM_NAME)
        .args(args)
        .envs(env.iter().map(|(key, value)| (key, value)))
        .stdin(Box::new(stdin_guest))
        .stdout(Box::new(stdout.file()))
        .stderr(Box::new(stderr.file()))
        .fs(shared)
        .preopen_dir("/");
    let instantiated = match builder {
        Ok(builder) => builder.runtime(Arc::new(offline_runtime())).instantiate(module.clone(), store),
        Err(error) => return RunEnd::SetupFailed(format!("preopen /: {error}")),
    };
    let (instance, wasi_env) = match instantiated {
        Ok(pair) => pair,
        Err(error) => return RunEnd::SetupFailed(format!("instantiate: {error}")),
    };

    let end = match instance.exports.get_function("_start") {
        Err(error) => RunEnd::SetupFailed(format!("entry point: {error}")),
        Ok(start) => match start.call(store, &[]) {
            Ok(_) => RunEnd::Returned,
            Err(error) => match error.downcast::<WasiError>() {
                Ok(WasiError::Exit(code)) => RunEnd::Exited(code.raw()),
                Ok(other) => RunEnd::Trapped(other.to_string()),
                Err(trap) => RunEnd::Trapped(trap::in_wasmtime_words(&trap.message())),
            },
        },
    };
    let exit_code = match &end {
        RunEnd::Returned => 0,
        RunEnd::Exited(code) => *code,
        _ => 1,
    };
    wasi_env.on_exit(store, Some(exit_code.into()));
    end
}

/// One output stream of a run: the first [`SANDBOX_OUTPUT_KEPT_BYTES`] written, and a count of
/// the rest. Kept as it is written, so a module writing without end fills no memory before the
/// wall clock stops it, and a trapped guest's last words are kept.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<(Vec<u8>, u64)>>);

impl Captured {
    /// The guest's end of the stream: every write succeeds whole, as a pipe's would.
    fn file(&self) -> DualWriteFile {
        let stream = self.clone();
        DualWriteFile::new(Box::new(NullFile::default()), move |written: &[u8]| {
            let mut guard = stream.0.lock().unwrap_or_else(PoisonError::into_inner);
            let (kept, dropped) = &mut *guard;
            let room = SANDBOX_OUTPUT_KEPT_BYTES.saturating_sub(kept.len()).min(written.len());
            kept.extend_from_slice(&written[..room]);
            *dropped += (written.len() - room) as u64;
        })
    }

    /// The bytes kept and the count of those dropped.
    fn take(&self) -> (Vec<u8>, u64) {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The memory the in-memory filesystem holds, counted as its files grow and shrink; a growth past
/// [`SANDBOX_FILESYSTEM_LIMIT_BYTES`] is refused before it is made (our virtual-fs patch).
#[derive(Debug, Default)]
struct FilesystemBudget {
    used: AtomicUsize,
}

impl FsMemoryLimiter for FilesystemBudget {
    fn on_grow(&self, grown_bytes: usize) -> Result<(), FsError> {
        self.used
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
                used.checked_add(grown_bytes).filter(|&total| total <= SANDBOX_FILESYSTEM_LIMIT_BYTES)
            })
            .map(drop)
            .map_err(|_| FsError::StorageFull)
    }

    fn on_shrink(&self, shrunk_bytes: usize) {
        // Never fails: the closure always answers.
        let _ = self.used.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
            Some(used.saturating_sub(shrunk_bytes))
        });
    }
}

/// Writes the user's files, creating the folders they name.
fn put_files(filesystem: &mem_fs::FileSystem, files: &[SandboxFile]) -> Result<(), String> {
    for file in files {
        let path = Path::new(&file.path);
        let mut folder = PathBuf::from("/");
        for part in path.parent().into_iter().flat_map(Path::components).skip(1) {
            folder.push(part);
            // An existing folder is fine; a real failure shows when the file is opened.
            let _ = filesystem.create_dir(&folder);
        }
        let mut handle = filesystem
            .new_open_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .map_err(|error| format!("{}: {error}", file.path))?;
        // mem_fs completes writes at once, so blocking on them never waits.
        block_on(handle.write_all(&file.bytes)).map_err(|error| format!("{}: {error}", file.path))?;
    }
    Ok(())
}

/// Every file under `folder`, depth first, in name order.
fn collect_files(filesystem: &mem_fs::FileSystem, folder: &Path, into: &mut Vec<SandboxFile>) {
    let Ok(entries) = filesystem.read_dir(folder) else { return };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    sorted::sort_by(&mut entries, |a, b| a.path.cmp(&b.path));
    for entry in entries {
        if entry.metadata.as_ref().is_ok_and(|metadata| metadata.is_dir()) {
            collect_files(filesystem, &entry.path, into);
        } else if let Ok(mut handle) = filesystem.new_open_options().read(true).open(&entry.path) {
            let mut bytes = Vec::new();
            if block_on(handle.read_to_end(&mut bytes)).is_ok() {
                into.push(SandboxFile { path: entry.path.to_string_lossy().into_owned(), bytes });
            }
        }
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
