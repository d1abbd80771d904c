// Is the page smooth while a run trains? In headless Chromium, on a
// production build: a tiny net on the cpu backend (steps of ~0.4 s on the
// 2-core development machine, so the page redraws every chart for every
// step or two; --replay drives the page at the full 10 messages a second),
// with a long-task observer on the main thread and the JS heap sampled as
// the steps accumulate.
//   npx tsx bench/browser/smooth.ts [--steps 2000] [--backend cpu] [--no-build] [--json]
//                                   [--trace out.json] [--samples 10] [--dist bench/.dist-smooth]
//                                   [--subset N] [--viewport 1920x1080] [--screenshot out.png]
// Reports the number and the longest of main-thread tasks over 50 ms, and
// the heap at each sample (--samples of them), then each animation frame over
// 50 ms (long-animation-frame entries: its rendering time and the scripts
// that ran in it, by function and file). --trace records a Chromium
// trace of the first 200 steps and prints where the main thread's long tasks
// spent their time (see trace.ts). --subset N trains on N images (an
// epoch every N/8 steps), so the run crosses epoch ends: the test-set
// evaluation and the evaluation view's render. --viewport sets the window (default
// 1280x720): a larger one shows more charts at once, each redrawn. Timing
// belongs here, never in tests. --screenshot saves what was on screen at the end.
//
// --replay K: no training. The page's training worker is replaced by a stub
// that answers Train with a ResNet-20's 20 kernel names and then posts step
// metrics at the real rate of 10 messages a second, K steps a message (what
// a fast backend sends), so 10,000 steps of the page's side (store, charts,
// IndexedDB) take minutes instead of hours on the software backends here.
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/chromium';
import { benchArgs } from '../args';
import { serveBuild } from './serve';
import { summarizeTrace } from './trace';

const args = benchArgs('npx tsx bench/browser/smooth.ts [flags]', {
  steps: { kind: 'number', default: 2000, help: 'training steps' },
  backend: { kind: 'string', default: 'cpu', choices: ['cpu', 'wasm', 'webgl', 'webgpu'], help: 'TF.js backend of the run' },
  json: { kind: 'boolean', help: 'one JSON object on stdout, the progress on stderr' },
  trace: { kind: 'string', bare: 'bench/.smooth-trace.json', arg: 'FILE', help: "record a Chromium trace of the first 200 steps and summarise its long tasks" },
  samples: { kind: 'number', default: 10, help: 'heap samples over the run' },
  replay: { kind: 'number', bare: 20, arg: 'K', help: 'no training: a stub worker posts K steps a message, 10 messages a second' },
  subset: { kind: 'number', default: 60000, help: 'train on N images (an epoch every N/8 steps)' },
  viewport: { kind: 'string', default: '1280x720', arg: 'WxH', help: 'the window' },
  dist: { kind: 'string', default: 'bench/.dist-smooth', arg: 'DIR', help: 'where the build goes' },
  'no-build': { kind: 'boolean', help: 'serve the last build in --dist as it is' },
  screenshot: { kind: 'string', bare: 'bench/.smooth.png', arg: 'FILE', help: 'save what was on screen at the end' },
});
const { steps, backend, json, samples: sampleCount, subset } = args;
const tracePath = args.trace ?? null;
const replay = args.replay ?? 0;
const [viewWidth, viewHeight] = args.viewport.split('x').map(Number) as [number, number];
/** Enough epochs for --steps: 8 images a step. */
const epochs = Math.max(1, Math.ceil((steps * 8) / subset));
const log = (line: string) => (json ? console.error(line) : console.log(line));

/** One long animation frame (LoAF, Chromium 123+): where a frame over 50 ms spent its time. */
interface FrameAttribution {
  at: number;
  duration: number;
  /** From the frame's start to its rendering (rAF callbacks, style, layout, paint): the rest is tasks and scripts. */
  renderMs: number;
  styleAndLayoutMs: number;
  scripts: { invoker: string; fn: string; source: string; ms: number; forcedLayoutMs: number }[];
}

