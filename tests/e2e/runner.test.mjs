// The foundation's user stories, in the built page in headless Chromium.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HELLO_WASM, loadFixture, loadModule, openPlayground, runAndWait, shown, text } from './harness.mjs';

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

test('a runaway module ends as a fuel timeout, not at the wall clock', async () => {
  const { page, problems } = await playground.newPage();
  await loadFixture(page, 'runaway');
  await runAndWait(page);
  assert.equal(await text(page, 'end-reason'), 'timed out');
  assert.equal(await text(page, 'end-detail'), 'all fuel consumed by WebAssembly (budget 5000000)');
  assert.equal(await text(page, 'fuel'), '5000000');
  assert.deepEqual(problems, []);
});

test('in the sandbox, a runaway module is stopped by the wall clock, the page stays responsive, and the next run works', async () => {
  const { page, problems } = await playground.newPage();
  await page.getByTestId('mode-governed').uncheck();
  await loadFixture(page, 'runaway');
  const runs = await text(page, 'run-count');
  const run = runAndWait(page);

  // While the guest spins in the worker, the page handles input, and the run has not ended.
  await page.getByTestId('stdin').fill('{"name":"still here"}');
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="stdin"]').value), '{"name":"still here"}');
  assert.equal(await text(page, 'run-count'), runs, 'the page answered while the module ran');

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
  assert.equal(await shown(page, 'run-verdict'), null, 'the sandbox makes no Traverse verdict');
});

test('a runner that dies is reported as killed, never as Traverse\'s verdict', async () => {
  // The runner worker's script throws as it starts, as a worker that runs out of memory would die.
  const { page } = await playground.newPage({
    before: (page) => page.route('**/runner_loader.js', (route) => route.fulfill({
      contentType: 'text/javascript', body: 'throw new Error("the runner breaks on purpose");',
    })),
  });
  await loadModule(page, HELLO_WASM);
  await runAndWait(page);
  assert.equal(await text(page, 'end-reason'), 'killed');
  assert.match(await text(page, 'end-detail'), /^the runner crashed: .*the runner breaks on purpose/);
  assert.equal(await shown(page, 'run-verdict'), null);
  assert.match(await text(page, 'no-run-verdict'), /^No Traverse verdict: the playground could not finish this run/);
  assert.match(await text(page, 'output-check'), /^The playground could not run it: the runner crashed: .*the runner breaks on purpose/);
});

test('a module run without a contract does not claim to satisfy one', async () => {
  const { page, problems } = await playground.newPage();
  await loadModule(page, HELLO_WASM);
  await page.getByTestId('stdin').fill('{"name":"Ada"}');
  await runAndWait(page);
  assert.equal(await text(page, 'end-reason'), 'completed');
  assert.equal(await text(page, 'output-check'),
    'The output is one JSON value. No contract is loaded, so no output schema was checked.');
  assert.deepEqual(problems, []);
});
