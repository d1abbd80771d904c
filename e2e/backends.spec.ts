// The training path on every backend this browser offers: WebGPU and WebGL
// (both SwiftShader here), WASM and the CPU. Each trains a tiny net through
// one epoch and its evaluation. The preview server sends COOP/COEP, so the
// page is cross-origin isolated and WASM runs its threads.
import { expect, test } from '@playwright/test';
import { Playground } from './pages/playground';

for (const backend of ['webgpu', 'webgl', 'wasm', 'cpu'] as const) {
  test(`trains on ${backend}`, async ({ page }) => {
    const app = new Playground(page);
    await app.open(`backend=${backend}&n=1&width=4&batch=4&subset=12&test=8&epochs=1`);
    await expect(app.control('backend')).toHaveValue(backend);
    await app.run.train.click();
    await app.run.waitForStatus('done');
    await expect(app.stats.value('backend')).toHaveText(backend);
    await expect(app.stats.value('backendReason')).toContainText('forced by the user');
    if (backend === 'wasm') await expect(app.stats.value('backendReason')).toContainText('(cross-origin isolated)');
    expect(await app.run.steps()).toBe(3);
    await expect(app.stats.value('loss')).toHaveText(/^\d+\.\d{4}$/);
    await expect(app.stats.value('testAcc')).toHaveText(/^\d\.\d{4}$/);
    expect(app.errors).toEqual([]);
  });
}

test('the page is cross-origin isolated, and auto picks wasm without a hardware GPU', async ({ page }) => {
  const app = new Playground(page);
  await app.open('n=1&width=4&batch=4&subset=4&test=4&epochs=1');
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  await app.run.train.click();
  await app.run.waitForStatus('done');
  await expect(app.stats.value('backend')).toHaveText('wasm');
  await expect(app.stats.value('backendReason')).toContainText('picked automatically');
  expect(app.errors).toEqual([]);
});
