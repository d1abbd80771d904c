// Faults (issue 20, points 1 and 2), injected through the faults build's
// debug command (`npm run build:faults`, served on the port after the
// production one): a worker whose thread blocks, one that throws, a GPU
// backend lost mid-run. Each time the page says what happened and the run
// goes on from its last checkpoint, its steps kept.
import { expect, test, type Page } from '@playwright/test';
import { FAULTS_URL } from '../playwright.config';
import type { DebugFault } from '../src/protocol/messages';
import { Playground } from './pages/playground';

test.use({ baseURL: FAULTS_URL });

/** 8 steps an epoch, a checkpoint after each; long enough not to end while a test looks. */
const RUN = 'n=1&width=4&batch=8&subset=64&test=16&epochs=40';

async function inject(page: Page, fault: DebugFault): Promise<void> {
  await page.evaluate((f) => (globalThis as unknown as { playgroundFault(f: DebugFault): void }).playgroundFault(f), fault);
}

/** The step numbers of the live run's kept record, as a run file exports them. */
async function recordSteps(page: Page): Promise<number[]> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('runs.exportJson').first().click()]);
  const text = await (await import('node:fs/promises')).readFile(await download.path(), 'utf8');
  return (JSON.parse(text) as { steps: { step: number }[] }).steps.map((s) => s.step);
}

const consecutive = (steps: number[]) => steps.every((s, i) => s === i + 1);

for (const fault of ['block', 'throw'] as const) {
  test(`a worker that ${fault === 'block' ? 'hangs' : 'crashes'}: the page says so and resumes from the last checkpoint in a new worker`, async ({ page }) => {
    const app = new Playground(page);
    await app.open(`backend=cpu&${RUN}`);
    await app.run.train.click();
    await app.run.waitForSteps(12);
    await inject(page, fault);
    const injected = Date.now();
    const notice = page.getByTestId('notice.fault');
    await expect(notice).toBeVisible({ timeout: 20_000 });
    const noticed = Date.now() - injected;
    console.log(`${fault}: noticed after ${(noticed / 1000).toFixed(1)} s: ${await notice.innerText()}`);
    await expect(notice).toHaveAttribute('data-kind', fault === 'block' ? 'hung' : 'crashed');
    // A crash is heard at once; a hang within 5 s of its bound (ten median steps, at least 5 s), read from the notice.
    const pace = /a step takes about ([\d.]+) (ms|s) here/.exec(await notice.innerText());
    const median = pace ? Number(pace[1]) * (pace[2] === 's' ? 1000 : 1) : 0;
    expect(noticed).toBeLessThan(fault === 'block' ? Math.max(5000, 10 * median) + 5000 : 5000);
    await expect(notice).toContainText(fault === 'block' ? /has not answered for \d+ s/ : /crashed: .*a fault injected by the test/);
    const recover = page.getByTestId('notice.fault.recover');
    await expect(recover).toContainText(/Resume from step (8|16|24) in a new worker/);
    const from = Number(/step (\d+)/.exec(await recover.innerText())?.[1]);
    const shown = await app.run.steps();
    await recover.click();
    await expect(notice).toBeHidden();
    await app.run.waitForStatus('training');
    // The steps up to the checkpoint stayed on screen; the new worker goes on past where the old one stopped.
    expect(await app.run.steps()).toBeGreaterThanOrEqual(from);
    await app.run.waitForSteps(shown + 4);
    await app.run.stop.click();
    await app.run.waitForStatus('stopped');
    expect(consecutive(await recordSteps(page))).toBe(true);
    expect(app.errors.filter((e) => !/fault injected by the test/.test(e))).toEqual([]);
  });
}

for (const backend of ['webgpu', 'webgl'] as const) {
  test(`${backend} lost mid-run: named, and the run goes on from its checkpoint on the next backend within 10 s, its charts unbroken`, async ({ page }) => {
    const app = new Playground(page);
    await app.open(`backend=${backend}&${RUN}`);
    await app.run.train.click();
    await app.run.waitForSteps(10);
    await expect(app.stats.value('backend')).toHaveText(backend);
    await inject(page, 'lose-gpu');
    const lost = Date.now();
    const notice = page.getByTestId('notice.recovered');
    await expect(notice).toContainText(backend === 'webgpu' ? 'the WebGPU device was lost' : 'the WebGL context was lost');
    await expect(notice).toContainText(/going on from its checkpoint at step \d+/);
    await expect(app.stats.value('backend')).not.toHaveText(backend, { timeout: 10_000 });
    const resumeStep = Number(/step (\d+)/.exec(await notice.innerText())?.[1]);
    // Training again within 10 s, past the checkpoint.
    await expect.poll(() => app.run.steps(), { timeout: 10_000 - (Date.now() - lost), intervals: [100] }).toBeGreaterThan(resumeStep);
    console.log(`${backend} lost: training again ${((Date.now() - lost) / 1000).toFixed(1)} s later, on ${await app.stats.value('backend').innerText()} from step ${resumeStep}`);
    expect(await app.run.status.getAttribute('data-status')).not.toBe('error');
    await expect(app.charts.loss).toHaveAttribute('data-marks', '1');
    await app.run.waitForSteps(resumeStep + 10);
    await app.run.stop.click();
    await app.run.waitForStatus('stopped');
    expect(consecutive(await recordSteps(page))).toBe(true);
  });
}
