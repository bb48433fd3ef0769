"""The comparing half of scripts/differential: runs the modules tests/tools/differential.rs wrote in
wasmtime 44 (the engine Traverse locks) with the same fuel budget and Traverse's store limits, and
compares each with what the playground's fuel rewrite counted: the end (returned, out of fuel,
trapped and why) and the fuel consumed.

A module of threads (atomics), which wasmi cannot run, comes rewritten: it is run here in
wasmtime with no fuel of its own, the start function's export first, and the rewrite's counters
read from its exports.

Three kinds of run are not compared, and are counted apart:
- the rewrite trapped a `memory.grow` or `table.grow` past Traverse's limits: Traverse's store
  traps there, while wasmtime from PyPI can only make the grow return -1 and go on;
- either engine ran out of call stack: how deep a stack goes is each engine's own, so the
  fuel spent before it differs (the browser's differs again);
- a shared memory: Traverse's engine (no `Config::shared_memory`) refuses to instantiate it,
  so nothing runs to compare.

usage: differential.py <folder written by tests/tools/differential.rs>
Prints one line per difference, then the figures; exits 1 when anything differs.
"""

import collections
import json
import os
import sys

from wasmtime import Config, Engine, Instance, Module, Store, Trap, WasmtimeError

MEMORY_LIMIT_BYTES = 128 * 65_536
TABLE_ELEMENTS_LIMIT = 1_024

KINDS = [
    ("unreachable", "unreachable"),
    ("out of bounds memory", "memory out of bounds"),
    ("out of bounds table", "table out of bounds"),
    ("uninitialized element", "null call"),
    ("divide by zero", "division by zero"),
    ("integer overflow", "integer overflow"),
    ("invalid conversion", "bad conversion"),
    ("call stack exhausted", "stack overflow"),
    ("type mismatch", "signature mismatch"),
    ("null", "null reference"),
    ("unaligned atomic", "unaligned atomic"),
    ("atomic wait on non-shared memory", "atomic wait"),
]


def trap_kind(message):
    """A trap's kind, from either engine's words."""
    return next((kind for words, kind in KINDS if words in message), "other")


def named(end):
    """An end as compared: a trap by its kind."""
    return f"trapped: {trap_kind(end)}" if end.startswith("trapped: ") else end


def zero(value_type):
    return {"i32": 0, "i64": 0, "f32": 0.0, "f64": 0.0}.get(str(value_type))


def run(engine, path, entry, budget):
    """How the entry ends in wasmtime, and the fuel it consumed."""
    store = Store(engine)
    store.set_fuel(budget)
    store.set_limits(memory_size=MEMORY_LIMIT_BYTES, table_elements=TABLE_ELEMENTS_LIMIT)
    try:
        instance = Instance(store, Module.from_file(engine, path), [])
        function = instance.exports(store)[entry]
        function(store, *[zero(ty) for ty in function.type(store).params])
        end = "returned"
    except (Trap, WasmtimeError) as error:
        message = str(error)
        if "all fuel consumed" in message:
            end = "out of fuel"
        elif "shared memory support is disabled" in message:
            end = "shared memory support is disabled"
        else:
            end = f"trapped: {trap_kind(message)}"
    return end, budget - store.get_fuel()


def run_rewritten(engine, folder, ours):
    """How the rewritten module's entry ends in wasmtime with no fuel metering, and the fuel its
    own counter holds, as the runner reads them."""
    names, budget = ours["names"], ours["budget"]
    store = Store(engine)
    store.set_limits(memory_size=MEMORY_LIMIT_BYTES, table_elements=TABLE_ELEMENTS_LIMIT)
    instance = None
    try:
        instance = Instance(store, Module.from_file(engine, os.path.join(folder, ours["rewritten"])), [])
        exports = instance.exports(store)
        for name in [names["start"], ours["entry"]]:
            if name is not None:
                function = exports[name]
                function(store, *[zero(ty) for ty in function.type(store).params])
        end = "returned"
    except (Trap, WasmtimeError) as error:
        end = f"trapped: {error}"
    counter = lambda name: instance.exports(store)[name].value(store) if instance else 0
    fuel = counter(names["fuel"])
    if end != "returned":
        if fuel > budget:
            end = "out of fuel"
        elif counter(names["grow_pages"]) or counter(names["table_grow_elements"]):
            end = "resource exhausted"
    return named(end), min(fuel, budget)


def main():
    folder = sys.argv[1]
    config = Config()
    config.consume_fuel = True
    engine = Engine(config)
    unmetered = Engine(Config())
    ends = collections.Counter()
    set_apart = collections.Counter()
    differences = 0
    with open(os.path.join(folder, "rewrite.jsonl"), encoding="utf-8") as records:
        for line in records:
            ours = json.loads(line)
            ours["end"] = named(ours.get("end", ""))
            if ours["entry"] is None:
                set_apart["export no function to call"] += 1
                continue
            if "rewritten" in ours:
                ours["end"], ours["fuel"] = run_rewritten(unmetered, folder, ours)
            end, fuel = run(engine, os.path.join(folder, ours["module"]), ours["entry"], ours["budget"])
            if "shared memory support is disabled" in end:
                set_apart["a shared memory (Traverse's engine does not instantiate it)"] += 1
                continue
            if ours["end"] == "resource exhausted":
                set_apart["grew past Traverse's limits (wasmtime-py cannot trap there)"] += 1
                continue
            if "trapped: stack overflow" in (end, ours["end"]):
                set_apart["ran out of call stack (each engine's depth is its own)"] += 1
                continue
            ends[end] += 1
            if (end, fuel) != (ours["end"], ours["fuel"]):
                differences += 1
                print(f"{ours['module']} {ours['entry']!r}: wasmtime {end}, {fuel} fuel; "
                      f"the rewrite {ours['end']}, {ours['fuel']} fuel")
    compared = sum(ends.values())
    print(f"{compared} modules compared, {differences} differences; by end: "
          + ", ".join(f"{end} {count}" for end, count in sorted(ends.items())))
    for reason, count in sorted(set_apart.items()):
        print(f"{count} set apart: {reason}")
    sys.stdout.flush()
    # wasmtime-py's native threads sometimes panic while the interpreter tears down.
    os._exit(1 if differences else 0)


if __name__ == "__main__":
    main()
