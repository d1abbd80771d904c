// The page path for CIFAR: pick a full-size CIFAR-10 tarball (built here in
// the official layout, mostly zeros), watch the byte progress, see samples,
// train a tiny net on it; a broken tarball shows its error, caches nothing,
// and the page goes on working.
import { expect, test } from '@playwright/test';
import { cifar10Archive, cifar100Archive, cifarBatch } from '../src/testing/fixtures';
import { Playground } from './pages/playground';

test('a picked CIFAR-10 tarball is read with progress, cached, shown and trained on; a broken one is refused', async ({ page }) => {
  const app = new Playground(page);
  await app.open('backend=cpu&n=1&width=4&batch=8&steps=3&subset=64&test=16&crop=on&flip=on');
  await expect(app.data.cache).toHaveAttribute('data-count', '0');

  const archive = cifar10Archive();
  await app.data.pick('cifar-10-binary.tar.gz', archive);
  await expect(app.data.progress).not.toHaveAttribute('data-state', 'loading', { timeout: 60_000 });
  await expect(app.data.error).toHaveCount(0);
  await expect(app.data.progress).toHaveAttribute('data-state', 'done');
  await expect(app.data.progress).toHaveAttribute('data-loaded', String(archive.length));
  await expect(app.data.progress).toHaveAttribute('data-total', String(archive.length));
  await expect(app.data.select).toHaveValue('cifar10');
  await expect(app.data.cached('cifar10')).toContainText('CIFAR-10: 50,000 + 10,000 images, 184.4 MB (from cifar-10-binary.tar.gz)');
  await expect(app.data.samples).toHaveAttribute('data-count', '32');
  await expect(app.data.samples.locator('figcaption').first()).toHaveText('automobile');
  await expect(app.data.augmented).toHaveAttribute('data-count', '32');
  expect(page.url()).toContain('data=cifar10');

  await app.run.train.click();
  await app.run.waitForStatus('done');
  expect(await app.run.steps()).toBe(3);

  // A label out of range in the last batch file: refused with the file and the problem.
  const bad = cifar100Archive({ 'train.bin': cifarBatch(50_000, 2, (i) => [0, i === 49_999 ? 100 : 1]) });
  const t0 = Date.now();
  await app.data.pick('cifar-100-binary.tar.gz', bad);
  await expect(app.data.error).toHaveText('cifar-100-binary.tar.gz: cifar-100-binary/train.bin: fine label 100 in record 49999 is out of range 0..99', { timeout: 60_000 });
  expect(Date.now() - t0).toBeLessThan(60_000);
  await expect(app.data.cache).toHaveAttribute('data-count', '1');
  await expect(app.data.select).toHaveValue('cifar10');

  // Still usable: train again, then clear the cache.
  await app.run.train.click();
  await app.run.waitForStatus('done');
  await app.data.clear.click();
  await expect(app.data.cache).toHaveAttribute('data-count', '0');
  expect(app.errors).toEqual([]);
});
