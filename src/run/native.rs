//! Governed runs on the command line: the module rewritten as the page's runner rewrites it,
//! with the same five host functions ([`crate::run::host`]), on wasmi. wasmi is an interpreter,
//! so a run is slower than in wasmtime, but the rewritten module counts its own fuel in
//! wasmtime's units: the fuel, and every limit, are Traverse's whatever engine runs it.

use wasmi::{Caller, Engine, Extern, Instance, Linker, Memory, Module, Store, Val};

use crate::run::{
    execution,
    host::{
        GuestMemory, HostStop,
        traverse::{self, Accepted, EventPolicy},
        wasi::Stdio,
    },
    instrument::{self, Counters, Exported},
    protocol::{Mode, RunEnd, RunOutcome, RunRequest, Timing},
};

/// What the host functions share during one run.
struct Host {
    stdio: Stdio,
    policy: EventPolicy,
    events: Accepted,
}

/// A trap a host function raised: `proc_exit` or one of ours.
#[derive(Debug)]
struct Stopped(HostStop);

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            HostStop::Trap(message) => f.write_str(message),
            HostStop::Exit(code) => write!(f, "proc_exit({code})"),
        }
    }
}

impl std::error::Error for Stopped {}

impl wasmi::errors::HostError for Stopped {}

/// Runs `request.module` with `request.stdin` against Traverse's host; the sandbox is the
/// page's alone.
pub fn run(request: &RunRequest) -> RunOutcome {
    Runner::default().run(request)
}

/// What one module compiled to, or why it could not be, and whether wasmtime would refuse to
/// instantiate it for Traverse.
struct Compiled {
    module_bytes: Vec<u8>,
    budget: u64,
    refused: Option<RunEnd>,
    module: Result<(Module, Exported), String>,
}

/// Governed runs that keep the host functions linked and the last module compiled: Explore runs
/// one module thousands of times, and rewriting, compiling and linking each time cost more than
/// running it.
pub struct Runner {
    engine: Engine,
    linker: Linker<Host>,
    kept: Option<Compiled>,
}

impl Default for Runner {
    fn default() -> Self {
        let engine = Engine::default();
        let linker = link(&engine).expect("five distinct host functions link");
        Self { engine, linker, kept: None }
    }
}

impl Runner {
    /// Runs `request.module` with `request.stdin` against Traverse's host.
    pub fn run(&mut self, request: &RunRequest) -> RunOutcome {
        let Mode::Governed { events: policy } = &request.mode else {
            let governed_only = "the command line runs governed only, as Traverse does".to_owned();
            return RunOutcome::without_output(RunEnd::SetupFailed(governed_only), 0.0);
        };
        let started = std::time::Instant::now();
        let budget = request.limits.fuel_budget;
        let module_was_kept = self
            .kept
            .as_ref()
            .is_some_and(|kept| kept.budget == budget && kept.module_bytes == request.module);
        if !module_was_kept {
            self.kept = Some(compile(&self.engine, &request.module, budget));
        }
        let compiled = self.kept.as_ref().expect("compiled above");
        let compile_ms = started.elapsed().as_secs_f64() * 1e3;
        let mut store = Store::new(
            &self.engine,
            Host {
                stdio: Stdio::new(request.stdin.clone()),
                policy: policy.clone(),
                events: Accepted::default(),
            },
        );
        let (end, fuel) = match (&compiled.refused, &compiled.module) {
            (Some(end), _) => (end.clone(), matches!(end, RunEnd::Trapped(_)).then_some(0)),
            (None, Ok((module, exported))) => run_in(&mut store, &self.linker, module, exported, budget),
            // wasmi has no threads proposal: a module with atomics, which Traverse runs, stops here.
            (None, Err(error)) => (
                RunEnd::SetupFailed(format!("module compile (wasmi, the command line's engine): {error}")),
                None,
            ),
        };
        let timing =
            Timing { wall_time_ms: started.elapsed().as_secs_f64() * 1e3, compile_ms, module_was_kept };
        let Host { stdio, events, .. } = store.into_data();
        RunOutcome::governed(stdio, events, end, fuel, budget, timing)
    }
}

/// The module rewritten for `budget` and compiled.
fn compile(engine: &Engine, module_bytes: &[u8], budget: u64) -> Compiled {
    // What wasmtime compiles but will not instantiate for Traverse never reaches wasmi, which
    // has no shared memories to compile it with.
    let refused = execution::instantiation_failure(module_bytes);
    let module = instrument::instrument(module_bytes, budget).and_then(|bytes| {
        let exported = Exported::of(module_bytes).map_err(|error| error.to_string())?;
        Ok((Module::new(engine, &bytes[..]).map_err(|error| error.to_string())?, exported))
    });
    Compiled { module_bytes: module_bytes.to_vec(), budget, refused, module }
}

