// The one builder: turns the layer tree of src/model/arch.ts into TF.js
// variables and a forward pass. Variables are keyed by stable layer names
// ('stage2.block0.conv1.kernel'); their TF.js names carry a per-model prefix
// because TF.js registers variable names globally.
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config/types';
import { conv2d } from './conv';
import { buildArch, nextShape, summarize, type ArchSummary, type LayerOp, type Shape } from './arch';

/** Batch-norm moving-average rate and epsilon, as torch.nn.BatchNorm2d. */
const BN_MOMENTUM = 0.1;
const BN_EPSILON = 1e-5;

export interface Model {
  arch: LayerOp[];
  summary: ArchSummary;
  inputShape: Shape;
  /** Trainable variables by stable name, e.g. 'stage1.block0.conv1.kernel'. */
  params: Map<string, tf.Variable>;
  /** Non-trainable state: BN moving statistics, by stable name. */
  state: Map<string, tf.Variable>;
  /** Conv and dense kernels in forward order, aligned with summary.kernelNames. */
  kernels: tf.Variable[];
  /** [B, H, W, C] -> logits [B, classes]. In training, BN uses batch statistics and updates its moving ones. */
  forward(x: tf.Tensor4D, training: boolean): tf.Tensor2D;
  dispose(): void;
}

let modelCounter = 0;

