// The workbench laid out and reachable: the same example set in each state a person meets (the
// page empty, a package with a file open, a package with problems, a composition run with its
// graph and trace, the Docs), at a desktop and a phone size, light and dark; axe finds nothing in
// any of them, the graph's text is legible, the keyboard reaches Run quickly, and every control
// is large enough to hit.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { EXAMPLES, loadPackage, looseHello, openPlayground, runAndWait, watchProblems } from './harness.mjs';

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const COMPOSITION = 'guarded-transition/runtime-requests/owner-starts-work.json';
const SIZES = [{ width: 1280, height: 800 }, { width: 390, height: 844 }];
const THEMES = ['light', 'dark'];

let playground;
before(async () => { playground = await openPlayground(); });
after(async () => { await playground?.close(); });

/** A page at this size and colour scheme. axe is injected as a script, which the page's CSP
 *  would refuse: only these pages bypass it. */
async function pageAt(viewport, colorScheme) {
  const context = await playground.browser.newContext({ viewport, colorScheme, bypassCSP: true, serviceWorkers: 'block' });
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(playground.url);
  await page.getByTestId('example-hello-world').waitFor();
  return { page, problems, context };
}

/** axe's violations on the page as it is, as "rule: target" lines (none is the goal). */
async function violations(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const found = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations);
  return found.flatMap((v) => v.nodes.map((node) => `${v.id} (${v.impact}): ${node.target.join(' ')}: ${node.failureSummary.split('\n')[1]?.trim()}`));
}

/** What sticks out: the page wider than the screen, and visible controls under 24px. */
async function fit(page) {
  return page.evaluate(() => {
    const out = [];
    if (document.documentElement.scrollWidth > innerWidth) out.push(`page is ${document.documentElement.scrollWidth}px wide in ${innerWidth}`);
    for (const control of document.querySelectorAll('button, select, input:not([type=file]), summary, [role=button]')) {
      const box = control.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || control.closest('[hidden]')) continue;
      if (box.height < 23.5 || box.width < 23.5) out.push(`${control.outerHTML.slice(0, 80)} is ${box.width.toFixed(1)}×${box.height.toFixed(1)}`);
    }
    return out;
  });
}

/** The states, each reached from the last. */
const STATES = {
  async empty() {},
  async 'a file open'(page) {
    await page.getByTestId('example-guarded-transition').click();
    await page.getByTestId('set').waitFor();
    await page.getByTestId('file-list').getByRole('button', { name: 'authorize/contract.json', exact: true }).click();
    await page.locator('.cm-editor').waitFor();
  },
  async 'a composition run'(page) {
    await page.getByTestId('request-select').selectOption(COMPOSITION);
    await runAndWait(page, 120_000);
    await page.getByTestId('workflow-graph').waitFor();
    await page.getByTestId('runtime-result').waitFor();
  },
  async 'a package with problems'(page) {
    const [manifest, ...rest] = await looseHello();
    const broken = JSON.parse(manifest.buffer.toString());
    broken.binary.expected_digest = 'fnv1a64:0123456789abcdef';
    broken.constraints.network_access = 'allowed';
    await page.getByTestId('clear').click();
    await loadPackage(page, [{ ...manifest, buffer: Buffer.from(JSON.stringify(broken, null, 2)) }, ...rest]);
    await page.locator('[data-testid="verdict"].fail').waitFor();
  },
  async docs(page) {
    await page.getByRole('link', { name: 'Docs' }).click();
    await page.locator('.markdown h1').waitFor();
  },
};

