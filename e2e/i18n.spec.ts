// Persian and English (issue 22, point 7): `lang=fa` gives a right-to-left
// page in Persian that passes axe, with plots and numbers left-to-right;
// the switch changes the language in place, puts it in the link and
// remembers it; no key is missing on the way (a missing key is a console
// error, which the page object collects).
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { Playground, TINY } from './pages/playground';

test('lang=fa: a right-to-left Persian page, plots and numbers left-to-right, that trains and passes axe', async ({ page }) => {
  test.setTimeout(180_000);
  const app = new Playground(page);
  await app.open(`lang=fa&${TINY}&backend=wasm&steps=3`);
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fa');
  await expect(page.locator('h1')).toHaveText('زمین بازی ResNet');
  await expect(app.run.train).toHaveText('آموزش');
  // The tour, then a lesson, in Persian.
  await expect(page.getByTestId('tour')).toContainText('گام‌های نخست');
  await page.getByTestId('tour.dismiss').click();
  await app.run.train.click();
  await app.run.waitForStatus('done');
  const direction = (testId: string) => page.getByTestId(testId).locator('.chart-body').first().evaluate((el) => getComputedStyle(el).direction);
  expect(await direction('chart.loss')).toBe('ltr');
  expect(await page.getByTestId('controls.learningRate').evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
  expect(await page.locator('.sidebar').evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
  await page.getByTestId('lessons.list').locator('summary').click();
  await page.getByTestId('lessons.open.skip').click();
  await expect(page.getByTestId('lesson')).toContainText('چرا اتصال‌های میان‌بر');
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(app.errors).toEqual([]);
});

test('the switch changes the language in place, puts lang=fa in the link and is remembered; English writes no lang', async ({ page }) => {
  const app = new Playground(page);
  await app.open('n=5');
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await page.getByTestId('lang.fa').click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(app.run.train).toHaveText('آموزش');
  await expect.poll(() => page.url()).toContain('lang=fa');
  expect(page.url()).toContain('n=5');
  // Remembered on this machine: a link without lang opens in Persian.
  await page.goto('/?n=5');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fa');
  await page.getByTestId('lang.en').click();
  await expect(app.run.train).toHaveText('Train');
  await expect.poll(() => page.url()).not.toContain('lang=');
  expect(app.errors).toEqual([]);
});
