// The sandbox mode (not Traverse): a Rust std program gets arguments, environment and files,
// and the files it leaves are shown; governed mode refuses the same module as Traverse does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { openPlayground, run, runAndWait, shown, text } from './harness.mjs';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/sandbox-std.wasm');
let playground;
before(async () => { playground = await openPlayground(); });
after(async () => { await playground?.close(); });

async function loadStdGuest(page) {
  await page.getByTestId('file-input').setInputFiles(FIXTURE);
  await page.getByTestId('module-name').filter({ hasText: 'sandbox-std.wasm' }).waitFor();
}

test('a std program gets its arguments, environment and files, and its files are read back', async () => {
  const { page, problems } = await playground.newPage();
  await loadStdGuest(page);
  await page.getByTestId('mode-governed').uncheck();
  await page.getByTestId('sandbox-args').fill('one  two');
  await page.getByTestId('sandbox-env').fill('GREETING=hi there\n');
  await page.getByTestId('sandbox-files').setInputFiles({ name: 'input.txt', mimeType: 'text/plain', buffer: Buffer.from('hello sandbox\n') });
  await page.getByText('/data/input.txt').waitFor();
  await page.getByTestId('stdin').fill('abc');
  await runAndWait(page);

  assert.equal(await text(page, 'end-reason'), 'completed');
  assert.equal(await text(page, 'stdout'),
    '{"args":["one","two"],"greeting":"hi there","input":"hello sandbox","stdin_bytes":3,"wrote_output":true}\n');
  const files = await page.getByTestId('sandbox-file').allTextContents();
  assert.deepEqual(files, ['/data/input.txt (14 bytes) Downloadhello sandbox\n', '/data/output.txt (14 bytes) DownloadHELLO SANDBOX\n']);
  assert.equal(await shown(page, 'sandbox-file-cut'), null, 'small files are shown whole');
  assert.equal(await shown(page, 'run-verdict'), null, 'no Traverse verdict for a sandbox run');
  assert.deepEqual(problems, []);
});

test('an environment line that is not KEY=VALUE is named and blocks the run', async () => {
  const { page } = await playground.newPage();
  await loadStdGuest(page);
  await page.getByTestId('mode-governed').uncheck();
  await page.getByTestId('sandbox-env').fill('GREETING');
  assert.equal(await text(page, 'sandbox-env-error'), '"GREETING" is not KEY=VALUE');
  assert.equal(await page.getByTestId('run').isDisabled(), true);
});

test('governed mode refuses the same module, naming the first import Traverse rejects', async () => {
  const { page } = await playground.newPage();
  await loadStdGuest(page);
  await page.getByTestId('stdin').fill('{}');
  await runAndWait(page);
  assert.equal(await text(page, 'end-reason'), 'failed');
  assert.equal(await text(page, 'end-detail'), 'refused before running: unauthorized_host_import: ABI 1.0.0 does not allow import wasi_snapshot_preview1::args_get');
});

test('the sandbox keeps the first MiB of stdout, counts the rest, and the run completes', async () => {
  const { page, problems } = await playground.newPage();
  await page.getByTestId('mode-governed').uncheck();
  // huge-write: one write of 8,387,584 bytes of "a".
  const result = await run(page, 'huge-write', '{}');
  assert.equal(result.end, 'completed');
  assert.equal(result.stdout, 'a'.repeat(1_048_576));
  assert.equal(await text(page, 'stdout-dropped'),
    '7339008 more bytes were not kept: the sandbox keeps the first 1,048,576 bytes of stdout.');
  assert.equal(await shown(page, 'stderr-dropped'), null);
  assert.deepEqual(problems, []);
});

test('a module filling the filesystem is refused past 64 MiB as by a full disk; its file is shown by its start and downloads whole', async () => {
  const { page, problems } = await playground.newPage();
  await loadStdGuest(page);
  await page.getByTestId('mode-governed').uncheck();
  // sandbox-std fill: writes /fill.bin a MiB at a time until a write fails.
  await page.getByTestId('sandbox-args').fill('fill');
  await runAndWait(page);
  assert.equal(await text(page, 'end-reason'), 'completed');
  assert.equal(await text(page, 'stdout'), '{"filled_mib":64,"error":"I/O error (os error 29)"}\n');
  const file = page.getByTestId('sandbox-file');
  assert.equal(await file.count(), 1);
  assert.equal(await file.locator('code').textContent(), '/fill.bin');
  assert.match(await file.textContent(), /^\/fill\.bin \(67108864 bytes\) Download/);
  assert.equal(await file.locator('pre').textContent(), 'a'.repeat(4096));
  assert.equal(await text(page, 'sandbox-file-cut'), 'The first 4,096 bytes are shown.');
  const started = page.waitForEvent('download');
  await page.getByTestId('sandbox-file-download').click();
  const download = await started;
  assert.equal(download.suggestedFilename(), 'fill.bin');
  const bytes = await readFile(await download.path());
  assert.equal(bytes.length, 64 << 20);
  assert.ok(bytes.every((byte) => byte === 0x61), 'every byte written is downloaded');
  assert.deepEqual(problems, []);
});
