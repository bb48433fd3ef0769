// Short links: an example travels by name with only what was changed; files no check or run
// reads (sources, build scripts, lock files) travel only when asked, the source a manifest
// names coming back as a placeholder so Traverse's verdict is the sharer's; links made by
// earlier versions still open.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EXAMPLES, editorText, openPlayground, pasteIntoEditor, runAndWait, shown, text } from './harness.mjs';

let playground;
before(async () => { playground = await openPlayground(); });
after(async () => { await playground?.close(); });

/** Makes a link in `page`, `withSources` or not; returns it and the note of what it left out. */
async function share(page, { withSources = false } = {}) {
  await page.getByTestId('share-sources').setChecked(withSources);
  await page.getByTestId('share-copy').click();
  return {
    link: await page.getByTestId('share-link').inputValue(),
    leftOut: await shown(page, 'share-left-out'),
  };
}

/** Opens `link` in a browser of its own; returns the page once its banner shows. */
async function openFresh(link) {
  const context = await playground.browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(link);
  await page.getByTestId('link-banner').waitFor();
  return { page, context };
}

/** The loaded files' names, in order. */
const fileNames = async (page) => (await page.locator('[data-testid="file"] > button.link:first-of-type').allTextContents()).sort();

test('an example travels by its name, with only what was changed, and runs the same', async () => {
  const { page, problems } = await playground.newPage();
  await page.getByTestId('example-authorize').click();
  await page.locator('[data-testid="verdict"].pass').waitFor();
  await page.getByTestId('request-select').selectOption('runtime-requests/owner-updates.json');
  await runAndWait(page);
  const stdout = await text(page, 'stdout');
  const files = await fileNames(page);

  const { link, leftOut } = await share(page);
  assert.match(link, /#share=2\.[A-Za-z0-9_-]+$/);
  assert.ok(link.length <= 1_000, `an unedited example with one request: ${link.length} characters`);
  assert.equal(leftOut, null, 'nothing is left out: the example brings every file');
  const unedited = await openFresh(link);
  assert.deepEqual(await fileNames(unedited.page), files);
  assert.equal(await unedited.page.getByTestId('request-select').inputValue(), 'runtime-requests/owner-updates.json');
  await runAndWait(unedited.page);
  assert.equal(await text(unedited.page, 'stdout'), stdout);
  await unedited.context.close();

  // An edit travels, and only it: the link grows by about the edit, not by the package.
  await page.getByTestId('file-list').getByRole('button', { name: 'manifest.json', exact: true }).click();
  const editor = page.getByTestId('editor');
  const manifest = (await editorText(page)).replace(/"summary": "[^"]*"/, '"summary": "Shared with an edit."');
  await pasteIntoEditor(page, manifest);
  await page.getByTestId('file-changed').waitFor();
  await page.getByRole('button', { name: 'remove runtime-requests/suspended-denied.json' }).click();
  const edited = await share(page);
  assert.ok(edited.link.length <= 2_500, `an example with an edited manifest: ${edited.link.length} characters`);
  const opened = await openFresh(edited.link);
  assert.deepEqual(await fileNames(opened.page), files.filter((file) => !file.endsWith('suspended-denied.json')));
  await opened.page.getByTestId('file-list').getByRole('button', { name: 'manifest.json', exact: true }).click();
  assert.equal(await editorText(opened.page), manifest);
  await opened.context.close();
  assert.deepEqual(problems, []);
});

test('a dropped package leaves its sources out unless asked, and its verdict travels unchanged', async () => {
  const { page, problems } = await playground.newPage();
  await page.getByTestId('folder-input').setInputFiles(resolve(EXAMPLES, 'hello-world'));
  await page.locator('[data-testid="verdict"].pass').waitFor();
  const verdict = await text(page, 'verdict-line');
  const files = await fileNames(page);

  const { link, leftOut } = await share(page);
  assert.equal(leftOut, 'Left out, as no check or run reads them: Cargo.lock, Cargo.toml, build.sh, src/lib.rs. '
    + 'Tick "with sources" to include them.');
  const opened = await openFresh(link);
  await opened.page.locator('[data-testid="verdict"].pass').waitFor();
  assert.equal(await text(opened.page, 'verdict-line'), verdict);
  // The source the manifest names is there, as a placeholder that says so; the others are not.
  assert.deepEqual(await fileNames(opened.page),
    files.filter((file) => !/Cargo\.(lock|toml)$|build\.sh$/.test(file)));
  assert.match(await text(opened.page, 'load-error'),
    /src\/lib\.rs: was left out of the link \(\d+ bytes: sources travel only when the sharer includes them\)/);
  await opened.context.close();

  const whole = await share(page, { withSources: true });
  assert.equal(whole.leftOut, null);
  assert.ok(whole.link.length > link.length, `${whole.link.length} with sources, ${link.length} without`);
  const all = await openFresh(whole.link);
  assert.deepEqual(await fileNames(all.page), files);
  assert.equal(await shown(all.page, 'load-error'), null);
  await all.context.close();
  assert.deepEqual(problems, []);
});

test('a link made by an earlier version still opens as it did', async () => {
  const v1 = (await readFile(resolve(import.meta.dirname, '../share-links/v1-inline-files-and-stdin.txt'), 'utf8')).trim();
  const { page, context } = await openFresh(`${playground.url}#share=${v1}`);
  assert.deepEqual(await fileNames(page), ['hello/artifacts/hello.wasm', 'hello/manifest.json']);
  assert.equal(await page.getByTestId('stdin').inputValue(), '{"name":"Zoë"}');
  await context.close();
});
