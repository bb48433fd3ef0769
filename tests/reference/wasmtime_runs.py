"""Runs fixture modules in wasmtime 44 (the engine Traverse locks) the way Traverse's executor
configures it, and prints one JSON record per run, for the browser spec to compare against.

Configuration as in SPEC §8.3 and §8.6: fuel metering with a 5,000,000 budget, stdin from a
buffer, stdout and stderr captured, no arguments, environment or preopened directories, entry
"" before _start. Only fixtures whose imports wasmtime-wasi provides are run here: Traverse's
static refusals (forbidden imports, limits) and its traverse_host functions are the
playground's own code, checked against SPEC.md instead.

usage: wasmtime_runs.py <fixtures-dir> <cases.json>
(cases.json: [{"fixture", "stdin"}], stdin exactly as Traverse would write it)
"""

import json
import os
import sys
import tempfile

from wasmtime import Config, Engine, ExitTrap, Linker, Module, Store, Trap, WasiConfig, WasmtimeError

FUEL_BUDGET = 5_000_000


def traverse_engine():
    """An engine configured as Traverse's executor configures it: fuel metering on."""
    config = Config()
    config.consume_fuel = True
    return Engine(config)


def run(path, stdin):
    engine = traverse_engine()
    return run_module(engine, Module.from_file(engine, path), stdin)


def run_module(engine, module, stdin):
    """Instantiates `module` in a fresh store with Traverse's WASI and runs its entry."""
    store = Store(engine)
    store.set_fuel(FUEL_BUDGET)
    stdout, stderr = bytearray(), bytearray()
    with tempfile.NamedTemporaryFile(delete=False) as stdin_file:
        stdin_file.write(stdin)
    wasi = WasiConfig()
    wasi.stdin_file = stdin_file.name
    wasi.stdout_custom = stdout.extend
    wasi.stderr_custom = stderr.extend
    store.set_wasi(wasi)
    linker = Linker(engine)
    linker.define_wasi()
    end, detail = "returned", ""
    try:
        instance = linker.instantiate(store, module)
        exports = instance.exports(store)
        entry = next((name for name in ("", "_start") if name in exports), None)
        if entry is not None:
            exports[entry](store)
    except ExitTrap as exit_trap:
        end, detail = "exited", f"proc_exit({exit_trap.code})"
    except (Trap, WasmtimeError) as trap:
        # Fuel exhaustion is Traverse's timeout; other traps are execution failures.
        end = "timed out" if "all fuel consumed" in str(trap) else "trapped"
        detail = str(trap)
    finally:
        os.unlink(stdin_file.name)
    return {
        "end": end,
        "detail": detail,
        "stdout": stdout.decode("utf-8", "replace"),
        "stderr": stderr.decode("utf-8", "replace"),
        "fuel_consumed": FUEL_BUDGET - store.get_fuel(),
    }


def main():
    fixtures, cases_file = sys.argv[1], sys.argv[2]
    with open(cases_file, encoding="utf-8") as cases:
        records = [
            {**case, **run(os.path.join(fixtures, f"{case['fixture']}.wasm"), case["stdin"].encode())}
            for case in json.load(cases)
        ]
    json.dump(records, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    # wasmtime-py's native worker threads sometimes panic while the interpreter tears down,
    # after every record is written; leave without the teardown.
    os._exit(0)
