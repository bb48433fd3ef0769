// SPEC §9.2 and §9.3 in the browser: each executor edge case, run governed, ends as Traverse's
// executor ends it, with the same stdout bytes and Traverse's collapsed line.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { COLLAPSED, FIXTURES, expectFields, loadPackage, looseHello, ok, openPlayground, refused, run, runWith, text } from './harness.mjs';

let playground;
before(async () => { playground = await openPlayground(); });
after(async () => { await playground?.close(); });

const CASES = [
  ['write-json', ok('{"ok":true}')],
  ['proc-exit-0', { end: 'failed', detail: 'proc_exit(0)', stdout: '{"ok":true}', verdict: COLLAPSED, cause: /^execution failed: the guest called proc_exit\(0\)/ }],
  // It runs, doing nothing; its empty stdout is what fails, as in Traverse (SPEC §9.2).
  ['no-entry', { end: 'completed', stdout: '', verdict: COLLAPSED,
    cause: 'output deserialization failed: stdout is not valid JSON: EOF while parsing a value at line 1 column 0 — raw: ' }],
  ['empty-name-entry', ok('{"ok":true}')],
  ['both-entries', ok('{"ok":true}')],
  ['grow-small', ok('{"ok":true}')],
  ['initial-128-pages', ok('{"ok":true}')],
  ['initial-129-pages', refused(/^resource exhausted: forcing trap when growing memory to 8454144 bytes/)],
  ['initialize-first', ok('{"initialized":true}')],
  ['trailing-newline', ok('{"ok":true}\n')],
  ['two-values', { end: 'completed', verdict: COLLAPSED,
    cause: 'output deserialization failed: stdout is not valid JSON: trailing characters at line 1 column 12 — raw: {"ok":true}{"ok":true}' }],
  ['not-json', { end: 'completed', verdict: COLLAPSED,
    cause: 'output deserialization failed: stdout is not valid JSON: expected ident at line 1 column 2 — raw: not-json' }],
  ['scalar', ok('42')],
  ['stderr-then-stdout', { ...ok('{"ok":true}'), stderr: 'oops!' }],
  ['stdin-probe', ok('{"sorted":true}')],
  ['import-capability-id', refused(/^runtime setup failed: module link: unknown import: `traverse_host::capability_id` has not been defined/)],
  ['start-with-params', refused(/^runtime setup failed: typed: type mismatch with parameters/)],
  ['emit-event', { ...ok('{"rc":-3}'), events: '' }],
  ['connector-invoke', ok('{"rc":-2}')],
  ['two-iovec-write', { end: 'completed', stdout: '{"ok":', verdict: COLLAPSED,
    cause: 'output deserialization failed: stdout is not valid JSON: EOF while parsing a value at line 1 column 6 — raw: {"ok":' }],
  ['two-iovec-read', ok('{"n":3}')],
];

describe('executor edge cases, governed', () => {
  let page;
  let problems;
  before(async () => { ({ page, problems } = await playground.newPage()); });

  test('stdin is sent as Traverse writes it: compact, keys sorted', async () => {
    await page.getByTestId('stdin').fill('{ "b": 1, "a": { "d": 1, "c": 2 } }');
    assert.equal(await text(page, 'stdin-sent'), '{"a":{"c":2,"d":1},"b":1}');
  });

  for (const [fixture, expected] of CASES) {
    test(fixture, async () => expectFields(await run(page, fixture), expected, fixture));
  }

  // Each test that changes a setting has a page of its own: none leaves a setting to the next.
  test('the wall-clock backstop can be changed', async () => {
    const { page: own, problems: ownProblems } = await playground.newPage();
    await own.getByTestId('wall-limit').fill('1500');
    await own.getByTestId('wall-limit').press('Enter');
    await own.getByTestId('mode-governed').uncheck();
    expectFields(await run(own, 'infinite-loop'),
      { end: 'timed out', detail: 'no result within the 1500 ms wall-clock limit; the runner was restarted' }, 'sandbox loop');
    assert.deepEqual(ownProblems, []);
  });

  test('a smaller fuel budget is used and labelled as not Traverse\'s', async () => {
    const { page: own, problems: ownProblems } = await playground.newPage();
    await own.getByTestId('fuel-budget').fill('1000');
    await own.getByTestId('fuel-budget').press('Enter');
    await own.getByText("(not Traverse's 5,000,000)").waitFor();
    expectFields(await run(own, 'infinite-loop'), { end: 'timed out', fuel: '1000' }, 'budget 1000');
    await own.getByTestId('fuel-budget').fill('5000000');
    await own.getByTestId('fuel-budget').press('Enter');
    assert.equal(await own.getByText("(not Traverse's 5,000,000)").count(), 0);
    assert.deepEqual(ownProblems, []);
  });

  test('no page or console errors', () => assert.deepEqual(problems, []));
});