declare global {
  interface Window {
    longTasks: number[];
    longFrames: FrameAttribution[];
  }
}

const server = await serveBuild(args.dist, { rebuild: !args['no-build'] });
const base = server.base;
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--enable-precise-memory-info', '--js-flags=--expose-gc'] });
const samples: { step: number; heapMB: number; liveHeapMB: number; longTasks: number; maxLongTaskMs: number }[] = [];
let frames: FrameAttribution[] = [];
const gcWindows: [number, number][] = [];
try {
  const page = await browser.newPage({ viewport: { width: viewWidth, height: viewHeight } });
  page.setDefaultTimeout(0);
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
    // Long animation frames say what a long task was: scripts (with their function and file) or rendering.
    window.longFrames = [];
    type Loaf = PerformanceEntry & { renderStart: number; styleAndLayoutStart: number; scripts: (PerformanceEntry & { invoker: string; sourceFunctionName: string; sourceURL: string; forcedStyleAndLayoutDuration: number })[] };
    if (PerformanceObserver.supportedEntryTypes.includes('long-animation-frame')) {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as Loaf[]) {
          const end = e.startTime + e.duration;
          window.longFrames.push({
            at: e.startTime,
            duration: e.duration,
            renderMs: e.renderStart > 0 ? end - e.renderStart : 0,
            styleAndLayoutMs: e.styleAndLayoutStart > 0 ? end - e.styleAndLayoutStart : 0,
            scripts: e.scripts.map((x) => ({ invoker: x.invoker, fn: x.sourceFunctionName, source: x.sourceURL.replace(/^.*\//, ''), ms: x.duration, forcedLayoutMs: x.forcedStyleAndLayoutDuration })),
          });
        }
      }).observe({ type: 'long-animation-frame', buffered: true });
    }
  });
  if (replay > 0) await page.addInitScript({ content: replayWorker(replay, steps) });
  // 8 images a step of a 4-channel ResNet-8: the engine's cheapest real step.
  await page.goto(`${base}/?backend=${backend}&n=1&width=4&batch=8&subset=${subset}&test=16&epochs=${epochs}&steps=${steps}`);
  await page.getByTestId('run.train').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="run.status"]')?.getAttribute('data-steps')) >= 1);
  // Long tasks before the first step (loading the worker, the first render) are not "while training".
  const before = await page.evaluate(() => window.longTasks.length);
  const framesBefore = await page.evaluate(() => window.longFrames.length);
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
    // What the page holds: the heap after a full collection (garbage not yet collected is not growth).
    // The collection is the bench's own long frame: its window is left out of the frames reported.
    const collected = await page.evaluate(() => {
      const start = performance.now();
      (globalThis as { gc?: () => void }).gc?.();
      const heap = (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0;
      return { liveHeapMB: heap / 2 ** 20, window: [start, performance.now()] as [number, number] };
    });
    gcWindows.push(collected.window);
    samples.push({ step: next, liveHeapMB: collected.liveHeapMB, ...s });
    log(`step ${String(next).padStart(6)}: heap ${s.heapMB.toFixed(1)} MB (${collected.liveHeapMB.toFixed(1)} MB live), ${s.longTasks} tasks over 50 ms so far, longest ${s.maxLongTaskMs.toFixed(0)} ms`);
  }
  if (args.screenshot !== undefined) await page.screenshot({ path: args.screenshot });
  frames = (await page.evaluate((skip) => window.longFrames.slice(skip), framesBefore)).filter((f) => f.duration > 50 && !gcWindows.some(([a, b]) => f.at < b && f.at + f.duration > a));
  if (frames.length > 0) log(`animation frames over 50 ms while training (long-animation-frame):\n${frames.map(describeFrame).join('\n')}`);
} finally {
  await browser.close();
  await server.close();
}
function describeFrame(f: FrameAttribution): string {
  const scripts = f.scripts
    .filter((x) => x.ms >= 5)
    .map((x) => `    ${x.ms.toFixed(0).padStart(4)} ms ${x.invoker}${x.fn ? ` ${x.fn}` : ''}${x.source ? ` (${x.source})` : ''}${x.forcedLayoutMs >= 1 ? `, forced layout ${x.forcedLayoutMs.toFixed(0)} ms` : ''}`);
  return [`  ${f.duration.toFixed(0)} ms at ${(f.at / 1000).toFixed(1)} s: rendering ${f.renderMs.toFixed(0)} ms (style + layout ${f.styleAndLayoutMs.toFixed(0)} ms)`, ...scripts].join('\n');
}

