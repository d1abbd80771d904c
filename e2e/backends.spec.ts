// The training path on every backend this browser offers: WebGPU and WebGL
// (both SwiftShader here), WASM and the CPU. Each trains a tiny net through
// one epoch and its evaluation. The preview server sends COOP/COEP, so the
// page is cross-origin isolated and WASM runs its threads.
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
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
    if (backend === 'wasm') {
      await expect(app.stats.value('backendReason')).toContainText('(cross-origin isolated)');
      // Our SIMD kernels run on a thread per core (src/kernels/wasm/pool.ts).
      const reason = await app.stats.value('backendReason').innerText();
      const cores = /of (\d+) cores/.exec(reason)?.[1];
      expect(reason).toContain(`our SIMD kernels on ${cores} thread`);
    }
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

/** The newest run as its exported JSON. */
async function exportNewest(page: Page): Promise<{ steps: { loss: number; gradNorms: number[]; weightNorms?: number[]; updateRatios?: number[] }[]; kernelNames: string[] }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('runs.exportJson').first().click()]);
  return JSON.parse(await readFile(await download.path(), 'utf8'));
}

test('WASM, with our SIMD kernels on their threads, computes the CPU backend\'s first step', async ({ page }) => {
  // Width 8: every channel count a multiple of 4, so batch norm runs in the SIMD module too; batch 8 splits over the threads.
  const config = 'n=1&width=8&batch=8&subset=16&test=8&epochs=1';
  const app = new Playground(page);
  const runs: Record<string, Awaited<ReturnType<typeof exportNewest>>> = {};
  for (const backend of ['wasm', 'cpu']) {
    await app.open(`backend=${backend}&${config}`);
    await app.run.train.click();
    await app.run.waitForStatus('done');
    runs[backend] = await exportNewest(page);
  }
  const [wasm, cpu] = [runs.wasm!, runs.cpu!];
  expect(wasm.kernelNames).toEqual(cpu.kernelNames);
  // The same seed, data and first weights: the first step's loss and every layer's gradient norm agree.
  const [w, c] = [wasm.steps[0]!, cpu.steps[0]!];
  // Within 1e-3, the bar for every gradient.
  expect(Math.abs(w.loss - c.loss) / c.loss, `loss ${w.loss} on wasm, ${c.loss} on cpu`).toBeLessThan(1e-3);
  expect(w.gradNorms).toHaveLength(cpu.kernelNames.length);
  const errors = w.gradNorms.map((g, i) => Math.abs(g - c.gradNorms[i]!) / c.gradNorms[i]!);
  expect(Math.max(...errors), JSON.stringify(errors)).toBeLessThan(1e-3);
  expect(app.errors).toEqual([]);
});

const GPU_CASES = [
  { backend: 'webgpu', opt: 'momentum' },
  { backend: 'webgl', opt: 'momentum' },
  { backend: 'webgl', opt: 'adamw' },
] as const;
for (const { backend, opt } of GPU_CASES) {
  test(`${backend}, with our kernels, computes the CPU backend's first two steps (${opt})`, async ({ page }) => {
    // Two steps: the second's loss and gradients come after the first update (our optimizer kernels); the weight and update norms are theirs too.
    const config = `n=1&width=8&batch=8&subset=16&test=8&epochs=1&opt=${opt}&wd=0.0005`;
    const app = new Playground(page);
    const runs: Record<string, Awaited<ReturnType<typeof exportNewest>>> = {};
    for (const on of [backend, 'cpu']) {
      await app.open(`backend=${on}&${config}`);
      await app.run.train.click();
      await app.run.waitForStatus('done');
      runs[on] = await exportNewest(page);
    }
    const [gpu, cpu] = [runs[backend]!, runs.cpu!];
    expect(gpu.kernelNames).toEqual(cpu.kernelNames);
    const relative = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / Math.abs(b[i]!)));
    for (const step of [0, 1]) {
      const [g, c] = [gpu.steps[step]!, cpu.steps[step]!];
      expect(Math.abs(g.loss - c.loss) / c.loss, `step ${step + 1}: loss ${g.loss} on ${backend}, ${c.loss} on cpu`).toBeLessThan(1e-3);
      expect(g.gradNorms).toHaveLength(cpu.kernelNames.length);
      for (const key of ['gradNorms', 'weightNorms', 'updateRatios'] as const) {
        expect(g[key], `step ${step + 1}: ${key}`).toHaveLength(cpu.kernelNames.length);
        expect(relative(g[key]!, c[key]!), `step ${step + 1}: ${key} ${JSON.stringify(g[key])} on ${backend}, ${JSON.stringify(c[key])} on cpu`).toBeLessThan(1e-3);
      }
    }
    expect(app.errors).toEqual([]);
  });
}
