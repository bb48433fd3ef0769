// Hostile modules, run governed: each ends with the verdict Traverse's executor gives it, within
// its limits (fuel, memory, tables, stdout), without the wall-clock backstop, and the next run
// of a good module works. The README counts this list.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { COLLAPSED, expectFields, ok, openPlayground, refused, run, text } from './harness.mjs';

const FUEL_SPENT = {
  end: 'timed out', detail: 'all fuel consumed by WebAssembly (budget 5000000)', fuel: '5000000',
  verdict: COLLAPSED, cause: 'execution timed out: all fuel consumed by WebAssembly',
};
const trapped = (reason) => ({ end: 'trapped', detail: reason, stdout: '', verdict: COLLAPSED, cause: /^execution failed: / });
const exhausted = (what) => ({ end: 'resource exhausted', detail: `forcing trap when growing ${what}`, verdict: COLLAPSED,
  cause: `resource exhausted: forcing trap when growing ${what}` });
const unauthorized = (name) => refused(`unauthorized_host_import: ABI 1.0.0 does not allow import ${name}`);

/** [fixture in tests/guests/wat/, what it does, what the page must show] */
const HOSTILE = [
  ['infinite-loop', 'endless loop', FUEL_SPENT],
  ['start-loop', 'endless loop in the start function', FUEL_SPENT],
  ['deep-recursion', 'unbounded recursion', trapped(/^wasm trap: call stack exhausted/)],
  ['initial-200-pages', 'memory bomb: 200 initial pages',
    refused(/^resource exhausted: forcing trap when growing memory to 13107200 bytes/)],
  ['grow-past-limit', 'one memory.grow past 128 pages', exhausted('memory to 13172736 bytes')],
  ['grow-loop', 'memory.grow a page at a time until it fails', exhausted('memory to 8454144 bytes')],
  ['grow-memory64-past-limit', 'its only memory 64-bit, grown past 128 pages', exhausted('memory to 13172736 bytes')],
  ['table-bomb', 'table bomb: 10,000,000 initial elements',
    refused(/^resource exhausted: forcing trap when growing table to 10000000 elements/)],
  ['grow-table-past-limit', 'table.grow past 1,024 elements', exhausted('table to 2001 elements')],
  ['nine-tables', 'nine tables', refused(/^resource limit exceeded: 9 tables, at most 8/)],
  ['two-memories', 'two memories', refused(/^resource limit exceeded: 2 memories, at most 1/)],
  ['stdout-flood', 'stdout flood: 4 KiB writes in an endless loop', { ...FUEL_SPENT, stdout: 'a'.repeat(65_536) }],
  ['stderr-flood', 'stderr flood: 4 KiB writes in an endless loop', { ...FUEL_SPENT, stderr: 'a'.repeat(65_536) }],
  ['huge-write', 'one 8 MiB write to stdout', { end: 'completed', stdout: 'a'.repeat(65_536), verdict: COLLAPSED,
    cause: /^output deserialization failed: stdout is not valid JSON: expected value at line 1 column 1 — raw: a/ }],
  ['proc-exit-3', 'proc_exit(3)', { end: 'failed', detail: 'proc_exit(3)', verdict: COLLAPSED }],
  ['unreachable', 'unreachable', trapped(/^wasm trap: wasm `unreachable` instruction executed/)],
  ['trap-divide-by-zero', 'integer division by zero', trapped(/^wasm trap: integer divide by zero/)],
  ['trap-integer-overflow', 'i32::MIN / -1', trapped(/^wasm trap: integer overflow/)],
  ['trap-bad-conversion', 'NaN truncated to an integer', trapped(/^wasm trap: invalid conversion to integer/)],
  ['trap-load-out-of-bounds', 'a load past the end of memory', trapped(/^wasm trap: out of bounds memory access/)],
  ['trap-null-call', 'call_indirect to an empty slot', trapped(/^wasm trap: uninitialized element/)],
  ['trap-signature-mismatch', 'call_indirect with the wrong type', trapped(/^wasm trap: indirect call type mismatch/)],
  ['trap-table-out-of-bounds', 'call_indirect past the table', trapped(/^wasm trap: undefined element: out of bounds table access/)],
  ['write-past-memory', 'an fd_write iovec past the end of memory', trapped('pointer out of bounds')],
  ['data-out-of-bounds', 'a data segment past the end of memory', trapped(/^wasm trap: out of bounds memory access/)],
  // Threads: wasmtime compiles them for Traverse, and refuses a shared memory at instantiation.
  ['atomic-unaligned', 'an atomic load at an address its size does not divide', trapped(/^wasm trap: unaligned atomic/)],
  ['atomic-wait', 'memory.atomic.wait32 on an ordinary memory', trapped(/^wasm trap: atomic wait on non-shared memory/)],
  ['shared-memory', 'a shared memory', { ...trapped('shared memory support is disabled for this engine -- see `Config::shared_memory`'), fuel: '0' }],
  ['atomics', 'stores, read-modify-writes, a fence and a notify on an ordinary memory', { ...ok('{"ok":3}'), fuel: '26' }],
  ['import-environ-get', 'imports environ_get', unauthorized('wasi_snapshot_preview1::environ_get')],
  ['import-sock-accept', 'imports a network function (sock_accept)', unauthorized('wasi_snapshot_preview1::sock_accept')],
  ['import-sock-send', 'imports a network function (sock_send)', unauthorized('wasi_snapshot_preview1::sock_send')],
  ['import-path-open', 'imports a filesystem function (path_open)', unauthorized('wasi_snapshot_preview1::path_open')],
  ['import-fd-prestat-get', 'asks for preopened directories', unauthorized('wasi_snapshot_preview1::fd_prestat_get')],
  ['import-env-memory', 'imports its memory', unauthorized('env::memory')],
  ['import-env-table', 'imports its table', unauthorized('env::table')],
  // The rewrite's own names, taken by the module: it runs as in wasmtime, nothing else called.
  ['export-named-start', 'exports a function under the name the rewrite once gave a start function', ok('{"ok":0}')],
  ['export-named-counters', 'a start section and every name the rewrite would take first', ok('{"ok":1}')],
];

let playground;
before(async () => { playground = await openPlayground(); });
after(async () => { await playground?.close(); });

describe(`${HOSTILE.length} hostile modules, governed`, () => {
  let page;
  let problems;
  before(async () => { ({ page, problems } = await playground.newPage()); });

  for (const [fixture, what, expected] of HOSTILE) {
    test(`${fixture} (${what}): contained, and the next run works`, async () => {
      expectFields(await run(page, fixture), expected, fixture);
      assert.doesNotMatch(await text(page, 'end-detail'), /wall-clock/, `${fixture}: stopped by its limits, not the backstop`);
      expectFields(await run(page, 'write-json'), { ...ok('{"ok":true}'), fuel: '17' }, `${fixture}, then write-json`);
    });
  }

  test('in the sandbox, which has no fuel, floods are stopped by the wall clock; the next run works', async () => {
    await page.getByTestId('mode-governed').uncheck();
    for (const fixture of ['stdout-flood', 'stderr-flood']) {
      expectFields(await run(page, fixture, '{}'), { end: 'timed out', detail: /5000 ms wall-clock limit/ }, fixture);
      expectFields(await run(page, 'write-json', '{}'), { end: 'completed', stdout: '{"ok":true}' }, `${fixture}, then write-json`);
    }
    await page.getByTestId('mode-governed').check();
  });

  test('no page or console errors', () => assert.deepEqual(problems, []));
});
