// The playground as a site people deploy: the same build served under a nested path works
// unchanged; after one visit it works with the network cut (the page, an example run, every
// document), its precaching waiting for the first run; a new build is picked up only when the
// person asks, with a notice, never as a half-old page; it can be installed; a governed run
// loads only the governed runner; and what a first run needs is asked for at once, not one
// round trip after another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { deflateRawSync } from 'node:zlib';
import { resolve } from 'node:path';
import { EXAMPLES, openPlayground, runAndWait, text, watchProblems } from './harness.mjs';

const DIST = resolve(import.meta.dirname, '../../dist');

/** Loads the hello-world example and runs its first request. */
async function runHello(page) {
  await page.getByTestId('example-hello-world').click();
  await page.locator('[data-testid="verdict"].pass').waitFor();
  await runAndWait(page);
  assert.equal(await text(page, 'end-reason'), 'completed');
}

/** Opens every document of the Docs view, one after another; returns their first headings. */
async function openEveryDocument(page) {
  await page.getByRole('link', { name: 'Docs' }).click();
  const links = page.getByRole('navigation', { name: 'documents' }).getByRole('link');
  // The list comes with the Docs view's first render; counted before it, it would be empty.
  await links.first().waitFor();
  const count = await links.count();
  assert.ok(count >= 8, `the docs list ${count} documents`);
  const titles = [];
  for (let i = 0; i < count; i += 1) {
    const href = await links.nth(i).getAttribute('href');
    await links.nth(i).click();
    await page.waitForFunction((route) => location.hash === route
      && document.querySelector('main.docs a.current')?.getAttribute('href') === route, href);
    await page.locator('[data-testid="doc"]').waitFor();
    titles.push(await page.locator('[data-testid="doc"] :is(h1, h2)').first().textContent());
  }
  return titles;
}

/** Waits until the service worker has installed (precached the whole build) and is active. */
async function offlineReady(page) {
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return registration.active.state;
  });
}

test('under a nested path the build works unchanged: an example runs, every document opens', async () => {
  const playground = await openPlayground({ base: '/docs/playground/' });
  try {
    const { page, problems } = await playground.newPage();
    await runHello(page);
    const titles = await openEveryDocument(page);
    assert.ok(titles.every((title) => title.length > 0), titles.join(', '));
    assert.deepEqual(problems, []);
  } finally {
    await playground.close();
  }
});

test('after one visit, with the network cut, the page reloads, an example runs and every document opens', async () => {
  const playground = await openPlayground({ base: '/playground/' });
  try {
    const { page, problems } = await playground.newPage({ serviceWorkers: 'allow' });
    // A first visit precaches nothing until its first run has ended: on a slow network the
    // whole build would share it with the run.
    await page.evaluate(() => new Promise((done) => requestIdleCallback(done)));
    const registered = () => page.evaluate(async () => Boolean(await navigator.serviceWorker.getRegistration()));
    assert.equal(await registered(), false, 'no precaching before the first run');
    await runHello(page);
    await offlineReady(page);
    await page.context().setOffline(true);
    await page.reload();
    await page.getByTestId('example-hello-world').waitFor();
    await runHello(page);
    // Documents never opened while online open offline.
    const titles = await openEveryDocument(page);
    assert.ok(titles.length >= 8);
    // Nothing of the app came over the network: the requests the page made were answered by
    // the service worker.
    assert.deepEqual(problems, []);
  } finally {
    await playground.close();
  }
});

test('a new build is picked up when the person asks: a notice, then a reload into the new build', async () => {
  let build = 1;
  const replace = async (path) => {
    if (path !== 'sw.js' || build === 1) return undefined;
    // A new build on the server: its service worker differs.
    return Buffer.concat([await readFile(resolve(DIST, 'sw.js')), Buffer.from(`\n// build ${build}\n`)]);
  };
  const playground = await openPlayground({ replace });
  try {
    const { page, problems } = await playground.newPage({ serviceWorkers: 'allow' });
    await runHello(page);
    await offlineReady(page);
    await page.reload();
    await page.getByTestId('example-hello-world').waitFor();
    assert.equal(await page.getByTestId('update-ready').count(), 0, 'no notice while the build is the same');
    build = 2;
    await page.reload();
    // The new build installs beside the page, which keeps running the build it started with.
    await page.getByTestId('update-ready').waitFor();
    const controller = () => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
    await page.getByTestId('update-reload').click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="update-ready"]')
      && document.querySelector('[data-testid="example-hello-world"]'));
    assert.match(await controller(), /sw\.js$/);
    const waiting = await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting));
    assert.equal(waiting, false, 'the new build took over');
    assert.deepEqual(problems, []);
  } finally {
    await playground.close();
  }
});

