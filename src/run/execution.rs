//! What Traverse's executor makes of a run (SPEC §7.3 steps 10–11, §8.9): the executor's
//! error, stdout as exactly one JSON value, and the output-schema check. Pure: it takes what
//! the runner observed; [`crate::run::account`] turns the result into Traverse's account.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::{
    check::{
        limits::PAGE_BYTES,
        module,
        module_info::{Limits, Reader},
        schema_subset::{self, SchemaViolation},
        verdict,
    },
    run::{
        host::traverse::{EmittedEvent, MAX_KEPT_EVENT_BYTES, MAX_KEPT_EVENTS},
        protocol::{RunEnd, RunOutcome},
    },
};

/// The executor's own error, before the runtime collapses it (SPEC §8.9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "variant", content = "message")]
pub enum ExecutorError {
    RuntimeSetupFailed(String),
    ExecutionFailed(String),
    Timeout(String),
    ResourceExhausted(String),
    OutputDeserializationFailed(String),
}

impl fmt::Display for ExecutorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RuntimeSetupFailed(m) => write!(f, "runtime setup failed: {m}"),
            Self::ExecutionFailed(m) => write!(f, "execution failed: {m}"),
            Self::Timeout(m) => write!(f, "execution timed out: {m}"),
            Self::ResourceExhausted(m) => write!(f, "resource exhausted: {m}"),
            Self::OutputDeserializationFailed(m) => write!(f, "output deserialization failed: {m}"),
        }
    }
}

/// How a governed run ended, in Traverse's terms.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Execution {
    /// The guest returned and its stdout is one JSON value that the output schema accepts.
    Completed { output: Value, events: Vec<EmittedEvent> },
    /// The executor failed; Traverse reports only the collapsed error.
    ExecutorFailed { error: ExecutorError },
    /// The output is JSON but the contract's output schema rejects it.
    OutputInvalid { output: Value, violations: Vec<SchemaViolation> },
    /// The playground's runner itself failed: there is no Traverse account of this run.
    PlaygroundFailed { reason: String },
}

/// Classifies a governed run (SPEC §8.5, §8.6) and checks its output against `output_schema`.
pub fn classify(outcome: &RunOutcome, output_schema: &Value) -> Execution {
    let events = &outcome.events;
    let failed = |error| Execution::ExecutorFailed { error };
    match &outcome.end {
        // A run's events count only when it succeeds; past the bound some were not kept.
        RunEnd::Returned if outcome.events_dropped > 0 => Execution::PlaygroundFailed {
            reason: format!(
                "the module emitted {} events more than the playground keeps ({MAX_KEPT_EVENTS} events, {} MiB): \
                 without them there is no Traverse account of the run",
                outcome.events_dropped,
                MAX_KEPT_EVENT_BYTES >> 20
            ),
        },
        RunEnd::Returned => match parse_output(&outcome.stdout) {
            Err(error) => failed(error),
            Ok(output) => {
                let violations = schema_subset::violations(&output, output_schema);
                if violations.is_empty() {
                    Execution::Completed { output, events: events.to_vec() }
                } else {
                    Execution::OutputInvalid { output, violations }
                }
            }
        },
        RunEnd::Exited(code) => failed(ExecutorError::ExecutionFailed(format!(
            "the guest called proc_exit({code}); Traverse fails every proc_exit, 0 included"
        ))),
        RunEnd::OutOfFuel { .. } => failed(ExecutorError::Timeout("all fuel consumed by WebAssembly".into())),
        RunEnd::MemoryLimit { .. } | RunEnd::TableLimit { .. } => {
            failed(ExecutorError::ResourceExhausted(outcome.end.detail()))
        }
        RunEnd::Trapped(message) => failed(ExecutorError::ExecutionFailed(message.clone())),
        RunEnd::SetupFailed(message) => failed(ExecutorError::RuntimeSetupFailed(message.clone())),
        RunEnd::TimedOut { limit_ms } => failed(ExecutorError::Timeout(format!(
            "no result within the playground's {limit_ms} ms wall-clock limit (Traverse stops runs by fuel)"
        ))),
        RunEnd::WorkerFailed(reason) => Execution::PlaygroundFailed { reason: reason.clone() },
    }
}