/** Small seeded PRNG (mulberry32), so the same seed builds the same weights on every backend. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normalValues(n: number, std: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    // Box-Muller: two independent normals per pair of uniforms.
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

function uniformValues(n: number, bound: number, rand: () => number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * rand() - 1) * bound;
  return out;
}

export function buildModel(cfg: ModelConfig, inputShape: Shape, numClasses: number, seed: number): Model {
  const arch = buildArch(cfg, numClasses);
  const summary = summarize(arch, inputShape);
  const prefix = `m${++modelCounter}/`;
  const params = new Map<string, tf.Variable>();
  const state = new Map<string, tf.Variable>();
  const rand = mulberry32(seed);

  const variable = (map: Map<string, tf.Variable>, name: string, values: Float32Array, shape: number[], trainable: boolean) => {
    const initial = tf.tensor(values, shape);
    const v = tf.variable(initial, trainable, prefix + name);
    // The variable holds its own reference to the data; the initial tensor would otherwise leak.
    initial.dispose();
    map.set(name, v);
    return v;
  };

  // Create every variable in forward order (so the seed maps to the same weights).
  const create = (ops: LayerOp[], shape: number[]): number[] => {
    for (const op of ops) {
      const c = shape[shape.length - 1] ?? 0;
      switch (op.op) {
        case 'conv': {
          const fanIn = op.kernel * op.kernel * c;
          // He et al. 2015 ("Delving Deep into Rectifiers") fan-in normal, std sqrt(2 / fanIn), as torch's kaiming_normal_.
          variable(params, `${op.name}.kernel`, normalValues(fanIn * op.filters, Math.sqrt(2 / fanIn), rand), [op.kernel, op.kernel, c, op.filters], true);
          // torch.nn.Conv2d's default bias init, U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
          if (op.bias) variable(params, `${op.name}.bias`, uniformValues(op.filters, 1 / Math.sqrt(fanIn), rand), [op.filters], true);
          break;
        }
        case 'bn':
          variable(params, `${op.name}.gamma`, new Float32Array(c).fill(op.zeroGamma ? 0 : 1), [c], true);
          variable(params, `${op.name}.beta`, new Float32Array(c), [c], true);
          variable(state, `${op.name}.movingMean`, new Float32Array(c), [c], false);
          variable(state, `${op.name}.movingVariance`, new Float32Array(c).fill(1), [c], false);
          break;
        case 'dense': {
          // torch.nn.Linear's default init: U(-1/sqrt(in), 1/sqrt(in)) for kernel and bias.
          const bound = 1 / Math.sqrt(c);
          variable(params, `${op.name}.kernel`, uniformValues(c * op.units, bound, rand), [c, op.units], true);
          variable(params, `${op.name}.bias`, uniformValues(op.units, bound, rand), [op.units], true);
          break;
        }
        case 'residual':
          create(op.branch, shape);
          create(op.shortcut, shape);
          break;
        case 'relu':
        case 'gap':
        case 'padShortcut':
          break;
      }
      shape = nextShape(op, shape);
    }
    return shape;
  };
  create(arch, inputShape);

  const p = (name: string): tf.Variable => {
    const v = params.get(name) ?? state.get(name);
    if (!v) throw new Error(`missing variable ${name}`);
    return v;
  };

  const run = (ops: LayerOp[], x: tf.Tensor, training: boolean): tf.Tensor => {
    for (const op of ops) x = apply(op, x, training);
    return x;
  };

  const apply = (op: LayerOp, x: tf.Tensor, training: boolean): tf.Tensor => {
    switch (op.op) {
      case 'conv': {
        const y = conv2d(x as tf.Tensor4D, p(`${op.name}.kernel`) as tf.Tensor4D, op.stride, op.pad); // [B, H', W', filters]
        return op.bias ? tf.add(y, p(`${op.name}.bias`)) : y;
      }
      case 'bn':
        return batchNorm(x as tf.Tensor4D, op.name, training);
      case 'relu':
        return tf.relu(x);
      case 'gap':
        return tf.mean(x, [1, 2]); // [B, C]
      case 'dense':
        return tf.add(tf.matMul(x as tf.Tensor2D, p(`${op.name}.kernel`) as tf.Tensor2D), p(`${op.name}.bias`)); // [B, units]
      case 'padShortcut':
        return padShortcut(x as tf.Tensor4D, op.stride, op.filters);
      case 'residual': {
        const branch = run(op.branch, x, training);
        return op.skip ? tf.add(branch, run(op.shortcut, x, training)) : branch;
      }
    }
  };

  const batchNorm = (x: tf.Tensor4D, name: string, training: boolean): tf.Tensor4D => {
    const gamma = p(`${name}.gamma`) as tf.Tensor1D;
    const beta = p(`${name}.beta`) as tf.Tensor1D;
    const movingMean = p(`${name}.movingMean`);
    const movingVariance = p(`${name}.movingVariance`);
    if (!training) return tf.batchNorm(x, movingMean as tf.Tensor1D, movingVariance as tf.Tensor1D, beta, gamma, BN_EPSILON);
    const { mean, variance } = tf.moments(x, [0, 1, 2]); // [C], [C] (biased)
    // The moving statistics update here, inside the training step, as in
    // torch: running = (1 - m) * running + m * batch, with the unbiased variance.
    // These ops are off the path to the loss, so backprop ignores them.
    const n = x.shape[0] * x.shape[1] * x.shape[2];
    tf.tidy(() => {
      movingMean.assign(tf.add(tf.mul(movingMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
      const unbiased = tf.mul(variance, n / Math.max(n - 1, 1));
      movingVariance.assign(tf.add(tf.mul(movingVariance, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
    });
    return tf.batchNorm(x, mean, variance, beta, gamma, BN_EPSILON) as tf.Tensor4D;
  };

  const kernels = summary.kernelNames.map((name) => p(`${name}.kernel`));
  return {
    arch,
    summary,
    inputShape,
    params,
    state,
    kernels,
    forward: (x, training) => run(arch, x, training) as tf.Tensor2D,
    dispose: () => {
      for (const v of [...params.values(), ...state.values()]) v.dispose();
      params.clear();
      state.clear();
    },
  };
}

/** Option A (He et al. 2015, §4.2): subsample by striding, zero-pad the new channels half before, half after. */
function padShortcut(x: tf.Tensor4D, stride: number, filters: number): tf.Tensor4D {
  const c = x.shape[3];
  // A 1×1 average pool with stride s is exactly x[:, ::s, ::s, :], and unlike
  // tf.stridedSlice it has a gradient in TF.js 4.22.
  const sub = stride === 1 ? x : tf.avgPool(x, 1, stride, 'valid'); // [B, H/s, W/s, C]
  const extra = filters - c;
  if (extra === 0) return sub;
  const before = Math.floor(extra / 2);
  return tf.pad(sub, [[0, 0], [0, 0], [0, 0], [before, extra - before]]); // [B, H/s, W/s, filters]
}
