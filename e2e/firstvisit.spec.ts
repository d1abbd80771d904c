// A first visit that leads somewhere (issue 22, point 9): three pointers,
// dismissable and remembered; the rarely needed knobs behind More options;
// on a phone, Train and the live charts before the knobs.
import { expect, test } from '@playwright/test';
import { Playground } from './pages/playground';

test('a first visit points at Train, the skip switch and the gradient views, and remembers it was seen', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  const tour = page.getByTestId('tour');
  await expect(tour).toHaveAttribute('data-step', '1');
  await expect(app.run.train).toHaveClass(/tour-target/);
  await page.getByTestId('tour.next').click();
  await expect(tour).toHaveAttribute('data-step', '2');
  await expect(app.control('skip')).toHaveClass(/tour-target/);
  await expect(app.run.train).not.toHaveClass(/tour-target/);
  await page.getByTestId('tour.next').click();
  await expect(app.charts.gradHeadline).toHaveClass(/tour-target/);
  await page.getByTestId('tour.done').click();
  await expect(tour).toHaveCount(0);
  await page.reload();
  await expect(app.run.train).toBeVisible();
  await expect(tour).toHaveCount(0);
  // Skipped at its first step in another browser profile: gone for good too.
  const other = await page.context().browser()!.newPage();
  await other.goto('/');
  await other.getByTestId('tour.dismiss').click();
  await other.reload();
  await expect(other.getByTestId('run.train')).toBeVisible();
  await expect(other.getByTestId('tour')).toHaveCount(0);
  await other.close();
});

test('the knobs a preset does not need sit behind More options until opened; a preset that sets one opens it', async ({ page }) => {
  const app = new Playground(page);
  await app.open();
  const more = page.getByTestId('controls.more');
  await expect(more).not.toHaveAttribute('open', '');
  await expect(app.control('dropout')).toBeHidden();
  await more.locator('summary').click();
  await expect(app.control('dropout')).toBeVisible();
  await more.locator('summary').click();
  await expect(app.control('dropout')).toBeHidden();
  await app.control('preset').selectOption('resnext50_32x4d');
  await expect(more).toHaveAttribute('open', '');
  await expect(app.control('cardinality')).toHaveValue('32');
});

test('on a 390-px phone, Train and the live charts come before the knobs', async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const app = new Playground(page);
  await app.open();
  const top = async (testId: string) => (await page.getByTestId(testId).boundingBox())!.y;
  const firstKnob = await top('controls.family');
  expect(await top('run.train')).toBeLessThan(firstKnob);
  expect(await top('chart.loss')).toBeLessThan(firstKnob);
  // Above Train: the header's Copy link and the first visit's pointers, no knob.
  const trainY = await top('run.train');
  const above = await page.locator('input, select, textarea').evaluateAll((els, y) => els.filter((el) => el.getBoundingClientRect().height > 0 && el.getBoundingClientRect().top < y).length, trainY);
  expect(above).toBe(0);
  await page.close();
});
