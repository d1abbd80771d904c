// `npm run bench`: milliseconds per training step and images per second, in
// Node (TF.js cpu) and in headless Chromium (webgpu, webgl, cpu in a worker),
// each with and without the per-layer gradient norms to show their cost.
//   npm run bench -- --model resnet20,resnet56 --batch 32,128 --backend cpu,webgl,webgpu
//                    --env node,chromium --steps 3 --warmup 1 [--json]
// Figures are medians of the timed steps. Timing belongs here, never in tests.
import * as tf from '@tensorflow/tfjs';
import { chromium, type Page } from '@playwright/test';
import { build, preview } from 'vite';
import { isPresetId, type PresetId } from '../src/config/presets';
import type { BackendName } from '../src/config/types';
import { benchTrainStep, type BenchResult, type BenchSpec } from '../src/train/bench';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';

interface Row {
  model: PresetId;
  batch: number;
  backend: BackendName;
  env: 'node' | 'chromium';
  msPerStep: number;
  imgPerSec: number;
  /** The same step without the gradient norms, and the norms' cost in percent. */
  msPerStepBare?: number;
  normsOverheadPct?: number;
  samples: number[];
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const list = (name: string, fallback: string) => option(name, fallback).split(',').filter(Boolean);

const models = list('model', 'resnet20,resnet56').map((m) => {
  if (!isPresetId(m)) throw new Error(`--model: unknown preset ${m}`);
  return m;
});
const batches = list('batch', '32,128').map(Number);
const backends = list('backend', 'cpu,webgl,webgpu') as BackendName[];
const envs = list('env', 'node,chromium');
const steps = Number(option('steps', '3'));
const warmup = Number(option('warmup', '1'));
const norms = option('norms', 'both');
const json = process.argv.includes('--json');

function log(line: string): void {
  if (!json) console.log(line);
  else console.error(line);
}

async function measure(run: (spec: BenchSpec) => Promise<BenchResult>, base: Omit<BenchSpec, 'gradNorms'>): Promise<Pick<Row, 'msPerStep' | 'imgPerSec' | 'msPerStepBare' | 'normsOverheadPct' | 'samples'>> {
  const r = await run({ ...base, gradNorms: norms === 'both' ? 'both' : norms === 'on' });
  return {
    msPerStep: r.msPerStep,
    imgPerSec: r.imgPerSec,
    samples: r.samples,
    ...(r.msPerStepBare !== undefined ? { msPerStepBare: r.msPerStepBare, normsOverheadPct: r.normsOverheadPct as number } : {}),
  };
}

function describe(r: Row): string {
  const overhead = r.normsOverheadPct !== undefined ? `  norms ${r.normsOverheadPct >= 0 ? '+' : ''}${r.normsOverheadPct.toFixed(1)}% (bare ${r.msPerStepBare?.toFixed(0)} ms)` : '';
  return `${r.env.padEnd(8)} ${r.backend.padEnd(6)} ${r.model.padEnd(9)} b${String(r.batch).padEnd(4)} ${r.msPerStep.toFixed(0).padStart(7)} ms/step ${r.imgPerSec.toFixed(1).padStart(7)} img/s${overhead}`;
}

async function nodeRows(): Promise<Row[]> {
  const rows: Row[] = [];
  if (!backends.includes('cpu')) return rows;
  await tf.setBackend('cpu');
  tf.enableProdMode();
  for (const model of models)
    for (const batch of batches) {
      const row: Row = { model, batch, backend: 'cpu', env: 'node', ...(await measure(benchTrainStep, { model, batch, steps, warmup })) };
      log(describe(row));
      rows.push(row);
    }
  return rows;
}

async function chromiumRows(): Promise<Row[]> {
  const rows: Row[] = [];
  // A production build of the bench page, served statically: what users run,
  // and immune to the dev server's reloads while files change.
  const outDir = 'bench/.dist';
  await build({ configFile: 'vite.config.ts', logLevel: 'error', build: { outDir, emptyOutDir: true, rollupOptions: { input: 'bench/bench.html' } } });
  const server = await preview({ configFile: 'vite.config.ts', logLevel: 'error', build: { outDir }, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
  const address = server.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    for (const backend of backends) {
      // A fresh page per backend: a backend never shares a worker with another.
      const page: Page = await browser.newPage();
      page.setDefaultTimeout(0);
      await page.goto(`http://127.0.0.1:${port}/bench/bench.html`);
      await page.waitForFunction(() => window.benchReady === true);
      const run = (spec: BenchSpec) => page.evaluate(([b, s]) => window.runBench(b, s), [backend, spec] as const);
      for (const model of models)
        for (const batch of batches) {
          try {
            const row: Row = { model, batch, backend, env: 'chromium', ...(await measure(run, { model, batch, steps, warmup })) };
            log(describe(row));
            rows.push(row);
          } catch (e) {
            log(`chromium ${backend} ${model} b${batch}: failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
          }
        }
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return rows;
}

log(`${steps} timed steps after ${warmup} warm-up, CIFAR-shaped input 32×32×3, 10 classes`);
const rows = [...(envs.includes('node') ? await nodeRows() : []), ...(envs.includes('chromium') ? await chromiumRows() : [])];
if (json) console.log(JSON.stringify({ steps, warmup, rows }));
