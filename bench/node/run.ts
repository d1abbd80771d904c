// `npm run bench`: milliseconds per training step and images per second, in
// Node (TF.js wasm and cpu) and in headless Chromium (webgpu, webgl, wasm,
// cpu in a worker), each with and without the per-layer gradient norms to
// show their cost, the kernel dispatches of one step, and the same step in
// PyTorch on the same CPU as a native reference (when /usr/bin/python3 has torch).
// Node runs the Node rows here and drives Chromium through the bench page
// (bench/browser/bench.html); both time the step with bench/step.ts.
//   npm run bench -- --model resnet20,resnet56 --batch 32,128 --backend wasm,cpu,webgl,webgpu
//                    --env node,chromium --steps 3 --warmup 1 --norms both
//                    --kernels on --reference on [--torch-threads N] [--json]
//                    [--wasm-threads 1,2] [--breakdown [shapes]] [--simd on,one,direct,off]
// --wasm-threads: Chromium's WASM rows once per thread count (a fresh page
// each), to see how XNNPACK scales; default one thread per core.
// --simd: WASM rows with our SIMD kernels on their threads (on), on one
// thread (one), without Winograd (direct), or without them (off).
// --breakdown: the profiled step's kernel times summed by kernel name
// (--breakdown shapes: by kernel name and input shapes).
// Figures are medians of the timed steps. Timing belongs here, never in tests.
// `npm run bench -- --help` lists the flags.
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { chromium, type Page } from '@playwright/test';
import { isModelPresetId, modelFromPreset, type ModelPresetId } from '../../src/config/presets';
import type { BackendName, StemType } from '../../src/config/types';
import { installKernels } from '../../src/kernels/install';
import type { KernelOptions } from '../../src/kernels/options';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/chromium';
import { benchArgs } from '../args';
import { benchTrainStep, type BenchResult, type BenchSpec, type KernelTime } from '../step';
import { serveBuild } from '../browser/serve';
import { startNodeWebGpu } from '../../src/train/webgpu-node';

interface Row {
  /** A preset id, with '-cifar' when its stem was replaced by the CIFAR 3×3 one (resnet18-cifar). */
  model: string;
  batch: number;
  backend: BackendName;
  env: 'node' | 'chromium';
  msPerStep: number;
  imgPerSec: number;
  /** The same step without the gradient norms, and the norms' cost in percent. */
  msPerStepBare?: number;
  normsOverheadPct?: number;
  /** Kernel dispatches in one step (tf.profile), when counted. */
  kernels?: number;
  /** WebGPU compute dispatches or WebGL programs run by one whole step (bench/dispatches.ts). */
  dispatchesPerStep?: number;
  /** Chromium: the backend's reason (WASM threads); Node: the WASM thread count. */
  note?: string;
  /** WASM: the threads XNNPACK ran on. */
  threads?: number;
  /** --breakdown: the profiled step's kernel times by name, slowest first. */
  kernelTimes?: KernelTime[];
  /** WASM with --simd one, off or direct: our SIMD kernels on one thread, none (the JS loops and XNNPACK kernel gradients), or without Winograd. */
  simdKernels?: Exclude<SimdVariant, 'on'>;
  samples: number[];
}

interface TorchRow { model: string; batch: number; msPerStep: number; samples: number[]; torch: string; threads: number }
interface Reference {
  /** How the native figures were taken, or why there are none. */
  source: string;
  rows: TorchRow[];
  /** Each TF.js row of a model and batch PyTorch ran (`row`: its index in rows): its ms per step over PyTorch's. */
  ratios: { row: number; model: string; batch: number; backend: BackendName; env: string; ratio: number; torchThreads: number }[];
}

/**
 * WASM rows with our SIMD kernels on their threads ('on'), on one thread
 * ('one'), without ('off': JS loops, XNNPACK kernel gradients), or on their
 * threads with every convolution on the direct loops ('direct': no Winograd):
 * each with its note (after the backend's reason) and its table label.
 */
const SIMD_VARIANTS = {
  on: { note: '', label: '', kernels: {} },
  one: { note: 'our SIMD kernels on one thread', label: 'SIMD kernels on 1 thread', kernels: { simdThreads: false } },
  direct: { note: 'our SIMD kernels without Winograd', label: 'no Winograd', kernels: { winograd: false } },
  off: { note: 'without our SIMD kernels', label: 'no SIMD kernels', kernels: { simd: false } },
} as const satisfies Record<string, { note: string; label: string; kernels: Partial<KernelOptions> }>;
type SimdVariant = keyof typeof SIMD_VARIANTS;
const BACKENDS = ['wasm', 'cpu', 'webgl', 'webgpu'] as const satisfies readonly BackendName[];