describe('the 65,536-byte stdout cap (SPEC §9.3)', () => {
  let page;
  before(async () => { ({ page } = await playground.newPage()); });
  const json = (n) => `"${'a'.repeat(n - 2)}"`;
  for (const writes of [[65534], [65535], [65536], [32768, 32767], [32768, 32768]]) {
    test(`${writes.join(' + ')} bytes run`, async () => {
      const total = writes.reduce((a, b) => a + b);
      expectFields(await run(page, 'stdout-cap', JSON.stringify({ writes })), ok(json(total)), String(writes));
    });
  }
  for (const writes of [[65537], [40000, 40000]]) {
    test(`${writes.join(' + ')} bytes are cut at 65,536 and fail to parse`, async () => {
      const result = await run(page, 'stdout-cap', JSON.stringify({ writes }));
      const total = writes.reduce((a, b) => a + b);
      assert.equal(result.stdout.length, 65536);
      assert.equal(result.verdict, COLLAPSED);
      assert.match(result.cause, /^output deserialization failed: stdout is not valid JSON: EOF while parsing a string at line 1 column 65536/);
      assert.equal(await text(page, 'stdout-dropped'), `${total - 65536} more bytes were dropped: Traverse keeps the first 65,536 bytes of stdout.`);
    });
  }
});

describe('emit_event against the contract of a package', () => {
  /** The hello-world example with the emit-event guest as its binary and a contract that
   *  is subscribable and declares `emits`. */
  async function eventPackage(emits, fixture = 'emit-event') {
    const files = await looseHello({ binary: await readFile(resolve(FIXTURES, `${fixture}.wasm`)) });
    const contract = JSON.parse(files[1].buffer);
    Object.assign(contract, { service_type: 'subscribable', event_trigger: 'demo.go', emits });
    contract.outputs.schema = { type: 'object' };
    files[1] = { ...files[1], buffer: Buffer.from(JSON.stringify(contract, null, 2)) };
    return files;
  }

  test('a subscribable capability that declares the event: accepted, and published after success', async () => {
    const { page } = await playground.newPage();
    await loadPackage(page, await eventPackage([{ event_id: 'demo.thing-happened', version: '1.0.0' }]), { pinDigest: true });
    assert.match(await text(page, 'verdict'), /^Traverse loads this package/);
    expectFields(await runWith(page), { ...ok('{"rc":0}'), events: 'demo.thing-happened@1.0.0 {"x":1}' }, 'declared');
    const result = JSON.parse(await text(page, 'runtime-result'));
    assert.equal(result.status, 'completed');
    assert.deepEqual(result.warnings.map((w) => w.code), ['unsigned_local_dev_artifact']);
  });

  test('a module that emits more events than the playground keeps gets no Traverse verdict, not a wrong one', async () => {
    const { page } = await playground.newPage();
    await loadPackage(page, await eventPackage([{ event_id: 'demo.thing-happened', version: '1.0.0' }], 'emit-flood'), { pinDigest: true });
    await runWith(page);
    assert.equal(await text(page, 'stdout'), '{"rc":0}');
    assert.match(await text(page, 'no-run-verdict'), /^No Traverse verdict/);
    assert.equal(await text(page, 'executor-error'),
      'the module emitted 500 events more than the playground keeps (1000 events, 16 MiB): without them there is no Traverse account of the run');
    assert.equal((await text(page, 'events')).split('\n').length, 1000, 'the first 1,000 are kept and shown');
  });

  test('a subscribable capability that does not declare it: -2, no event', async () => {
    const { page } = await playground.newPage();
    await loadPackage(page, await eventPackage([]), { pinDigest: true });
    expectFields(await runWith(page), { ...ok('{"rc":-2}'), events: '' }, 'undeclared');
  });
});

// wasmtime_runs.py names ends by what the engine did; the page by what it means for the run.
const PAGE_END = { returned: 'completed', exited: 'failed' };

describe('the same runs in wasmtime 44, Traverse\'s engine', () => {
  // Written by tests/reference/wasmtime_runs.py, which scripts/test runs first.
  const runsFile = process.env.WASMTIME_RUNS;
  let page;
  before(async () => {
    assert.ok(runsFile, 'WASMTIME_RUNS is not set: run the browser tests through scripts/test');
    ({ page } = await playground.newPage());
  });

  test('every run ends the same way, with the same stdout and stderr bytes and the same fuel', async () => {
    const records = JSON.parse(await readFile(runsFile, 'utf8'));
    const cases = JSON.parse(await readFile(resolve(import.meta.dirname, '../reference/cases.json'), 'utf8'));
    assert.equal(records.length, cases.length, 'one wasmtime run per case');
    for (const reference of records) {
      const name = `${reference.fixture} ${reference.stdin.slice(0, 40)}`;
      const result = await run(page, reference.fixture, reference.stdin);
      assert.equal(await text(page, 'stdin-sent'), reference.stdin, `${name}: stdin bytes`);
      assert.equal(result.end, PAGE_END[reference.end] ?? reference.end, `${name}: end`);
      assert.equal(result.stdout, reference.stdout, `${name}: stdout`);
      assert.equal(result.stderr, reference.stderr, `${name}: stderr`);
      if (reference.end === 'exited') assert.equal(result.detail, reference.detail, `${name}: exit code`);
      assert.equal(result.fuel, String(reference.fuel_consumed), `${name}: fuel`);
    }
  });
});