test('installable: the page links a web app manifest with its icons, and the icons load', async () => {
  const playground = await openPlayground();
  try {
    const { page, problems } = await playground.newPage();
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    const manifest = await page.evaluate(async (url) => (await fetch(url)).json(), href);
    assert.equal(manifest.name, 'Traverse Playground');
    assert.equal(manifest.start_url, './');
    assert.equal(manifest.display, 'standalone');
    for (const icon of manifest.icons) {
      const size = await page.evaluate(async (src) => {
        const image = new Image();
        image.src = src;
        await image.decode();
        return `${image.naturalWidth}x${image.naturalHeight}`;
      }, icon.src);
      assert.equal(size, icon.sizes);
    }
    assert.deepEqual(problems, []);
  } finally {
    await playground.close();
  }
});

test('the gallery shows with no request of its own, the governed runner loads while the page is idle, and an example\'s files are asked for all at once', async () => {
  const playground = await openPlayground();
  try {
    const page = await playground.browser.newPage({ serviceWorkers: 'block' });
    const problems = watchProblems(page);
    // The index is built into the page: a gallery that waited for it would never show.
    await page.route('**/examples/index.json', (route) => route.abort());
    const runnerAsked = page.waitForRequest('**/runner_loader.js', { timeout: 15_000 });
    await page.goto(playground.url);
    await page.getByTestId('example-hello-world').waitFor({ timeout: 15_000 });
    // Nothing chosen yet: the runner is asked for all the same.
    await runnerAsked;

    // Every file of the example is held until all have been asked for: one request at a time
    // never gets them all asked, and the verdict never comes.
    const { files } = JSON.parse(await readFile(resolve(EXAMPLES, 'index.json'), 'utf8'))
      .examples.find((example) => example.name === 'hello-world');
    const asked = new Set();
    let allAsked;
    const all = new Promise((done) => { allAsked = done; });
    await page.route('**/examples/hello-world/**', async (route) => {
      asked.add(new URL(route.request().url()).pathname);
      if (asked.size === files.length) allAsked();
      await all;
      await route.continue();
    });
    await page.getByTestId('example-hello-world').click();
    await page.locator('[data-testid="verdict"].pass').waitFor({ timeout: 15_000 });
    assert.deepEqual([...asked].sort(), files.map((file) => `/examples/hello-world/${file}`).sort());
    await runAndWait(page);
    assert.equal(await text(page, 'end-reason'), 'completed');
    assert.deepEqual(problems, []);
  } finally {
    await playground.close();
  }
});

test('the page reads no module itself: the governed runner reads each one for the checks, which name it until then, and a run waits for it', async () => {
  const playground = await openPlayground();
  try {
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    const { page, problems } = await playground.newPage({
      before: (page) => page.route('**/runner_bg.wasm', async (route) => {
        await held;
        await route.continue();
      }),
    });
    const stages = () => page.getByTestId('stage').evaluateAll((items) => items.map((item) => item.dataset.stage));
    await page.getByTestId('example-hello-world').click();
    await page.getByTestId('module-reading').waitFor();
    assert.equal(await text(page, 'module-reading'),
      'Reading artifacts/hello-world.wasm: the module\'s checks follow once the runner has read it.');
    // Loading never looks at the module: its line is whole without it; executing waits, and so
    // does the verdict box's colour.
    assert.match(await text(page, 'verdict'), /^Traverse loads this package.*execute: known once the module is read$/s);
    assert.equal(await page.locator('[data-testid="verdict"]:is(.pass, .fail)').count(), 0);
    assert.ok(!(await stages()).includes('module'), 'no module checks before it is read');

    // A run decides on the whole report: it waits for the module to be read, then runs.
    await page.getByTestId('run').click();
    release();
    await page.waitForFunction(() => document.querySelector('[data-testid="run-count"]')?.textContent === '1');
    assert.equal(await text(page, 'end-reason'), 'completed');
    assert.ok((await stages()).includes('module'));
    assert.equal(await page.getByTestId('module-reading').count(), 0);
    assert.match(await text(page, 'verdict'), /execute: nothing stops a valid request before the module runs/);
    assert.deepEqual(problems, []);
  } finally {
    await playground.close();
  }
});