for (const viewport of SIZES) {
  for (const theme of THEMES) {
    test(`at ${viewport.width}×${viewport.height}, ${theme}: axe finds nothing and nothing sticks out, in every state`, async () => {
      const { page, problems, context } = await pageAt(viewport, theme);
      const found = {};
      for (const [name, reach] of Object.entries(STATES)) {
        await reach(page);
        const wrong = [...await violations(page), ...await fit(page)];
        if (wrong.length) found[name] = wrong;
      }
      assert.deepEqual(found, {});
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

test('at 1280×800 the editor is wide, the run stays in view, and a composition takes the wide column', async () => {
  const { page, context } = await pageAt(SIZES[0], 'light');
  await STATES['a file open'](page);
  const box = async (selector) => page.locator(selector).first().boundingBox();
  const editor = await box('.cm-editor');
  assert.ok(editor.width >= 600, `the editor is ${editor.width}px wide`);
  await page.locator('.work').evaluate((work) => work.scrollIntoView({ block: 'end' }));
  const run = await box('[data-testid="run"]');
  assert.ok(run.y >= 0 && run.y + run.height <= 800, `Run is at ${run.y}, in view wherever the page is scrolled`);

  // The files narrow to a rail, and the editor takes their width.
  await page.getByTestId('files-toggle').click();
  assert.equal(await page.getByTestId('files-toggle').getAttribute('aria-expanded'), 'false');
  assert.ok((await box('.cm-editor')).width > editor.width + 100);
  await page.getByTestId('files-toggle').click();

  await STATES['a composition run'](page);
  const graph = await box('[data-testid="workflow-graph"]');
  assert.ok(graph.width >= 600, `the graph is ${graph.width}px wide`);
  // The trace, thousands of lines, folds and searches in the editor's read-only view.
  await page.getByText('RuntimeTrace').click();
  const trace = await page.getByTestId('trace').textContent();
  const fold = page.locator('.json-block').filter({ has: page.getByTestId('trace') }).getByTestId('json-fold');
  await fold.click();
  const viewer = page.getByTestId('json-viewer');
  await viewer.waitFor();
  assert.equal(await page.evaluate(async () => (await import(new URL('editor.js', document.baseURI).href))
    .textOf(document.querySelector('.json-block .code-editor'))), trace, 'the viewer shows the trace as it is');
  assert.equal(await viewer.getAttribute('aria-readonly'), 'true');
  await viewer.click();
  await page.keyboard.type('typed');
  assert.equal(await page.evaluate(async () => (await import(new URL('editor.js', document.baseURI).href))
    .textOf(document.querySelector('.json-block .code-editor'))), trace, 'typing changes nothing');
  await page.keyboard.press('Control+f');
  await page.locator('.cm-search input[name="search"]').waitFor();
  assert.ok(await page.locator('.cm-foldGutter').count() > 0, 'a fold gutter');
  await context.close();
});

test('the workflow graph\'s text stands out from its boxes in both themes', async () => {
  for (const theme of THEMES) {
    const { page, context } = await pageAt(SIZES[0], theme);
    await STATES['a file open'](page);
    await STATES['a composition run'](page);
    const ratios = await page.getByTestId('workflow-node').evaluateAll((nodes) => {
      const rgb = (colour) => colour.match(/[\d.]+/g).slice(0, 3).map(Number);
      const luminance = (colour) => {
        const [r, g, b] = rgb(colour).map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      return nodes.flatMap((node) => {
        const box = getComputedStyle(node.querySelector('rect')).fill;
        return [...node.querySelectorAll('text')].map((text) => {
          const [a, b] = [luminance(getComputedStyle(text).fill), luminance(box)].sort((x, y) => y - x);
          return (a + 0.05) / (b + 0.05);
        });
      });
    });
    assert.equal(ratios.length, 6, 'two nodes, each with its id, capability and status');
    for (const ratio of ratios) assert.ok(ratio >= 4.5, `${theme}: contrast ${ratio.toFixed(2)}`);
    await context.close();
  }
});

test('from an example to Run takes at most 10 Tab presses, through the skip link', async () => {
  const { page, context } = await pageAt(SIZES[0], 'light');
  await page.getByTestId('example-hello-world').click();
  await page.locator('[data-testid="verdict"].pass').waitFor();
  await page.getByTestId('example-hello-world').focus();
  let presses = 0;
  let on = '';
  while (presses < 10 && on !== 'run') {
    await page.keyboard.press('Tab');
    presses += 1;
    on = await page.evaluate(() => document.activeElement?.dataset.testid ?? '');
    if (on === 'skip-to-run') {
      await page.keyboard.press('Enter');
      on = await page.evaluate(() => document.activeElement?.dataset.testid ?? '');
    }
  }
  assert.equal(on, 'run', `after ${presses} Tab presses the focus is on ${on}`);
  // Enter on it runs the example.
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="run-count"]').textContent === '1');
  // One stop per file: Delete on a file's name removes it.
  const files = page.getByTestId('file');
  const before = await files.count();
  await page.getByTestId('file-list').getByRole('button', { name: 'runtime-requests/missing-name.json', exact: true }).focus();
  await page.keyboard.press('Delete');
  await page.waitForFunction((before) => document.querySelectorAll('[data-testid="file"]').length === before - 1, before);
  assert.equal(await page.locator('.file-list .remove').first().getAttribute('tabindex'), '-1');
  await context.close();
});
