// Many packages at once: a dropped set is read as a tree by kind, each bundle, application and
// workflow is checked as Traverse checks it, and a reference to a file that is not loaded is
// followed, the file added, and the verdict changes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { CLI, EXAMPLES, NEEDS_REFERENCE, REFERENCE, assertAnswers, openPlayground, text } from './harness.mjs';

const BUNDLE = 'guarded-transition/registry-bundle/manifest.json';
const APP = 'guarded-transition/app/app.manifest.json';
const WORKFLOW = 'guarded-transition/workflows/guarded-transition.json';

let playground;
let work;
before(async () => {
  playground = await openPlayground();
  work = await mkdtemp(resolve(tmpdir(), 'sets-'));
  // Our composition and the packages it composes, as one folder, without build output.
  for (const folder of ['authorize', 'transition-status', 'guarded-transition']) {
    await cp(resolve(EXAMPLES, folder), resolve(work, 'set', folder), {
      recursive: true, filter: (source) => !source.includes('/target'),
    });
  }
});
after(async () => {
  await playground?.close();
  await rm(work, { recursive: true, force: true });
});

/** The set tree's items as "kind id" (or "kind path" without an id), in the order shown. */
async function items(page) {
  return page.getByTestId('set-item').evaluateAll((rows) => rows.map((row) =>
    `${row.dataset.kind} ${row.dataset.id || row.querySelector('button').textContent}`));
}

async function focus(page, path) {
  await page.getByTestId('set-item').getByRole('button', { name: path, exact: true }).click();
}

test('a dropped set is a tree by kind; the bundle, the application and a workflow each get their verdict', async () => {
  const { page, problems } = await playground.newPage();
  await page.getByTestId('folder-input').setInputFiles(resolve(work, 'set'));
  await page.getByTestId('set').waitFor();
  const shown = await items(page);
  for (const expected of [
    'registry_bundle playground.examples.guarded-transition-bundle@1.0.0',
    'application playground.examples.guarded-transition-app@1.0.0',
    'package playground.examples.authorize@1.0.0',
    'package playground.examples.transition-status@1.0.0',
    'workflow playground.examples.guarded-transition@1.0.0',
    'contract playground.examples.guarded-transition@1.0.0',
    'event_contract playground.examples.status-changed@1.0.0',
    'component playground.examples.authorize-component@1.0.0',
    'request guarded-transition-owner-starts-work',
  ]) {
    assert.ok(shown.includes(expected), `${expected} is not in ${shown.join(', ')}`);
  }
  // Bundles first, then applications and packages: the tree's order is by kind.
  assert.equal(shown[0], 'registry_bundle playground.examples.guarded-transition-bundle@1.0.0');

  await focus(page, BUNDLE);
  await page.locator('[data-testid="verdict"].pass').waitFor();
  // What `traverse-cli bundle register` prints, as the command line prints it.
  const cli = execFileSync(CLI, ['bundle', 'register', 'guarded-transition/registry-bundle/manifest.json'],
    { cwd: EXAMPLES, encoding: 'utf8' });
  assert.equal(await text(page, 'verdict-line'), cli.trimEnd());
  assert.match(cli, /^bundle_id: playground\.examples\.guarded-transition-bundle\n[^]*\n {2}- playground\.examples\.guarded-transition@1\.0\.0 \(workflow\)\n/);
  assert.equal(await text(page, 'inspect-line'), 'bundle inspect: passes');
  const cliJson = execFileSync(CLI, ['bundle', 'register', 'guarded-transition/registry-bundle/manifest.json', '--json'],
    { cwd: EXAMPLES, encoding: 'utf8' });
  assert.equal(await page.getByTestId('bundle-json').textContent(), cliJson.trimEnd());
  assert.equal(await text(page, 'composite'),
    'playground.examples.guarded-transition@1.0.0 runs workflow playground.examples.guarded-transition@1.0.0 (in this bundle)');

  await focus(page, APP);
  await page.getByTestId('app-evidence').waitFor({ state: 'attached' });
  assert.equal(await text(page, 'verdict-line'), 'validated');
  // What `traverse-cli app validate --json` prints, byte for byte.
  const appCli = execFileSync(CLI, ['app', 'validate', '--manifest', APP, '--json'], { cwd: EXAMPLES, encoding: 'utf8' });
  assert.equal(await page.getByTestId('app-evidence').textContent(), appCli.trimEnd());
  assert.deepEqual(JSON.parse(appCli).component_ids,
    ['playground.examples.authorize-component', 'playground.examples.transition-status-component']);
  assert.match(await text(page, 'app-registration'), /^missing_event_reference component playground\.examples\.transition-status references missing event playground\.examples\.status-changed@1\.0\.0/);
  assert.equal(await text(page, 'browser-embedder'),
    'rejects component playground.examples.transition-status-component: its module imports traverse_host.emit_event, which its whitelist lacks');

  await focus(page, WORKFLOW);
  await page.locator('[data-testid="verdict"].pass').waitFor();
  assert.equal(await text(page, 'verdict-line'), 'registers');

  // A package of the set is checked with its own requests only.
  await focus(page, 'authorize/manifest.json');
  await page.locator('[data-testid="verdict"].pass').waitFor();
  const requests = await page.getByTestId('request-verdict').evaluateAll((rows) => rows.map((row) => row.dataset.file));
  assert.ok(requests.length > 0 && requests.every((file) => file.startsWith('authorize/')), requests.join(', '));
  assert.deepEqual(problems, []);
});

