//! Traverse's execution limits, in one place (SPEC §8.6, wasmtime's store limits there).

/// The WebAssembly features wasmtime 44 compiles as Traverse builds it: WebAssembly 2.0 (bulk
/// memory, reference types, sign extension, saturating conversions, multi-value, SIMD) and tail
/// calls, extended constants, several memories, relaxed SIMD, 64-bit memories and tables, and
/// threads (shared memories and atomics; a shared memory then fails at instantiation, which the
/// run's execution rules reproduce). Refused, as wasmtime refuses them:
/// exceptions, GC and typed function references, wide arithmetic, custom page sizes, stack
/// switching. The module check, the fuel rewrite and the command line all validate with this
/// set, so a module Traverse cannot compile never runs.
pub const GOVERNED_FEATURES: wasmparser::WasmFeatures = wasmparser::WasmFeatures::WASM2
    .union(wasmparser::WasmFeatures::TAIL_CALL)
    .union(wasmparser::WasmFeatures::EXTENDED_CONST)
    .union(wasmparser::WasmFeatures::MULTI_MEMORY)
    .union(wasmparser::WasmFeatures::RELAXED_SIMD)
    .union(wasmparser::WasmFeatures::MEMORY64)
    .union(wasmparser::WasmFeatures::THREADS);

/// Linear memory per memory: 8 MiB. More initial pages fail; growing past it traps.
pub const MEMORY_LIMIT_PAGES: u64 = 128;
/// Bytes per WebAssembly page.
pub const PAGE_BYTES: u64 = 65_536;
/// Elements per table.
pub const TABLE_ELEMENTS_LIMIT: u64 = 1_024;
/// Memories per module instance.
pub const MAX_MEMORIES: usize = 1;
/// Tables per module instance.
pub const MAX_TABLES: usize = 8;
/// Stdout pipe capacity; later bytes are dropped silently and the run goes on.
pub const STDOUT_CAP_BYTES: usize = 65_536;
/// Stderr bytes the playground keeps for display. Traverse discards stderr; without a cap a
/// module writing in a loop would fill the worker's memory.
pub const STDERR_KEPT_BYTES: usize = 65_536;
/// Largest `emit_event` payload and `connector_invoke` request or response buffer.
pub const HOST_CALL_CAP_BYTES: i32 = 65_536;
/// Fuel per call, in wasmtime's units (one per operator, with the exceptions in `instrument`).
pub const FUEL_BUDGET: u64 = 5_000_000;
/// The most `br_table` targets a browser's engine (V8) compiles; wasmtime, and so Traverse,
/// takes more. A module past it runs in Traverse but not in the page.
pub const BROWSER_BR_TABLE_TARGETS: usize = 65_520;