test('a module checked as the page opens (a link\'s) is read and run by one governed runner', async () => {
  const playground = await openPlayground();
  try {
    const wasm = await readFile(resolve(EXAMPLES, 'hello-world/artifacts/hello-world.wasm'));
    const state = {
      files: [{ path: 'hello-world.wasm', base64: wasm.toString('base64url') }],
      manifest: null,
      input: { stdin: '{"name":"Ada"}' },
      settings: { governed: true, fuel_budget: 5000000, wall_time_ms: 5000 },
    };
    const link = `#share=1.${deflateRawSync(Buffer.from(JSON.stringify(state))).toString('base64url')}`;
    const runners = [];
    const page = await playground.browser.newPage({ serviceWorkers: 'block' });
    const problems = watchProblems(page);
    page.on('request', (request) => {
      if (request.url().endsWith('/runner_bg.wasm')) runners.push(request.url());
    });
    await page.goto(`${playground.url}${link}`);
    await page.getByTestId('link-banner').waitFor();
    await runAndWait(page);
    assert.equal(await text(page, 'end-reason'), 'completed');
    assert.equal(await text(page, 'stdout'), '{"greeting":"Hello, Ada!","name":"Ada"}');
    // Its read asked for the worker before the page was idle; the idle page must not start another.
    assert.equal(runners.length, 1, `the governed runner was fetched ${runners.length} times`);
    assert.deepEqual(problems, []);
  } finally {
    await playground.close();
  }
});

test('a governed run loads only the governed runner; the module text and the sandbox load when first used; each worker is its loader and its wasm, asked for together', async () => {
  const playground = await openPlayground();
  try {
    const fetched = [];
    // Each worker's loader is held until its wasm has been asked for: a worker that fetched its
    // own wasm once its script had come would never start, and no run would end.
    const wasmAsked = new Map();
    const asked = (bundle) => {
      if (!wasmAsked.has(bundle)) {
        let done;
        wasmAsked.set(bundle, { promise: new Promise((resolve) => { done = resolve; }), done });
      }
      return wasmAsked.get(bundle);
    };
    const { page, problems } = await playground.newPage({
      before: async (page) => {
        page.on('request', (request) => {
          const path = new URL(request.url()).pathname.replace(/^\//, '');
          fetched.push(path);
          const wasm = path.match(/^(\w+)_bg\.wasm$/);
          if (wasm) asked(wasm[1]).done();
        });
        await page.route(/\/\w+_loader\.js$/, async (route) => {
          await asked(new URL(route.request().url()).pathname.match(/(\w+)_loader\.js$/)[1]).promise;
          await route.continue();
        });
      },
    });
    const loaded = (bundle) => [...new Set(fetched.filter((path) => new RegExp(`^${bundle}(_|\\.js$)`).test(path)))].sort();
    await runHello(page);
    assert.deepEqual(loaded('runner'), ['runner_bg.wasm', 'runner_loader.js']);
    assert.deepEqual([...loaded('sandbox'), ...loaded('printer')], [], 'a governed run needs neither');

    await page.getByTestId('module-text-show').click();
    await page.getByTestId('module-text').waitFor();
    assert.match(await text(page, 'module-text'), /^\(module\n/);
    assert.deepEqual(loaded('printer'), ['printer_bg.wasm', 'printer_loader.js']);
    assert.deepEqual(loaded('sandbox'), []);

    await page.getByTestId('mode-governed').uncheck();
    await runAndWait(page);
    assert.equal(await text(page, 'end-reason'), 'completed');
    assert.deepEqual(loaded('sandbox'), ['sandbox_bg.wasm', 'sandbox_loader.js']);
    assert.deepEqual(problems, []);
  } finally {
    await playground.close();
  }
});