test('contracts and a workflow, with no package: a set, its workflow checked as the command line checks it', async () => {
  const { page, problems } = await playground.newPage();
  const folder = resolve(work, 'workflow-only');
  for (const path of ['authorize/contract.json', 'transition-status/contract.json', WORKFLOW]) {
    await cp(resolve(work, 'set', path), resolve(folder, path), { recursive: true });
  }
  await page.getByTestId('folder-input').setInputFiles(folder);
  await page.getByTestId('set').waitFor();
  assert.deepEqual(await items(page), [
    'workflow playground.examples.guarded-transition@1.0.0',
    'contract playground.examples.authorize@1.0.0',
    'contract playground.examples.transition-status@1.0.0',
  ]);
  // Nothing chosen, no package: the workflow's registration is the verdict shown.
  await page.locator('[data-testid="verdict"].pass').waitFor();
  assert.equal(await text(page, 'verdict-line'), 'registers');
  assert.deepEqual(problems, []);
});

test('a reference to a file not loaded is followed, the file added, and the verdict changes', async () => {
  const { page, problems } = await playground.newPage();
  await page.getByTestId('folder-input').setInputFiles(resolve(work, 'set'));
  await focus(page, BUNDLE);
  await page.locator('[data-testid="verdict"].pass').waitFor();

  await page.getByRole('button', { name: 'remove authorize/contract.json', exact: true }).click();
  await page.locator('[data-testid="verdict"].fail').waitFor();
  assert.equal(await text(page, 'verdict-line'),
    'missing artifact file for playground.examples.authorize at guarded-transition/registry-bundle/../../authorize/contract.json');
  assert.match(await text(page, 'verdict'), /exit 4/);
  const missing = page.getByTestId('set-item').filter({ has: page.getByRole('button', { name: BUNDLE, exact: true }) })
    .locator('[data-testid="set-ref"][data-missing="true"]');
  assert.equal(await missing.count(), 1);
  assert.match(await missing.textContent(), /^\$\.capabilities\[0\]\.path authorize\/contract\.json is not loaded/);

  await missing.getByTestId('add-file').setInputFiles(resolve(work, 'set/authorize/contract.json'));
  await page.locator('[data-testid="verdict"].pass').waitFor();
  assert.equal(await page.locator('[data-testid="set-ref"][data-missing="true"]').count(), 0);
  assert.deepEqual(problems, []);
});

test("an application whose component binary changed fails app validate, with Traverse's error in its evidence", async () => {
  const { page, problems } = await playground.newPage();
  await page.getByTestId('folder-input').setInputFiles(resolve(work, 'set'));
  await focus(page, APP);
  await page.locator('[data-testid="verdict"].pass').waitFor();
  // Without the binary, then with one the manifests do not pin, added where the component names it.
  await page.getByRole('button', { name: 'remove authorize/artifacts/authorize.wasm', exact: true }).click();
  await page.locator('[data-testid="verdict"].fail').waitFor();
  assert.match(await text(page, 'verdict-line'), /^failed: \[component_wasm_missing\] missing WASM binary at /);
  const component = page.getByTestId('set-item').filter({ hasText: 'playground.examples.authorize-component@1.0.0' });
  await component.locator('[data-testid="set-ref"][data-missing="true"]').getByTestId('add-file').setInputFiles({
    name: 'rebuilt.wasm', mimeType: 'application/wasm', buffer: Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
  });
  await page.getByTestId('verdict-line').filter({ hasText: 'component_digest_mismatch' }).waitFor();
  await page.locator('[data-testid="verdict"].fail').waitFor();
  const evidence = JSON.parse(await page.getByTestId('app-evidence').textContent());
  assert.equal(evidence.status, 'failed');
  assert.deepEqual(evidence.errors.map((error) => [error.code, error.severity]), [['component_digest_mismatch', 'error']]);
  assert.match(evidence.errors[0].message, /^WASM digest mismatch for guarded-transition\/app\/components\/authorize\/\.\.\/\.\.\/\.\.\/\.\.\/authorize\/artifacts\/authorize\.wasm: expected sha256:[0-9a-f]{64}, got sha256:93a44bbb96c751218e4c00d479e4c14358122a389acca16205b1e4d0dc5f9476$/);
  assert.equal(await page.getByTestId('app-evidence').isVisible(), true, 'a failure opens the evidence');
  assert.deepEqual(problems, []);
});

