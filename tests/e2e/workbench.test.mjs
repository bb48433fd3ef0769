// The page as a workbench: a package is fixed by editing its files in place, taken away as a
// .zip (checked entry by entry), and every request and use case is run at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { CLI, EXAMPLES, HELLO_WASM, editorSelection, editorText, loadPackage, pasteIntoEditor, looseHello, openPlayground, runAndWait, shown, text, waitForEditorText, watchProblems } from './harness.mjs';

const index = JSON.parse(await readFile(resolve(EXAMPLES, 'index.json'), 'utf8'));

let playground;
let work;
before(async () => {
  playground = await openPlayground();
  work = await mkdtemp(resolve(tmpdir(), 'workbench-'));
});
after(async () => {
  await playground?.close();
  await rm(work, { recursive: true, force: true });
});

/** The entries of a zip file as { path: base64 bytes }, read by Python's zipfile. */
function unzip(path) {
  const script = 'import base64, json, sys, zipfile\n'
    + 'z = zipfile.ZipFile(sys.argv[1])\n'
    + 'print(json.dumps({n: base64.b64encode(z.read(n)).decode() for n in z.namelist()}))';
  const entries = JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }));
  return Object.fromEntries(Object.entries(entries).map(([name, b64]) => [name, Buffer.from(b64, 'base64')]));
}

/** Clicks the button with this test id and saves what it downloads; returns its path. */
async function download(page, id) {
  const started = page.waitForEvent('download');
  await page.getByTestId(id).click();
  const file = await started;
  const path = resolve(work, `${Date.now()}-${file.suggestedFilename()}`);
  await file.saveAs(path);
  return { path, name: file.suggestedFilename() };
}

test('the strict lint is not in the first load nor before the first run; its warnings arrive from its worker and follow edits', async () => {
  const context = await playground.browser.newContext();
  const page = await context.newPage();
  const fetched = [];
  page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
  await page.goto(playground.url);
  await page.getByTestId('example-hello-world').waitFor();
  assert.deepEqual(fetched.filter((path) => path.startsWith('/linter')), [], 'no lint worker before a package');

  await page.getByTestId('example-hello-world').click();
  await page.locator('[data-testid="verdict"].pass').waitFor();
  assert.deepEqual(fetched.filter((path) => path.endsWith('/editor.js')), [], 'no editor before a file is opened');
  // The first run has the link to itself: the lint waits for it, or for a file to be opened.
  assert.deepEqual(fetched.filter((path) => path.startsWith('/linter')), [], 'no lint worker before a run or an open file');
  await page.getByTestId('file-list').getByRole('button', { name: 'runtime-requests/greet-ada.json', exact: true }).click();
  const editor = page.getByTestId('editor');
  const original = await editorText(page);
  assert.deepEqual(fetched.filter((path) => path.endsWith('/editor.js')), ['/editor.js'], 'the editor once a file is opened');
  const strict = page.getByTestId('editor-problem').filter({ has: page.locator('code', { hasText: /^request\.strict_schema$/ }) });
  assert.equal(await strict.count(), 0);

  // Traverse runs an input with a key the schema forbids; only the strict lint names it.
  await pasteIntoEditor(page, original.replace('"name": "Ada"', '"name": "Ada", "title": "Countess"'));
  await strict.waitFor();
  assert.match(await strict.textContent(), /^\d+:\d+ request\.strict_schema stricter than Traverse, which accepts this input: Additional properties are not allowed \('title' was unexpected\)$/);
  assert.equal(await page.locator('[data-testid="verdict"].pass').count(), 1, 'a warning never changes the verdict');
  assert.ok(fetched.some((path) => path.startsWith('/linter')), 'the lint worker was fetched once there was a request');

  await pasteIntoEditor(page, original);
  await page.getByTestId('file-changed').waitFor({ state: 'detached' });
  await strict.waitFor({ state: 'detached' });
  await context.close();
});

