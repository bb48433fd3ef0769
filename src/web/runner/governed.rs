//! Governed mode: a module runs as Traverse's executor runs a package (SPEC §8.3–§8.8), on plain
//! wasmer with exactly five host functions linked, implemented in [`crate::run::host`]. Anything else
//! the module imports fails to link; there are no args, no environment and no files. The module
//! runs as [`crate::run::instrument`] rewrites it, so fuel and memory growth are limited as in wasmtime.

use std::fmt;

use wasm_bindgen::JsCast;

use wasmer::{
    Function, FunctionEnv, FunctionEnvMut, Instance, InstantiationError, Memory, MemoryView, Module,
    RuntimeError, Store, TypedFunction, imports, js::AsJs,
};

use super::{compiled::CompiledModules, now_ms};
use crate::{
    package::digest,
    run::protocol::{RunEnd, RunOutcome, RunRequest, Timing},
    run::{
        execution,
        host::{
            GuestMemory, HostStop,
            traverse::{self, Accepted, EventPolicy},
            wasi::Stdio,
        },
        instrument::{self, Counters, Exported},
        trap,
    },
};

/// What the host functions share during one run.
struct Host {
    stdio: Stdio,
    policy: EventPolicy,
    events: Accepted,
    /// The module's exported `memory`, once instantiated.
    memory: Option<Memory>,
}

/// Runs `request.module` with `request.stdin` against Traverse's host.
pub fn run(request: &RunRequest, policy: &EventPolicy, compiled: &mut CompiledModules) -> RunOutcome {
    let started = now_ms();
    let mut store = Store::default();
    let host = Host {
        stdio: Stdio::new(request.stdin.clone()),
        policy: policy.clone(),
        events: Accepted::default(),
        memory: None,
    };
    let env = FunctionEnv::new(&mut store, host);
    let budget = request.limits.fuel_budget;
    let key = format!("governed {budget} {}", digest::sha256(&request.module));
    let module = compiled.get_or_compile(key, || {
        let bytes = instrument::instrument(&request.module, budget)?;
        // From the binary: `Module::new` would also take WAT text, and carry wasmer's WAT
        // parser (a quarter of this worker) for it.
        Module::from_binary(&store, &bytes).map_err(|error| error.to_string())
    });
    // A kept module was rewritten from these bytes, so the rewrite's names come from them too.
    let module = module.and_then(|(module, kept)| {
        Ok((module, kept, Exported::of(&request.module).map_err(|error| error.to_string())?))
    });
    let compile_ms = now_ms() - started;
    let (end, fuel, module_was_kept) = match module {
        // What wasmtime compiles but will not instantiate for Traverse never reaches wasmer,
        // which would run it.
        Ok((_, kept, _)) if let Some(end) = execution::instantiation_failure(&request.module) => {
            let fuel = matches!(end, RunEnd::Trapped(_)).then_some(0);
            (end, fuel, kept)
        }
        Ok((module, kept, exported)) => {
            let (end, fuel) = run_in(&mut store, &env, &module, &exported, budget);
            (end, fuel, kept)
        }
        Err(error) => (RunEnd::SetupFailed(format!("module compile: {error}")), None, false),
    };
    let host = env.as_mut(&mut store);
    let (stdio, events) = (std::mem::take(&mut host.stdio), std::mem::take(&mut host.events));
    let timing = Timing { wall_time_ms: now_ms() - started, compile_ms, module_was_kept };
    RunOutcome::governed(stdio, events, end, fuel, budget, timing)
}

/// How the run ended, and the fuel it consumed once the module was instantiated.
fn run_in(
    store: &mut Store,
    env: &FunctionEnv<Host>,
    module: &Module,
    exported: &Exported,
    budget: u64,
) -> (RunEnd, Option<u64>) {
    let imports = imports! {
        "wasi_snapshot_preview1" => {
            "fd_read" => Function::new_typed_with_env(store, env, fd_read),
            "fd_write" => Function::new_typed_with_env(store, env, fd_write),
            "proc_exit" => Function::new_typed_with_env(store, env, proc_exit),
        },
        "traverse_host" => {
            "emit_event" => Function::new_typed_with_env(store, env, emit_event),
            "connector_invoke" => Function::new_typed_with_env(store, env, connector_invoke),
        },
    };
    let instance = match Instance::new(store, module, &imports) {
        Ok(instance) => instance,
        // The engine's own failures while instantiating (a data segment out of bounds) are traps
        // of the run, as when wasmtime instantiates a `_start` module at call time; no fuel was spent.
        Err(InstantiationError::Start(trap)) => return (ended_by(trap), Some(0)),
        Err(error) => return (RunEnd::SetupFailed(format!("module link: {error}")), None),
    };
    env.as_mut(store).memory = instance.exports.get_memory("memory").ok().cloned();
    // The rewrite turned the start section into an export, called here as instantiation would.
    let started = match &exported.start {
        Some(start) => call(store, &instance, start),
        None => Ok(()),
    };
    let end = started.err().unwrap_or_else(|| run_entry(store, &instance));
    let counter = |name: &str| {
        instance.exports.get_global(name).ok().and_then(|global| read_i64(store, global)).unwrap_or(0)
    };
    let counters = Counters {
        fuel: counter(&exported.fuel),
        grow_pages: counter(&exported.grow_pages),
        table_grow_elements: counter(&exported.table_grow_elements),
    };
    (counters.explain(end, budget), Some(counters.fuel))
}

