// Explore in the page, on the planted guest (tests/guests/planted): each kind of failure found
// and shrunk, the same findings as the command line for the same seed, Stop, Save as request,
// and a schema it cannot generate from named.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile, mkdir, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { CLI, EXAMPLES, FIXTURES, loadPackage, openPlayground } from './harness.mjs';

const MODES = ['ok', 'trap', 'loop', 'exit', 'text', 'wrong', 'event'];

let playground;
let work;
before(async () => {
  playground = await openPlayground();
  work = await mkdtemp(resolve(tmpdir(), 'explore-'));
});
after(async () => {
  await playground?.close();
  await rm(work, { recursive: true, force: true });
});

/** The planted package on disk (for the command line) and as files to drop (for the page),
 *  byte for byte the same. */
async function planted(name, modeSchema = { type: 'string', enum: MODES }) {
  const folder = resolve(work, name);
  await mkdir(folder, { recursive: true });
  const contract = JSON.parse(await readFile(resolve(EXAMPLES, 'hello-world/contract.json'), 'utf8'));
  contract.inputs.schema = {
    type: 'object', required: ['mode', 'n'],
    properties: { mode: modeSchema, n: { type: 'integer', minimum: 0, maximum: 100 } },
  };
  contract.outputs.schema = { type: 'object', required: ['result'], properties: { result: { type: 'integer' } } };
  contract.use_cases = [
    { scenario: 'a small n', input_example: { mode: 'ok', n: 1 }, output_example: { result: 1 }, happy: true },
    { scenario: 'not a mode', input_example: { mode: 'none', n: 1 }, output_example: { result: 1 }, happy: false },
  ];
  const manifest = JSON.parse(await readFile(resolve(EXAMPLES, 'hello-world/manifest.json'), 'utf8'));
  Object.assign(manifest.source, { path: './lib.rs' });
  Object.assign(manifest.binary, { path: './planted.wasm' });
  await writeFile(resolve(folder, 'contract.json'), JSON.stringify(contract, null, 2));
  await writeFile(resolve(folder, 'manifest.json'), JSON.stringify(manifest, null, 2));
  await writeFile(resolve(folder, 'lib.rs'), '// tests/guests/planted');
  await copyFile(resolve(FIXTURES, 'planted.wasm'), resolve(folder, 'planted.wasm'));
  execFileSync(CLI, ['update-digest', resolve(folder, 'manifest.json')]);
  const file = async (name, mimeType) => ({ name, mimeType, buffer: await readFile(resolve(folder, name)) });
  const files = [await file('manifest.json', 'application/json'), await file('contract.json', 'application/json'),
    await file('lib.rs', 'text/plain'), await file('planted.wasm', 'application/wasm')];
  return { folder, files };
}

async function explore(page, { seed, inputs }) {
  await page.getByTestId('explore-seed').fill(String(seed));
  await page.getByTestId('explore-runs').fill(String(inputs));
  await page.getByTestId('explore').click();
  await page.locator('[data-testid="explore-summary"][data-done="true"]').waitFor({ timeout: 120_000 });
}

const shown = (page) => page.getByTestId('explore-finding').evaluateAll((items) => items.map((item) => ({
  kind: item.dataset.kind,
  input: JSON.parse(item.querySelector('[data-testid="explore-input"]').textContent),
  line: item.querySelector('[data-testid="explore-line"]').textContent,
})));

test('each planted bug is found and shrunk in the page, as the command line finds it with the same seed', async () => {
  const { folder, files } = await planted('all');
  const { page, problems } = await playground.newPage();
  await loadPackage(page, files);
  await page.locator('[data-testid="verdict"].pass').waitFor();
  await explore(page, { seed: 7, inputs: 200 });
  const findings = await shown(page);
  assert.deepEqual(findings.map((f) => [f.kind, f.input]), [
    ['trap', { mode: 'trap', n: 42 }], ['timeout', { mode: 'loop', n: 42 }], ['exit', { mode: 'exit', n: 42 }],
    ['not-json', { mode: 'text', n: 42 }], ['output-schema', { mode: 'wrong', n: 42 }],
    ['undeclared-event', { mode: 'event', n: 42 }],
  ]);
  const summary = page.getByTestId('explore-summary');
  assert.equal(await summary.getAttribute('data-findings'), '6');
  assert.equal(await summary.getAttribute('data-seed'), '7');

  // The command line, same package, same seed: the same findings, found with the same inputs,
  // in the same number of runs.
  const cli = JSON.parse(spawnSync(CLI, ['explore', resolve(folder, 'manifest.json'), '--runs', '200', '--seed', '7', '--json'],
    { encoding: 'utf8' }).stdout);
  assert.deepEqual(cli.findings.map((f) => [f.kind, f.input, f.traverse_line]), findings.map((f) => [f.kind, f.input, f.line]));
  assert.equal(await summary.getAttribute('data-runs'), String(cli.runs));

  // Saved as a request, a finding is a request of the package: Run runs it to the same failure.
  await page.locator('[data-testid="explore-finding"][data-kind="trap"] [data-testid="explore-save"]').click();
  await page.getByTestId('request-select').selectOption('runtime-requests/explore-trap.json');
  const request = JSON.parse(await page.getByTestId('stdin').inputValue());
  assert.deepEqual(request, { mode: 'trap', n: 42 });
  assert.deepEqual(problems, []);
});

test('Stop ends an exploration at once, and a schema Explore cannot generate from is named', async () => {
  const { files } = await planted('stop', { type: 'string', enum: ['ok'] });
  const { page, problems } = await playground.newPage();
  await loadPackage(page, files);
  await page.locator('[data-testid="verdict"].pass').waitFor();
  await page.getByTestId('explore-runs').fill('100000');
  await page.getByTestId('explore').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="explore-summary"]')?.dataset.runs) >= 50);
  await page.getByTestId('explore-stop').click();
  const summary = page.locator('[data-testid="explore-summary"][data-done="true"]');
  await summary.waitFor();
  assert.ok(Number(await summary.getAttribute('data-runs')) < 100000);
  assert.equal(await summary.getAttribute('data-findings'), '0');
  // The page answered throughout: the explore button is back and works.
  assert.equal(await page.getByTestId('explore').isEnabled(), true);

  const { files: unsupported } = await planted('oneof', { oneOf: [{ const: 'ok' }] });
  await page.getByTestId('clear').click();
  await loadPackage(page, unsupported);
  await page.locator('[data-testid="verdict"].pass').waitFor();
  await page.getByTestId('explore').click();
  assert.equal(await page.getByTestId('explore-note').textContent(),
    'Explore cannot generate from the input schema at /properties/mode: `oneOf` chooses or refers to other schemas, which Explore does not generate from');
  assert.deepEqual(problems, []);
});