test('a manifest broken as JSON is fixed in the editor, reverted, fixed again and downloaded', async () => {
  const { page, problems } = await playground.newPage();
  const files = await looseHello();
  const fixed = files[0].buffer.toString();
  // A comma too many: serde stops at the closing brace after it.
  const broken = fixed.replace('"kind": "capability_package",', '"kind": "capability_package",,');
  await loadPackage(page, [{ ...files[0], buffer: Buffer.from(broken) }, ...files.slice(1)]);
  assert.match(await text(page, 'verdict-line'), /^failed to parse capability package manifest manifest\.json: /);

  await page.getByTestId('file-list').getByRole('button', { name: 'manifest.json', exact: true }).click();
  const editor = page.getByTestId('editor');
  assert.equal(await editorText(page), broken);
  const parse = page.getByTestId('editor-problem').filter({ has: page.locator('code', { hasText: /^json$/ }) });
  assert.equal(await parse.textContent(), '2:32 json key must be a string at line 2 column 32');
  // The parse error is marked in the text where it is, as a lint mark of the editor.
  await page.locator('.cm-lintRange-error').first().waitFor();
  await parse.getByRole('button').click();
  const at = broken.indexOf(',,') + 1;
  assert.deepEqual(await editorSelection(page), { from: at, to: at, focused: true });

  await pasteIntoEditor(page, fixed);
  await page.locator('[data-testid="verdict"].pass').waitFor();
  assert.equal(await shown(page, 'file-changed'), 'edited');
  assert.equal(await page.getByTestId('editor-problem').count(), 0);

  // Reverting brings back the file as loaded, and its verdict.
  await page.getByTestId('file-revert').click();
  await page.locator('[data-testid="verdict"].fail').waitFor();
  assert.equal(await shown(page, 'file-changed'), null);
  await waitForEditorText(page, broken);

  // Tab indents the line, Backspace takes the indent back, as in any code editor.
  await pasteIntoEditor(page, fixed);
  await editor.press('Control+Home');
  await editor.press('Tab');
  await waitForEditorText(page, `  ${fixed}`);
  await editor.press('Backspace');
  await waitForEditorText(page, fixed);
  await page.locator('[data-testid="verdict"].pass').waitFor();

  const one = await download(page, 'download-file');
  assert.equal(one.name, 'manifest.json');
  assert.equal(await readFile(one.path, 'utf8'), fixed);

  const whole = await download(page, 'download-package');
  assert.equal(whole.name, 'playground.examples.hello-world-1.0.0.zip', 'named after the package it holds');
  const entries = unzip(whole.path);
  assert.deepEqual(Object.keys(entries).sort(), ['contract.json', 'hello-world.wasm', 'lib.rs', 'manifest.json']);
  assert.equal(entries['manifest.json'].toString(), fixed);
  for (const file of files.slice(1)) {
    assert.ok(entries[file.name].equals(file.buffer), `${file.name} is byte for byte as loaded`);
  }
  // The edit survives a reload (a reload within the save's delay saves first).
  await page.reload();
  await page.locator('[data-testid="verdict"].pass').waitFor();
  await page.getByTestId('file-list').getByRole('button', { name: 'manifest.json', exact: true }).click();
  assert.equal(await editorText(page), fixed);
  // The package taken away passes the command line's checks too.
  const folder = resolve(work, 'unzipped');
  execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', whole.path, folder]);
  assert.match(execFileSync(CLI, ['check', resolve(folder, 'manifest.json')], { encoding: 'utf8' }), /traverse inspect: passes/);
  assert.deepEqual(problems, []);
});