/// How Traverse's executor ends a module it will not run (SPEC §8.2: the checks before it
/// instantiates), as the runner would have reported it; `None` when it runs. A workflow node
/// gets this instead of a run, as a package run gets its refusal from the checks. The module is
/// read by `reader`; one not read yet is sent (the runner refuses what it cannot compile).
pub fn executor_refusal(file: &str, bytes: &[u8], reader: &dyn Reader) -> Option<RunEnd> {
    let (diagnostics, module) = module::check(file, bytes, None, reader)?;
    let stop = verdict::first_stop(diagnostics.iter())?;
    let largest = |limits: &[Limits]| limits.iter().map(|l| l.initial).max().unwrap_or_default();
    Some(match (stop.code, &module) {
        ("limits.initial_memory", Some(module)) => {
            RunEnd::MemoryLimit { bytes: largest(&module.memories).saturating_mul(PAGE_BYTES) }
        }
        ("limits.table_elements", Some(module)) => RunEnd::TableLimit { elements: largest(&module.tables) },
        _ => RunEnd::SetupFailed(stop.message.clone()),
    })
}

/// The exports Traverse's executor calls, in order (SPEC §8.3): a reactor (no `_start`) is
/// initialised first, as wasmtime's linker does; then `""` if it is exported, else `_start`;
/// with neither, nothing runs.
pub fn entry_calls(exported: impl Fn(&str) -> bool) -> Vec<&'static str> {
    let mut calls = Vec::new();
    if !exported("_start") && exported("_initialize") {
        calls.push("_initialize");
    }
    calls.extend(["", "_start"].into_iter().find(|name| exported(name)));
    calls
}

/// wasmtime's words when an engine built without `Config::shared_memory` (Traverse's
/// `Config::new()`) instantiates a module with a shared memory, which it compiles.
pub const SHARED_MEMORY_DISABLED: &str =
    "shared memory support is disabled for this engine -- see `Config::shared_memory`";

/// How wasmtime 44, configured as Traverse's executor configures it, fails to instantiate a
/// module it compiled; `None` when it instantiates. A shared memory, defined or imported, is
/// refused there. As SPEC §8.3 says of instantiation failures: a module exporting `_start` is
/// instantiated at call time, so it ends like a trap; any other while linking.
pub fn instantiation_failure(bytes: &[u8]) -> Option<RunEnd> {
    let mut shared = false;
    let mut command = false;
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        match payload.ok()? {
            wasmparser::Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    shared |= matches!(import.ok()?.ty, wasmparser::TypeRef::Memory(memory) if memory.shared);
                }
            }
            wasmparser::Payload::MemorySection(reader) => {
                for memory in reader {
                    shared |= memory.ok()?.shared;
                }
            }
            wasmparser::Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.ok()?;
                    command |= export.name == "_start" && export.kind == wasmparser::ExternalKind::Func;
                }
            }
            _ => {}
        }
    }
    shared.then(|| {
        if command {
            RunEnd::Trapped(SHARED_MEMORY_DISABLED.to_owned())
        } else {
            RunEnd::SetupFailed(format!("module link: {SHARED_MEMORY_DISABLED}"))
        }
    })
}

