// The camera as a data source (issue 19, point 2), with Chromium's fake
// camera (a test pattern, no real device): name two classes, hold each
// class's button to record frames, keep them as one's own images; the panel
// lists them and a tiny net trains on them. A page without a camera saying
// so is in folder.spec.ts.
import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';
import { Playground } from './pages/playground';

test.use({
  launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] },
  permissions: ['camera'],
});

test('frames recorded per class with the camera become a data set that trains', async ({ page }) => {
  const app = new Playground(page);
  await app.open('backend=cpu&data=folder&size=32&n=1&width=4&batch=8&epochs=1');
  await page.getByTestId('data.camera.start').click();
  const first = page.getByTestId('data.camera.class.0');
  await first.getByRole('textbox').fill('left hand');
  await page.getByTestId('data.camera.class.1').getByRole('textbox').fill('right hand');
  for (const i of [0, 1]) {
    const hold = page.getByTestId(`data.camera.hold.${i}`);
    await hold.hover();
    await page.mouse.down();
    await expect.poll(async () => Number(await page.getByTestId(`data.camera.class.${i}`).getAttribute('data-count')), { timeout: 30_000 }).toBeGreaterThanOrEqual(8);
    await page.mouse.up();
  }
  const counts = await Promise.all([0, 1].map(async (i) => Number(await page.getByTestId(`data.camera.class.${i}`).getAttribute('data-count'))));
  await page.getByTestId('data.camera.use').click();
  const summary = page.getByTestId('data.folder.summary');
  await expect(summary).toHaveAttribute('data-classes', '2');
  expect(Number(await summary.getAttribute('data-train')) + Number(await summary.getAttribute('data-test'))).toBe(counts[0]! + counts[1]!);
  await expect(page.getByTestId('data.folder.classes')).toContainText('left hand');
  await expect(app.data.cached('folder')).toContainText('camera (your images, 2 classes)');
  expect(page.url()).toContain('images=camera');
  await app.run.train.click();
  await app.run.waitForStatus('done');
  expect(app.errors).toEqual([]);
});