test('where the editor cannot start, the page\'s own text field edits the file', async () => {
  const context = await playground.browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.route('**/editor.js', (route) => route.abort());
  await page.goto(playground.url);
  await page.getByTestId('example-hello-world').click();
  await page.locator('[data-testid="verdict"].pass').waitFor();
  await page.getByTestId('file-list').getByRole('button', { name: 'manifest.json', exact: true }).click();
  await page.getByTestId('editor-fallback').waitFor();
  assert.match(await text(page, 'editor-fallback'), /^The editor could not start \(.+\): this is the page's own text field\.$/);
  const editor = page.getByTestId('editor');
  assert.equal(await editor.evaluate((element) => element.tagName), 'TEXTAREA');
  const original = await editor.inputValue();
  await editor.fill(original.replace('"format": "wasm"', '"format": "elf"'));
  await page.locator('[data-testid="verdict"].fail').waitFor();
  assert.equal(await shown(page, 'file-changed'), 'edited');
  assert.deepEqual(problems.filter((problem) => !problem.includes('net::ERR_FAILED')), [], "only the editor's refused load");
  await context.close();
});

test('a package laid out as Traverse lays it out downloads under its own name, and a stock unzip gives a package the CLI passes', async () => {
  const { page, problems } = await playground.newPage();
  // Traverse's layout: the contract in a folder of its own, three levels above the manifest.
  const root = resolve(work, 'traverse-layout');
  const agent = resolve(root, 'examples/hello/agent');
  const manifest = JSON.parse(await readFile(resolve(EXAMPLES, 'hello-world/manifest.json'), 'utf8'));
  manifest.capability_ref.contract_path = '../../../contracts/hello/contract.json';
  await mkdir(resolve(agent, 'src'), { recursive: true });
  await mkdir(resolve(agent, 'artifacts'), { recursive: true });
  await mkdir(resolve(root, 'contracts/hello'), { recursive: true });
  await writeFile(resolve(agent, 'manifest.json'), JSON.stringify(manifest, null, 2));
  await copyFile(resolve(EXAMPLES, 'hello-world/src/lib.rs'), resolve(agent, 'src/lib.rs'));
  await copyFile(HELLO_WASM, resolve(agent, 'artifacts/hello-world.wasm'));
  await copyFile(resolve(EXAMPLES, 'hello-world/contract.json'), resolve(root, 'contracts/hello/contract.json'));
  // The person drops the package's folder, then gives the contract it asks for.
  await page.getByTestId('folder-input').setInputFiles(agent);
  await page.getByTestId('missing-file').filter({ hasText: 'contract.json' }).getByTestId('add-file')
    .setInputFiles(resolve(root, 'contracts/hello/contract.json'));
  await page.locator('[data-testid="verdict"].pass').waitFor();

  const whole = await download(page, 'download-package');
  assert.equal(whole.name, 'playground.examples.hello-world-1.0.0.zip');
  const out = resolve(work, 'unzipped-traverse-layout');
  const unzipped = spawnSync('unzip', ['-q', whole.path, '-d', out], { encoding: 'utf8' });
  assert.equal(unzipped.status, 0, unzipped.stderr);
  assert.equal(unzipped.stderr, '', 'unzip warns of no entry');
  const manifests = execFileSync('find', [out, '-name', 'manifest.json'], { encoding: 'utf8' }).trim().split('\n');
  assert.equal(manifests.length, 1);
  assert.match(execFileSync(CLI, ['check', manifests[0]], { encoding: 'utf8' }), /traverse inspect: passes/);
  assert.deepEqual(problems, []);
});

test('removing the file open in the editor removes it for good', async () => {
  const { page, problems } = await playground.newPage();
  await page.getByTestId('example-hello-world').click();
  await page.locator('[data-testid="verdict"].pass').waitFor();
  const before = await page.getByTestId('file').count();
  await page.getByTestId('file-list').getByRole('button', { name: 'manifest.json', exact: true }).click();
  await editorText(page);
  await page.getByRole('button', { name: 'remove manifest.json' }).click();
  await page.getByTestId('file-view').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('file').count(), before - 1);
  assert.equal(await page.getByTestId('file-list').getByRole('button', { name: 'manifest.json', exact: true }).count(), 0,
    'the closing editor did not write the file back');
  assert.deepEqual(problems, []);
});

test('a diagnostic\'s code opens its entry in the Docs view', async () => {
  const { page, problems } = await playground.newPage();
  const files = await looseHello();
  const manifest = JSON.parse(files[0].buffer.toString());
  manifest.binary.format = 'elf';
  await loadPackage(page, [{ ...files[0], buffer: Buffer.from(JSON.stringify(manifest, null, 2)) }, ...files.slice(1)]);
  await page.locator('[data-testid="diagnostic"][data-code="manifest.binary_format"] a.code').click();
  const entry = page.locator('[data-testid="doc"] tr[data-target]');
  await entry.waitFor();
  assert.equal(await entry.count(), 1);
  assert.match(await entry.textContent(), /manifest\.binary_format.*must be/s);
  assert.equal(await page.evaluate(() => location.hash), '#docs/docs/diagnostics.md#manifest.binary_format');
  assert.ok(await entry.evaluate((row) => {
    const box = row.getBoundingClientRect();
    // Scrolled to the top, give or take a fraction of a pixel of layout rounding.
    return box.top > -1 && box.bottom <= innerHeight;
  }), 'the entry is scrolled into view');
  assert.deepEqual(problems, []);
});

