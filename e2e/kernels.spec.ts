// Our GPU kernels' convolution gradients in Chromium, WebGPU and WebGL on
// SwiftShader (issue 21, point 3): on a test page of its own that runs TF.js
// (e2e/kernels/), built and served here, each gradient as the engine runs
// it on that backend against the CPU backend's, within 1e-3, at small
// shapes of every zoo family (src/testing/conv-cases.ts; the same shapes
// run in Node on lavapipe in src/kernels/webgpu/webgpu.test.ts).
import { expect, test } from '@playwright/test';
import { serveBuild, type Served } from '../bench/browser/serve';
import { CONV_CASES } from '../src/testing/conv-cases';

let served: Served;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  served = await serveBuild('dist-kernels', { input: 'e2e/kernels/kernels.html' });
});
test.afterAll(async () => served?.close());

for (const backend of ['webgpu', 'webgl'] as const) {
  test(`the convolution gradients on ${backend} equal the CPU backend's within 1e-3 at every family's shapes`, async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto(`${served.base}/e2e/kernels/kernels.html`);
    await page.waitForFunction(() => window.kernelsReady === true);
    const errors = await page.evaluate(({ b, cases }) => window.checkConv(b, cases), { b: backend, cases: CONV_CASES });
    expect(errors).toHaveLength(CONV_CASES.length);
    errors.forEach((e, i) => {
      for (const [gradient, error] of Object.entries(e)) expect(error, `${CONV_CASES[i]!.family}: ${gradient}`).toBeLessThan(1e-3);
    });
  });
}