/// Stdout must be exactly one JSON value in UTF-8; surrounding whitespace is fine.
fn parse_output(stdout: &[u8]) -> Result<Value, ExecutorError> {
    serde_json::from_slice(stdout).map_err(|error| {
        ExecutorError::OutputDeserializationFailed(format!(
            "stdout is not valid JSON: {error} — raw: {}",
            String::from_utf8_lossy(stdout)
        ))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn outcome(stdout: &str, end: RunEnd) -> RunOutcome {
        RunOutcome { stdout: stdout.as_bytes().to_vec(), ..RunOutcome::without_output(end, 1.0) }
    }

    fn error_text(execution: Execution) -> String {
        match execution {
            Execution::ExecutorFailed { error } => error.to_string(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn stdout_must_be_exactly_one_json_value() {
        let run = |stdout| classify(&outcome(stdout, RunEnd::Returned), &json!({}));
        assert!(matches!(run("{\"ok\":true}\n"), Execution::Completed { .. }), "a trailing newline is fine");
        assert!(matches!(run("42"), Execution::Completed { .. }), "a scalar passes the executor");
        assert_eq!(
            error_text(run(r#"{"ok":true}{"ok":true}"#)),
            r#"output deserialization failed: stdout is not valid JSON: trailing characters at line 1 column 12 — raw: {"ok":true}{"ok":true}"#
        );
        assert_eq!(
            error_text(run("not-json")),
            "output deserialization failed: stdout is not valid JSON: expected ident at line 1 column 2 — raw: not-json"
        );
        assert_eq!(
            error_text(run("")),
            "output deserialization failed: stdout is not valid JSON: EOF while parsing a value at line 1 column 0 — raw: "
        );
    }

    #[test]
    fn the_executor_refuses_what_the_module_checks_stop() {
        use crate::check::module_info::ReadHere;
        let fixture = |name: &str| {
            std::fs::read(format!("{}/tests/fixtures/{name}.wasm", env!("CARGO_MANIFEST_DIR"))).unwrap()
        };
        assert_eq!(executor_refusal("m.wasm", &fixture("write-json"), &ReadHere), None);
        // Traverse runs a module with no entry (nothing happens) and fails on its empty stdout:
        // a workflow node of it ends InvalidInput, not refused before running.
        assert_eq!(executor_refusal("m.wasm", &fixture("no-entry"), &ReadHere), None);
        assert_eq!(
            executor_refusal("m.wasm", &fixture("import-sock-accept"), &ReadHere),
            Some(RunEnd::SetupFailed(
                "unauthorized_host_import: ABI 1.0.0 does not allow import wasi_snapshot_preview1::sock_accept".into()
            ))
        );
        assert_eq!(
            executor_refusal("m.wasm", &fixture("initial-200-pages"), &ReadHere),
            Some(RunEnd::MemoryLimit { bytes: 200 * 65_536 })
        );
        assert_eq!(
            executor_refusal("m.wasm", &fixture("table-bomb"), &ReadHere),
            Some(RunEnd::TableLimit { elements: 10_000_000 })
        );
        assert!(matches!(executor_refusal("m.wasm", b"not wasm", &ReadHere), Some(RunEnd::SetupFailed(_))));
    }

    #[test]
    fn a_shared_memory_fails_at_instantiation_as_in_wasmtime() {
        let module = |wat: &str| wat::parse_str(wat).unwrap();
        assert_eq!(
            instantiation_failure(&module(
                r#"(module (memory (export "memory") 1 2 shared) (func (export "_start")))"#
            )),
            Some(RunEnd::Trapped(SHARED_MEMORY_DISABLED.into()))
        );
        assert_eq!(
            instantiation_failure(&module(
                r#"(module (import "env" "m" (memory 1 2 shared)) (func (export "")))"#
            )),
            Some(RunEnd::SetupFailed(format!("module link: {SHARED_MEMORY_DISABLED}")))
        );
        // Atomics on an ordinary memory instantiate.
        let atomics =
            r#"(module (memory 1) (func (export "_start") (drop (i32.atomic.load (i32.const 0)))))"#;
        assert_eq!(instantiation_failure(&module(atomics)), None);
    }

    #[test]
    fn ends_are_classified_as_traverse_classifies_them() {
        let end = |end| error_text(classify(&outcome("{}", end), &json!({})));
        assert!(end(RunEnd::Exited(0)).starts_with("execution failed: the guest called proc_exit(0)"));
        assert_eq!(
            end(RunEnd::MemoryLimit { bytes: 13_172_736 }),
            "resource exhausted: forcing trap when growing memory to 13172736 bytes"
        );
        assert_eq!(
            end(RunEnd::OutOfFuel { budget: 5 }),
            "execution timed out: all fuel consumed by WebAssembly"
        );
        assert!(end(RunEnd::TimedOut { limit_ms: 5000 }).starts_with("execution timed out: "));
        assert_eq!(end(RunEnd::Trapped("unreachable".into())), "execution failed: unreachable");
        assert!(matches!(
            classify(&outcome("", RunEnd::WorkerFailed("crashed".into())), &json!({})),
            Execution::PlaygroundFailed { .. }
        ));
        let flood = RunOutcome { events_dropped: 3, ..outcome("{}", RunEnd::Returned) };
        assert!(matches!(classify(&flood, &json!({})), Execution::PlaygroundFailed { .. }));
        let flood_then_fuel =
            RunOutcome { events_dropped: 3, ..outcome("{}", RunEnd::OutOfFuel { budget: 5 }) };
        assert_eq!(
            error_text(classify(&flood_then_fuel, &json!({}))),
            "execution timed out: all fuel consumed by WebAssembly"
        );
    }
}
