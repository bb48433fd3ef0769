//! The fuel rewrite against wasmtime, on modules nobody wrote: the generating half of
//! `scripts/differential`. It makes random valid modules with wasm-smith, restricted to the
//! features Traverse's engine compiles (`limits::GOVERNED_FEATURES`), runs each through the
//! rewrite (in wasmi, a plain interpreter that meters nothing of its own) and writes one JSON
//! record per module: how the run ended and the fuel the rewrite counted, within a budget of
//! `DIFFERENTIAL_FUEL` units. The other half,
//! `tests/reference/differential.py`, runs the same modules in wasmtime 44 with Traverse's fuel
//! and limits and compares.
//!
//! Threads (atomics, shared memories) are generated too, but wasmi does not run them: for such
//! a module the record names the rewritten module and the names it exports instead, and the other
//! half runs it in wasmtime with no fuel of its own, reading the rewrite's counters.
//!
//! A program, not a test (`cargo run --example differential`, as `scripts/differential` runs
//! it): it writes to the folder `DIFFERENTIAL_OUT` names, and says so when none is named.

use std::io::Write;

use arbitrary::Unstructured;
use traverse_playground::{
    check::limits::{MAX_TABLES, MEMORY_LIMIT_PAGES, PAGE_BYTES, TABLE_ELEMENTS_LIMIT},
    run::instrument::{Exported, instrument},
};
use wasmi::{Engine, ExternType, Linker, Module, Store, Val};

/// Random bytes per module, for wasm-smith to shape it from.
const SEED_BYTES: usize = 8 * 1024;

fn main() {
    let Some(out) = std::env::var_os("DIFFERENTIAL_OUT").map(std::path::PathBuf::from) else {
        eprintln!("set DIFFERENTIAL_OUT to the folder to write the modules and their records to");
        std::process::exit(2);
    };
    let number = |name: &str, default: u64| {
        std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
    };
    let (modules, seed) = (number("DIFFERENTIAL_MODULES", 200), number("DIFFERENTIAL_SEED", 1));
    // Smaller than Traverse's 5,000,000 so that endless modules end quickly in an interpreter;
    // running out of it is the same path whatever its size.
    let budget = number("DIFFERENTIAL_FUEL", 100_000);
    std::fs::create_dir_all(&out).unwrap();
    let mut records = std::fs::File::create(out.join("rewrite.jsonl")).unwrap();
    let mut random = SplitMix64(seed);
    for index in 0..modules {
        let bytes: Vec<u8> = (0..SEED_BYTES).map(|_| random.next() as u8).collect();
        let Some(module) = generate(&bytes) else { continue };
        let name = format!("{index:05}.wasm");
        std::fs::write(out.join(&name), &module).unwrap();
        let record = match run_rewritten(&module, budget) {
            Ran::Counted { entry, end, fuel } => {
                serde_json::json!({"module": name, "entry": entry, "budget": budget, "end": end, "fuel": fuel})
            }
            Ran::NotInWasmi { entry, rewritten } => {
                let rewritten_name = format!("{index:05}.rewritten.wasm");
                std::fs::write(out.join(&rewritten_name), rewritten).unwrap();
                let names = Exported::of(&module).unwrap();
                serde_json::json!({"module": name, "entry": entry, "budget": budget, "rewritten": rewritten_name,
                    "names": {"fuel": names.fuel, "grow_pages": names.grow_pages,
                              "table_grow_elements": names.table_grow_elements, "start": names.start}})
            }
            Ran::NoEntry => serde_json::json!({"module": name, "entry": null}),
        };
        writeln!(records, "{record}").unwrap();
    }
}

/// A module within Traverse's features and limits, with no imports and every function exported.
fn generate(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut input = Unstructured::new(bytes);
    // Every random byte goes to the module; the features are fixed to Traverse's.
    let config = wasm_smith::Config {
        memory64_enabled: true,
        multi_value_enabled: true,
        tail_call_enabled: true,
        extended_const_enabled: true,
        reference_types_enabled: true,
        bulk_memory_enabled: true,
        gc_enabled: false,
        exceptions_enabled: false,
        threads_enabled: true,
        shared_everything_threads_enabled: false,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        // wasmi runs SIMD only with a feature this crate does not build; fuel counts every
        // operator alike, so SIMD adds no case the rest does not cover.
        simd_enabled: false,
        relaxed_simd_enabled: false,
        max_imports: 0,
        export_everything: true,
        min_types: 1,
        min_funcs: 1,
        max_memories: 1,
        max_tables: MAX_TABLES,
        max_memory32_bytes: MEMORY_LIMIT_PAGES * PAGE_BYTES,
        max_memory64_bytes: u128::from(MEMORY_LIMIT_PAGES * PAGE_BYTES),
        max_table_elements: TABLE_ELEMENTS_LIMIT,
        ..wasm_smith::Config::default()
    };
    wasm_smith::Module::new(config, &mut input).ok().map(|module| module.to_bytes())
}

