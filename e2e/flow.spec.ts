// The new controls and the gradient-flow views, as a user meets them: the
// optimizer, schedule (with its preview) and family knobs, lesson mode's
// hidden controls, then a tiny run on the CPU and every gradient view with
// its numbers and a data table behind each chart.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator } from '@playwright/test';
import { Playground, TINY } from './pages/playground';

test('optimizer, schedule with preview, label smoothing and family knobs follow the URL', async ({ page }) => {
  const app = new Playground(page);
  await app.open(TINY);
  await app.control('optimizer').selectOption('adamw');
  await expect(app.control('momentum')).toBeHidden();
  await app.control('schedule').selectOption('cosine');
  await expect(app.control('warmupEpochs')).toBeVisible();
  await expect(app.control('schedulePreview')).toHaveAttribute('data-points', /^[1-9]\d*$/);
  await app.control('labelSmoothing').fill('0.1');
  await expect(page).toHaveURL(/opt=adamw&sched=cosine.*&smooth=0\.1/);
  // Every control has a label and a line of help.
  for (const name of ['optimizer', 'schedule', 'warmupEpochs', 'labelSmoothing', 'family']) {
    await expect(app.control(name)).toHaveAccessibleName(/\w/);
    await expect(app.control(name)).toHaveAccessibleDescription(/\w{4}/);
  }
  // Another family shows the fields that family reads, and only those.
  await app.control('family').selectOption('resnet');
  await expect(app.control('preset')).toHaveValue('resnet18');
  await expect(app.control('stageBlocks')).toHaveValue('2-2-2-2');
  await expect(app.control('blocksPerStage')).toBeHidden();
  await app.control('family').selectOption('densenet');
  await expect(app.control('growthRate')).toHaveValue('32');
  await expect(app.control('skip')).toBeHidden();
  expect(app.errors).toEqual([]);
});

test('lesson mode hides the controls named in hide=', async ({ page }) => {
  const app = new Playground(page);
  await app.open(`${TINY}&hide=skip,bn,lr`);
  await expect(app.control('blocksPerStage')).toHaveValue('1');
  await expect(app.control('skip')).toHaveCount(0);
  await expect(app.control('batchNorm')).toHaveCount(0);
  await expect(app.control('learningRate')).toHaveCount(0);
  await expect(app.control('batchSize')).toBeVisible();
  await app.control('batchSize').fill('4');
  await expect(page).toHaveURL(/batch=4.*&hide=skip,bn,lr$/);
  expect(app.errors).toEqual([]);
});

test('a tiny run fills the heat map, the headline ratio with its explanation, and the per-layer updates', async ({ page }) => {
  const app = new Playground(page);
  await app.open(`${TINY}&backend=cpu&steps=4&epochs=1&opt=nesterov&sched=warmup`);
  await app.run.train.click();
  await app.run.waitForStatus('done');
  const heat = app.charts.gradHeatmap;
  await expect(heat).toHaveAttribute('data-steps', '4');
  await expect(heat).toHaveAttribute('data-layers', '8');
  await expect(heat.locator('canvas')).toBeVisible();
  // Pointing at the top row among the 4 newest columns (3.2 px each) reads out the first layer's norm there.
  await heat.locator('canvas').scrollIntoViewIfNeeded();
  const box = await heat.locator('canvas').boundingBox();
  if (!box) throw new Error('the heat map has no box');
  await page.mouse.move(box.x + box.width - 5, box.y + 3, { steps: 3 });
  await expect(heat.locator('.heatmap-hover')).toHaveText(/^stem\.conv at step [1-4]: \d\.\d\de[+-]\d+$/);
  await openDataTable(heat);
  const table = heat.getByTestId('chart.gradHeatmap.table');
  await expect(table.locator('tbody tr')).toHaveCount(8);
  await expect(table.locator('thead th')).toHaveText(['layer', 'step 1', 'step 2', 'step 3', 'step 4']);
  await expect(table.locator('tbody tr').first().locator('td').first()).toHaveText(/^\d\.\d\de[+-]\d+$/);

  const headline = app.charts.gradHeadline;
  await expect(headline.getByTestId('chart.gradHeadline.value')).toHaveText(/^\d\.\d\de[+-]\d+$/);
  // The words follow the number: check the kind against the ratio shown.
  const ratio = Number(await headline.getAttribute('data-ratio'));
  const kind = ratio < 0.1 ? 'vanishing' : ratio > 10 ? 'exploding' : 'balanced';
  await expect(headline).toHaveAttribute('data-kind', kind);
  await expect(headline.getByTestId('chart.gradHeadline.verdict')).toContainText(new RegExp(`^${kind}: stem\\.conv's gradient`, 'i'));

  const updates = app.charts.layerUpdates;
  await expect(updates).toHaveAttribute('data-step', '4');
  await openDataTable(updates);
  await expect(updates.locator('table tbody tr')).toHaveCount(8);
  await expect(updates.getByTestId('chart.layerUpdates.note')).toContainText(/updates range from \d\.\de[+-]\d+ to/);
  await expect(app.charts.gradRatio).toContainText(/first \/ last = \d/);

  // a11y: every chart has a data table behind it.
  const charts = page.locator('figure.chart');
  expect(await charts.count()).toBeGreaterThanOrEqual(6);
  for (const chart of await charts.all()) {
    await openDataTable(chart);
    await expect(chart.locator('details table')).toHaveCount(1);
  }
  // ... and axe finds nothing serious with every view drawn.
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  expect(app.errors).toEqual([]);
});

/** Opens a chart's data table (its rows are rendered only while open), from the keyboard. */
async function openDataTable(chart: Locator): Promise<void> {
  const details = chart.locator('details.data-table');
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) {
    await details.locator('summary').focus();
    await details.locator('summary').press('Enter');
  }
}
