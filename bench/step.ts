// Timing of the training step, shared by `npm run bench` in Node
// (bench/node/run.ts) and the bench worker in Chromium (browser/bench-worker.ts): the same model, optimizer and step as a real run,
// on fixed random inputs, every step read back before the next starts.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { configFromPreset, type ModelPresetId } from '../src/config/presets';
import type { BackendName, StemType } from '../src/config/types';
import type { Shape } from '../src/arch/arch';
import { buildModel } from '../src/model/build';
import { installKernels } from '../src/kernels/install';
import type { KernelOptions } from '../src/kernels/options';
import { disposeOptimizer, makeOptimizer, trainStep } from '../src/train/engine';
import { countDispatches, installDispatchCounter } from './dispatches';

export interface BenchSpec {
  model: ModelPresetId;
  /** Replaces the preset's stem, e.g. 'cifar' for ResNet-18 on 32×32 inputs. */
  stem?: StemType;
  batch: number;
  /** Timed steps (the figure is their median). */
  steps: number;
  /** Untimed steps first: shader compilation, allocator warm-up. */
  warmup: number;
  /**
   * With the per-layer gradient norms, without, or 'both': alternate steps
   * with and without, so both see the same machine load, and report each.
   */
  gradNorms: boolean | 'both';
  /** Input per image; CIFAR's 32×32×3 by default. */
  input?: Shape;
  /** After the timed steps, profile one more step and count its kernel dispatches (tf.profile). */
  countKernels?: boolean;
  /**
   * With countKernels: also sum that step's kernel times by kernel name
   * (where the step's time goes); 'shapes': by name and input shapes (which
   * convolution, which batch norm).
   */
  kernelTimes?: boolean | 'shapes';
  /** The kernel options the step runs with (installKernels); the defaults where left out. */
  kernels?: Partial<KernelOptions>;
}

/** One kernel name's share of a profiled step. */
export interface KernelTime {
  name: string;
  calls: number;
  ms: number;
}

export interface BenchResult {
  backend: string;
  msPerStep: number;
  imgPerSec: number;
  /** Every timed step, ms (with norms when gradNorms is 'both'). */
  samples: number[];
  /** With gradNorms 'both': the median step without the norms, and the norms' cost in percent. */
  msPerStepBare?: number;
  normsOverheadPct?: number;
  /** Kernel dispatches in one step, from tf.profile (0 when not measured). */
  kernels: number;
  /**
   * WebGPU compute dispatches or WebGL programs run by one whole training
   * step (with the gradient norms as asked, and the optimizer's update),
   * counted at the API (bench/dispatches.ts); absent on WASM and the CPU.
   */
  dispatchesPerStep?: number;
  /** In the browser: why this backend runs, as selectBackend said (threads on WASM). */
  reason?: string;
  /** WASM: the threads XNNPACK runs on. */
  threads?: number;
  /** With kernelTimes: the profiled step's kernels by name, slowest first. */
  kernelTimes?: KernelTime[];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export async function benchTrainStep(spec: BenchSpec): Promise<BenchResult> {
  installKernels(tf.getBackend() as BackendName, spec.kernels);
  return timeSteps(spec);
}

async function timeSteps(spec: BenchSpec): Promise<BenchResult> {
  const input = spec.input ?? [32, 32, 3];
  const config = configFromPreset(spec.model);
  if (spec.stem) config.model.stem = spec.stem;
  const model = buildModel(config.model, input, 10, 1);
  const optimizer = makeOptimizer(config.train);
  const x = tf.randomNormal([spec.batch, ...input], 0, 1, 'float32', 1) as tf.Tensor4D; // [B, H, W, C]
  const y = tf.tidy(() => tf.oneHot(tf.randomUniform([spec.batch], 0, 10, 'int32', 2), 10).toFloat() as tf.Tensor2D); // [B, 10]
  const step = async (norms: boolean) => {
    const t0 = performance.now();
    const packed = trainStep(model, optimizer, x, y, { lr: config.train.learningRate, labelSmoothing: 0, withNorms: norms });
    await packed.data();
    packed.dispose();
    return performance.now() - t0;
  };
  const both = spec.gradNorms === 'both';
  try {
    for (let i = 0; i < spec.warmup; i++) {
      await step(true);
      if (both) await step(false);
    }
    const samples: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < spec.steps; i++) {
      // Alternate which goes first, so neither always follows the other.
      if (both && i % 2 === 1) bare.push(await step(false));
      samples.push(await step(spec.gradNorms !== false));
      if (both && i % 2 === 0) bare.push(await step(false));
    }
    const ms = median(samples);
    const gpu = tf.getBackend() === 'webgpu' || tf.getBackend() === 'webgl';
    const dispatchesPerStep = gpu && installDispatchCounter() ? await countDispatches(() => step(spec.gradNorms !== false)) : undefined;
    let kernels = 0;
    let kernelTimes: KernelTime[] | undefined;
    if (spec.countKernels) {
      const info = await tf.profile(async () => {
        const packed = trainStep(model, optimizer, x, y, { lr: config.train.learningRate, labelSmoothing: 0, withNorms: spec.gradNorms !== false });
        await packed.data();
        packed.dispose();
      });
      kernels = info.kernels.length;
      if (spec.kernelTimes) kernelTimes = await byKernelName(info.kernels, spec.kernelTimes === 'shapes');
    }
    const result: BenchResult = { backend: tf.getBackend(), msPerStep: ms, imgPerSec: (spec.batch * 1000) / ms, samples, kernels, ...(dispatchesPerStep !== undefined ? { dispatchesPerStep } : {}), ...(tf.getBackend() === 'wasm' ? { threads: getThreadsCount() } : {}), ...(kernelTimes ? { kernelTimes } : {}) };
    if (both) {
      result.msPerStepBare = median(bare);
      result.normsOverheadPct = (100 * (ms - result.msPerStepBare)) / result.msPerStepBare;
    }
    return result;
  } finally {
    x.dispose();
    y.dispose();
    disposeOptimizer(optimizer);
    model.dispose();
  }
}

/**
 * Sums a tf.profile's kernel times by kernel name (and input shapes, with `shapes`). On WASM and CPU a kernel's
 * time is its synchronous run; on GPU backends it is the GPU timer's, where
 * the backend has one (0 otherwise). A tf.customGrad op is profiled under its
 * scope's name ('forward') around the kernels it runs, which are profiled
 * too: only registered kernels are summed, so nothing counts twice.
 */
async function byKernelName(kernels: readonly { name: string; inputShapes: number[][]; kernelTimeMs: number | { error: string } | Promise<number | { error: string }> }[], shapes: boolean): Promise<KernelTime[]> {
  const totals = new Map<string, KernelTime>();
  const backend = tf.getBackend();
  for (const k of kernels) {
    if (!tf.getKernel(k.name, backend)) continue;
    const t = await k.kernelTimeMs;
    const ms = typeof t === 'number' ? t : 0;
    const name = shapes ? `${k.name} ${k.inputShapes.map((sh) => `[${sh.join(',')}]`).join(' ')}` : k.name;
    const row = totals.get(name) ?? { name, calls: 0, ms: 0 };
    row.calls += 1;
    row.ms += ms;
    totals.set(name, row);
  }
  return [...totals.values()].sort((a, b) => b.ms - a.ms);
}