const args = benchArgs('npm run bench -- [flags]', {
  model: { kind: 'list', default: ['resnet20', 'resnet56'], arg: 'IDS', help: "zoo presets; a '-cifar' suffix swaps in the CIFAR stem (resnet18-cifar)" },
  batch: { kind: 'numbers', default: [32, 128], help: 'batch sizes' },
  backend: { kind: 'list', default: BACKENDS, choices: BACKENDS, help: 'TF.js backends (Node runs wasm, cpu, and webgpu through Dawn where it finds an adapter)' },
  env: { kind: 'list', default: ['node', 'chromium'], choices: ['node', 'chromium'], help: 'where the steps run' },
  steps: { kind: 'number', default: 3, help: 'timed steps (the figure is their median)' },
  warmup: { kind: 'number', default: 1, help: 'untimed steps first' },
  norms: { kind: 'string', default: 'both', choices: ['both', 'on', 'off'], help: 'the per-layer gradient norms in the step (both: with and without, alternately)' },
  kernels: { kind: 'string', default: 'on', choices: ['on', 'off'], help: 'count the kernel dispatches of one step (wasm, webgl, webgpu)' },
  reference: { kind: 'string', default: 'on', choices: ['on', 'off'], help: 'the same step in PyTorch (bench/reference/torch_step.py)' },
  'torch-threads': { kind: 'number', help: "PyTorch's threads; default every core" },
  json: { kind: 'boolean', help: 'one JSON object on stdout, the progress on stderr' },
  breakdown: { kind: 'string', bare: 'names', choices: ['names', 'shapes'], help: "the profiled step's kernel times by kernel name (shapes: by name and input shapes)" },
  'wasm-threads': { kind: 'numbers', help: "Chromium's WASM rows once per thread count (a fresh page each); default one thread per core" },
  simd: { kind: 'list', default: ['on'], choices: Object.keys(SIMD_VARIANTS) as SimdVariant[], help: 'WASM rows with our SIMD kernels on their threads, on one thread, without Winograd, or without them' },
});
const { batch: batches, backend: backends, env: envs, steps, warmup, norms, json, simd: simdVariants } = args;

/** --model takes any zoo preset; a '-cifar' suffix swaps in the CIFAR stem (resnet18-cifar). */
interface BenchModel { name: string; id: ModelPresetId; stem?: StemType }
const models: BenchModel[] = args.model.map((name) => {
  const id = name.replace(/-cifar$/, '');
  if (!isModelPresetId(id)) throw new Error(`--model: unknown preset ${id}`);
  return name.endsWith('-cifar') ? { name, id, stem: 'cifar' } : { name, id };
});
/** Kernel dispatches are counted on these backends (one extra profiled step each). */
const kernelsOn = args.kernels === 'on' ? new Set<BackendName>(['webgl', 'webgpu', 'wasm']) : new Set<BackendName>();
const referenceOn = args.reference === 'on';
/** PyTorch's threads: every core by default (bench/reference/torch_step.py), the fair reference for threaded WASM. */
const torchThreads = args['torch-threads'] === undefined ? '' : String(args['torch-threads']);
const breakdown: boolean | 'shapes' = args.breakdown === undefined ? false : args.breakdown === 'shapes' ? 'shapes' : true;
/** Chromium WASM thread counts; [undefined] is the page's own choice (one per core). */
const wasmThreads: (number | undefined)[] = args['wasm-threads'] ?? [undefined];
/** webgpu: Dawn in Node, where the optional webgpu package and a Vulkan driver are there (src/train/webgpu-node.ts). */
const NODE_BACKENDS: BackendName[] = ['wasm', 'cpu', 'webgpu'];
const PYTHON = '/usr/bin/python3';

function log(line: string): void {
  if (!json) console.log(line);
  else console.error(line);
}

const spec = (m: BenchModel, batch: number): Omit<BenchSpec, 'gradNorms'> => ({ model: m.id, ...(m.stem ? { stem: m.stem } : {}), batch, steps, warmup });

async function measure(run: (spec: BenchSpec) => Promise<BenchResult>, base: Omit<BenchSpec, 'gradNorms'>, backend: BackendName, simd: SimdVariant = 'on'): Promise<Omit<Row, 'model' | 'batch' | 'backend' | 'env'>> {
  const r = await run({ ...base, gradNorms: norms === 'both' ? 'both' : norms === 'on', countKernels: kernelsOn.has(backend) || breakdown !== false, kernelTimes: breakdown, kernels: SIMD_VARIANTS[simd].kernels });
  const reason = r.reason ?? (r.threads ? `XNNPACK on ${r.threads} thread(s) in Node` : undefined);
  const note = backend === 'wasm' && simd !== 'on' ? `${reason ?? ''}; ${SIMD_VARIANTS[simd].note}` : reason;
  return {
    msPerStep: r.msPerStep,
    imgPerSec: r.imgPerSec,
    samples: r.samples,
    ...(r.msPerStepBare !== undefined ? { msPerStepBare: r.msPerStepBare, normsOverheadPct: r.normsOverheadPct as number } : {}),
    ...(r.kernels > 0 ? { kernels: r.kernels } : {}),
    ...(r.dispatchesPerStep !== undefined ? { dispatchesPerStep: r.dispatchesPerStep } : {}),
    ...(note ? { note } : {}),
    ...(r.threads ? { threads: r.threads } : {}),
    ...(r.kernelTimes ? { kernelTimes: r.kernelTimes } : {}),
  };
}

