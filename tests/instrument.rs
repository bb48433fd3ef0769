//! The module rewriter, executed: instrumented modules run in wasmi (a plain interpreter with no
//! metering of its own), and the counters they export must hold wasmtime's figures.

mod common;

use common::HELLO_WASM;
use traverse_playground::run::instrument::{Exported, instrument};
use wasmi::{Engine, Linker, Module, Store, Val};

/// How an instrumented run ended, with its counters.
#[derive(Debug, PartialEq)]
struct Run {
    trapped: bool,
    fuel: i64,
    grow_bytes: i64,
    table_elements: i64,
}

/// The module rewritten with `budget` and instantiated in wasmi, with the names the rewrite gave.
fn instantiated(original: &[u8], budget: u64) -> (Store<()>, wasmi::Instance, Exported) {
    let names = Exported::of(original).unwrap();
    let bytes = instrument(original, budget).unwrap();
    wasmparser::Validator::new().validate_all(&bytes).expect("the instrumented module validates");
    let engine = Engine::default();
    let module = Module::new(&engine, &bytes[..]).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::<()>::new(&engine);
    // WASI stubs: host calls cost no fuel, so what they do does not matter here.
    linker.func_wrap("wasi_snapshot_preview1", "fd_write", |_: i32, _: i32, _: i32, _: i32| 0i32).unwrap();
    linker.func_wrap("wasi_snapshot_preview1", "fd_read", |_: i32, _: i32, _: i32, _: i32| 0i32).unwrap();
    linker.func_wrap("wasi_snapshot_preview1", "proc_exit", |_: i32| ()).unwrap();
    let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
    (store, instance, names)
}

fn run_with_budget(wat_or_wasm: &[u8], budget: u64) -> Run {
    let (mut store, instance, names) = instantiated(&wat::parse_bytes(wat_or_wasm).unwrap(), budget);
    let entry =
        ["", "_start"].into_iter().find_map(|name| instance.get_typed_func::<(), ()>(&store, name).ok());
    let trapped = entry.is_some_and(|entry| entry.call(&mut store, ()).is_err());
    let counter = |name: &str| match instance.get_global(&store, name).unwrap().get(&store) {
        Val::I64(value) => value,
        other => panic!("{name}: {other:?}"),
    };
    Run {
        trapped,
        fuel: counter(&names.fuel),
        grow_bytes: counter(&names.grow_pages) * 65_536,
        table_elements: counter(&names.table_grow_elements),
    }
}

fn fuel_of(wat: &str) -> i64 {
    let run = run_with_budget(wat.as_bytes(), 5_000_000);
    assert!(!run.trapped, "{wat}");
    run.fuel
}

#[test]
fn fuel_matches_hand_computed_wasmtime_costs() {
    // An entry costs 1; `end` is free.
    assert_eq!(fuel_of(r#"(module (func (export "_start")))"#), 1);
    // 3 consts + call in _start, 2 stores of 3 operators and 4 args + call in $write, 2 entries:
    // wasmtime reports 17 for our write-json fixture, built from the same shape.
    assert_eq!(fuel_of(include_str!("guests/wat/write-json.wat")), 17);
    // Ten iterations of 8 charged operators (the loop and its end are free).
    assert_eq!(
        fuel_of(
            r#"(module (func (export "_start") (local i32)
                 (loop (local.set 0 (i32.add (local.get 0) (i32.const 1)))
                       (br_if 0 (i32.lt_u (local.get 0) (i32.const 10))))))"#
        ),
        1 + 8 * 10
    );
    // Calls: each callee's entry and body count where they run.
    assert_eq!(
        fuel_of(r#"(module (func $g (drop (i32.const 1))) (func (export "_start") (call $g) (call $g)))"#),
        3 + 2 * 2
    );
    // Only the branch taken is charged: const, if, then-const; `else`, `nop`, `drop` are free.
    assert_eq!(
        fuel_of(
            r#"(module (func (export "_start")
                 (if (i32.const 1) (then (drop (i32.const 7))) (else (nop) (drop (i32.const 8))))))"#
        ),
        1 + 3
    );
    // br_table and an early return: the operators after `return` never run.
    assert_eq!(
        fuel_of(
            r#"(module (func (export "_start")
                 (block (block (br_table 0 1 (i32.const 1))) (i32.const 5) (drop))
                 (return) (drop (i32.const 6))))"#
        ),
        1 + 2
    );
}

