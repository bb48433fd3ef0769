// Writes docs/screenshot.png: the main view with the hello-world example checked and run.
// Run after a release build: node scripts/screenshot.mjs
import { resolve } from 'node:path';
import { openPlayground, runAndWait } from '../tests/e2e/harness.mjs';

const playground = await openPlayground();
try {
  const context = await playground.browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(playground.url);
  await page.getByTestId('example-hello-world').click();
  await page.getByTestId('verdict').waitFor();
  await page.getByTestId('request-select').selectOption('runtime-requests/greet-ada.json');
  await runAndWait(page);
  await page.screenshot({ path: resolve(import.meta.dirname, '../docs/screenshot.png') });
} finally {
  await playground.close();
}
