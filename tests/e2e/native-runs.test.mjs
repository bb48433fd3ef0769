// The command line's governed runs (`traverse-playground run`, on wasmi) against the same
// wasmtime 44 reference runs the page is held to (tests/reference/wasmtime_runs.py, which
// scripts/test runs first): the same end, stdout and stderr bytes, exit code and fuel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CLI, FIXTURES } from './harness.mjs';

// wasmtime_runs.py names ends by what the engine did; the command line by what it means.
const ENDS = { returned: 'completed', exited: 'failed' };
// The fixtures with atomic instructions on an unshared memory: Traverse (and the page) run
// them; wasmi cannot compile them (docs/execution.md).
const WITHOUT_THREADS = ['atomics', 'atomic-unaligned', 'atomic-out-of-bounds', 'atomic-wait'];

test('every reference run ends the same way on the command line, with the same bytes and fuel', async () => {
  const runsFile = process.env.WASMTIME_RUNS;
  assert.ok(runsFile, 'WASMTIME_RUNS is not set: run the tests through scripts/test');
  const records = JSON.parse(await readFile(runsFile, 'utf8'));
  assert.ok(records.length >= 20, `${records.length} reference runs`);
  for (const reference of records) {
    const name = `${reference.fixture} ${reference.stdin.slice(0, 40)}`;
    const ran = spawnSync(CLI, ['run', resolve(FIXTURES, `${reference.fixture}.wasm`), '--stdin', reference.stdin, '--json'],
      { encoding: 'utf8' });
    const [result] = JSON.parse(ran.stdout);
    if (WITHOUT_THREADS.includes(reference.fixture)) {
      // The one documented difference: wasmi has no threads proposal, and says so.
      assert.equal(result.end, 'failed', name);
      assert.match(result.detail, /^module compile \(wasmi, the command line's engine\): threads support is not enabled/, name);
      continue;
    }
    assert.equal(result.end, ENDS[reference.end] ?? reference.end, `${name}: end`);
    assert.equal(result.stdout, reference.stdout, `${name}: stdout`);
    assert.equal(result.stderr, reference.stderr, `${name}: stderr`);
    if (reference.end === 'exited') assert.equal(result.detail, reference.detail, `${name}: exit code`);
    assert.equal(result.fuel, reference.fuel_consumed, `${name}: fuel`);
    // Traverse's verdict, not the end, decides: two JSON values on stdout complete, and fail.
    assert.equal(ran.status, result.traverse === 'status: completed' ? 0 : 1, `${name}: exit status`);
    assert.equal(result.exit_code, ran.status, `${name}: exit code in the JSON`);
  }
});
