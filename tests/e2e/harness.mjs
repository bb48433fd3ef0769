// Serves the built playground (dist/) on loopback and opens it in Debian's headless Chromium.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const DIST = resolve(import.meta.dirname, '../../dist');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

// Flags from the machine notes: without the background-networking ones, Chromium keeps trying
// hosts that this closed network refuses.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function serveDist() {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname));
    const file = join(DIST, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(DIST)) return response.writeHead(403).end();
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((ready) => server.listen(0, '127.0.0.1', () => ready(server)));
}

/** Starts the server and the browser; `close()` stops both. */
export async function openPlayground() {
  const server = await serveDist();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  return {
    url,
    browser,
    async newPage() {
      const page = await browser.newPage();
      const problems = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
      });
      await page.goto(url);
      await page.getByTestId('fixture-hello').waitFor();
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

/** Loads a bundled fixture and waits until the page shows it as the chosen module. */
export async function loadFixture(page, name) {
  await page.getByTestId(`fixture-${name}`).click();
  await page.getByTestId('module-name').filter({ hasText: `${name}.wasm` }).waitFor();
}
