// The browser half of scripts/bench: measures the release build in headless Chromium and
// writes the samples as JSON (scripts/bench prints them). Not a test: nothing here can fail
// on a figure.
//   node scripts/bench-browser.mjs <out.json> [repetitions] [traverse-size package folder]
// - first load: every file fetched until the gallery can be clicked, raw and gzip -9, and
//   the time until then, each in a fresh browser context (empty cache);
// - the page's check of each example, from the page's own timing ("Checked in … ms");
// - a Traverse-size package (written by the native bench): its check, the time from the
//   folder's drop to the verdict shown, and the re-check after one keystroke in its contract;
// - every request of every example that runs: cold (a fuel budget not used before, so the
//   worker instruments and compiles anew) and warm (the worker's compiled module reused),
//   from the outcome's compile and run times;
// - our composition's set: each of its registry bundle, application bundle and workflow
//   checked when chosen (the page's own "Checked in … ms");
// - hashing a 64 MiB binary in the intake worker, for as long as its progress shows (from the
//   hashing's start to the file's bytes and digests in the page);
// - a five-node workflow of our packages run in the page, cold (a fuel budget not used before)
//   and warm, against the five single runs of the same packages' requests, each from the Run
//   click to its outcome;
// - on a throttled network (Chromium's 4G and fast-3G figures, the build served compressed
//   as static hosts serve it, gzip and brotli): the time until the page is usable and until the
//   first run of an example is done, from a fresh browser; then, once the service worker has
//   cached the build, the bytes a second visit moves over the network.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import assert from 'node:assert/strict';
import { COMPRESS, EXAMPLES, looseHello, openPlayground, runAndWait, text } from '../tests/e2e/harness.mjs';

const [out, repetitionsArg, traverseSizeFolder] = process.argv.slice(2);
const REPETITIONS = Number(repetitionsArg ?? 10);
const HASHED_MIB = 64;
const index = JSON.parse(await readFile(resolve(EXAMPLES, 'index.json'), 'utf8'));
const playground = await openPlayground();
const number = (pattern, value) => Number(value.match(pattern)?.[1]);

async function firstLoad() {
  const samples = [];
  let files = [];
  for (let i = 0; i < REPETITIONS; i++) {
    const context = await playground.browser.newContext();
    const page = await context.newPage();
    const bodies = [];
    page.on('response', (response) => bodies.push(response.body().then(
      (body) => ({ path: new URL(response.url()).pathname, body }),
      () => null,
    )));
    await page.goto(playground.url);
    const ready = await page.waitForFunction(
      () => document.querySelector('[data-testid="example-hello-world"]') && performance.now(), null, { polling: 'raf' });
    samples.push(await ready.jsonValue());
    // What arrived until then (the governed runner, asked for once the page is idle, is not),
    // compressed only now: brotli's strongest setting would hold up the measuring.
    const arrived = (await Promise.all(bodies.slice())).filter(Boolean);
    await context.close();
    files = arrived.map(({ path, body }) => ({ path, raw: body.length, gzip: COMPRESS.gzip(body).length, br: COMPRESS.br(body).length }));
  }
  return { samples, files };
}

/** Network profiles as issue 32 states them: download and upload in bytes per second, round
 *  trip in ms. */
const PROFILES = [
  { name: '4G', download: 9e6 / 8, upload: 9e6 / 8, latency: 85 },
  { name: 'fast 3G', download: 1.6e6 / 8, upload: 0.75e6 / 8, latency: 150 },
];

/** How static hosts compress what they serve: gzip (GitHub Pages) and brotli (Cloudflare,
 *  Netlify), each at its strongest setting. */
const ENCODINGS = ['gzip', 'br'];

async function network() {
  const results = {};
  for (const encoding of ENCODINGS) {
    const served = await openPlayground({ encoding });
    for (const profile of PROFILES) {
      results[`${profile.name} ${encoding}`] = await throttled(served, profile);
    }
    await served.close();
  }
  return results;
}