function describe(r: Row): string {
  const overhead = r.normsOverheadPct !== undefined ? `  norms ${r.normsOverheadPct >= 0 ? '+' : ''}${r.normsOverheadPct.toFixed(1)}% (bare ${r.msPerStepBare?.toFixed(0)} ms)` : '';
  const kernels = `${r.kernels !== undefined ? `  ${r.kernels} kernels/step` : ''}${r.dispatchesPerStep !== undefined ? `  ${r.dispatchesPerStep} dispatches/step` : ''}`;
  const note = r.note ? `  [${r.note}]` : '';
  const times = r.kernelTimes ? `\n${kernelTable(r.kernelTimes)}` : '';
  return `${r.env.padEnd(8)} ${r.backend.padEnd(6)} ${r.model.padEnd(9)} b${String(r.batch).padEnd(4)} ${r.msPerStep.toFixed(0).padStart(7)} ms/step ${r.imgPerSec.toFixed(1).padStart(7)} img/s${overhead}${kernels}${note}${times}`;
}

/** The slowest kernel names of a profiled step, with their share of the kernels' total. */
function kernelTable(times: readonly KernelTime[]): string {
  const total = times.reduce((a, t) => a + t.ms, 0);
  const shown = times.slice(0, breakdown === 'shapes' ? 30 : 12).map((t) => `           ${t.name.padEnd(26)} ${String(t.calls).padStart(5)} calls ${t.ms.toFixed(0).padStart(7)} ms ${((100 * t.ms) / Math.max(total, 1e-9)).toFixed(1).padStart(5)}%`);
  return [...shown, `           ${'(all kernels)'.padEnd(26)} ${String(times.reduce((a, t) => a + t.calls, 0)).padStart(5)} calls ${total.toFixed(0).padStart(7)} ms`].join('\n');
}

