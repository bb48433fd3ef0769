// A demo in someone's docs: a link with `embed` in its query shows a compact view in an
// iframe (the package, its verdict, the input, Run, the outcome, "Open in playground"); with
// `run` too it runs the chosen input once loaded; the share area offers the iframe code; and
// the compact view never writes over what the full page has saved.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPlayground, text } from './harness.mjs';

let playground;
before(async () => { playground = await openPlayground(); });
after(async () => { await playground?.close(); });

/** A link to hello-world with its greet-ada request chosen, and the embed code for it. */
async function helloLink(page) {
  await page.getByTestId('example-hello-world').click();
  await page.locator('[data-testid="verdict"].pass').waitFor();
  await page.getByTestId('request-select').selectOption('runtime-requests/greet-ada.json');
  await page.getByTestId('share-copy').click();
  const link = await page.getByTestId('share-link').inputValue();
  const code = await page.getByTestId('embed-code').inputValue();
  return { link, code };
}

/** A page of someone's docs holding `code`, the embed code copied from the playground. */
async function docsPage(code, { colorScheme = 'light' } = {}) {
  const page = await playground.browser.newPage({ colorScheme, serviceWorkers: 'block' });
  await page.setContent(`<!DOCTYPE html><html><body><h1>Our capability</h1>${code}</body></html>`);
  return page;
}

test('the share area offers embed code; the compact view runs on open and fits 600×400, light and dark', async () => {
  const { page, problems } = await playground.newPage();
  const { link, code } = await helloLink(page);
  const fragment = link.slice(link.indexOf('#'));
  assert.match(code, /^<iframe src="[^"]+\?embed&amp;run#share=[^"]+" width="600" height="400" /);
  assert.ok(code.includes(fragment), 'the embed carries the same state as the link');
  for (const colorScheme of ['light', 'dark']) {
    const docs = await docsPage(code, { colorScheme });
    const frame = docs.frameLocator('iframe');
    await frame.getByTestId('embed-view').waitFor();
    // Run on open: the outcome arrives without a click.
    await frame.getByTestId('end-reason').waitFor();
    assert.equal(await frame.getByTestId('end-reason').textContent(), 'completed');
    // The capability the package provides, and Traverse's verdict on loading it.
    assert.equal(await frame.getByTestId('embed-package').textContent(), 'playground.examples.greet@1.0.0');
    assert.equal(await frame.getByTestId('verdict-line').textContent(), 'traverse inspect: passes');
    const fits = await docs.frames()[1].evaluate(() => ({
      width: document.documentElement.scrollWidth,
      run: document.querySelector('[data-testid="run"]').getBoundingClientRect().bottom,
      open: document.querySelector('[data-testid="embed-open"]').getBoundingClientRect().bottom,
    }));
    assert.ok(fits.width <= 600, `${colorScheme}: ${fits.width} px wide`);
    assert.ok(fits.run <= 400 && fits.open <= 400, `${colorScheme}: Run and Open within the frame: ${JSON.stringify(fits)}`);
    await docs.close();
  }
  assert.deepEqual(problems, []);
});

test('the embed never writes over the work the full page saved', async () => {
  const { page, problems } = await playground.newPage();
  const { code } = await helloLink(page);
  // The person's own work, saved by the full page (a reload flushes its save).
  await page.getByTestId('example-authorize').click();
  await page.locator('[data-testid="verdict"]').waitFor();
  await page.reload();
  await page.getByTestId('example-hello-world').waitFor();
  const saved = () => page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort()));
  const before = await saved();
  assert.notEqual(before, '[]');
  // A page of the same origin (so the same storage) shows someone's docs with the embed, which
  // runs, then is removed: a full page would save on leaving.
  assert.deepEqual(problems, []);
  // The docs page is a plain file of ours: the browser asks for a favicon it does not have.
  const missing = [];
  page.on('response', (response) => response.status() === 404 && missing.push(new URL(response.url()).pathname));
  await page.goto(new URL('README.md', page.url()).href);
  await page.setContent(`<!DOCTYPE html><html><body>${code}</body></html>`);
  await page.frameLocator('iframe').getByTestId('end-reason').waitFor();
  await page.evaluate(() => document.querySelector('iframe').remove());
  assert.equal(await saved(), before);
  assert.ok(missing.every((path) => path === '/favicon.ico'), missing.join(', '));
  assert.deepEqual(problems.filter((problem) => !problem.includes('404 (Not Found)')), []);
});

test('"Open in playground" opens the same state in the full page, without running it', async () => {
  const { page, problems } = await playground.newPage();
  const { code } = await helloLink(page);
  const context = await playground.browser.newContext({ serviceWorkers: 'block' });
  const docs = await context.newPage();
  await docs.setContent(`<!DOCTYPE html><html><body>${code.replace('&amp;run', '')}</body></html>`);
  const frame = docs.frameLocator('iframe');
  await frame.getByTestId('embed-view').waitFor();
  assert.equal(await frame.getByTestId('run-count').textContent(), '0', 'without run, nothing runs on open');
  const [opened] = await Promise.all([context.waitForEvent('page'), frame.getByTestId('embed-open').click()]);
  await opened.getByTestId('example-hello-world').waitFor();
  assert.doesNotMatch(opened.url(), /[?&]embed/);
  await opened.locator('[data-testid="verdict"].pass').waitFor();
  assert.equal(await opened.getByTestId('request-select').inputValue(), 'runtime-requests/greet-ada.json');
  assert.equal(await text(opened, 'run-count'), '0');
  assert.deepEqual(problems, []);
  await context.close();
});
