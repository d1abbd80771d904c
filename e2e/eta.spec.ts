// How long a run takes (issue 22, point 4): before it starts, from steps
// timed on this machine; while it runs, the time left from its own steps.
import { expect, test } from '@playwright/test';
import { Playground } from './pages/playground';

test('a run says how long it will take before it starts, and how long it has left while it runs', async ({ page }) => {
  const app = new Playground(page);
  await app.open('backend=cpu&n=1&width=4&batch=8&subset=64&test=16&epochs=3');
  await page.getByTestId('run.estimate').click();
  const eta = page.getByTestId('run.eta');
  await expect(eta).toContainText(/This run: about (\d+ s|\d+ min \d+ s): 24 steps at \d+ ms each, measured here/);
  await app.run.train.click();
  await app.run.waitForSteps(3);
  const left = app.stats.value('timeLeft');
  await expect(left).toHaveText(/^about (\d+ s|\d+ min \d+ s)$/);
  await app.run.waitForStatus('done');
  await expect(left).toHaveText('–');
  expect(app.errors).toEqual([]);
});