/** One profile's figures, each repetition from a fresh browser context. */
async function throttled(served, profile) {
  const usable = [];
  const firstRun = [];
  const secondVisitBytes = [];
  for (let i = 0; i < REPETITIONS; i++) {
    const context = await served.browser.newContext({ serviceWorkers: 'allow' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const throttle = (on) => cdp.send('Network.emulateNetworkConditions', on
      ? { offline: false, latency: profile.latency, downloadThroughput: profile.download, uploadThroughput: profile.upload }
      : { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await throttle(true);
    await page.goto(served.url);
    const ready = await page.waitForFunction(
      () => document.querySelector('[data-testid="example-hello-world"]') && performance.now(), null, { polling: 'raf' });
    usable.push(await ready.jsonValue());
    await page.getByTestId('example-hello-world').click();
    // Polled every frame, as the figures around it: a locator's wait polls every 500 ms once
    // it has waited a second, which would count as the person's delay in clicking Run.
    await page.waitForFunction(() => document.querySelector('[data-testid="verdict"].pass'), null,
      { polling: 'raf', timeout: 120_000 });
    await page.getByTestId('run').click();
    const ran = await page.waitForFunction(
      () => document.querySelector('[data-testid="run-count"]')?.textContent === '1' && performance.now(),
      null, { polling: 'raf', timeout: 120_000 });
    firstRun.push(await ran.jsonValue());
    // The service worker finishes caching the build unthrottled: the second visit is what
    // is measured, not the first one's background download.
    await throttle(false);
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await throttle(true);
    const fromNetwork = new Map();
    cdp.on('Network.responseReceived', ({ requestId, response }) => {
      if (!response.fromServiceWorker) fromNetwork.set(requestId, 0);
    });
    cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
      if (fromNetwork.has(requestId)) fromNetwork.set(requestId, encodedDataLength);
    });
    await page.reload();
    await page.getByTestId('example-hello-world').waitFor({ timeout: 120_000 });
    secondVisitBytes.push([...fromNetwork.values()].reduce((a, b) => a + b, 0));
    await context.close();
  }
  return { usable, firstRun, secondVisitBytes };
}

/** Budgets below Traverse's, each used once: the worker keeps modules by budget too. */
let unusedBudget = 4_999_999;

async function checksAndRuns(page) {
  const checks = {};
  const keystrokes = {};
  const runAll = {};
  const runs = [];
  for (const { name } of index.examples.filter((example) => !example.set)) {
    const manifest = JSON.parse(await readFile(resolve(EXAMPLES, name, 'manifest.json'), 'utf8'));
    checks[name] = [];
    for (let i = 0; i < REPETITIONS; i++) {
      await page.getByTestId('clear').click();
      await page.getByTestId(`example-${name}`).click();
      await page.getByTestId('check-time').waitFor();
      checks[name].push(number(/Checked in ([\d.]+) ms/, await text(page, 'check-time')));
    }
    const requests = await page.getByTestId('request-select').locator('option').evaluateAll(
      (options) => options.map((option) => option.value).filter((value) => value.startsWith('runtime-requests/')));
    for (const request of requests) {
      await page.getByTestId('request-select').selectOption(request);
      const run = async (budget) => {
        await page.getByTestId('fuel-budget').fill(String(budget));
        await page.getByTestId('fuel-budget').press('Enter');
        await runAndWait(page);
        const time = await text(page, 'wall-time');
        return {
          end: await text(page, 'end-reason'),
          fuel: Number(await text(page, 'fuel')),
          ms: number(/compile ([\d.]+) ms/, time) + number(/run ([\d.]+) ms/, time),
        };
      };
      const first = await run(5_000_000);
      if (first.end !== 'completed') continue; // refused before running: nothing to time
      const cold = [];
      for (let i = 0; i < REPETITIONS; i++) cold.push((await run(unusedBudget--)).ms);
      const warm = [];
      for (let i = 0; i < REPETITIONS; i++) warm.push((await run(5_000_000)).ms);
      runs.push({
        example: name, request, fuel: first.fuel, cold, warm,
        module: resolve(EXAMPLES, name, manifest.binary.path),
        stdin: await text(page, 'stdin-sent'),
      });
    }
    // One keystroke in the contract, then its undoing: the checks the edit sets off, by the
    // page's own "Checked in" line. The file's "edited" mark says when each has been checked.
    await page.getByTestId('file-list').getByRole('button', { name: 'contract.json', exact: true }).click();
    keystrokes[name] = [];
    for (let i = 0; i < REPETITIONS; i++) keystrokes[name].push(await keystroke(page, i));
    // Every request and use case, one after another, as the Run all button runs them.
    runAll[name] = [];
    for (let i = 0; i < Math.min(REPETITIONS, 3); i++) {
      const started = Date.now();
      await page.getByTestId('run-all').click();
      await page.locator('[data-testid="run-all-summary"][data-done="true"]').waitFor();
      runAll[name].push(Date.now() - started);
    }
  }
  return { checks, keystrokes, runAll, runs };
}

/** The hello-world package with a 64 MiB binary: the check hashes it once per load. */
async function hashing(page) {
  const binary = Buffer.alloc(HASHED_MIB << 20);
  for (let i = 0; i < binary.length; i += 4) binary.writeUInt32LE((i * 2654435761) >>> 0, i);
  // Playwright passes buffers over 50 MB only as files.
  const folder = await mkdtemp(resolve(tmpdir(), 'bench-hashing-'));
  const files = [];
  for (const { name, buffer } of await looseHello({ binary })) {
    files.push(resolve(folder, name));
    await writeFile(files.at(-1), buffer);
  }
  // From the progress appearing to its going: the worker's start, the transfer and the hashing.
  await page.evaluate(() => {
    window.hashing = [];
    new MutationObserver(() => {
      const shown = Boolean(document.querySelector('[data-testid="hashing"]'));
      const last = window.hashing.at(-1);
      if (shown && (!last || last.end)) window.hashing.push({ start: performance.now() });
      if (!shown && last && !last.end) last.end = performance.now();
    }).observe(document.body, { childList: true, subtree: true });
  });
  for (let i = 0; i < Math.min(REPETITIONS, 5); i++) {
    await page.getByTestId('clear').click();
    await page.getByTestId('file-input').setInputFiles(files);
    await page.getByTestId('check-time').waitFor();
  }
  const samples = (await page.evaluate(() => window.hashing)).map(({ start, end }) => end - start);
  await page.getByTestId('clear').click();
  await rm(folder, { recursive: true });
  return { mib: HASHED_MIB, samples };
}

/** One keystroke in the open contract (a space after its opening brace, or that space taken
 *  back), then the page's own figure for the check it set off. */
async function keystroke(page, i) {
  await page.getByTestId('editor').focus();
  await page.keyboard.press('Control+Home');
  for (let step = 0; step < 1 + (i % 2); step += 1) await page.keyboard.press('ArrowRight');
  if (i % 2 === 0) {
    await page.keyboard.type(' ');
    await page.getByTestId('file-changed').waitFor();
  } else {
    await page.keyboard.press('Backspace');
    await page.getByTestId('file-changed').waitFor({ state: 'detached' });
  }
  return number(/Checked in ([\d.]+) ms/, await text(page, 'check-time'));
}

/** The Traverse-size package dropped as a folder: the page's check, and from the folder input's
 *  change to the verdict on the page, timed in the page; then keystrokes in its contract. */
async function traverseSize(page, folder) {
  await page.evaluate(() => {
    window.drops = [];
    const input = document.querySelector('[data-testid="folder-input"]');
    input.addEventListener('change', () => window.drops.push({ start: performance.now() }), { capture: true });
    new MutationObserver(() => {
      const last = window.drops.at(-1);
      // The verdict is whole once its module is read (in the governed runner, the first time).
      const whole = document.querySelector('[data-testid="check-time"]') && !document.querySelector('[data-testid="module-reading"]');
      if (last && !last.end && whole) last.end = performance.now();
    }).observe(document.body, { childList: true, subtree: true });
  });
  // At least 20 drops: a drop takes a fraction of a second, and the median of five moved by a
  // millisecond between runs, as much as the goal's margin.
  const checks = [];
  for (let i = 0; i < Math.max(REPETITIONS, 20); i++) {
    await page.getByTestId('clear').click();
    await page.getByTestId('folder-input').setInputFiles(folder);
    await page.getByTestId('check-time').waitFor();
    await page.getByTestId('module-reading').waitFor({ state: 'detached' });
    checks.push(number(/Checked in ([\d.]+) ms/, await text(page, 'check-time')));
  }
  const dropToVerdict = (await page.evaluate(() => window.drops)).map(({ start, end }) => end - start);
  await page.getByTestId('file-list').getByRole('button', { name: 'contract.json', exact: true }).click();
  const keystrokes = [];
  for (let i = 0; i < REPETITIONS; i++) keystrokes.push(await keystroke(page, i));
  await page.getByTestId('clear').click();
  return { checks, dropToVerdict, keystrokes };
}

const { page } = await playground.newPage();
/** Each item of our composition checked when chosen, from the page's own timing. */
async function sets(page) {
  const items = {
    'registry bundle': 'guarded-transition/registry-bundle/manifest.json',
    'application bundle': 'guarded-transition/app/app.manifest.json',
    workflow: 'guarded-transition/workflows/guarded-transition.json',
  };
  const samples = Object.fromEntries(Object.keys(items).map((name) => [name, []]));
  for (let i = 0; i < REPETITIONS; i++) {
    await page.getByTestId('clear').click();
    await page.getByTestId('example-guarded-transition').click();
    await page.getByTestId('set').waitFor();
    for (const [name, path] of Object.entries(items)) {
      await page.getByTestId('set-item').getByRole('button', { name: path, exact: true }).click();
      await page.locator('[data-testid="set-item"].focused').getByRole('button', { name: path, exact: true }).waitFor();
      samples[name].push(number(/Checked in ([\d.]+) ms/, await text(page, 'check-time')));
    }
  }
  return samples;
}

/** Milliseconds from the Run click to the outcome. */
async function timedRun(page) {
  const started = Date.now();
  await runAndWait(page, 120_000);
  return Date.now() - started;
}

/** A five-node workflow (authorize, transition, authorize, transition, authorize) against the
 *  five single runs of those packages' requests. */
async function composition(page) {
  const folder = await mkdtemp(resolve(tmpdir(), 'bench-composition-'));
  for (const name of ['authorize', 'transition-status', 'guarded-transition']) {
    await cp(resolve(EXAMPLES, name), resolve(folder, name), { recursive: true, filter: (path) => !path.includes('/target') });
  }
  const path = resolve(folder, 'guarded-transition/workflows/guarded-transition.json');
  const workflow = JSON.parse(await readFile(path, 'utf8'));
  const [authorize, transition] = workflow.nodes;
  workflow.id = 'playground.bench.five-nodes';
  workflow.nodes = [authorize, transition, authorize, transition, authorize].map((node, i) => ({ ...node, node_id: `n${i}` }));
  workflow.edges = workflow.nodes.slice(1).map((node, i) => ({ edge_id: `e${i}`, from: `n${i}`, to: node.node_id, trigger: 'direct' }));
  Object.assign(workflow, { start_node: 'n0', terminal_nodes: ['n4'] });
  await writeFile(resolve(folder, 'guarded-transition/workflows/five-nodes.json'), JSON.stringify(workflow));
  const input = JSON.parse(await readFile(resolve(folder, 'guarded-transition/runtime-requests/owner-starts-work.json'), 'utf8')).input;
  await page.getByTestId('clear').click();
  await page.getByTestId('folder-input').setInputFiles(folder);
  await page.getByTestId('set').waitFor();
  const budget = async (fuel) => {
    await page.getByTestId('fuel-budget').fill(String(fuel));
    await page.getByTestId('fuel-budget').press('Enter');
  };
  const single = async (manifest, request) => {
    await page.getByTestId('set-item').getByRole('button', { name: manifest, exact: true }).click();
    await page.getByTestId('request-select').selectOption(request);
    await budget(5_000_000);
    await timedRun(page); // compiled once, as the warm workflow's nodes are
    const samples = [];
    for (let i = 0; i < REPETITIONS; i++) samples.push(await timedRun(page));
    return samples;
  };
  const authorizeRuns = await single('authorize/manifest.json', 'authorize/runtime-requests/owner-updates.json');
  const transitionRuns = await single('transition-status/manifest.json', 'transition-status/runtime-requests/open-to-in-progress.json');
  await page.getByTestId('request-select').selectOption('workflow:playground.bench.five-nodes@1.0.0');
  await page.getByTestId('stdin').fill(JSON.stringify(input));
  const cold = [];
  for (let i = 0; i < REPETITIONS; i++) {
    await budget(unusedBudget--);
    cold.push(await timedRun(page));
  }
  const warm = [];
  for (let i = 0; i < REPETITIONS; i++) warm.push(await timedRun(page));
  assert.equal(JSON.parse(await text(page, 'workflow-result')).status, 'completed');
  await page.getByTestId('clear').click();
  await rm(folder, { recursive: true });
  return { single: { authorize: authorizeRuns, transition: transitionRuns }, cold, warm };
}

/** Explore's 1,000 generated inputs on the hello-world example, click to done (issue 33's goal:
 *  <= 5 s in the page). */
async function explore(page) {
  await page.getByTestId('example-hello-world').click();
  await page.locator('[data-testid="verdict"].pass').waitFor();
  const samples = [];
  let runs = 0;
  for (let i = 0; i < Math.min(REPETITIONS, 3); i++) {
    await page.getByTestId('explore-runs').fill('1000');
    const started = performance.now();
    await page.getByTestId('explore').click();
    await page.locator('[data-testid="explore-summary"][data-done="true"]').waitFor({ timeout: 120_000 });
    samples.push(performance.now() - started);
    runs = Number(await page.getByTestId('explore-summary').getAttribute('data-runs'));
  }
  await page.getByTestId('clear').click();
  return { samples, runs };
}

const result = {
  network: await network(),
  firstLoad: await firstLoad(),
  // First in a fresh page, as a person's first drop would be.
  traverseSize: traverseSizeFolder ? await traverseSize(page, traverseSizeFolder) : null,
  ...await checksAndRuns(page), sets: await sets(page),
  composition: await composition(page), hashing: await hashing(page), explore: await explore(page),
};
await playground.close();
await writeFile(out, JSON.stringify(result, null, 1));
