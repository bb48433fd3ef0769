"""The baseline half of scripts/bench: each request that bench-browser.mjs timed, run in
wasmtime from PyPI (the engine Traverse locks) as Traverse's executor runs it, cold (compile,
instantiate, run) and warm (the compiled module reused). Writes the samples, in milliseconds.

usage: bench-wasmtime.py <browser.json> <out.json>
"""

import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "reference"))
from wasmtime import Module  # noqa: E402
from wasmtime_runs import run_module, traverse_engine  # noqa: E402


def timed(work):
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1e3


def main():
    browser_file, out = sys.argv[1], sys.argv[2]
    runs = json.load(open(browser_file))["runs"]
    engine = traverse_engine()
    results = []
    for run in runs:
        wasm, stdin = open(run["module"], "rb").read(), run["stdin"].encode()
        repetitions = len(run["cold"])
        cold = [timed(lambda: run_module(engine, Module(engine, wasm), stdin)) for _ in range(repetitions)]
        module = Module(engine, wasm)
        warm = [timed(lambda: run_module(engine, module, stdin)) for _ in range(repetitions)]
        results.append({"example": run["example"], "request": run["request"], "cold": cold, "warm": warm,
                         "fuel": run_module(engine, module, stdin)["fuel_consumed"]})
    json.dump(results, open(out, "w"), indent=1)


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    # As in wasmtime_runs.py: leave without the interpreter's teardown.
    os._exit(0)