test('quick fixes set what Traverse requires, as edits that undo takes back', async () => {
  const { page, problems } = await playground.newPage();
  const files = await looseHello();
  const manifest = JSON.parse(files[0].buffer.toString());
  Object.assign(manifest.binary, { format: 'elf', abi_version: '2.0.0' });
  await loadPackage(page, [{ ...files[0], buffer: Buffer.from(JSON.stringify(manifest, null, 2)) }, ...files.slice(1)]);
  const fixes = page.locator('[data-testid="diagnostic"] [data-testid="quick-fix"]');
  assert.deepEqual(await fixes.allTextContents(),
    ['Fix: $.binary.abi_version = "1.0.0"', 'Fix: $.binary.format = "wasm"']);
  await fixes.first().click();
  await fixes.filter({ hasText: 'binary.format' }).click();
  await page.locator('[data-testid="verdict"].pass').waitFor();
  const editor = page.getByTestId('editor');
  const fixed = await editorText(page);
  assert.equal(fixed, JSON.stringify({ ...manifest, binary: { ...manifest.binary, format: 'wasm', abi_version: '1.0.0' } }, null, 2));
  assert.equal(await shown(page, 'file-changed'), 'edited');
  // Each fix is one step of the editor's history: undo takes the last one back, then the
  // first, and the checks follow; redo applies it again.
  await editor.press('Control+z');
  await page.locator('[data-testid="verdict"].fail').waitFor();
  assert.equal(await editorText(page), fixed.replace('"format": "wasm"', '"format": "elf"'));
  await editor.press('Control+z');
  await waitForEditorText(page, JSON.stringify(manifest, null, 2));
  await editor.press('Control+Shift+z');
  await waitForEditorText(page, fixed.replace('"format": "wasm"', '"format": "elf"'));
  assert.deepEqual(problems, []);
});

test('a rename fix renames the key: workflow_refs becomes known_compositions, its value kept', async () => {
  const { page, problems } = await playground.newPage();
  const files = await looseHello();
  const manifest = JSON.parse(files[0].buffer.toString());
  delete manifest.known_compositions;
  manifest.workflow_refs = [];
  const written = JSON.stringify(manifest, null, 2);
  await loadPackage(page, [{ ...files[0], buffer: Buffer.from(written) }, ...files.slice(1)]);
  const fix = page.locator('[data-testid="diagnostic"] [data-testid="quick-fix"]');
  assert.deepEqual(await fix.allTextContents(), ['Fix: rename $.workflow_refs to "known_compositions"']);
  await fix.click();
  await waitForEditorText(page, { includes: 'known_compositions' });
  assert.equal(await editorText(page), written.replace('"workflow_refs": []', '"known_compositions": []'));
  await page.locator('[data-testid="verdict"].pass').waitFor();
  assert.equal(await page.locator('[data-testid="diagnostic"][data-code="manifest.legacy_workflow_refs"]').count(), 0);
  assert.deepEqual(problems, []);
});

