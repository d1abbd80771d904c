// Starting from pretrained weights on the page: a broken file is refused by
// name and the page still trains, and a recipe says what it needs;
// akamaster's ResNet-20 (a .safetensors
// dropped on the panel) is cached, listed with its size, and a ResNet-20 run
// on CIFAR-10 starts from it; a kept run's weights start a run on another
// data set, offline.
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { cifar10Archive } from '../src/testing/fixtures';
import { Playground } from './pages/playground';
import { WeightsPanel } from './pages/weights';

const TINY_CPU = 'backend=cpu&n=1&width=4&batch=8&subset=16&test=8&epochs=1';

/** A safetensors header that says 1,000 bytes of JSON follow, then only 12. */
function truncatedSafetensors(): Uint8Array {
  const bytes = new Uint8Array(20);
  new DataView(bytes.buffer).setBigUint64(0, 1000n, true);
  bytes.set(new TextEncoder().encode('{"w":{"dtyp'), 8);
  return bytes;
}

test('a broken .safetensors is refused by name, nothing is cached, and the page still trains', async ({ page }) => {
  const app = new Playground(page);
  const weights = new WeightsPanel(page);
  await app.open(TINY_CPU);
  await expect(weights.cache).toHaveAttribute('data-count', '0');
  await weights.pick('broken.safetensors', truncatedSafetensors());
  await expect(weights.error).toContainText('broken.safetensors: truncated');
  await expect(weights.cache).toHaveAttribute('data-count', '0');
  await expect(weights.source).toHaveValue('');

  await app.run.train.click();
  await app.run.waitForStatus('done');

  // A recipe is one click; the panel says what it still needs (nothing is fetched unasked).
  await page.getByTestId('weights.recipe.article-probe').click();
  const needs = page.getByTestId('weights.recipe.status');
  await expect(needs).toHaveAttribute('data-weights', 'missing');
  await expect(needs).toHaveAttribute('data-data', 'missing');
  await expect(page.getByTestId('weights.recipe.fetch')).toHaveText('Fetch (102.5 MB)');
  await expect(weights.freeze).toHaveValue('head');
  await expect(weights.normalize).toHaveValue('imagenet');
  expect(page.url()).toContain('weights=torchvision%2Fresnet50');
  const { violations } = await new AxeBuilder({ page }).include('[data-testid="weights.panel"]').analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  expect(app.errors).toEqual([]);
});

test("akamaster's ResNet-20 dropped as .safetensors is listed with its size, and a ResNet-20 run on CIFAR-10 starts from it", async ({ page }) => {
  const app = new Playground(page);
  const weights = new WeightsPanel(page);
  // ResNet-20 at its full width, 2 steps of 8 CIFAR images on WASM.
  await app.open('backend=wasm&n=3&batch=8&steps=2&subset=16&test=8&epochs=1');
  await app.data.pick('cifar-10-binary.tar.gz', cifar10Archive());
  await expect(app.data.select).toHaveValue('cifar10', { timeout: 60_000 });

  const file = await readFile('src/testing/fixtures/weights/resnet20.safetensors');
  await weights.dropFile('resnet20.safetensors', new Uint8Array(file));
  await expect(weights.entries).toHaveCount(1);
  await expect(weights.entries.first()).toHaveAttribute('data-bytes', String(file.length));
  await expect(weights.entries.first()).toContainText('resnet20.safetensors: 1.1 MB');
  // What was read becomes the source, with the data set's own normalization.
  await expect(weights.source).toHaveValue('file/resnet20.safetensors');
  await expect(weights.normalize).toHaveValue('dataset');
  expect(page.url()).toContain('weights=file%2Fresnet20.safetensors');

  await app.run.train.click();
  await expect(weights.startedFrom).toContainText('started from resnet20.safetensors', { timeout: 120_000 });
  await app.run.waitForStatus('done');
  expect(await app.run.steps()).toBe(2);

  await page.getByTestId('weights.delete').click();
  await expect(weights.cache).toHaveAttribute('data-count', '0');
  await expect(weights.source.locator('option:checked')).toHaveText('file/resnet20.safetensors (not on this machine)');
  expect(app.errors).toEqual([]);
});

test('pretrain here: a run on Fashion-MNIST, then a new run on MNIST from its kept weights', async ({ page }) => {
  const app = new Playground(page);
  const weights = new WeightsPanel(page);
  await app.open(`${TINY_CPU}&data=fashion`);
  await app.run.train.click();
  await app.run.waitForStatus('done');
  const row = page.locator('[data-testid^="runs.row."]');
  await expect.poll(async () => Number(await row.getAttribute('data-checkpoint'))).toBeGreaterThan(0);
  const runId = ((await row.getAttribute('data-testid')) ?? '').slice('runs.row.'.length);

  // The kept run is a source in the panel too.
  await expect(weights.source.locator(`option[value="run/${runId}"]`)).toHaveCount(1);
  await app.data.select.selectOption('mnist');
  await page.getByTestId('runs.startFrom').click();
  await expect(weights.startedFrom).toContainText(`started from run ${runId}`);
  await app.run.waitForStatus('done');
  await expect(weights.source).toHaveValue(`run/${runId}`);
  await expect(app.data.select).toHaveValue('mnist');
  await expect(row).toHaveCount(2);
  expect(app.errors).toEqual([]);
});