/// How the run ended, and the fuel it consumed once the module was instantiated.
fn run_in(
    store: &mut Store<Host>,
    linker: &Linker<Host>,
    module: &Module,
    exported: &Exported,
    budget: u64,
) -> (RunEnd, Option<u64>) {
    let instance = match linker.instantiate_and_start(&mut *store, module) {
        Ok(instance) => instance,
        // A data segment out of bounds traps the run, as when wasmtime instantiates a `_start`
        // module at call time; no fuel was spent.
        Err(error) if error.as_trap_code().is_some() => return (ended_by(&error), Some(0)),
        Err(error) => return (RunEnd::SetupFailed(format!("module link: {error}")), None),
    };
    // The rewrite turned the start section into an export, called here as instantiation would.
    let started = match &exported.start {
        Some(start) => call(store, &instance, start),
        None => Ok(()),
    };
    let end = started.err().unwrap_or_else(|| {
        let calls = execution::entry_calls(|name| instance.get_func(&*store, name).is_some());
        calls.into_iter().find_map(|name| call(store, &instance, name).err()).unwrap_or(RunEnd::Returned)
    });
    let counter = |name: &str| match instance.get_global(&*store, name).map(|global| global.get(&*store)) {
        Some(Val::I64(value)) => value as u64,
        _ => 0,
    };
    let counters = Counters {
        fuel: counter(&exported.fuel),
        grow_pages: counter(&exported.grow_pages),
        table_grow_elements: counter(&exported.table_grow_elements),
    };
    (counters.explain(end, budget), Some(counters.fuel))
}

fn call(store: &mut Store<Host>, instance: &Instance, name: &str) -> Result<(), RunEnd> {
    let function = instance
        .get_typed_func::<(), ()>(&*store, name)
        .map_err(|error| RunEnd::SetupFailed(format!("typed: {error}")))?;
    function.call(store, ()).map_err(|error| ended_by(&error))
}

/// `proc_exit` and our own traps come back as host errors; anything else is the engine's trap,
/// which wasmi names as wasmtime does.
fn ended_by(error: &wasmi::Error) -> RunEnd {
    match error.downcast_ref::<Stopped>() {
        Some(Stopped(HostStop::Exit(code))) => RunEnd::Exited(*code as i32),
        Some(Stopped(HostStop::Trap(message))) => RunEnd::Trapped(message.clone()),
        None => match error.as_trap_code() {
            Some(code) => RunEnd::Trapped(format!("wasm trap: {}", code.trap_message())),
            None => RunEnd::Trapped(error.to_string()),
        },
    }
}

/// The guest's memory through wasmi, for the host functions.
struct View<'a>(&'a mut [u8]);

impl GuestMemory for View<'_> {
    fn size(&self) -> u64 {
        self.0.len() as u64
    }

    fn read(&self, offset: u32, len: u32) -> Option<Vec<u8>> {
        let start = offset as usize;
        self.0.get(start..start.checked_add(len as usize)?).map(<[u8]>::to_vec)
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Option<()> {
        let start = offset as usize;
        self.0.get_mut(start..start.checked_add(bytes.len())?)?.copy_from_slice(bytes);
        Some(())
    }
}

fn memory_of(caller: &Caller<'_, Host>) -> Option<Memory> {
    caller.get_export("memory").and_then(Extern::into_memory)
}

/// The host function's answer, or the trap that ends the run.
fn stopped(stop: HostStop) -> wasmi::Error {
    wasmi::Error::host(Stopped(stop))
}

/// Calls a WASI host function with the guest's memory and the host's state: WASI calls need the
/// memory, and wasmtime traps without one, as we do.
fn with_memory(
    caller: &mut Caller<'_, Host>,
    call: impl FnOnce(&mut View<'_>, &mut Host) -> Result<i32, HostStop>,
) -> Result<i32, wasmi::Error> {
    let memory = memory_of(caller)
        .ok_or_else(|| stopped(HostStop::Trap("missing required memory export".to_owned())))?;
    let (memory, host) = memory.data_and_store_mut(caller);
    call(&mut View(memory), host).map_err(stopped)
}

/// The five host functions Traverse links, and nothing else.
fn link(engine: &Engine) -> Result<Linker<Host>, wasmi::Error> {
    let mut linker = Linker::<Host>::new(engine);
    linker.func_wrap(
        "wasi_snapshot_preview1",
        "fd_read",
        |mut caller: Caller<'_, Host>, fd: i32, iovs: i32, iovs_len: i32, nread: i32| {
            with_memory(&mut caller, |memory, host| {
                host.stdio.fd_read(memory, fd, iovs as u32, iovs_len as u32, nread as u32)
            })
        },
    )?;
    linker.func_wrap(
        "wasi_snapshot_preview1",
        "fd_write",
        |mut caller: Caller<'_, Host>, fd: i32, iovs: i32, iovs_len: i32, nwritten: i32| {
            with_memory(&mut caller, |memory, host| {
                host.stdio.fd_write(memory, fd, iovs as u32, iovs_len as u32, nwritten as u32)
            })
        },
    )?;
    linker.func_wrap("wasi_snapshot_preview1", "proc_exit", |code: i32| -> Result<(), wasmi::Error> {
        Err(stopped(Stdio::proc_exit(code as u32)))
    })?;
    linker.func_wrap("traverse_host", "emit_event", |mut caller: Caller<'_, Host>, ptr: i32, len: i32| {
        let memory = memory_of(&caller);
        match memory {
            Some(memory) => {
                let (memory, host) = memory.data_and_store_mut(&mut caller);
                traverse::emit_event(&host.policy, Some(&View(memory)), ptr, len, &mut host.events)
            }
            None => {
                let host = caller.data_mut();
                traverse::emit_event(&host.policy, None::<&View>, ptr, len, &mut host.events)
            }
        }
    })?;
    linker.func_wrap(
        "traverse_host",
        "connector_invoke",
        |mut caller: Caller<'_, Host>, req_ptr: i32, req_len: i32, resp_ptr: i32, resp_cap: i32| {
            let memory = memory_of(&caller);
            let view = memory.map(|memory| View(memory.data_mut(&mut caller)));
            traverse::connector_invoke(view.as_ref(), req_ptr, req_len, resp_ptr, resp_cap)
        },
    )?;
    Ok(linker)
}
