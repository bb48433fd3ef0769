// The foundation's user stories, in the built page in headless Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HELLO_WASM, loadFixture, loadModule, openPlayground, runAndWait, text } from './harness.mjs';

let playground;
before(async () => { playground = await openPlayground(); });
after(async () => { await playground?.close(); });


test('the JSON guest greets the name it reads on stdin', async () => {
  const { page, problems } = await playground.newPage();
  await loadModule(page, HELLO_WASM);
  await page.getByTestId('stdin').fill('{"name":"Ada \\"the Countess\\""}');
  await runAndWait(page);

  assert.equal(await text(page, 'stdout'), '{"greeting":"Hello, Ada \\"the Countess\\"!","name":"Ada \\"the Countess\\""}');
  assert.equal(await text(page, 'stderr'), '');
  assert.equal(await text(page, 'end-reason'), 'completed');
  assert.equal(await text(page, 'run-verdict'), 'status: completed');
  assert.match(await text(page, 'wall-time'), /^check \d+\.\d ms · compile \d+\.\d ms · run \d+\.\d ms$/);
  assert.deepEqual(problems, []);
});

test('the JSON guest answers input that is not a named object with a structured denial', async () => {
  const { page } = await playground.newPage();
  await loadModule(page, HELLO_WASM);
  await page.getByTestId('stdin').fill('[1, 2]');
  await runAndWait(page);

  assert.equal(
    await text(page, 'stdout'),
    '{"error":"invalid_input","message":"stdin must be a JSON object with a string `name`"}',
  );
  assert.equal(await text(page, 'end-reason'), 'completed');
});

test('a runaway module ends as a fuel timeout within a fraction of a second', async () => {
  const { page, problems } = await playground.newPage();
  await loadFixture(page, 'runaway');
  await runAndWait(page);
  assert.equal(await text(page, 'end-reason'), 'timed out');
  assert.equal(await text(page, 'fuel'), '5000000');
  const ms = Number((await text(page, 'wall-time')).match(/run (\d+\.\d) ms/)[1]);
  assert.ok(ms < 1000, `ended after ${ms} ms`);
  assert.deepEqual(problems, []);
});

test('in the sandbox, a runaway module is stopped by the wall clock, the page stays responsive, and the next run works', async () => {
  const { page, problems } = await playground.newPage();
  await page.getByTestId('mode-governed').uncheck();
  await loadFixture(page, 'runaway');
  const run = runAndWait(page);

  // While the guest spins in the worker, the page still handles input at once.
  await page.getByTestId('stdin').fill('{"name":"still here"}');
  const started = Date.now();
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="stdin"]').value), '{"name":"still here"}');
  assert.ok(Date.now() - started < 1_000, 'the page answered while the module ran');

  await run;
  assert.equal(await text(page, 'end-reason'), 'timed out');
  assert.match(await text(page, 'end-detail'), /5000 ms wall-clock limit/);

  await loadModule(page, HELLO_WASM);
  await runAndWait(page);
  assert.equal(await text(page, 'end-reason'), 'completed');
  assert.equal(await text(page, 'stdout'), '{"greeting":"Hello, still here!","name":"still here"}');
  assert.deepEqual(problems, []);
});

test('a file that is not WebAssembly is refused with Traverse\'s verdict, and nothing is lost', async () => {
  const { page, problems } = await playground.newPage();
  await page.getByTestId('stdin').fill('{"name":"kept"}');
  await page.getByTestId('file-input').setInputFiles({
    name: 'picture.wasm',
    mimeType: 'application/wasm',
    buffer: Buffer.from('\x89PNG\r\n\x1a\n not a module'),
  });
  await page.getByTestId('module-name').filter({ hasText: 'picture.wasm' }).waitFor();
  await runAndWait(page);

  assert.equal(await text(page, 'end-reason'), 'failed');
  assert.match(await text(page, 'end-detail'), /^refused before running: malformed_wasm_artifact: module compile: picture\.wasm is not a WebAssembly module/);
  assert.equal(await text(page, 'run-verdict'), 'runtime execution failed: execution failed: registered artifact execution failed');
  assert.equal(await page.getByTestId('stdin').inputValue(), '{"name":"kept"}');
  assert.deepEqual(problems, []);
});

test('in the sandbox, a file that is not WebAssembly fails to compile', async () => {
  const { page } = await playground.newPage();
  await page.getByTestId('mode-governed').uncheck();
  await page.getByTestId('file-input').setInputFiles({
    name: 'picture.wasm', mimeType: 'application/wasm', buffer: Buffer.from('not a module'),
  });
  await page.getByTestId('module-name').filter({ hasText: 'picture.wasm' }).waitFor();
  await runAndWait(page);
  assert.equal(await text(page, 'end-reason'), 'failed');
  assert.match(await text(page, 'end-detail'), /^module compile: /);
  assert.equal(await text(page, 'run-verdict'), '', 'the sandbox makes no Traverse verdict');
});
