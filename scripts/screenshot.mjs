// Writes docs/screenshot.png: the workbench at 1280×800, the hello-world example checked, its
// manifest open in the editor, and run.
// Run after a release build: node scripts/screenshot.mjs
import { resolve } from 'node:path';
import { openPlayground, runAndWait } from '../tests/e2e/harness.mjs';

const playground = await openPlayground();
try {
  const context = await playground.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(playground.url);
  await page.getByTestId('example-hello-world').click();
  await page.getByTestId('verdict').waitFor();
  await page.getByTestId('request-select').selectOption('runtime-requests/greet-ada.json');
  await runAndWait(page);
  await page.getByTestId('file-list').getByRole('button', { name: 'manifest.json', exact: true }).click();
  await page.locator('.cm-editor').waitFor();
  await page.screenshot({ path: resolve(import.meta.dirname, '../docs/screenshot.png') });
} finally {
  await playground.close();
}
