// Every example package in the gallery passes its checks, and each of its runtime requests
// runs, in the page, to the output its contract's matching use case gives, or is refused
// before running when that use case expects nothing ({}), as Traverse refuses bad input.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { EXAMPLES, openPlayground, runAndWait, text } from './harness.mjs';

const index = JSON.parse(await readFile(resolve(EXAMPLES, 'index.json'), 'utf8'));
// Compositions are sets of packages, tested in sets.test.mjs.
const packages = index.examples.filter((example) => !example.set);

let playground;
before(async () => { playground = await openPlayground(); });
after(async () => { await playground?.close(); });

test('the gallery has our six examples', () => {
  assert.deepEqual(packages.map((e) => e.name),
    ['authorize', 'calculate-price', 'convert-currency', 'deadline-pressure', 'hello-world', 'transition-status']);
});

for (const example of packages) {
  test(`${example.name}: checks pass and every request gives its use case's output`, async () => {
    const read = async (file) => JSON.parse(await readFile(resolve(EXAMPLES, example.name, file), 'utf8'));
    const contract = await read('contract.json');
    const { page, problems } = await playground.newPage();
    await page.getByTestId(`example-${example.name}`).click();
    await page.locator('[data-testid="verdict"].pass').waitFor();
    assert.match(await text(page, 'verdict'), /execute: nothing stops a valid request/);
    assert.equal(await page.locator('[data-testid="diagnostic"].severity-error').count(), 0);

    const requests = example.files.filter((file) => file.startsWith('runtime-requests/'));
    assert.ok(requests.length >= 2, 'a happy and an unhappy request at least');
    for (const file of requests) {
      const { input } = await read(file);
      const useCase = contract.use_cases.find((u) => isDeepStrictEqual(u.input_example, input));
      assert.ok(useCase, `${file}: no use case has its input`);
      await page.getByTestId('request-select').selectOption(file);
      await runAndWait(page);
      if (isDeepStrictEqual(useCase.output_example, {})) {
        assert.equal(await text(page, 'end-reason'), 'failed', file);
        assert.match(await text(page, 'end-detail'), /^refused before running: /, file);
      } else {
        assert.equal(await text(page, 'end-reason'), 'completed', file);
        assert.deepEqual(JSON.parse(await text(page, 'stdout')), useCase.output_example, file);
        assert.equal(await text(page, 'output-check'), 'The output satisfies the contract\'s output schema.', file);
      }
    }
    assert.deepEqual(problems, []);
  });
}

test('transition-status publishes its declared event only for an allowed move', async () => {
  const { page } = await playground.newPage();
  await page.getByTestId('example-transition-status').click();
  await page.locator('[data-testid="verdict"].pass').waitFor();
  await page.getByTestId('request-select').selectOption('runtime-requests/open-to-in-progress.json');
  await runAndWait(page);
  assert.equal(await text(page, 'events'),
    'playground.examples.status-changed@1.0.0 {"action_id":"a-1","from":"open","to":"in_progress"}');
  await page.getByTestId('request-select').selectOption('runtime-requests/done-to-open-illegal.json');
  await runAndWait(page);
  assert.equal(await text(page, 'events'), '');
});

test('a package made from the template, as docs/authoring.md says, runs in the page', async () => {
  const root = resolve(import.meta.dirname, '../..');
  const work = await mkdtemp(resolve(tmpdir(), 'new-package-'));
  try {
    execFileSync(resolve(root, 'scripts/new-package'), ['acme.orders.order-echo', work], { stdio: 'ignore' });
    const folder = resolve(work, 'order-echo');
    execFileSync(resolve(folder, 'build.sh'), { stdio: 'ignore' });
    const { page, problems } = await playground.newPage();
    await page.getByTestId('folder-input').setInputFiles(folder);
    await page.locator('[data-testid="verdict"].pass').waitFor();
    await page.getByTestId('request-select').selectOption('runtime-requests/order-echo.json');
    await runAndWait(page);
    assert.equal(await text(page, 'end-reason'), 'completed');
    assert.equal(await text(page, 'stdout'), '{"message":"hello","length":5}');
    assert.deepEqual(problems, []);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