/// How the rewritten module ran in wasmi, if it could.
enum Ran {
    /// The entry, how it ended and the fuel the rewrite counted.
    Counted { entry: String, end: String, fuel: i64 },
    /// A module of threads, which wasmi does not run: the entry and the rewritten module.
    NotInWasmi { entry: String, rewritten: Vec<u8> },
    /// No function to call.
    NoEntry,
}

/// The first exported function, given zeros and nulls for its parameters, run as governed mode
/// runs an entry: the start function first, then the entry.
fn run_rewritten(module: &[u8], budget: u64) -> Ran {
    let rewritten = instrument(module, budget).expect("a governed module is rewritten");
    let names = Exported::of(module).expect("a rewritten module parses");
    let mut config = wasmi::Config::default();
    config.set_max_recursion_depth(100_000);
    let engine = Engine::new(&config);
    let Ok(compiled) = Module::new(&engine, &rewritten[..]) else {
        return match first_function_export(module) {
            Some(entry) => Ran::NotInWasmi { entry, rewritten },
            None => Ran::NoEntry,
        };
    };
    let entry = compiled.exports().find_map(|export| match export.ty() {
        ExternType::Func(_) if Some(export.name()) != names.start.as_deref() => {
            Some(export.name().to_owned())
        }
        _ => None,
    });
    let Some(entry) = entry else { return Ran::NoEntry };
    let mut store = Store::new(&engine, ());
    let instance = match Linker::<()>::new(&engine).instantiate_and_start(&mut store, &compiled) {
        Ok(instance) => instance,
        Err(error) => return Ran::Counted { entry, end: format!("trapped: {error}"), fuel: 0 },
    };
    let call = |store: &mut Store<()>, name: &str| {
        let func = instance.get_func(&mut *store, name).expect("an exported function");
        let ty = func.ty(&mut *store);
        let params: Vec<Val> = ty.params().iter().map(|ty| Val::default(*ty)).collect();
        let mut results: Vec<Val> = ty.results().iter().map(|ty| Val::default(*ty)).collect();
        func.call(&mut *store, &params, &mut results).map_err(|error| error.to_string())
    };
    let mut ran = Ok(());
    if let Some(start) = &names.start {
        ran = call(&mut store, start);
    }
    if ran.is_ok() {
        ran = call(&mut store, &entry);
    }
    let counter = |store: &Store<()>, name: &str| match instance.get_global(store, name).map(|g| g.get(store))
    {
        Some(Val::I64(value)) => value,
        _ => 0,
    };
    let fuel = counter(&store, &names.fuel);
    let end = match ran {
        Ok(()) => "returned".to_owned(),
        Err(_) if fuel as u64 > budget => "out of fuel".to_owned(),
        Err(_)
            if counter(&store, &names.grow_pages) != 0
                || counter(&store, &names.table_grow_elements) != 0 =>
        {
            "resource exhausted".to_owned()
        }
        // The comparing half names the trap's kind from the engine's words.
        Err(error) => format!("trapped: {error}"),
    };
    // The runner reports at most the budget, as wasmtime does.
    Ran::Counted { entry, end, fuel: fuel.min(budget as i64) }
}

/// The module's first exported function, by its name (the original's: the rewrite only adds).
fn first_function_export(module: &[u8]) -> Option<String> {
    wasmparser::Parser::new(0).parse_all(module).find_map(|payload| match payload {
        Ok(wasmparser::Payload::ExportSection(reader)) => reader
            .into_iter()
            .filter_map(Result::ok)
            .find(|export| export.kind == wasmparser::ExternalKind::Func)
            .map(|export| export.name.to_owned()),
        _ => None,
    })
}

/// A small deterministic generator, so a seed names the same modules on every machine.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}