test('the module as text, printed in its own worker, its imports marked by their host-ABI status', async () => {
  const { page, problems } = await playground.newPage();
  await page.getByTestId('example-hello-world').click();
  await page.locator('[data-testid="verdict"].pass').waitFor();
  await page.getByTestId('module-text-show').click();
  await page.getByTestId('module-text').waitFor();
  const printed = await text(page, 'module-text');
  assert.match(printed, /^\(module\n/);
  const imports = printed.split('\n').filter((line) => line.includes('(import '));
  assert.deepEqual(imports.map((line) => line.replace(/^.*\(import ("[^"]+" "[^"]+").*;; (.*)$/, '$1: $2')), [
    '"wasi_snapshot_preview1" "fd_read": allowed, linked',
    '"wasi_snapshot_preview1" "fd_write": allowed, linked',
  ]);
  assert.match(printed, /\(export "_start" \(func/);
  assert.deepEqual(problems, []);
});

test('requests are checked on load, and one that does not parse says why instead of stale stdin', async () => {
  const { page, problems } = await playground.newPage();
  await page.getByTestId('example-hello-world').click();
  await page.locator('[data-testid="verdict"].pass').waitFor();
  // The package opens on its first request.
  assert.equal(await page.getByTestId('request-select').inputValue(), 'runtime-requests/greet-ada.json');
  assert.equal(await text(page, 'stdin-sent'), '{"name":"Ada"}');
  const verdicts = await page.getByTestId('request-verdict').evaluateAll((rows) =>
    rows.map((row) => [row.dataset.file, row.querySelector('code').textContent]));
  assert.deepEqual(verdicts, [
    ['runtime-requests/greet-ada.json', 'runs: nothing stops it before the module'],
    ['runtime-requests/greet-unicode.json', 'runs: nothing stops it before the module'],
    ['runtime-requests/missing-name.json',
      'exit 1: runtime execution failed: runtime request input does not satisfy the selected capability input contract'],
  ]);

  // A request of the right kind that Traverse cannot parse: a field is missing.
  const broken = JSON.stringify({ kind: 'runtime_request', schema_version: '1.0.0' });
  await page.getByTestId('file-input').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(broken) });
  const row = page.getByTestId('request-verdict').filter({ hasText: 'broken.json' });
  await row.waitFor();
  assert.match(await row.locator('code').textContent(),
    /^exit 2: failed to parse runtime request broken\.json: missing field `[a-z_]+` at line 1 column \d+$/);
  await page.getByTestId('request-select').selectOption('broken.json');
  assert.match(await text(page, 'request-problem'), /^This request does not parse, so it has no input: not a valid runtime_request: missing field/);
  assert.equal(await page.getByTestId('stdin').inputValue(), '');
  await runAndWait(page);
  assert.equal(await text(page, 'end-reason'), 'failed');
  assert.match(await text(page, 'run-verdict'), /^failed to parse runtime request broken\.json: missing field/);
  assert.deepEqual(problems, []);
});

for (const example of index.examples.filter((example) => !example.set)) {
  test(`${example.name}: run all gives, row by row, what single runs give`, async () => {
    const { page, problems } = await playground.newPage();
    await page.getByTestId(`example-${example.name}`).click();
    await page.locator('[data-testid="verdict"].pass').waitFor();
    await page.getByTestId('run-all').click();
    await page.locator('[data-testid="run-all-summary"][data-done="true"]').waitFor({ timeout: 60_000 });
    const rows = await page.getByTestId('run-all-row').evaluateAll((rows) =>
      rows.map((row) => ({ kind: row.dataset.kind, name: row.dataset.name, end: row.dataset.end })));
    const contract = JSON.parse(await readFile(resolve(EXAMPLES, example.name, 'contract.json'), 'utf8'));
    const requests = example.files.filter((file) => file.startsWith('runtime-requests/')).sort();
    assert.deepEqual(rows.map((row) => [row.kind, row.name]), [
      ...requests.map((file) => ['request', file]),
      ...contract.use_cases.map((useCase) => ['use-case', useCase.scenario]),
    ]);
    const ends = {};
    for (const [index, row] of rows.entries()) {
      ends[row.end] = (ends[row.end] ?? 0) + 1;
      const useCase = index - requests.length;
      await page.getByTestId('request-select').selectOption(row.kind === 'request' ? row.name : `use-case:${useCase}`);
      await runAndWait(page);
      assert.equal(await text(page, 'end-reason'), row.end, `${row.kind} ${row.name}`);
    }
    const counts = Object.entries(ends).sort().map(([end, count]) => `${count} ${end}`).join(', ');
    assert.equal(await text(page, 'run-all-summary'), `${rows.length} of ${rows.length} runs ended: ${counts}`);
    assert.deepEqual(problems, []);
  });
}

test('an author finishes: the downloaded template builds on its own, its binary runs in the page, and each step ticks only when written', async () => {
  const { page, problems } = await playground.newPage();
  await page.getByTestId('new-package').locator('summary').click();
  await page.getByTestId('new-id').fill('Orders');
  await page.getByTestId('new-package-create').click();
  assert.match(await text(page, 'new-package-problem'), /^the id "Orders" must be <namespace>\.<name>/);
  await page.getByTestId('new-id').fill('acme.orders.order-echo');
  await page.getByTestId('new-summary').fill('Echo an order.');
  await page.getByTestId('new-package-create').click();
  await page.getByTestId('verdict').waitFor();
  const steps = () => page.getByTestId('checklist-step').evaluateAll((steps) => steps.map((s) => s.dataset.done === 'true'));
  // Nothing is written yet: the manifest, the contract and the source all still say REPLACE-ME.
  assert.deepEqual(await steps(), [false, false, false, false, false, false, false]);

  // The download carries what building needs, and builds with cargo alone, outside this repository.
  const skeleton = await download(page, 'download-package');
  assert.equal(skeleton.name, 'acme.orders.order-echo-0.1.0.zip');
  const folder = resolve(work, 'order-echo');
  const unzipped = spawnSync('unzip', ['-q', skeleton.path, '-d', folder], { encoding: 'utf8' });
  assert.equal(unzipped.status, 0, unzipped.stderr);
  assert.deepEqual((await readdir(folder)).sort(),
    ['Cargo.lock', 'Cargo.toml', 'build.sh', 'contract.json', 'manifest.json', 'runtime-requests', 'src']);
  assert.equal((await stat(resolve(folder, 'build.sh'))).mode & 0o111, 0o111, 'build.sh unzips runnable');
  const { CARGO_TARGET_DIR, RUSTFLAGS, ...env } = process.env;
  const built = spawnSync('cargo', ['build', '--release', '--target', 'wasm32-wasip1', '--offline', '--locked'],
    { cwd: folder, env, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const module = resolve(folder, 'target/wasm32-wasip1/release/order_echo.wasm');

  // The page pins the digest of the binary added, as build.sh would.
  const binary = page.getByTestId('missing-file').filter({ hasText: 'artifacts/order-echo.wasm' });
  await binary.getByTestId('add-file').setInputFiles(module);
  await page.locator('[data-testid="verdict"].pass').waitFor();
  assert.equal(await text(page, 'digest-declared'), await text(page, 'digest-computed'));
  assert.deepEqual(await steps(), [false, false, false, true, true, true, true]);
  await runAndWait(page);
  assert.equal(await text(page, 'end-reason'), 'completed');
  assert.equal(await text(page, 'stdout'), '{"message":"hello","length":5}');

  // Each text written ticks its own step.
  const open = (name) => page.getByTestId('file-list').getByRole('button', { name, exact: true }).click();
  const written = [];
  for (const path of ['manifest.json', 'contract.json', 'src/lib.rs']) {
    await open(path);
    await waitForEditorText(page, { includes: 'REPLACE-ME' });
    await pasteIntoEditor(page, (await editorText(page)).replaceAll('REPLACE-ME', 'Written'));
    written.push(true);
    const expected = [...written, ...[false, false, false].slice(written.length), true, true, true, true];
    await page.waitForFunction((expected) => JSON.stringify([...document.querySelectorAll('[data-testid="checklist-step"]')]
      .map((s) => s.dataset.done === 'true')) === JSON.stringify(expected), expected);
  }
  assert.deepEqual(await steps(), [true, true, true, true, true, true, true]);

  // A reload keeps the steps and what they tick.
  await page.reload();
  await page.locator('[data-testid="verdict"].pass').waitFor();
  await page.getByTestId('checklist-step').first().waitFor();
  assert.deepEqual(await steps(), [true, true, true, true, true, true, true]);

  // The finished package, taken away, passes the command line's checks.
  const finished = await download(page, 'download-package');
  const out = resolve(work, 'order-echo-finished');
  assert.equal(spawnSync('unzip', ['-q', finished.path, '-d', out]).status, 0);
  const report = JSON.parse(execFileSync(CLI, ['check', resolve(out, 'manifest.json'), '--json',
    '--request', resolve(out, 'runtime-requests/order-echo.json')], { encoding: 'utf8' }));
  assert.equal(report.inspect.status, 'passes');
  assert.equal(report.requests[0].verdict.status, 'passes');
  assert.deepEqual(problems, []);
});

test('six breakages of one package, each fixed in the page, and the package taken away passes', async () => {
  const { page, problems } = await playground.newPage();
  const [manifestFile, ...rest] = await looseHello();
  const good = JSON.parse(manifestFile.buffer.toString());
  const broken = structuredClone(good);
  broken.capability_ref.version = '9.9.9'; // a wrong contract version
  broken.constraints.network_access = 'allowed'; // a constraint Traverse forbids
  broken.binary.expected_digest = 'fnv1a64:0123456789abcdef'; // a stale digest
  // A typo in a field's name: serde cannot parse the manifest at all.
  const typo = JSON.stringify(broken, null, 2).replace('"binary"', '"binray"');
  const request = JSON.parse(await readFile(resolve(EXAMPLES, 'hello-world/runtime-requests/greet-ada.json'), 'utf8'));
  request.request_id = 7; // a request of the wrong type
  await loadPackage(page, [
    { ...manifestFile, buffer: Buffer.from(typo) },
    ...rest,
    { name: 'greet.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(request, null, 2)) },
  ]);
  const open = (name) => page.getByTestId('file-list').getByRole('button', { name, exact: true }).click();
  const editor = page.getByTestId('editor');
  const codes = () => page.locator('[data-testid="diagnostic"].severity-error').evaluateAll((ds) => ds.map((d) => d.dataset.code));

  // 1. The typo. Traverse's line is its parse error, word for word, but every other problem
  // shows at once, as the checks go on with what was meant; the typo is named with the field it
  // stands for, and its quick fix renames the key.
  assert.match(await text(page, 'verdict-line'), /missing field `binary`/);
  assert.deepEqual((await codes()).sort(), ['digest.mismatch', 'linkage.capability_ref', 'linkage.constraints', 'manifest.parse']);
  const misspelt = page.locator('[data-testid="diagnostic"][data-code="manifest.misspelt_field"]');
  assert.match(await misspelt.textContent(), /`binray`: did you mean `binary`\?/);
  await open('manifest.json');
  // The parse error is where the typo is, not at the manifest's closing brace.
  const parse = page.getByTestId('editor-problem').filter({ has: page.locator('code', { hasText: /^manifest\.parse$/ }) });
  const line = typo.split('\n').findIndex((text) => text.includes('"binray"')) + 1;
  assert.match(await parse.textContent(), new RegExp(`^${line}:\\d+ manifest\\.parse `));
  await misspelt.getByTestId('quick-fix').click();
  await page.locator('[data-testid="diagnostic"][data-code="manifest.parse"]').waitFor({ state: 'detached' });
  assert.equal(await editorText(page), typo.replace('"binray"', '"binary"'));
  assert.deepEqual((await codes()).sort(), ['digest.mismatch', 'linkage.capability_ref', 'linkage.constraints']);
  // 2 and 3. The contract's version and the constraint, by their quick fixes.
  for (const code of ['linkage.capability_ref', 'linkage.constraints']) {
    await page.locator(`[data-testid="diagnostic"][data-code="${code}"] [data-testid="quick-fix"]`).click();
    await page.locator(`[data-testid="diagnostic"][data-code="${code}"]`).waitFor({ state: 'detached' });
  }
  // 4. The digest, pinned.
  await page.getByTestId('digest-fix').click();
  await page.locator('[data-testid="verdict"].pass').waitFor();
  // 5. The request Traverse cannot parse, in the editor.
  const row = page.getByTestId('request-verdict').filter({ hasText: 'greet.json' });
  assert.match(await row.locator('code').textContent(), /^exit 2: failed to parse runtime request greet\.json: invalid type: integer `7`, expected a string/);
  await open('greet.json');
  await pasteIntoEditor(page, (await editorText(page)).replace('"request_id": 7', '"request_id": "greet-7"'));
  await row.filter({ hasText: 'runs: nothing stops it' }).waitFor();
  // 6. The input follows: the request chosen, its stdin shown, and it runs.
  await page.getByTestId('request-select').selectOption('greet.json');
  assert.equal(await text(page, 'stdin-sent'), '{"name":"Ada"}');
  await runAndWait(page);
  assert.equal(await text(page, 'end-reason'), 'completed');

  const whole = await download(page, 'download-package');
  const entries = unzip(whole.path);
  assert.deepEqual(JSON.parse(entries['manifest.json']), { ...good, binary: { ...good.binary } });
  assert.equal(JSON.parse(entries['greet.json']).request_id, 'greet-7');
  for (const file of rest) assert.ok(entries[file.name].equals(file.buffer), `${file.name} is as loaded`);
  assert.deepEqual(problems, []);
});

test('run all: a runaway row ends by its own fuel, and the next row still runs', async () => {
  const { page, problems } = await playground.newPage();
  const runaway = await readFile(resolve(import.meta.dirname, '../fixtures/runaway.wasm'));
  await loadPackage(page, await looseHello({ binary: runaway }), { pinDigest: true });
  await page.getByTestId('run-all').click();
  await page.locator('[data-testid="run-all-summary"][data-done="true"]').waitFor();
  const rows = await page.getByTestId('run-all-row').evaluateAll((rows) => rows.map((row) => [row.dataset.kind, row.dataset.end]));
  assert.deepEqual(rows, [['use-case', 'timed out'], ['use-case', 'timed out'], ['use-case', 'timed out']]);
  assert.equal(await text(page, 'run-all-summary'), '3 of 3 runs ended: 3 timed out');
  // A row opens its run in the outcome view.
  await page.getByTestId('run-all-row').first().getByRole('button').click();
  assert.equal(await text(page, 'fuel'), '5000000');
  assert.deepEqual(problems, []);
});

test('run all over 2,000 requests: drawn as it goes, at most 200 rows, stopped by Esc, by Stop, or when the files change', async () => {
  const { page, problems } = await playground.newPage();
  const request = JSON.parse(await readFile(resolve(EXAMPLES, 'hello-world/runtime-requests/greet-ada.json'), 'utf8'));
  const requests = Array.from({ length: 2000 }, (_, index) => ({
    name: `r${String(index).padStart(4, '0')}.json`,
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ ...request, request_id: `r${index}` })),
  }));
  await loadPackage(page, [...await looseHello(), ...requests], { pinDigest: true });
  const summary = page.getByTestId('run-all-summary');
  const ended = async () => Number((await summary.textContent()).match(/^(\d+) of/)[1]);

  // Esc, once more runs have ended than the table draws.
  await page.getByTestId('run-all').click();
  await page.waitForFunction(() =>
    Number(document.querySelector('[data-testid="run-all-summary"]')?.textContent.match(/^(\d+) of/)?.[1]) > 200);
  await page.keyboard.press('Escape');
  await page.locator('[data-testid="run-all-summary"][data-done="true"]').waitFor();
  const stopped = await ended();
  assert.ok(stopped > 200 && stopped < 2000, `${stopped} ended`);
  assert.match(await summary.textContent(),
    new RegExp(`^${stopped} of \\d+ runs ended: ${stopped} completed\\. Stopped; the rest were not run\\. The first 200 are shown\\.$`));
  assert.equal(await page.getByTestId('run-all-row').count(), 200);
  assert.ok(await page.getByTestId('run-all-stop').isHidden(), 'nothing left to stop');
  // A whole single run later, the stopped Run all has run nothing more.
  await runAndWait(page);
  assert.equal(await ended(), stopped);

  // The Stop button does the same.
  await page.getByTestId('run-all').click();
  await page.getByTestId('run-all-row').first().waitFor();
  await page.getByTestId('run-all-stop').click();
  await page.locator('[data-testid="run-all-summary"][data-done="true"]').waitFor();
  assert.match(await summary.textContent(), /runs ended: \d+ completed\. Stopped; the rest were not run\./);

  // Loading something else ends it: the runs left were of the files that are gone.
  await page.getByTestId('run-all').click();
  await page.getByTestId('run-all-row').first().waitFor();
  await page.getByTestId('example-hello-world').click();
  await page.locator('[data-testid="run-all-summary"][data-done="true"]').waitFor();
  assert.match(await summary.textContent(), /runs ended: \d+ completed\. Stopped: the files changed; the rest were not run\./);
  assert.deepEqual(problems, []);
});

test('a zip with names an archive must not carry, or that one disk would merge, loses only those; the download carries none', async () => {
  const { page, problems } = await playground.newPage();
  const zip = resolve(work, 'hostile-names.zip');
  // Python's zipfile writes what a hostile tool would: the same name twice, absolute and drive
  // paths, a control character, café composed and decomposed, a name that differs by case.
  execFileSync('python3', ['-c', `import os, sys, warnings, zipfile
warnings.simplefilter('ignore')
z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)
for root, _, files in sorted(os.walk(sys.argv[2])):
    for name in sorted(files):
        path = os.path.join(root, name)
        z.write(path, 'hello/' + os.path.relpath(path, sys.argv[2]))
for name, text in [('hello/manifest.json', '{"kind": "stub"}'), ('/etc/cron.d/job', '* * * * * x'),
                   ('C:/Windows/win.ini', 'x'), ('hello/notes\\x07.txt', 'x'), ('hello/caf\\u00e9.json', '{}'),
                   ('hello/cafe\\u0301.json', '[]'), ('hello/Manifest.json', '{}')]:
    z.writestr(name, text)
z.close()`, zip, resolve(EXAMPLES, 'hello-world')]);
  await page.getByTestId('file-input').setInputFiles(zip);
  for (const message of [
    'hello/manifest.json: appears more than once; the first was kept and the others left out',
    '/etc/cron.d/job: it is an absolute path, which no archive should carry; it was left out',
    'C:/Windows/win.ini: it names a Windows drive, which no archive should carry; it was left out',
    'hello/notes\\u{7}.txt: its name holds a control character, which no archive should carry; it was left out',
    'hello/cafe\u0301.json: differs from hello/caf\u00e9.json only in letter case or Unicode form',
    'hello/Manifest.json: differs from hello/manifest.json only in letter case or Unicode form',
  ]) {
    await page.getByTestId('load-error').filter({ hasText: message }).waitFor();
  }
  // The first manifest is the one checked, not the stub after it.
  await page.getByTestId('verdict').waitFor();
  assert.match(await text(page, 'verdict'), /^Traverse loads this package/);

  const names = Object.keys(unzip((await download(page, 'download-package')).path));
  assert.ok(names.includes('hello/manifest.json') && names.includes('hello/caf\u00e9.json'), names.join(', '));
  const unsafe = names.filter((name) => /^\/|^[A-Za-z]:|[\u0000-\u001f]|\.\.|cafe\u0301|Manifest/.test(name));
  assert.deepEqual(unsafe, []);
  assert.equal(new Set(names).size, names.length, 'no name twice');
  assert.deepEqual(problems, []);
});
