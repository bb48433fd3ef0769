//! What the page sends the runner worker and what it gets back.
//!
//! Both directions are serde values (sent with `serde-wasm-bindgen`, so byte buffers travel as
//! `Uint8Array`s). This module has no web types: the UI and native tests use it alike.

use serde::{Deserialize, Serialize};

use crate::{
    check::{limits::FUEL_BUDGET, module_info::Reading},
    run::host::{
        traverse::{Accepted, EmittedEvent, EventPolicy},
        wasi::Stdio,
    },
    run::module_text::ModuleText,
};

/// The wall-clock limit of a run unless the user changes it. A backstop, not Traverse's limit:
/// Traverse stops modules by fuel (SPEC §8.6) and has no wall clock.
pub const DEFAULT_WALL_TIME_LIMIT_MS: u32 = 5_000;

/// Limits the page enforces on one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Milliseconds the module may run before its worker is terminated.
    pub wall_time_ms: u32,
    /// Fuel for a governed run, in wasmtime's units.
    pub fuel_budget: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { wall_time_ms: DEFAULT_WALL_TIME_LIMIT_MS, fuel_budget: FUEL_BUDGET }
    }
}

/// Which host the module runs against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Mode {
    /// As Traverse runs a governed package: only `fd_read`, `fd_write`, `proc_exit`,
    /// `emit_event` and `connector_invoke`, with Traverse's semantics; no args, env or files.
    Governed { events: EventPolicy },
    /// Not Traverse: full WASI preview 1 (wasmer-wasix) with these arguments (after argv[0]),
    /// environment and files in an in-memory filesystem, for modules built with Rust `std`.
    /// Still no network.
    Sandbox { args: Vec<String>, env: Vec<(String, String)>, files: Vec<SandboxFile> },
}

/// A file of the sandbox's in-memory filesystem, by absolute path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SandboxFile {
    pub path: String,
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
}

/// Bytes of a file the page shows after a run; the whole file can be downloaded.
pub const SANDBOX_FILE_PREVIEW_BYTES: usize = 4096;

impl SandboxFile {
    /// The text the page shows of the file: its first [`SANDBOX_FILE_PREVIEW_BYTES`], never
    /// cutting a character in two, and whether that is the whole file.
    pub fn preview(&self) -> (String, bool) {
        let whole = self.bytes.len() <= SANDBOX_FILE_PREVIEW_BYTES;
        let mut shown = &self.bytes[..self.bytes.len().min(SANDBOX_FILE_PREVIEW_BYTES)];
        if let Err(error) = std::str::from_utf8(shown)
            && !whole
            && error.error_len().is_none()
        {
            shown = &shown[..error.valid_up_to()];
        }
        (String::from_utf8_lossy(shown).into_owned(), whole)
    }
}

/// The most the sandbox's files may hold together: each is copied to the runner worker and into
/// the module's in-memory filesystem, and a browser tab holds only so much.
pub const SANDBOX_FILES_LIMIT_BYTES: u64 = 16 * 1024 * 1024;

/// The most memory the sandbox's in-memory filesystem may take during a run, the user's files
/// included: past it a write fails as on a full disk, and the run goes on.
pub const SANDBOX_FILESYSTEM_LIMIT_BYTES: usize = 64 * 1024 * 1024;

/// Whether a file of `size` bytes may join `files` at `path` (replacing any file there) with
/// `pending` bytes already admitted but not yet read; the reason when it may not.
pub fn sandbox_room(files: &[SandboxFile], pending: u64, path: &str, size: u64) -> Result<(), String> {
    let kept: u64 = files.iter().filter(|file| file.path != path).map(|file| file.bytes.len() as u64).sum();
    if kept + pending + size > SANDBOX_FILES_LIMIT_BYTES {
        return Err(format!(
            "is {size} bytes; the sandbox's files may hold {} MiB together, and {} bytes are taken",
            SANDBOX_FILES_LIMIT_BYTES >> 20,
            kept + pending
        ));
    }
    Ok(())
}

/// One run: the module's bytes, the exact bytes of its stdin, the host and the limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRequest {
    #[serde(with = "serde_bytes")]
    pub module: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub stdin: Vec<u8>,
    pub mode: Mode,
    pub limits: Limits,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum RunEnd {
    /// The entry point returned normally.
    Returned,
    /// The module called `proc_exit` with this code.
    Exited(i32),
    /// The module trapped (a guest panic is an `unreachable` trap); the engine's message.
    Trapped(String),
    /// Compiling, linking or instantiating failed, so the module never ran.
    SetupFailed(String),
    /// A governed run spent its fuel budget.
    OutOfFuel { budget: u64 },
    /// A governed run grew memory past Traverse's limit (or the module's maximum) to this size.
    MemoryLimit { bytes: u64 },
    /// A governed run grew a table past Traverse's limit (or the table's maximum) to this size.
    TableLimit { elements: u64 },
    /// The wall-clock limit passed; the worker was terminated and replaced.
    TimedOut { limit_ms: u32 },
    /// The worker could not start or died; it was replaced.
    WorkerFailed(String),
}