#[test]
fn our_rust_guest_still_validates_and_runs_after_instrumenting() {
    // A compiled Rust guest, rewritten, still validates, instantiates and returns, its fuel
    // counted. What the count is worth is checked where wasmtime's own is at hand: the browser
    // tests compare it with wasmtime 44's run of the same module and request.
    let run = run_with_budget(HELLO_WASM, 5_000_000);
    assert!(!run.trapped, "{run:?}");
    assert!(run.fuel > 0 && run.fuel < 5_000_000, "{run:?}");
}

#[test]
fn a_trap_loses_the_units_not_yet_saved_as_in_wasmtime() {
    // Five rounds of 14 units and the entry (71), then the sixth round's 5 units before the call
    // are saved; the callee's entry and body (4) are not, when its division by zero traps.
    let divided = run_with_budget(include_bytes!("guests/wat/trap-after-calls.wat"), 5_000_000);
    assert_eq!((divided.trapped, divided.fuel), (true, 76));
    // An explicit `unreachable` is an exit: the entry unit is saved before it.
    let unreachable = run_with_budget(include_bytes!("guests/wat/unreachable.wat"), 5_000_000);
    assert_eq!((unreachable.trapped, unreachable.fuel), (true, 1));
}

#[test]
fn an_endless_loop_traps_once_the_budget_is_spent() {
    let run = run_with_budget(include_bytes!("guests/wat/infinite-loop.wat"), 1_000);
    assert!(run.trapped);
    // The counter passes the budget by the one unit that trips the check at the loop header;
    // the runner reports the budget, as wasmtime does.
    assert_eq!(run.fuel, 1_001, "checked at the loop header: {run:?}");
}

#[test]
fn memory_growth_past_the_limit_traps_with_the_size_asked_for() {
    let grow = |memory: &str, pages: u32| {
        let wat = format!(
            r#"(module (memory (export "memory") {memory}) (func (export "_start") (drop (memory.grow (i32.const {pages})))))"#
        );
        run_with_budget(wat.as_bytes(), 5_000_000)
    };
    // SPEC §9.2 memory_grow_past_8mib: 1 + 200 pages is 13,172,736 bytes.
    let past = grow("1", 200);
    assert_eq!((past.trapped, past.grow_bytes), (true, 13_172_736));
    assert_eq!(
        (grow("1", 100).trapped, grow("1", 127).trapped, grow("1", 128).trapped),
        (false, false, true)
    );
    // The module's own maximum is a limit too.
    let own_max = grow("1 3", 3);
    assert_eq!((own_max.trapped, own_max.grow_bytes), (true, 4 * 65_536));
    assert!(!grow("1 3", 2).trapped);
}

#[test]
fn table_growth_past_the_limit_traps_with_the_elements_asked_for() {
    let grow = |table: &str, elements: u32| {
        let wat = format!(
            r#"(module (table {table} funcref)
                 (func (export "_start") (drop (table.grow (ref.null func) (i32.const {elements})))))"#
        );
        run_with_budget(wat.as_bytes(), 5_000_000)
    };
    let past = grow("1", 2_000);
    assert_eq!((past.trapped, past.table_elements), (true, 2_001));
    assert_eq!((grow("1", 1_023).trapped, grow("1", 1_024).trapped), (false, true));
    let own_max = grow("1 5", 10);
    assert_eq!((own_max.trapped, own_max.table_elements), (true, 11));
}