/**
 * Runs in the page: a stand-in for the training worker (by its name, 'training'); other workers are real.
 * Plain JavaScript in a string: a function passed to addInitScript would carry tsx's helpers (__name) along.
 */
function replayWorker(perMessage: number, total: number): string {
  return `(() => {
  const perMessage = ${perMessage}, total = ${total};
  const Real = window.Worker;
  const names = ['stem.conv'];
  for (const s of [1, 2, 3]) for (const b of [0, 1, 2]) names.push('stage' + s + '.block' + b + '.conv1', 'stage' + s + '.block' + b + '.conv2');
  names.push('fc');
  function Stub() { this.onmessage = null; this.onerror = null; this.onmessageerror = null; this.timer = null; }
  Stub.prototype.emit = function (data) { if (this.onmessage) this.onmessage(new MessageEvent('message', { data: structuredClone(data) })); };
  Stub.prototype.terminate = function () { if (this.timer) clearInterval(this.timer); };
  Stub.prototype.addEventListener = function () {};
  Stub.prototype.removeEventListener = function () {};
  Stub.prototype.postMessage = function (command) {
    const runId = command.runId;
    if (command.type === 'stop') { this.terminate(); this.emit({ type: 'done', runId, reason: 'stopped', steps: 0 }); }
    if (command.type !== 'start') return;
    this.emit({ type: 'phase', runId, phase: 'building', detail: '' });
    this.emit({ type: 'backend', runId, info: { backend: 'cpu', reason: 'replayed by bench/browser/smooth.ts', limits: { backend: 'cpu', totalBytes: 2 ** 32, tensorBytes: 2 ** 31, source: 'bench' } } });
    this.emit({ type: 'model', runId, info: { kernelNames: names, params: 270000, depth: 20, inputShape: [32, 32, 3], classNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'] } });
    this.emit({ type: 'phase', runId, phase: 'training', detail: '' });
    let step = 0;
    this.timer = setInterval(() => {
      const batch = [];
      for (let k = 0; k < perMessage && step < total; k++) {
        step += 1;
        const noise = Math.sin(step * 12.9898) * 0.5 + 0.5;
        batch.push({ step, epoch: 1, loss: 2.3 * Math.exp(-step / 3000) + 0.2 * noise, acc: Math.min(1, 0.1 + step / 12000 + 0.05 * noise), lr: 0.1, ms: 100 + 10 * noise,
          gradNorms: names.map((_, i) => 0.05 * (1 + i / 10) * (1 + noise * (i % 3))), weightNorms: names.map((_, i) => 2 + i / 5), updateRatios: names.map(() => 1e-3 * (1 + noise)), numTensors: 300 });
      }
      this.emit({ type: 'steps', runId, steps: batch });
      if (step >= total) { this.terminate(); this.emit({ type: 'done', runId, reason: 'finished', steps: step }); }
    }, 100);
  };
  window.Worker = function (url, options) { return options && options.name === 'training' ? new Stub() : new Real(url, options); };
})();`;
}

if (json) console.log(JSON.stringify({ steps, backend, replay, samples, longFrames: frames }));