test('the gallery loads our composition as a set', async () => {
  const index = JSON.parse(await readFile(resolve(EXAMPLES, 'index.json'), 'utf8'));
  const composition = index.examples.find((example) => example.set);
  assert.equal(composition.name, 'guarded-transition');
  const { page, problems } = await playground.newPage();
  await page.getByTestId('example-guarded-transition').click();
  await page.getByTestId('set').waitFor();
  await focus(page, BUNDLE);
  await page.locator('[data-testid="verdict"].pass').waitFor();
  assert.deepEqual(problems, []);
});

test("Traverse's reference set: the starter bundle registers, the application bundles miss their binaries",
  { skip: NEEDS_REFERENCE }, async () => {
    const { page, problems } = await playground.newPage();
    await page.getByTestId('folder-input').setInputFiles(REFERENCE);
    await page.getByTestId('set').waitFor();
    await focus(page, 'examples/traverse-starter/registry-bundle/manifest.json');
    await page.locator('[data-testid="verdict"].pass').waitFor();
    assert.match(await text(page, 'verdict-line'),
      /^bundle_id: traverse-starter\.seed-bundle\n[^]*\n {2}- traverse-starter\.pipeline@1\.0\.0 \(workflow\)\nevent_records:\nworkflow_records:\n {2}- traverse-starter\.pipeline@1\.0\.0\nevidence:$/);
    await focus(page, 'examples/applications/meeting-notes/app.manifest.json');
    await page.locator('[data-testid="verdict"].fail').waitFor();
    assert.equal(await text(page, 'verdict-line'),
      'failed: [component_wasm_missing] missing WASM binary at examples/applications/meeting-notes/components/process/../../../../../examples/meeting-notes/process-agent/artifacts/process-agent.wasm '
      + '(examples/applications/meeting-notes/components/process/../../../../../examples/meeting-notes/process-agent/artifacts/process-agent.wasm)');
    assert.deepEqual(problems, []);
  });

test('a workflow of 100,000 nodes closed into a cycle by an event edge is refused, and the page keeps answering', async () => {
  const { page, problems } = await playground.newPage();
  const workflow = JSON.parse(await readFile(resolve(work, 'set', WORKFLOW), 'utf8'));
  const N = 100_000;
  workflow.nodes = Array.from({ length: N }, (_, i) => ({
    node_id: `n${i}`, capability_id: 'playground.examples.authorize', capability_version: '1.0.0',
    input: { from_workflow_input: [] }, output: { to_workflow_state: [] },
  }));
  workflow.edges = Array.from({ length: N - 1 }, (_, i) => ({ edge_id: `e${i}`, from: `n${i}`, to: `n${i + 1}`, trigger: 'direct' }));
  workflow.edges.push({ edge_id: 'back', from: `n${N - 1}`, to: 'n0', trigger: 'event',
    event: { event_id: 'playground.examples.status-changed', version: '1.0.0' } });
  workflow.start_node = 'n0';
  workflow.terminal_nodes = [`n${N - 1}`];
  await page.getByTestId('folder-input').setInputFiles(resolve(work, 'set'));
  await page.getByTestId('set').waitFor();
  await page.getByTestId('file-input').setInputFiles({
    name: 'chain.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(workflow)),
  });
  await focus(page, 'chain.json');
  await page.locator('[data-testid="verdict"].fail').waitFor({ timeout: 60_000 });
  const messages = await page.getByTestId('diagnostic').evaluateAll((rows) =>
    rows.map((row) => row.querySelector('.message').textContent));
  assert.deepEqual(messages, [
    'deterministic workflow cycles are not allowed in v0.1 (DeterministicCycleNotAllowed)',
    'event edge must reference an event emitted by the source capability contract (InvalidEventEdge)',
  ]);
  await assertAnswers(page);
  assert.deepEqual(problems, []);
});
