// Failures reach the user as clear messages, the run ends cleanly and the page
// stays usable: a diverging loss, and a backend that cannot start.
import { chromium, expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { Playground } from './pages/playground';

test('a diverging loss stops the run and names the step and the learning rate', async ({ page }) => {
  const app = new Playground(page);
  // Plain SGD at lr 10 without batch norm: a 20-layer net overflows within a
  // few steps (Adam's steps are bounded by the rate, and its loss can stay finite).
  await app.open('backend=cpu&n=3&width=4&batch=16&bn=off&opt=sgd&lr=10&subset=64&test=16');
  await app.run.train.click();
  await app.run.waitForStatus('error');
  const notice = page.getByTestId('notice.error');
  await expect(notice).toContainText(/Step \d+: loss became (NaN|infinite) at step \d+/);
  await expect(notice).toContainText('learning rate (10)');
  await expect(app.run.stop).toBeDisabled();
  // The page is still usable: fix the learning rate and train again.
  await app.control('learningRate').fill('0.001');
  await app.control('maxSteps').fill('2');
  await app.run.train.click();
  await app.run.waitForStatus('done');
  await expect(notice).toBeHidden();
  expect(app.errors).toEqual([]);
});

test.describe('without WebGPU', () => {
  test('a forced backend that cannot start says why; auto falls back and says so', async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS.filter((a) => a !== '--enable-unsafe-webgpu') });
    try {
      const page = await browser.newPage({ baseURL: test.info().project.use.baseURL });
      const app = new Playground(page);
      await app.open('backend=webgpu&n=1&width=4&batch=4&steps=1&subset=8&test=4');
      await app.run.train.click();
      await app.run.waitForStatus('error');
      await expect(page.getByTestId('notice.error')).toContainText('no backend could start: webgpu: no WebGPU adapter was offered');

      await app.control('backend').selectOption('auto');
      await app.run.train.click();
      await app.run.waitForStatus('done');
      // No hardware GPU here (WebGL is SwiftShader): auto picks WASM.
      await expect(app.stats.value('backend')).toHaveText('wasm');
      await expect(app.stats.value('backendReason')).toContainText('webgpu: no WebGPU adapter was offered');
      await expect(app.stats.value('backendReason')).toContainText('webgl ranked after wasm');
      expect(app.errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
