// After an epoch the page shows the confusion matrix, accuracy per class and
// top-3 guesses; a cell of the matrix shows the test images it counts.
import { expect, test } from '@playwright/test';
import { Playground } from './pages/playground';

test('evaluation view: confusion matrix cells open their test images', async ({ page }) => {
  const app = new Playground(page);
  await app.open('backend=cpu&n=1&width=4&batch=8&subset=16&test=40&epochs=1');
  await app.run.train.click();
  await app.run.waitForStatus('done');
  const view = page.getByTestId('eval');
  await expect(view).toHaveAttribute('data-epoch', '1');

  // Every test image is counted once: the 100 cells sum to the 40 evaluated.
  // textContent, not innerText: an off-screen view is not rendered
  // (content-visibility: auto), and innerText reads only rendered text.
  const counts = await page.locator('[data-testid^="eval.cell."]').allTextContents();
  expect(counts).toHaveLength(100);
  expect(counts.map(Number).reduce((a, b) => a + b, 0)).toBe(40);
  await expect(page.getByTestId('eval.perClass').locator('tbody tr')).toHaveCount(10);

  // The busiest cell lists that many images, drawn from the worker's data.
  const busiest = counts.map(Number).reduce((best, c, i, all) => (c > (all[best] ?? 0) ? i : best), 0);
  await page.getByTestId(`eval.cell.${Math.floor(busiest / 10)}.${busiest % 10}`).click();
  const cell = page.getByTestId('eval.cellImages');
  await expect(cell).toHaveAttribute('data-count', counts[busiest] ?? '');
  await expect(cell.locator('img')).toHaveCount(Number(counts[busiest]));

  // Top-3 guesses for the first 16 test images, each with its picture.
  await expect(page.getByTestId('eval.top3').locator('img')).toHaveCount(16);
  await expect(page.getByTestId('eval.top3').locator('ol').first().locator('li')).toHaveCount(3);
  expect(app.errors).toEqual([]);
});
