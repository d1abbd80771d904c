// Is the page smooth while a run trains? In headless Chromium, on a
// production build: a tiny net on the cpu backend (steps of ~0.1 s, so the
// page receives metrics at the full 10 messages a second and redraws every
// chart), with a long-task observer on the main thread and the JS heap
// sampled as the steps accumulate.
//   npx tsx bench/smooth.ts [--steps 2000] [--backend cpu] [--no-build] [--json]
//                           [--trace out.json] [--samples 10] [--dist bench/.dist-smooth]
// Reports the number and the longest of main-thread tasks over 50 ms, and
// the heap at each sample (--samples of them). --trace records a Chromium
// trace of the first 200 steps and prints where the main thread's long tasks
// spent their time (see bench/trace.ts). Timing belongs here, never in tests.
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import { serveBuild } from './serve';
import { summarizeTrace } from './trace';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const steps = Number(option('steps', '2000'));
const backend = option('backend', 'cpu');
const json = process.argv.includes('--json');
const tracePath = process.argv.includes('--trace') ? option('trace', 'bench/.smooth-trace.json') : null;
const sampleCount = Number(option('samples', '10'));
const log = (line: string) => (json ? console.error(line) : console.log(line));

declare global {
  interface Window {
    longTasks: number[];
  }
}

const server = await serveBuild(option('dist', 'bench/.dist-smooth'), { rebuild: !process.argv.includes('--no-build') });
const base = server.base;
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'] });
const samples: { step: number; heapMB: number; longTasks: number; maxLongTaskMs: number }[] = [];
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(0);
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  // 8 images a step of a 4-channel ResNet-8: the engine's cheapest real step.
  await page.goto(`${base}/?backend=${backend}&n=1&width=4&batch=8&subset=60000&test=16&epochs=1&steps=${steps}`);
  await page.getByTestId('run.train').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="run.status"]')?.getAttribute('data-steps')) >= 1);
  // Long tasks before the first step (loading the worker, the first render) are not "while training".
  const before = await page.evaluate(() => window.longTasks.length);
  if (tracePath) {
    const traced = Math.min(steps, 200);
    await browser.startTracing(page, { path: tracePath, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink', 'cc', 'gpu', 'toplevel'] });
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="run.status"]')?.getAttribute('data-steps')) >= n, traced, { polling: 500 });
    await browser.stopTracing();
    log(summarizeTrace(tracePath));
  }
  const every = Math.max(1, Math.floor(steps / sampleCount));
  for (let next = every; next <= steps; next += every) {
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="run.status"]')?.getAttribute('data-steps')) >= n, next, { polling: 500 });
    const s = await page.evaluate((skip) => {
      const tasks = window.longTasks.slice(skip);
      const heap = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;
      return { heapMB: heap / 2 ** 20, longTasks: tasks.length, maxLongTaskMs: Math.max(0, ...tasks) };
    }, before);
    samples.push({ step: next, ...s });
    log(`step ${String(next).padStart(6)}: heap ${s.heapMB.toFixed(1)} MB, ${s.longTasks} tasks over 50 ms so far, longest ${s.maxLongTaskMs.toFixed(0)} ms`);
  }
} finally {
  await browser.close();
  await server.close();
}
if (json) console.log(JSON.stringify({ steps, backend, samples }));
