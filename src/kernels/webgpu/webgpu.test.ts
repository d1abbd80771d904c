// Our WebGPU kernels (issue 21) against the CPU backend, in Node through
// Dawn: the convolution gradients on every zoo family's shapes, batch norm
// with and without its ReLU, every optimizer's fused step and its norms, and
// a whole training step (ResNet-20's dispatch budget: bench/gpu-kit/kit.test.ts,
// through the bench's own count). Skipped, saying why,
// where the optional webgpu package or a Vulkan adapter is missing (.ci/run
// installs both: lavapipe, a software Vulkan driver).
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/presets';
import type { OptimizerName } from '../../config/types';
import type { Dataset } from '../../data/types';
import { train } from '../../train/engine';
import { Optimizer } from '../../train/optim';
import { maxRelative, nodeWebGpu, seededValues } from '../../testing/numeric';
import { startNodeWebGpu } from '../../train/webgpu-node';
import { BN_FUSED, BN_KERNELS, CONV_INPUT_GRAD, CONV_KERNEL_GRAD, PAD_SHORTCUT, PAD_SHORTCUT_GRAD, RELU_GRAD } from '../names';
import { CONV_CASES } from '../../testing/conv-cases';

const adapter = await nodeWebGpu(startNodeWebGpu, 'our WebGPU kernels');

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The tensors `make` returns, read (the webgpu backend has no synchronous read in Node) and freed. */
async function read(make: () => tf.Tensor[]): Promise<Float32Array[]> {
  const ts = tf.tidy(make);
  const out = await Promise.all(ts.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(ts);
  return out;
}

async function onCpu<T>(run: () => T): Promise<T> {
  await tf.setBackend('cpu');
  try {
    return run();
  } finally {
    await startNodeWebGpu();
  }
}

describe.skipIf(adapter.missing !== null)(`our WebGPU kernels (${adapter.name ?? 'no adapter'})`, () => {
  it.each(CONV_CASES)('both convolution gradients of $family equal the CPU backend within 1e-3', async ({ x: xs, k: ks, stride, pad }) => {
    const oh = Math.floor((xs[1] + 2 * pad - ks[0]) / stride) + 1;
    const ow = Math.floor((xs[2] + 2 * pad - ks[1]) / stride) + 1;
    const dys = [xs[0], oh, ow, ks[3]];
    const [x, k, dy] = [seededValues(size(xs), 1), seededValues(size(ks), 2), seededValues(size(dys), 3)];
    const ours = await read(() => {
      const [xt, kt, dyt] = [tf.tensor4d(x, xs), tf.tensor4d(k, ks), tf.tensor4d(dy, dys as [number, number, number, number])];
      const dk = tf.engine().runKernel(CONV_KERNEL_GRAD, { x: xt, dy: dyt }, { kernelHeight: ks[0], kernelWidth: ks[1], stride, padTop: pad, padLeft: pad }) as tf.Tensor;
      const dx = tf.engine().runKernel(CONV_INPUT_GRAD, { dy: dyt, filter: kt }, { inHeight: xs[1], inWidth: xs[2], stride, padTop: pad, padLeft: pad }) as tf.Tensor;
      return [dk, dx];
    });
    const cpu = await onCpu(() =>
      tf.tidy(() => {
        const [xt, kt, dyt] = [tf.tensor4d(x, xs), tf.tensor4d(k, ks), tf.tensor4d(dy, dys as [number, number, number, number])];
        const padding = [[0, 0], [pad, pad], [pad, pad], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
        const [dx, dk] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, padding), dyt)))([xt, kt]);
        return [(dk as tf.Tensor).dataSync(), (dx as tf.Tensor).dataSync()];
      }),
    );
    expect(maxRelative(ours[0] as Float32Array, cpu[0] as Float32Array), 'kernel gradient').toBeLessThan(1e-3);
    expect(maxRelative(ours[1] as Float32Array, cpu[1] as Float32Array), 'input gradient').toBeLessThan(1e-3);
  });

  const BN_CASES: [string, [number, number, number, number], number][] = [
    ['3 channels, 70 rows', [2, 5, 7, 3], 0],
    ['20 channels, one slab of 1,024 rows', [4, 16, 16, 20], 0],
    ['17 channels, 2,700 rows in three slabs, mean 500', [3, 30, 30, 17], 500],
  ];
  it.each(BN_CASES)('batch norm (%s): statistics, running statistics, output and gradients, with and without ReLU, as float64 sums give', async (_, shape, offset) => {
    const c = shape[3];
    const n = size(shape) / c;
    const x = seededValues(size(shape), 5).map((v, i) => offset + v * (1 + (i % c)));
    const [gamma, beta, dy, runMean, runVar] = [seededValues(c, 6), seededValues(c, 7), seededValues(size(shape), 8), seededValues(c, 9), seededValues(c, 10).map((v) => 1 + v / 2)];
    // Float64 reference.
    const mean = Array.from({ length: c }, (_, ch) => { let s = 0; for (let r = 0; r < n; r++) s += x[r * c + ch] as number; return s / n; });
    const variance = mean.map((m, ch) => { let s = 0; for (let r = 0; r < n; r++) s += ((x[r * c + ch] as number) - m) ** 2; return s / n; });
    const eps = 1e-5;
    const inv = variance.map((v) => 1 / Math.sqrt(v + eps));
    const xhat = Array.from(x, (v, i) => (v - (mean[i % c] as number)) * (inv[i % c] as number));
    const yRef = xhat.map((h, i) => h * (gamma[i % c] as number) + (beta[i % c] as number));
    for (const relu of [false, true]) {
      const got = await read(() => {
        const xt = tf.tensor4d(x, shape);
        const [m, v, rm, rv] = tf.engine().runKernel(BN_FUSED.momentsRunning, { x: xt, runMean: tf.tensor1d(runMean), runVar: tf.tensor1d(runVar) }, { momentum: 0.1 }) as unknown as tf.Tensor[];
        const [m2, v2] = tf.engine().runKernel(BN_KERNELS.moments, { x: xt }) as unknown as tf.Tensor[];
        const inputs = { x: xt, mean: m as tf.Tensor, variance: v as tf.Tensor, gamma: tf.tensor1d(gamma), beta: tf.tensor1d(beta) };
        const y = tf.engine().runKernel(relu ? BN_FUSED.applyRelu : BN_KERNELS.apply, inputs, { epsilon: eps }) as tf.Tensor;
        const grads = tf.engine().runKernel(relu ? BN_FUSED.gradRelu : BN_KERNELS.grad, { dy: tf.tensor4d(dy, shape), x: xt, mean: m as tf.Tensor, variance: v as tf.Tensor, gamma: inputs.gamma, ...(relu ? { y } : {}) }, { epsilon: eps }) as unknown as tf.Tensor[];
        return [m, v, rm, rv, m2, v2, y, ...grads] as tf.Tensor[];
      });
      const [gm, gv, grm, grv, gm2, gv2, gy, gdx, gdGamma, gdBeta] = got as Float32Array[];
      // The mask is the kernel's own output's sign (an output within rounding of 0 may fall either side of it).
      const g = Array.from(dy, (d, i) => (relu && (gy![i] as number) <= 0 ? 0 : d));
      const dBeta = Array.from({ length: c }, (_, ch) => { let s = 0; for (let r = 0; r < n; r++) s += g[r * c + ch] as number; return s; });
      const dGamma = Array.from({ length: c }, (_, ch) => { let s = 0; for (let r = 0; r < n; r++) s += (g[r * c + ch] as number) * (xhat[r * c + ch] as number); return s; });
      const dx = g.map((d, i) => (gamma[i % c] as number) * (inv[i % c] as number) * (d - (dBeta[i % c] as number) / n - (xhat[i] as number) * (dGamma[i % c] as number) / n));
      expect(maxRelative(gm!, mean), 'mean').toBeLessThan(1e-6);
      expect(maxRelative(gv!, variance), 'variance').toBeLessThan(1e-4);
      expect(Array.from(gm2!)).toEqual(Array.from(gm!));
      expect(Array.from(gv2!)).toEqual(Array.from(gv!));
      expect(maxRelative(grm!, mean.map((m, ch) => 0.9 * (runMean[ch] as number) + 0.1 * m))).toBeLessThan(1e-5);
      expect(maxRelative(grv!, variance.map((v, ch) => 0.9 * (runVar[ch] as number) + (0.1 * v * n) / (n - 1))), 'running variance').toBeLessThan(1e-4);
      expect(maxRelative(gy!, yRef.map((y) => (relu ? Math.max(y, 0) : y))), 'output').toBeLessThan(1e-4);
      expect(maxRelative(gdBeta!, dBeta), 'dβ').toBeLessThan(1e-4);
      expect(maxRelative(gdGamma!, dGamma), 'dγ').toBeLessThan(1e-3);
      expect(maxRelative(gdx!, dx), 'dx').toBeLessThan(1e-3);
    }
  });

  it("ReLU's gradient and the option-A shortcut both ways equal TF.js's ops on the CPU backend", async () => {
    const shape = [3, 9, 9, 6] as [number, number, number, number];
    const [x, dy] = [seededValues(size(shape), 11), seededValues(3 * 5 * 5 * 12, 12)];
    const attrs = { inHeight: 9, inWidth: 9, channels: 6, stride: 2, before: 3, filters: 12 };
    const ours = await read(() => {
      const xt = tf.tensor4d(x, shape);
      const y = tf.relu(xt);
      return [
        tf.engine().runKernel(RELU_GRAD, { dy: tf.tensor4d(seededValues(size(shape), 13), shape), y }) as tf.Tensor,
        tf.engine().runKernel(PAD_SHORTCUT, { x: xt }, attrs) as tf.Tensor,
        tf.engine().runKernel(PAD_SHORTCUT_GRAD, { dy: tf.tensor4d(dy, [3, 5, 5, 12]) }, attrs) as tf.Tensor,
      ];
    });
    await tf.setBackend('cpu');
    const cpu = await read(() => {
      const xt = tf.tensor4d(x, shape);
      const shortcut = (t: tf.Tensor4D) => tf.pad(tf.avgPool(t, 1, 2, 'valid'), [[0, 0], [0, 0], [0, 0], [3, 3]]);
      const [reluGrad] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), tf.tensor4d(seededValues(size(shape), 13), shape))))([xt]);
      const [shortcutGrad] = tf.grads((t: tf.Tensor) => tf.sum(tf.mul(shortcut(t as tf.Tensor4D), tf.tensor4d(dy, [3, 5, 5, 12]))))([xt]);
      return [reluGrad as tf.Tensor, shortcut(xt), shortcutGrad as tf.Tensor];
    }).finally(() => startNodeWebGpu());
    // + 0: TF.js's product gives −0 where dy < 0 is masked; ours writes 0.
    ours.forEach((o, i) => expect(Array.from(o, (v) => v + 0), ['ReLU gradient', 'shortcut', 'shortcut gradient'][i]).toEqual(Array.from(cpu[i]!, (v) => v + 0)));
  });

  const OPTIMIZERS: OptimizerName[] = ['sgd', 'momentum', 'nesterov', 'adam', 'adamw'];
  it.each(OPTIMIZERS)("%s's fused step: three steps' weights and norms as the TF.js ops' on the CPU backend", async (name) => {
    const shapes = [[3, 3, 4, 8], [8], [300, 5]];
    const start = shapes.map((s, i) => seededValues(size(s), 20 + i));
    const grads = [0, 1, 2].map((step) => shapes.map((s, i) => seededValues(size(s), 40 + 3 * step + i)));
    const decayed = new Set(['w0', 'w2']);
    const lrScale = new Map([['w2', 10]]);
    let runs = 0;
    const run = async (fused: boolean) => {
      runs += 1;
      const names = shapes.map((_, i) => `${name}-${runs}-w${i}`);
      const vars = shapes.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(start[i] as Float32Array, s), true, names[i])));
      const decayed = new Set([names[0] as string, names[2] as string]);
      const lrScale = new Map([[names[2] as string, 10]]);
      const opt = new Optimizer({ name, momentum: 0.9, weightDecay: 1e-2 });
      const norms: number[][] = [];
      const l2 = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));
      for (const [step, g] of grads.entries()) {
        // The last variable has no gradient on the second step: it keeps its value, its norms still measured.
        const named: tf.NamedTensorMap = {};
        vars.forEach((v, i) => { if (!(i === 2 && step === 1)) named[v.name] = tf.tensor(g[i] as Float32Array, shapes[i]); });
        const before = await Promise.all(vars.map((v) => v.data()));
        const mu = step === 2 ? 0.8 : null;
        if (fused) {
          const n = tf.tidy(() => opt.stepFused(vars, named, 0.05, decayed, mu, lrScale, vars));
          norms.push(Array.from(await n.data()));
          n.dispose();
        } else {
          tf.tidy(() => opt.step(vars, named, 0.05, decayed, mu, lrScale));
          const after = await Promise.all(vars.map((v) => v.data()));
          const gs = await Promise.all(vars.map((v) => named[v.name]?.data()));
          norms.push([...gs.map((d) => (d ? l2(d) : 0)), ...before.map(l2), ...after.map((a, i) => l2(a.map((w, j) => w - (before[i]![j] as number))))]);
        }
        tf.dispose(Object.values(named));
      }
      const out = { weights: await Promise.all(vars.map((v) => v.data())), slots: await Promise.all(vars.map((v) => Promise.all(opt.slotsOf(v).map((s) => s.data())))), norms };
      opt.dispose();
      vars.forEach((v) => v.dispose());
      return out;
    };
    const before = tf.memory().numTensors;
    const ours = await run(true);
    expect(tf.memory().numTensors).toBe(before);
    await tf.setBackend('cpu');
    const cpu = await run(false).finally(() => startNodeWebGpu());
    ours.weights.forEach((w, i) => expect(maxRelative(w, cpu.weights[i]!), `w${i}`).toBeLessThan(1e-5));
    ours.slots.forEach((s, i) => s.forEach((slot, k) => expect(maxRelative(slot, cpu.slots[i]![k]!), `w${i} slot ${k}`).toBeLessThan(1e-5)));
    ours.norms.forEach((n, step) => expect(maxRelative(n, cpu.norms[step]!), `norms at step ${step + 1}`).toBeLessThan(1e-5));
  });

  const cifarLike = (count: number): Dataset => {
    const images = new Uint8Array(count * 16 * 16 * 3).map((_, i) => (i * 2654435761) % 251);
    const labels = new Uint8Array(count).map((_, i) => i % 10);
    const set = { images, labels, count };
    return { id: 'cifar10', height: 16, width: 16, channels: 3, numClasses: 10, classNames: Array.from({ length: 10 }, (_, c) => String(c)), train: set, test: set };
  };

  it("three training steps of a small ResNet with our kernels: loss and every layer's gradient, weight and update norm as on the CPU backend", async () => {
    const config = { ...DEFAULT_CONFIG, model: { ...DEFAULT_CONFIG.model, blocksPerStage: 1, baseWidth: 8 }, train: { ...DEFAULT_CONFIG.train, batchSize: 16, maxSteps: 3, weightDecay: 5e-4 }, data: { ...DEFAULT_CONFIG.data, testSubset: 16, augment: 'none' as const } };
    const seen: Record<string, number[][]> = {};
    for (const backend of ['webgpu', 'cpu']) {
      if (backend === 'cpu') await tf.setBackend('cpu');
      else await startNodeWebGpu();
      const before = tf.memory().numTensors;
      const steps: number[][] = [];
      await train({ config, data: cifarLike(64), hooks: { onStep: (m) => steps.push([m.loss, ...m.gradNorms, ...(m.weightNorms ?? []), ...(m.updateRatios ?? [])]) } });
      expect(tf.memory().numTensors).toBe(before);
      seen[backend] = steps;
    }
    await startNodeWebGpu();
    expect(seen.webgpu).toHaveLength(3);
    seen.webgpu!.forEach((step, i) => {
      step.forEach((v, j) => expect(Math.abs(v - seen.cpu![i]![j]!), `step ${i + 1}, value ${j}`).toBeLessThan(1e-3 * Math.abs(seen.cpu![i]![j]!) + 1e-6));
    });
  });
});