async function nodeRows(): Promise<Row[]> {
  const rows: Row[] = [];
  tf.enableProdMode();
  for (const backend of NODE_BACKENDS.filter((b) => backends.includes(b))) {
    let note: string | undefined;
    if (backend === 'webgpu') {
      try {
        note = await startNodeWebGpu();
      } catch (e) {
        log(`node     webgpu skipped: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
    } else {
      installKernels(backend);
      if (!(await tf.setBackend(backend))) throw new Error(`node: ${backend} failed to start`);
    }
    for (const model of models)
      for (const batch of batches)
        for (const simd of backend === 'wasm' ? simdVariants : (['on'] as const)) {
          const row: Row = { model: model.name, batch, backend, env: 'node', ...(await measure(benchTrainStep, spec(model, batch), backend, simd)), ...(simd === 'on' ? {} : { simdKernels: simd }), ...(note ? { note } : {}) };
          log(describe(row));
          rows.push(row);
        }
  }
  return rows;
}

async function chromiumRows(): Promise<Row[]> {
  const rows: Row[] = [];
  // A production build of the bench page, served statically (with the
  // cross-origin isolation headers of vite.config.ts): what users run, and
  // immune to the dev server's reloads while files change.
  const server = await serveBuild('bench/.dist', { input: 'bench/browser/bench.html' });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const pages = backends.flatMap((backend) => (backend === 'wasm' ? wasmThreads : [undefined]).map((threads) => ({ backend, threads })));
    for (const { backend, threads } of pages) {
      // A fresh page per backend (and WASM thread count): a backend never shares a worker with another.
      const page: Page = await browser.newPage();
      page.setDefaultTimeout(0);
      await page.goto(`${server.base}/bench/browser/bench.html`);
      await page.waitForFunction(() => window.benchReady === true);
      const run = (spec: BenchSpec) => page.evaluate(([b, s, t]) => window.runBench(b, s, t), [backend, spec, threads] as const);
      for (const model of models)
        for (const batch of batches)
          for (const simd of backend === 'wasm' ? simdVariants : (['on'] as const)) {
            try {
              const row: Row = { model: model.name, batch, backend, env: 'chromium', ...(await measure(run, spec(model, batch), backend, simd)), ...(simd === 'on' ? {} : { simdKernels: simd }) };
              log(describe(row));
              rows.push(row);
            } catch (e) {
              log(`chromium ${backend} ${model.name} b${batch}: failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
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

function hasTorch(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The CIFAR ResNets of --model through bench/reference/torch_step.py, at every --batch. */
function torchRows(): TorchRow[] {
  const rows: TorchRow[] = [];
  for (const model of models) {
    const m = modelFromPreset(model.id);
    // PyTorch builds the CIFAR ResNets (option A, BN) and torchvision's ResNet-18 with the CIFAR stem.
    const arch = model.name === 'resnet18-cifar' ? ['--model', 'resnet18-cifar'] : !model.stem && m.family === 'cifar-resnet' && m.batchNorm && m.shortcut === 'A' ? ['--n', String(m.blocksPerStage)] : null;
    if (!arch) continue;
    for (const batch of batches) {
      const out = execFileSync(PYTHON, ['bench/reference/torch_step.py', ...arch, '--batch', String(batch), '--steps', String(Math.max(steps, 1)), '--warmup', String(Math.max(warmup, 1)), ...(torchThreads ? ['--threads', torchThreads] : [])], { encoding: 'utf8' });
      const row = JSON.parse(out) as TorchRow;
      log(`native   torch  ${row.model.padEnd(9)} b${String(batch).padEnd(4)} ${row.msPerStep.toFixed(0).padStart(7)} ms/step ${((batch * 1000) / row.msPerStep).toFixed(1).padStart(7)} img/s  (PyTorch ${row.torch}, ${row.threads} threads)`);
      rows.push(row);
    }
  }
  return rows;
}

function reference(rows: Row[], native: TorchRow[], source: string): Reference {
  const ratios = rows.flatMap((r, row) => {
    const t = native.find((n) => n.model === r.model && n.batch === r.batch);
    return t ? [{ row, model: r.model, batch: r.batch, backend: r.backend, env: r.env, ratio: r.msPerStep / t.msPerStep, torchThreads: t.threads }] : [];
  });
  return { source, rows: native, ratios };
}

function table(rows: Row[], ref: Reference): string {
  const lines = ['| env | backend | model | batch | ms / step | images / s | norms\' cost | kernels / step | GPU dispatches / step | × PyTorch (its threads) |', '|---|---|---|---:|---:|---:|---:|---:|---:|---:|'];
  for (const [i, r] of rows.entries()) {
    const ratio = ref.ratios.find((x) => x.row === i);
    const cost = r.normsOverheadPct !== undefined ? `${r.normsOverheadPct >= 0 ? '+' : ''}${r.normsOverheadPct.toFixed(1)}%` : '';
    const variant = [r.threads ? `${r.threads} thread${r.threads > 1 ? 's' : ''}` : '', SIMD_VARIANTS[r.simdKernels ?? 'on'].label].filter(Boolean).join(', ');
    lines.push(`| ${r.env} | ${r.backend}${variant ? ` (${variant})` : ''} | ${r.model} | ${r.batch} | ${r.msPerStep.toFixed(0)} | ${r.imgPerSec.toFixed(1)} | ${cost} | ${r.kernels ?? ''} | ${r.dispatchesPerStep ?? ''} | ${ratio ? `${ratio.ratio.toFixed(2)} (${ratio.torchThreads})` : ''} |`);
  }
  for (const t of ref.rows) lines.push(`| native | PyTorch ${t.torch} (${t.threads} threads) | ${t.model} | ${t.batch} | ${t.msPerStep.toFixed(0)} | ${((t.batch * 1000) / t.msPerStep).toFixed(1)} | | | 1.0 |`);
  return lines.join('\n');
}

log(`${steps} timed steps after ${warmup} warm-up, CIFAR-shaped input 32×32×3, 10 classes`);
const rows: Row[] = envs.includes('node') ? await nodeRows() : [];
// The native reference runs between the two TF.js environments, on the same machine in the same run.
const torchOk = referenceOn && hasTorch();
const native = torchOk ? torchRows() : [];
if (envs.includes('chromium')) rows.push(...(await chromiumRows()));
const source = !referenceOn ? 'off (--reference off)' : torchOk ? `bench/reference/torch_step.py on ${PYTHON} (${native.map((t) => `${t.model} b${t.batch}: ${t.threads} threads`).join(', ') || 'no CIFAR ResNet asked'}), median of ${Math.max(steps, 1)} steps after ${Math.max(warmup, 1)} warm-up` : `none: ${PYTHON} cannot import torch (Debian: apt-get install python3-torch)`;
const ref = reference(rows, native, source);
if (json) console.log(JSON.stringify({ steps, warmup, rows, reference: ref }));
else console.log(`\n${table(rows, ref)}\n\nreference: ${ref.source}`);