/// How a run ended, in the words the page shows (stable: tests outside this repo read them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    Completed,
    Failed,
    Trapped,
    TimedOut,
    Killed,
    ResourceExhausted,
}

impl EndReason {
    pub fn label(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Trapped => "trapped",
            Self::TimedOut => "timed out",
            Self::Killed => "killed",
            Self::ResourceExhausted => "resource exhausted",
        }
    }
}

impl RunEnd {
    /// The end reason. `proc_exit(0)` completes a sandbox run, but fails a governed one, as
    /// Traverse fails every `proc_exit`. Running out of fuel is Traverse's time-out.
    pub fn reason(&self, governed: bool) -> EndReason {
        match self {
            Self::Returned => EndReason::Completed,
            Self::Exited(0) if !governed => EndReason::Completed,
            Self::Exited(_) | Self::SetupFailed(_) => EndReason::Failed,
            Self::Trapped(_) => EndReason::Trapped,
            Self::OutOfFuel { .. } | Self::TimedOut { .. } => EndReason::TimedOut,
            Self::MemoryLimit { .. } | Self::TableLimit { .. } => EndReason::ResourceExhausted,
            Self::WorkerFailed(_) => EndReason::Killed,
        }
    }

    /// The detail that goes with [`Self::label`], empty when there is none.
    pub fn detail(&self) -> String {
        match self {
            Self::Returned => String::new(),
            Self::Exited(code) => format!("proc_exit({code})"),
            Self::Trapped(message) | Self::SetupFailed(message) | Self::WorkerFailed(message) => {
                message.clone()
            }
            Self::OutOfFuel { budget } => format!("all fuel consumed by WebAssembly (budget {budget})"),
            Self::MemoryLimit { bytes } => format!("forcing trap when growing memory to {bytes} bytes"),
            Self::TableLimit { elements } => {
                format!("forcing trap when growing table to {elements} elements")
            }
            Self::TimedOut { limit_ms } => {
                format!("no result within the {limit_ms} ms wall-clock limit; the runner was restarted")
            }
        }
    }
}

/// Everything a run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunOutcome {
    #[serde(with = "serde_bytes")]
    pub stdout: Vec<u8>,
    #[serde(with = "serde_bytes")]
    pub stderr: Vec<u8>,
    pub end: RunEnd,
    /// Milliseconds from receiving the request to the end: compile, instantiate and run.
    pub wall_time_ms: f64,
    /// The part of `wall_time_ms` spent preparing and compiling the module.
    pub compile_ms: f64,
    /// Whether the worker had the module compiled from an earlier run (`compile_ms` is then
    /// only the lookup).
    pub module_was_kept: bool,
    /// Events `emit_event` accepted (governed mode); Traverse publishes them only on success.
    pub events: Vec<EmittedEvent>,
    /// Events accepted past the playground's bound and not kept ([`crate::run::host::traverse::MAX_KEPT_EVENTS`]).
    #[serde(default)]
    pub events_dropped: u64,
    /// Events the contract does not declare that the module tried to emit, as `id@version`
    /// (Traverse refused each and the run went on).
    #[serde(default)]
    pub events_undeclared: Vec<String>,
    /// Stdout bytes past Traverse's 65,536-byte cap, dropped (governed mode).
    pub stdout_dropped: u64,
    /// Stderr bytes past the playground's display cap, not kept (governed mode).
    pub stderr_dropped: u64,
    /// Fuel the run consumed, at most the budget (governed mode).
    pub fuel_consumed: Option<u64>,
    /// Every file of the in-memory filesystem after the run (sandbox mode).
    pub files: Vec<SandboxFile>,
}

/// How long a run took, and whether its module was compiled already.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timing {
    pub wall_time_ms: f64,
    pub compile_ms: f64,
    pub module_was_kept: bool,
}

impl RunOutcome {
    /// A governed run's outcome, from what its host functions gathered, whatever engine ran it;
    /// `fuel` as the rewrite counted it, reported up to the `budget`.
    pub fn governed(
        stdio: Stdio,
        events: Accepted,
        end: RunEnd,
        fuel: Option<u64>,
        budget: u64,
        timing: Timing,
    ) -> Self {
        Self {
            stdout: stdio.stdout,
            stderr: stdio.stderr,
            end,
            wall_time_ms: timing.wall_time_ms,
            compile_ms: timing.compile_ms,
            module_was_kept: timing.module_was_kept,
            events_dropped: events.dropped,
            events: events.events,
            events_undeclared: events.undeclared,
            stdout_dropped: stdio.stdout_dropped,
            stderr_dropped: stdio.stderr_dropped,
            fuel_consumed: fuel.map(|fuel| fuel.min(budget)),
            files: Vec::new(),
        }
    }