#[test]
fn imports_exports_and_behaviour_are_kept() {
    let original = wat::parse_str(include_str!("guests/wat/emit-event.wat")).unwrap();
    let rewritten = instrument(&original, 5_000_000).unwrap();
    let describe = |bytes: &[u8]| traverse_playground::check::module_info::inspect(bytes).unwrap();
    let (before, after) = (describe(&original), describe(&rewritten));
    assert_eq!(after.imports, before.imports);
    let names = |info: &traverse_playground::check::module_info::ModuleInfo| {
        info.exports.iter().map(|e| e.name.clone()).collect::<Vec<_>>()
    };
    let counters = vec![
        "__traverse_playground_fuel".to_owned(),
        "__traverse_playground_grow_pages".to_owned(),
        "__traverse_playground_table_grow_elements".to_owned(),
    ];
    assert_eq!(names(&after), [names(&before), counters.clone()].concat());
    // A module without globals or exports gets both sections, in the right place.
    let bare = instrument(&wat::parse_str("(module (func))").unwrap(), 10).unwrap();
    assert_eq!(names(&describe(&bare)), counters);
}

#[test]
fn a_start_function_becomes_an_export_the_runner_calls_first() {
    let original = wat::parse_bytes(include_bytes!("guests/wat/start-loop.wat")).unwrap();
    let names = Exported::of(&original).unwrap();
    assert_eq!(names.start.as_deref(), Some("__traverse_playground_start"));
    let bytes = instrument(&original, 1_000).unwrap();
    let sections: Vec<_> = wasmparser::Parser::new(0).parse_all(&bytes).collect::<Result<_, _>>().unwrap();
    assert!(!sections.iter().any(|payload| matches!(payload, wasmparser::Payload::StartSection { .. })));
    let engine = Engine::default();
    let module = Module::new(&engine, &bytes[..]).unwrap();
    let mut store = Store::new(&engine, ());
    let mut linker = Linker::<()>::new(&engine);
    linker.func_wrap("wasi_snapshot_preview1", "fd_write", |_: i32, _: i32, _: i32, _: i32| 0i32).unwrap();
    // Instantiating no longer runs the endless start function; calling its export spends the budget.
    let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
    let start = instance.get_typed_func::<(), ()>(&store, names.start.as_deref().unwrap()).unwrap();
    assert!(start.call(&mut store, ()).is_err());
    let Val::I64(fuel) = instance.get_global(&store, &names.fuel).unwrap().get(&store) else { panic!() };
    assert_eq!(fuel, 1_001);
}

#[test]
fn a_function_with_several_results_left_by_a_branch_is_charged_in_full() {
    // 100,000 rounds of 16 units in the loop and 8 in the callee (its entry and 7 operators,
    // the branch to its own label included), the entry, and 18 units after the loop.
    let counted = run_with_budget(include_bytes!("guests/wat/multi-value-loop.wat"), 5_000_000);
    assert_eq!((counted.trapped, counted.fuel), (false, 2_400_019));
    let endless = run_with_budget(include_bytes!("guests/wat/multi-value-endless.wat"), 1_000);
    // Over the budget by what the last round charged before a check tripped; the runner reports
    // the budget, as wasmtime does.
    assert_eq!((endless.trapped, endless.fuel), (true, 1_003));
}

#[test]
fn growth_of_64_bit_memories_and_tables_is_guarded_as_of_32_bit_ones() {
    let memory = |delta: &str| {
        let wat = format!(
            r#"(module (memory (export "memory") i64 1) (func (export "_start") (drop (memory.grow (i64.const {delta})))))"#
        );
        run_with_budget(wat.as_bytes(), 5_000_000)
    };
    assert_eq!((memory("127").trapped, memory("127").grow_bytes), (false, 0));
    assert_eq!((memory("128").trapped, memory("128").grow_bytes), (true, 129 * 65_536));
    // A delta whose sum with the size wraps is recorded as the largest size there is.
    let huge = memory("-1");
    assert_eq!((huge.trapped, huge.grow_bytes), (true, -65_536));
    let table = |delta: u32| {
        let wat = format!(
            r#"(module (table i64 1 funcref) (func (export "_start") (drop (table.grow (ref.null func) (i64.const {delta})))))"#
        );
        run_with_budget(wat.as_bytes(), 5_000_000)
    };
    assert_eq!((table(1_023).trapped, table(1_023).table_elements), (false, 0));
    assert_eq!((table(5_000).trapped, table(5_000).table_elements), (true, 5_001));
    assert_eq!((table(1_024).trapped, table(1_024).table_elements), (true, 1_025));
}

