// Serves the built playground (dist/) on loopback and opens it in Debian's headless Chromium.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const DIST = resolve(import.meta.dirname, '../../dist');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.md': 'text/markdown; charset=utf-8',
};

// Flags from the machine notes: without the background-networking ones, Chromium keeps trying
// hosts that this closed network refuses.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Each content encoding a static host may serve, at its strongest setting. */
export const COMPRESS = {
  gzip: (body) => gzipSync(body, { level: 9 }),
  br: (body) => brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }),
};

/** Serves dist/ under `base` (`/` or a nested path such as `/docs/playground/`, as a docs
 *  site or GitHub Pages would) and nothing elsewhere. `replace(path)` may answer a file's path
 *  (relative to `base`) with other bytes instead, as a new build on the server would; with an
 *  `encoding` (`gzip` as GitHub Pages, `br` as Cloudflare or Netlify), what the browser accepts
 *  compressed is sent so, as static hosts do. */
async function serveDist(base, replace, encoding) {
  // Every file compressed before the first request, as a static host serves precompressed
  // files: brotli's strongest setting takes seconds on the page's wasm, which a measured
  // download must not wait for.
  const compressed = new Map();
  if (encoding) {
    for (const entry of await readdir(DIST, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = join(entry.parentPath, entry.name);
      compressed.set(file, COMPRESS[encoding](await readFile(file)));
    }
  }
  const server = createServer(async (request, response) => {
    const requested = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    if (!requested.startsWith(base)) return response.writeHead(404).end();
    const path = normalize(`/${requested.slice(base.length)}`);
    const file = join(DIST, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(DIST)) return response.writeHead(403).end();
    try {
      const replaced = await replace?.(path.slice(1));
      const body = replaced ?? await readFile(file);
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
      if (encoding && new RegExp(`\\b${encoding}\\b`).test(request.headers['accept-encoding'] ?? '')) {
        if (replaced || !compressed.has(file)) compressed.set(file, COMPRESS[encoding](body));
        return response.writeHead(200, { ...headers, 'content-encoding': encoding }).end(compressed.get(file));
      }
      response.writeHead(200, headers).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((ready) => server.listen(0, '127.0.0.1', () => ready(server)));
}

/** The page's uncaught errors (with their stacks, which name the code that threw) and console
 *  errors, as they happen. */
export function watchProblems(page) {
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.stack || error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  return problems;
}

/** Starts the server and the browser; `close()` stops both. `base` is the path the build is
 *  served under; `replace` answers a file with other bytes (see `serveDist`). */
export async function openPlayground({ base = '/', replace, encoding } = {}) {
  const server = await serveDist(base, replace, encoding);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const url = `http://127.0.0.1:${server.address().port}${base}`;
  return {
    url,
    browser,
    /** A page in a fresh context (its own storage). Service workers are blocked unless
     *  `serviceWorkers: 'allow'`: only the offline tests want sw.js precaching the whole
     *  build behind each page. `before(page)` runs before the page is opened, for routes and
     *  listeners that must see the page's first requests (the governed runner loads then). */
    async newPage({ serviceWorkers = 'block', before } = {}) {
      const page = await browser.newPage({ serviceWorkers });
      const problems = watchProblems(page);
      await before?.(page);
      await page.goto(url);
      // The gallery's buttons appear once the app runs.
      await page.getByTestId('example-hello-world').waitFor();
      return { page, problems };
    },
    async close() {
      await browser.close();
      await new Promise((done) => server.close(done));
    },
  };
}

/** Clicks Run and waits until the run counter passes its value from before the click. */
export async function runAndWait(page, timeout = 30_000) {
  const before = Number(await page.getByTestId('run-count').textContent());
  await page.getByTestId('run').click();
  await page.waitForFunction(
    (count) => Number(document.querySelector('[data-testid="run-count"]').textContent) > count,
    before,
    { timeout },
  );
}

/** The command line, as `cargo test` (run first by scripts/test) builds it. */
export const CLI = resolve(process.env.CARGO_TARGET_DIR ?? resolve(process.env.HOME, '.cache/traverse-playground/target'),
  'debug/traverse-playground');
export const FIXTURES = resolve(import.meta.dirname, '../fixtures');
export const EXAMPLES = resolve(import.meta.dirname, '../../examples');
export const HELLO_WASM = resolve(EXAMPLES, 'hello-world/artifacts/hello-world.wasm');
/** The hello-world example's files as loose uploads (no folders), the manifest pointing at
 *  them; `binary` replaces its module. */
export async function looseHello({ binary } = {}) {
  const hello = (file) => readFile(resolve(EXAMPLES, 'hello-world', file));
  const manifest = JSON.parse(await hello('manifest.json'));
  Object.assign(manifest.source, { path: './lib.rs' });
  Object.assign(manifest.binary, { path: './hello-world.wasm' });
  return [
    { name: 'manifest.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(manifest, null, 2)) },
    { name: 'contract.json', mimeType: 'application/json', buffer: await hello('contract.json') },
    { name: 'lib.rs', mimeType: 'text/plain', buffer: await hello('src/lib.rs') },
    { name: 'hello-world.wasm', mimeType: 'application/wasm', buffer: binary ?? await hello('artifacts/hello-world.wasm') },
  ];
}

/** Traverse's own example data (JSON only), as the native tests read it. A clone has none:
 *  the tests that need it are skipped, with `NEEDS_REFERENCE` saying why. */
export const REFERENCE = process.env.TRAVERSE_REFERENCE ?? resolve(import.meta.dirname, '../../../shared/traverse/reference');
export const NEEDS_REFERENCE = existsSync(REFERENCE) ? false : `needs Traverse's reference data (TRAVERSE_REFERENCE), not at ${REFERENCE}`;

/** The text of the one element with this test id; fails when the page does not show it. */
export async function text(page, id) {
  const element = page.getByTestId(id);
  assert.equal(await element.count(), 1, `the page shows one ${id}`);
  return element.textContent();
}

/** The text of the element with this test id, or null when the page does not show it: for
 *  what a run may or may not have (stderr, events, a detailed cause). */
export async function shown(page, id) {
  const element = page.getByTestId(id);
  return (await element.count()) ? element.textContent() : null;
}

/** The page handles input: what is typed into stdin comes back from the page. Asserts that
 *  the page's thread is free by an interaction completing, never by a clock. */
export async function assertAnswers(page, stdin = '{"name":"still here"}') {
  const kept = await page.getByTestId('stdin').inputValue();
  await page.getByTestId('stdin').fill(stdin);
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid="stdin"]').value), stdin);
  await page.getByTestId('stdin').fill(kept);
}

/** Removes every loaded file (stdin and settings stay), then loads the module at `path`
 *  alone and waits until the page shows it as the module to run. */
export async function loadModule(page, path) {
  while (await page.getByTestId('file').count()) {
    await page.getByTestId('file').first().getByRole('button', { name: /^remove / }).click();
  }
  await page.getByTestId('file-input').setInputFiles(path);
  const name = path.split('/').pop();
  await page.getByTestId('module-name').filter({ hasText: new RegExp(`^${name.replace('.', '\\.')}$`) }).waitFor();
}

/** Removes every loaded file, then loads a package of these files ({name, buffer} or paths)
 *  and, when `pinDigest`, rewrites its manifest with the digest the page computes, as a user
 *  fixing a stale digest does. Waits until the checks show a verdict. */
export async function loadPackage(page, files, { pinDigest = false } = {}) {
  while (await page.getByTestId('file').count()) {
    await page.getByTestId('file').first().getByRole('button', { name: /^remove / }).click();
  }
  await page.getByTestId('file-input').setInputFiles(files);
  await page.getByTestId('verdict').waitFor();
  // A package without its binary has no digests to compare.
  const declared = await shown(page, 'digest-declared');
  const computed = await shown(page, 'digest-computed');
  if (pinDigest && computed && declared !== computed) {
    const manifest = files.find((file) => file.name === 'manifest.json');
    const fixed = JSON.parse(manifest.buffer.toString());
    fixed.binary.expected_digest = computed;
    await page.getByTestId('file-input').setInputFiles({ ...manifest, buffer: Buffer.from(JSON.stringify(fixed, null, 2)) });
    await page.getByTestId('digest-declared').filter({ hasText: computed }).waitFor();
  }
}

/** Loads one of the test guests in tests/fixtures/ by name. */
export const loadFixture = (page, name) => loadModule(page, resolve(FIXTURES, `${name}.wasm`));

/** Stdin that Traverse would send sorted: `{"a":{"c":2,"d":1},"b":1}`. */
export const INPUT = '{"b":1,"a":{"d":1,"c":2}}';
export const COMPLETED = 'status: completed';
export const COLLAPSED = 'runtime execution failed: execution failed: registered artifact execution failed';

/** Loads a fixture, runs it with `stdin` and returns what the outcome shows. */
export async function run(page, fixture, stdin = INPUT) {
  await loadFixture(page, fixture);
  return runWith(page, stdin);
}

/** Runs what is loaded with `stdin` and returns what the outcome shows. */
export async function runWith(page, stdin = INPUT) {
  await page.getByTestId('stdin').fill(stdin);
  await runAndWait(page);
  return {
    end: await text(page, 'end-reason'),
    detail: await text(page, 'end-detail'),
    stdout: await text(page, 'stdout'),
    stderr: await text(page, 'stderr'),
    verdict: await shown(page, 'run-verdict'),
    cause: await shown(page, 'executor-error'),
    events: await text(page, 'events'),
    fuel: await text(page, 'fuel'),
  };
}

/** Checks the fields a case names: strings exactly, regular expressions by match. */
export function expectFields(actual, expected, name) {
  for (const [field, want] of Object.entries(expected)) {
    if (want instanceof RegExp) assert.match(actual[field], want, `${name}: ${field}`);
    else assert.equal(actual[field], want, `${name}: ${field}`);
  }
}

export const ok = (stdout) => ({ end: 'completed', stdout, verdict: COMPLETED, cause: '' });
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Refused before running: the detailed cause follows the prefix. */
export const refused = (detail) => ({ end: 'failed',
  detail: new RegExp(`^refused before running: ${detail instanceof RegExp ? (detail.source.startsWith('^') ? detail.source.slice(1) : `.*${detail.source}`) : escape(detail)}`), verdict: COLLAPSED, stdout: '' });

/** Asks the editor's module (editor.js, as the page imported it) for `what` of the open
 *  file's editor (in the shadow root of `.code-editor`): `textOf` or `selectionOf`. */
function askEditor(page, what) {
  return page.evaluate(async (what) => (await import(new URL('editor.js', document.baseURI).href))[what](
    document.querySelector('.code-editor')), what);
}

/** The open file's text in its editor, once the editor is open (CodeMirror draws only the
 *  lines in view, so the text is asked of the editor itself). */
export async function editorText(page) {
  await page.getByTestId('editor').waitFor();
  return askEditor(page, 'textOf');
}

/** Waits until the editor's text is `expected`, or holds `{ includes }`; returns it. */
export async function waitForEditorText(page, expected) {
  await page.getByTestId('editor').waitFor();
  const found = await page.waitForFunction(async (expected) => {
    const text = (await import(new URL('editor.js', document.baseURI).href)).textOf(
      document.querySelector('.code-editor'));
    const holds = typeof expected === 'string' ? text === expected : text?.includes(expected.includes);
    return holds && text;
  }, expected);
  return found.jsonValue();
}

/** Replaces the open file's text in its editor as a paste would. */
export async function pasteIntoEditor(page, text) {
  await page.getByTestId('editor').waitFor();
  await page.evaluate(async (text) => (await import(new URL('editor.js', document.baseURI).href)).pasteInto(
    document.querySelector('.code-editor'), text), text);
}

/** The editor's selection (UTF-16 offsets) and whether it has the focus. */
export async function editorSelection(page) {
  await page.getByTestId('editor').waitFor();
  return askEditor(page, 'selectionOf');
}

/** Waits until the editor selects some text (a diagnostic's place); returns that text. */
export async function selectedInEditor(page) {
  await page.getByTestId('editor').waitFor();
  const selected = await page.waitForFunction(async () => {
    const module = await import(new URL('editor.js', document.baseURI).href);
    const host = document.querySelector('.code-editor');
    const selection = module.selectionOf(host);
    return selection && selection.to > selection.from && module.textOf(host).slice(selection.from, selection.to);
  });
  return selected.jsonValue();
}