/// An i64 global's value. wasmer 7.4.2's JS backend reads every global as a JS number, and an
/// i64 global holds a BigInt, so `Global::get` answers 0; read the JS global ourselves.
fn read_i64(store: &Store, global: &wasmer::Global) -> Option<u64> {
    let value = js_sys::Reflect::get(&global.as_jsvalue(store), &"value".into()).ok()?;
    u64::try_from(value.dyn_into::<js_sys::BigInt>().ok()?).ok()
}

fn run_entry(store: &mut Store, instance: &Instance) -> RunEnd {
    let calls = execution::entry_calls(|name| instance.exports.get_function(name).is_ok());
    calls.into_iter().find_map(|name| call(store, instance, name).err()).unwrap_or(RunEnd::Returned)
}

fn call(store: &mut Store, instance: &Instance, name: &str) -> Result<(), RunEnd> {
    let function: TypedFunction<(), ()> = instance
        .exports
        .get_typed_function(&*store, name)
        .map_err(|error| RunEnd::SetupFailed(format!("typed: {error}")))?;
    function.call(store).map_err(ended_by)
}

/// `proc_exit` travels up through the guest as a user error; anything else is a trap.
fn ended_by(error: RuntimeError) -> RunEnd {
    match error.downcast::<ProcExit>() {
        Ok(ProcExit(code)) => RunEnd::Exited(code as i32),
        Err(trap) => RunEnd::Trapped(trap::in_wasmtime_words(&trap.message())),
    }
}

#[derive(Debug)]
struct ProcExit(u32);

impl fmt::Display for ProcExit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "proc_exit({})", self.0)
    }
}

impl std::error::Error for ProcExit {}

fn stopped(stop: HostStop) -> RuntimeError {
    match stop {
        HostStop::Trap(message) => RuntimeError::new(message),
        HostStop::Exit(code) => RuntimeError::user(Box::new(ProcExit(code))),
    }
}

/// The guest's memory through wasmer, for the host functions.
struct View<'a>(MemoryView<'a>);

impl GuestMemory for View<'_> {
    fn size(&self) -> u64 {
        self.0.data_size()
    }

    fn read(&self, offset: u32, len: u32) -> Option<Vec<u8>> {
        let mut bytes = vec![0; len as usize];
        self.0.read(u64::from(offset), &mut bytes).ok()?;
        Some(bytes)
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Option<()> {
        self.0.write(u64::from(offset), bytes).ok()
    }
}

/// WASI calls need the guest's memory; wasmtime traps without one, and so do we.
fn memory_of(host: &Host) -> Result<Memory, RuntimeError> {
    host.memory.clone().ok_or_else(|| RuntimeError::new("missing required memory export"))
}

fn fd_read(
    mut env: FunctionEnvMut<Host>,
    fd: i32,
    iovs: i32,
    iovs_len: i32,
    nread: i32,
) -> Result<i32, RuntimeError> {
    let (host, store) = env.data_and_store_mut();
    let memory = memory_of(host)?;
    let mut view = View(memory.view(&store));
    host.stdio.fd_read(&mut view, fd, iovs as u32, iovs_len as u32, nread as u32).map_err(stopped)
}

fn fd_write(
    mut env: FunctionEnvMut<Host>,
    fd: i32,
    iovs: i32,
    iovs_len: i32,
    nwritten: i32,
) -> Result<i32, RuntimeError> {
    let (host, store) = env.data_and_store_mut();
    let memory = memory_of(host)?;
    let mut view = View(memory.view(&store));
    host.stdio.fd_write(&mut view, fd, iovs as u32, iovs_len as u32, nwritten as u32).map_err(stopped)
}

fn proc_exit(_env: FunctionEnvMut<Host>, code: i32) -> Result<(), RuntimeError> {
    Err(stopped(Stdio::proc_exit(code as u32)))
}

fn emit_event(mut env: FunctionEnvMut<Host>, ptr: i32, len: i32) -> i32 {
    let (host, store) = env.data_and_store_mut();
    let view = host.memory.as_ref().map(|memory| View(memory.view(&store)));
    traverse::emit_event(&host.policy, view.as_ref(), ptr, len, &mut host.events)
}

fn connector_invoke(
    mut env: FunctionEnvMut<Host>,
    req_ptr: i32,
    req_len: i32,
    resp_ptr: i32,
    resp_cap: i32,
) -> i32 {
    let (host, store) = env.data_and_store_mut();
    let view = host.memory.as_ref().map(|memory| View(memory.view(&store)));
    traverse::connector_invoke(view.as_ref(), req_ptr, req_len, resp_ptr, resp_cap)
}
