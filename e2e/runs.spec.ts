// Journeys with kept runs: compare a run with its plain twin, reload and
// find the same numbers, export a run and import it again, export it as a
// PyTorch project, import a train.py run.
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { Playground } from './pages/playground';
import { decodeSafetensors } from '../src/data/safetensors';
import { readZipDirectory, readZipEntry } from '../src/data/zip';

const TINY_CPU = 'backend=cpu&n=1&width=4&batch=8&subset=16&test=16&epochs=1';

test('plain twin overlaid, config diff, reload keeps the numbers, export and import', async ({ page }) => {
  const app = new Playground(page);
  await app.open(TINY_CPU);
  await app.run.train.click();
  await app.run.waitForStatus('done');
  const rows = page.locator('[data-testid^="runs.row."]');
  await expect(rows).toHaveCount(1);

  // The plain twin: same config with skip off, the first run overlaid.
  await page.getByTestId('runs.plainTwin').click();
  await app.run.waitForStatus('done');
  await expect(rows).toHaveCount(2);
  await expect(app.control('skip')).not.toBeChecked();
  await expect(app.charts.loss).toHaveAttribute('data-overlays', '1');
  // The overlay is named by how it differs from the live (plain) run.
  await expect(app.charts.loss.locator('.legend')).toContainText('skip on');
  // The gradient headline overlays it too.
  await expect(app.charts.gradHeadline).toHaveAttribute('data-overlays', '1');
  await expect(app.charts.gradHeadline.locator('.legend')).toContainText('skip on');
  const compare = page.getByTestId('runs.compare');
  await compare.nth(0).check();
  await compare.nth(1).check();
  const diff = page.getByTestId('runs.diff');
  await expect(diff.locator('tbody tr')).toHaveCount(1);
  await expect(diff.locator('tbody tr')).toContainText('model.skip');

  // Reload: the same steps and points on screen.
  const steps = await app.run.steps();
  const points = await app.charts.lossPoints();
  const loss = await app.stats.value('loss').innerText();
  await page.reload();
  await expect(rows).toHaveCount(2);
  await expect.poll(() => app.run.steps()).toBe(steps);
  expect(await app.charts.lossPoints()).toBe(points);
  await expect(app.stats.value('loss')).toHaveText(loss);

  // Export the newest run as JSON, import it back: a third row, overlaid.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('runs.exportJson').first().click()]);
  const file = await download.path();
  const text = await readFile(file, 'utf8');
  expect(JSON.parse(text)).toMatchObject({ format: 'resnet-playground-run', version: 1 });
  await page.getByTestId('runs.import').setInputFiles({ name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect(rows).toHaveCount(3);
  await expect(app.charts.loss).toHaveAttribute('data-overlays', '2');

  // A broken file is refused by name; the page stays usable.
  await page.getByTestId('runs.import').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":') });
  await expect(page.getByTestId('runs.error')).toContainText('broken.json: not JSON');
  await expect(rows).toHaveCount(3);
  expect(app.errors).toEqual([]);
});

test('a run closed mid-training resumes from its last checkpoint after a reload', async ({ page }) => {
  const app = new Playground(page);
  // 32 images at batch 8: 4 steps an epoch, a checkpoint after each epoch; 5 epochs.
  await app.open('backend=cpu&n=1&width=4&batch=8&subset=32&test=8&epochs=5');
  await app.run.train.click();
  const row = page.locator('[data-testid^="runs.row."]');
  await expect.poll(async () => Number(await row.getAttribute('data-checkpoint')), { timeout: 120_000 }).toBeGreaterThanOrEqual(4);
  await app.run.waitForSteps(6);
  await page.reload();

  // The run is back on screen, cut short; it resumes from its checkpoint and finishes all 20 steps once.
  await expect(row).toHaveAttribute('data-outcome', 'running');
  const resume = page.getByTestId('runs.resume');
  await expect(resume).toBeVisible();
  await resume.click();
  await app.run.waitForStatus('done');
  expect(await app.run.steps()).toBe(20);
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-outcome', 'finished');

  // Its trained weights download in TF.js's format.
  const modelFiles: string[] = [];
  const onDownload = (d: { suggestedFilename(): string }) => modelFiles.push(d.suggestedFilename());
  page.on('download', onDownload);
  await page.getByTestId('runs.exportModel').click();
  // Two downloads (model.json, then its .bin): both in before the next export's.
  await expect.poll(() => modelFiles.length).toBe(2);
  page.off('download', onDownload);
  expect(modelFiles[0]).toMatch(/\.model\.json$/);
  expect(modelFiles[1]).toMatch(/\.weights\.bin$/);
  // And as a PyTorch project: one zip of the files `playground export pytorch` writes, the
  // weights under akamaster's names for a CIFAR ResNet, BN's step count included.
  const [torch] = await Promise.all([page.waitForEvent('download'), page.getByTestId('runs.exportTorch').click()]);
  expect(torch.suggestedFilename()).toMatch(/\.pytorch\.zip$/);
  const zip = new Uint8Array(await readFile(await torch.path()));
  const entries = readZipDirectory(zip, 'export.zip');
  expect([...entries.keys()]).toEqual(['train.py', 'weights.safetensors', 'optimizer.safetensors', 'config.json', 'README.md']);
  const entry = async (name: string) => readZipEntry(zip, entries.get(name)!, 'export.zip');
  const { tensors } = decodeSafetensors(await entry('weights.safetensors'));
  expect(tensors.get('conv1.weight')?.shape).toEqual([4, 1, 3, 3]);
  expect(tensors.get('layer3.0.conv2.weight')?.shape).toEqual([16, 16, 3, 3]);
  expect(tensors.get('linear.weight')?.shape).toEqual([10, 16]);
  expect(Array.from(tensors.get('bn1.num_batches_tracked')?.values ?? [])).toEqual([20]);
  // The optimizer's state at that step (momentum's buffers), from which train.py resumes.
  const optimizer = decodeSafetensors(await entry('optimizer.safetensors'));
  expect(optimizer.metadata).toMatchObject({ optimizer: 'momentum', step: '20' });
  expect(optimizer.tensors.get('layer3.0.conv2.weight.momentum_buffer')?.shape).toEqual([16, 16, 3, 3]);
  // train.py is the run's: its config (n=1, width 4, batch 8, 5 epochs) and akamaster's names.
  const trainPy = new TextDecoder().decode(await entry('train.py'));
  expect(trainPy).toMatch(/blocksPerStage=1,/);
  expect(trainPy).toMatch(/baseWidth=4,/);
  expect(trainPy).toMatch(/batchSize=8,/);
  expect(trainPy).toMatch(/epochs=5,/);
  expect(trainPy).toContain("NAMING = 'akamaster'");
  expect(JSON.parse(new TextDecoder().decode(await entry('config.json')))).toMatchObject({ model: { blocksPerStage: 1, baseWidth: 4 }, train: { batchSize: 8, epochs: 5 } });
  expect(new TextDecoder().decode(await entry('README.md'))).toContain('at step 20');
  expect(app.errors).toEqual([]);
});

test('a copied link opens the same config and compared runs in a fresh browser', async ({ page, browser }) => {
  const app = new Playground(page);
  await app.open(TINY_CPU);
  await app.run.train.click();
  await app.run.waitForStatus('done');
  await page.getByTestId('runs.plainTwin').click();
  await app.run.waitForStatus('done');
  await page.getByTestId('share.copy').click();
  const link = await page.getByTestId('share.link').inputValue();
  expect(link).toContain('skip=off');
  expect(link).toMatch(/cmp=skip:on(&|$)/);

  // Another user: nothing kept, the same page; the compared run is offered for training.
  const context = await browser.newContext();
  try {
    const other = new Playground(await context.newPage());
    await other.page.goto(link);
    await expect(other.control('skip')).not.toBeChecked();
    await expect(other.control('blocksPerStage')).toHaveValue('1');
    const pending = other.page.getByTestId('runs.pending');
    await expect(pending.locator('li')).toHaveCount(1);
    await expect(pending).toContainText('skip on');
    await other.page.getByTestId('runs.trainCompared').click();
    await other.run.waitForStatus('done');
    await expect(other.control('skip')).not.toBeChecked();
    await expect(other.page.locator('[data-testid^="runs.row."]')).toHaveCount(1);
    // The link still compares that run, now a kept one.
    expect(other.page.url()).toMatch(/cmp=skip:on/);
    expect(other.errors).toEqual([]);
  } finally {
    await context.close();
  }
});

/** A train.py --out run's metrics.jsonl (export/python-loop.ts's lines): 4 steps, 2 epochs. */
function trainPyMetrics(): string {
  const norms = (k: number) => ({ stem: 0.5 * k, 'stage1.block0.conv1': 0.25 * k, head: 0.1 * k });
  const step = (n: number, epoch: number) => JSON.stringify({ step: n, epoch, loss: 2.4 - n / 8, acc: n / 10, lr: 0.1, ms: 40, gradNorms: norms(n), weightNorms: norms(1) });
  const epoch = (e: number, at: number) => JSON.stringify({ event: 'epoch', epoch: e, step: at, testLoss: 2.2 - e / 10, testAcc: 0.2 * e, testCount: 16, confusion: new Array(100).fill(0) });
  return [step(1, 1), step(2, 1), epoch(1, 2), step(3, 2), step(4, 2), epoch(2, 4)].join('\n') + '\n';
}

test('a train.py run imports as a kept run, with or without its config.json', async ({ page }) => {
  const app = new Playground(page);
  await app.open(TINY_CPU);
  const rows = page.locator('[data-testid^="runs.row."]');
  const metrics = { name: 'metrics.jsonl', mimeType: 'application/json', buffer: Buffer.from(trainPyMetrics()) };
  const config = { name: 'config.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ model: { family: 'cifar-resnet', blocksPerStage: 2, baseWidth: 8 }, train: { batchSize: 16, epochs: 2 }, data: { dataset: 'mnist' } })) };

  // Both files picked at once: a kept run with the config, overlaid on the charts.
  await page.getByTestId('runs.import').setInputFiles([metrics, config]);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('PyTorch');
  await expect(rows.first()).toContainText('pytorch');
  await expect(rows.first().locator('td').nth(3)).toHaveText('4');
  await expect(rows.first().locator('td').nth(4)).toHaveText('0.4000');
  await expect(app.charts.loss).toHaveAttribute('data-overlays', '1');
  await expect(app.charts.acc).toHaveAttribute('data-overlays', '1');
  await expect(page.getByTestId('runs.error')).toHaveCount(0);

  // metrics.jsonl alone: kept too, the config flagged as unknown.
  await page.getByTestId('runs.import').setInputFiles([metrics]);
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId('runs.error')).toContainText("the run's config is unknown");
  await expect(rows.filter({ hasText: 'config unknown' })).toHaveCount(1);

  // A bad line is refused by its number; nothing is added.
  await page.getByTestId('runs.import').setInputFiles([{ ...metrics, buffer: Buffer.from(trainPyMetrics().replace('"event":"epoch"', '"event":"epoch",')) }]);
  await expect(page.getByTestId('runs.error')).toContainText('metrics.jsonl: line 3: not JSON');
  await expect(rows).toHaveCount(2);
  expect(app.errors).toEqual([]);
});