#[test]
fn an_access_that_can_never_be_in_bounds_saves_its_fuel_as_wasmtime_does() {
    // wasmtime compiles such an access to a plain trap, counting up to and including it; an
    // access that might be in bounds loses the unsaved units when it traps. Figures from
    // wasmtime 44: the entry, two `i32.const 0 drop`, the address, the access (and the value).
    let trapped_after = |memory: &str, access: &str| {
        let wat = format!(
            r#"(module (memory {memory}) (func (export "_start") i32.const 0 drop i32.const 0 drop {access} i32.const 0 drop))"#
        );
        let run = run_with_budget(wat.as_bytes(), 5_000_000);
        assert!(run.trapped, "{access}");
        run.fuel
    };
    assert_eq!(trapped_after("1", "i32.const 0 i32.load offset=4294967295 drop"), 5);
    assert_eq!(trapped_after("1", "i32.const 0 i32.load offset=4294967293 drop"), 5);
    assert_eq!(trapped_after("1", "i32.const 0 i32.const 0 i32.store offset=4294967295"), 6);
    assert_eq!(trapped_after("1 1", "i32.const 0 i32.load offset=65533 drop"), 5);
    // Might be in bounds (offset and size reach exactly 4 GiB, or a dynamic address): nothing saved.
    assert_eq!(trapped_after("1", "i32.const 0 i32.load offset=4294967292 drop"), 0);
    assert_eq!(trapped_after("1", "i32.const -1 i32.load drop"), 0);
}

/// Runs a rewritten module as governed mode does: the start function's export when the module
/// had a start section, then `_start`; answers the byte at `offset` of its memory.
fn run_as_the_runner(original: &[u8], offset: usize) -> u8 {
    let (mut store, instance, names) = instantiated(original, 5_000_000);
    for name in names.start.iter().map(String::as_str).chain(["_start"]) {
        instance.get_typed_func::<(), ()>(&store, name).unwrap().call(&mut store, ()).unwrap();
    }
    instance.get_memory(&store, "memory").unwrap().data(&store)[offset]
}

#[test]
fn the_rewrite_never_takes_a_name_the_module_has_nor_runs_code_traverse_does_not() {
    let exports = |bytes: &[u8]| {
        let info = traverse_playground::check::module_info::inspect(bytes).unwrap();
        info.exports.into_iter().map(|export| export.name).collect::<Vec<_>>()
    };
    // An export named as a start function, with no start section: never called.
    let named_start = wat::parse_str(include_str!("guests/wat/export-named-start.wat")).unwrap();
    let names = Exported::of(&named_start).unwrap();
    assert_eq!(names.start, None);
    assert_eq!(names.fuel, "__traverse_playground1_fuel");
    assert_eq!(run_as_the_runner(&named_start, 1030), b'0');

    // A start section and every name the rewrite would take first: each added name is new, the
    // module's own exports are kept, and the start function runs exactly once.
    let counters = wat::parse_str(include_str!("guests/wat/export-named-counters.wat")).unwrap();
    let names = Exported::of(&counters).unwrap();
    assert_eq!(
        names,
        Exported {
            fuel: "__traverse_playground2_fuel".into(),
            grow_pages: "__traverse_playground2_grow_pages".into(),
            table_grow_elements: "__traverse_playground2_table_grow_elements".into(),
            start: Some("__traverse_playground2_start".into()),
        }
    );
    let rewritten = instrument(&counters, 5_000_000).unwrap();
    let added = [&names.fuel, &names.grow_pages, &names.table_grow_elements, names.start.as_ref().unwrap()];
    assert_eq!(exports(&rewritten), [exports(&counters), added.map(|name| name.clone()).to_vec()].concat());
    assert_eq!(run_as_the_runner(&counters, 1030), b'1');
}