    /// An outcome with no output, for runs that ended outside the module.
    pub fn without_output(end: RunEnd, wall_time_ms: f64) -> Self {
        Self {
            stdout: Vec::new(),
            stderr: Vec::new(),
            end,
            wall_time_ms,
            compile_ms: 0.0,
            module_was_kept: false,
            events: Vec::new(),
            events_dropped: 0,
            events_undeclared: Vec::new(),
            stdout_dropped: 0,
            stderr_dropped: 0,
            fuel_consumed: None,
            files: Vec::new(),
        }
    }
}

/// What the page asks the runner worker: one at a time, each answered once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WorkerRequest {
    Run(RunRequest),
    /// The module's text form ([`crate::run::module_text`]), made off the page's thread.
    Print {
        #[serde(with = "serde_bytes")]
        module: Vec<u8>,
    },
    /// The module's description for the page's checks ([`crate::check::module_info::Reader`]):
    /// the governed runner carries wasmparser for its runs, so the page need not.
    Read {
        #[serde(with = "serde_bytes")]
        module: Vec<u8>,
    },
}

/// A message from the runner worker to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum WorkerMessage {
    /// The worker has loaded and listens for requests; messages sent before this are lost.
    Ready,
    /// The outcome of the run the page asked for last.
    Finished(RunOutcome),
    /// The module's text, or why it has none.
    Printed(Result<ModuleText, String>),
    /// The module's description, or why it is not a module Traverse could run.
    Read(Reading),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_takes_files_up_to_its_limit() {
        let file = |path: &str, size: usize| SandboxFile { path: path.into(), bytes: vec![0; size] };
        let half = (SANDBOX_FILES_LIMIT_BYTES / 2) as usize;
        let files = [file("/data/a", half)];
        assert_eq!(sandbox_room(&files, 0, "/data/b", half as u64), Ok(()));
        assert_eq!(
            sandbox_room(&files, 1, "/data/b", half as u64).unwrap_err(),
            "is 8388608 bytes; the sandbox's files may hold 16 MiB together, and 8388609 bytes are taken"
        );
        // Replacing a file frees its room.
        assert_eq!(sandbox_room(&files, 0, "/data/a", SANDBOX_FILES_LIMIT_BYTES), Ok(()));
        assert!(sandbox_room(&[], 0, "/data/big", 100 << 20).is_err());
    }

    #[test]
    fn a_file_is_shown_by_its_first_bytes_never_half_a_character() {
        let file = |bytes: Vec<u8>| SandboxFile { path: "/out".into(), bytes };
        assert_eq!(file(b"hello\n".to_vec()).preview(), ("hello\n".into(), true));
        assert_eq!(file(vec![b'a'; 4096]).preview(), ("a".repeat(4096), true));
        assert_eq!(file(vec![b'a'; 4097]).preview(), ("a".repeat(4096), false));
        // "é" is two bytes: the 4,096th would be its first half.
        let accented = [vec![b'a'; 4095], "é".repeat(2).into_bytes()].concat();
        assert_eq!(file(accented).preview(), ("a".repeat(4095), false));
        // Bytes that are not text at all are shown as the replacement character.
        assert_eq!(file(vec![0xff, b'a']).preview(), ("\u{fffd}a".into(), true));
    }

    #[test]
    fn end_reasons_use_the_pages_words() {
        let reason = |end: RunEnd, governed| end.reason(governed).label();
        assert_eq!(reason(RunEnd::Returned, true), "completed");
        assert_eq!(reason(RunEnd::Exited(0), false), "completed");
        assert_eq!(reason(RunEnd::Exited(0), true), "failed");
        assert_eq!(reason(RunEnd::Exited(3), false), "failed");
        assert_eq!(reason(RunEnd::SetupFailed("link".into()), true), "failed");
        assert_eq!(reason(RunEnd::Trapped("unreachable".into()), true), "trapped");
        assert_eq!(reason(RunEnd::OutOfFuel { budget: 1 }, true), "timed out");
        assert_eq!(reason(RunEnd::TimedOut { limit_ms: 1 }, false), "timed out");
        assert_eq!(reason(RunEnd::MemoryLimit { bytes: 1 }, true), "resource exhausted");
        assert_eq!(reason(RunEnd::TableLimit { elements: 1 }, true), "resource exhausted");
        assert_eq!(reason(RunEnd::WorkerFailed("gone".into()), true), "killed");
    }
}
