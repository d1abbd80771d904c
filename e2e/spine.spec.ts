// A new user's first run: open the page, train a ResNet on MNIST, watch the
// charts move, pause, resume, stop, with no console errors.
import { expect, test } from '@playwright/test';
import { Playground, TINY } from './pages/playground';

test('trains live, then pauses, resumes and stops', async ({ page }) => {
  const app = new Playground(page);
  await app.open(`${TINY}&epochs=50`);
  await expect(app.control('blocksPerStage')).toHaveValue('1');
  await app.run.train.click();

  await app.run.waitForSteps(3);
  await expect(app.stats.value('backend')).not.toHaveText('–');
  await expect(app.stats.value('backendReason')).toContainText(/picked automatically/);
  await expect.poll(() => app.charts.lossPoints()).toBeGreaterThanOrEqual(3);
  await expect(app.charts.loss.locator('canvas')).toBeVisible();
  const firstProfileStep = await app.charts.gradStep();
  expect(firstProfileStep).toBeGreaterThan(0);
  await expect(app.charts.gradProfile.locator('canvas')).toBeVisible();
  await expect(app.charts.gradRatio).toContainText(/first \/ last = \d/);
  await expect.poll(() => app.charts.gradStep()).toBeGreaterThan(firstProfileStep);

  await app.run.pause.click();
  await app.run.waitForStatus('paused');
  const atPause = await app.run.steps();
  // Paused means no step lands; the UI stays responsive meanwhile.
  await page.waitForTimeout(1500);
  expect(await app.run.steps()).toBe(atPause);
  await app.control('learningRate').fill('0.02');
  await expect(app.control('learningRate')).toHaveValue('0.02');

  await app.run.resume.click();
  await app.run.waitForSteps(atPause + 2);

  await app.run.stop.click();
  await app.run.waitForStatus('stopped');
  const atStop = await app.run.steps();
  await page.waitForTimeout(1000);
  expect(await app.run.steps()).toBe(atStop);
  await expect(app.run.train).toBeEnabled();
  expect(app.errors).toEqual([]);
});

test('finishes an epoch and shows the test loss and accuracy', async ({ page }) => {
  const app = new Playground(page);
  // 16 images at batch 8: an epoch is 2 steps, then 32 test images.
  await app.open('n=1&width=4&batch=8&subset=16&test=32&epochs=2');
  await app.run.train.click();
  await app.run.waitForStatus('done');
  expect(await app.run.steps()).toBe(4);
  await expect(app.stats.value('testAcc')).toHaveText(/^\d\.\d{4}$/);
  await expect(app.stats.value('testLoss')).toHaveText(/^\d+\.\d{4}$/);
  await expect(app.charts.loss).toHaveAttribute('data-test-points', '2');
  expect(app.errors).toEqual([]);
});
