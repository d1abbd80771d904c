// The one builder: turns the layer tree of src/arch/arch.ts into TF.js
// variables and a forward pass. Variables are keyed by stable layer names
// ('stage2.block0.conv1.kernel'); their TF.js names carry a per-model prefix
// because TF.js registers variable names globally.
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../config/types';
import { batchNormTrain, channelMoments, fusesBnRelu, momentsAndRunning, useFusedBatchNorm } from './batchnorm';
import { groupedConv2d } from './grouped';
import { padShortcut, relu } from './fused';
import { adaptiveAvgPool, avgPool } from './pool';
import { initialValues } from '../arch/init';
import { mulberry32 } from '../arch/rng';
import { gelu, layerNorm, multiHeadAttention, tokenDense } from './transformer';
import { buildArch, summarize, type ArchSummary, type LayerOp, type Shape } from '../arch/arch';

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
  /** Conv, dense and SE kernels in forward order, aligned with summary.kernelNames. */
  kernels: tf.Variable[];
  /**
   * [B, H, W, C] -> logits [B, classes]. In training, BN uses batch
   * statistics and updates its moving ones. x is data: its gradient is
   * zeros where a convolution reads it (the variables' gradients are whole).
   */
  forward(x: tf.Tensor4D, training: boolean): tf.Tensor2D;
  /** Runs only `ops` (a slice of `arch`) on x: a linear probe's frozen body, then its head on the features. */
  run(ops: LayerOp[], x: tf.Tensor, training: boolean): tf.Tensor;
  /**
   * Layers (by name) whose batch norm runs in inference mode even in
   * training: the frozen part of a fine-tuned net, whose running statistics
   * stay as loaded (as torch's model.eval() on a frozen backbone).
   */
  frozenBatchNorm: Set<string>;
  /** Parameters (by name) a fine-tuning run leaves as they are; the engine's step skips them. */
  frozenVariables: Set<string>;
  dispose(): void;
}

let modelCounter = 0;


export function buildModel(cfg: ModelConfig, inputShape: Shape, numClasses: number, seed: number): Model {
  const arch = buildArch(cfg, numClasses);
  const summary = summarize(arch, inputShape);
  const prefix = `m${++modelCounter}/`;
  const params = new Map<string, tf.Variable>();
  const state = new Map<string, tf.Variable>();
  const rand = mulberry32(seed);

  const variable = (map: Map<string, tf.Variable>, name: string, values: Float32Array, shape: number[]) => {
    const initial = tf.tensor(values, shape);
    const v = tf.variable(initial, map === params, prefix + name);
    // The variable holds its own reference to the data; the initial tensor would otherwise leak.
    initial.dispose();
    map.set(name, v);
  };
  // Every variable in forward order (so the seed maps to the same weights).
  initialValues(arch, inputShape, rand, (name, init) => variable(init.trainable ? params : state, name, init.values, init.shape));

  const p = (name: string): tf.Variable => {
    const v = params.get(name) ?? state.get(name);
    if (!v) throw new Error(`missing variable ${name}`);
    return v;
  };
  // Seeds for dropout and stochastic depth, drawn in order: a run is reproducible from its seed.
  const noise = mulberry32(seed ^ 0x5bd1e995);
  const frozenBatchNorm = new Set<string>();
  const forward = makeForward(p, () => Math.floor(noise() * 2 ** 31), frozenBatchNorm);

  const kernels = summary.kernelNames.map((name) => p(`${name}.kernel`));
  return {
    arch,
    summary,
    inputShape,
    params,
    state,
    kernels,
    forward: (x, training) => forward(arch, x, training) as tf.Tensor2D,
    run: forward,
    frozenBatchNorm,
    frozenVariables: new Set<string>(),
    dispose: () => {
      for (const v of [...params.values(), ...state.values()]) v.dispose();
      params.clear();
      state.clear();
    },
  };
}

/** The forward pass over the tree, reading variables through `p`; `seed` gives each random op its seed. */
function makeForward(p: (name: string) => tf.Variable, seed: () => number, frozenBatchNorm: ReadonlySet<string>) {
  const run = (ops: LayerOp[], x: tf.Tensor, training: boolean): tf.Tensor => {
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as LayerOp;
      // A training batch norm and the ReLU after it as one kernel each way, where the backend has them (WebGPU).
      if (op.op === 'bn' && ops[i + 1]?.op === 'relu' && training && !frozenBatchNorm.has(op.name) && fusesBnRelu() && useFusedBatchNorm()) {
        x = batchNorm(p, x as tf.Tensor4D, op.name, true, true);
        i += 1;
        continue;
      }
      x = apply(op, x, training);
    }
    return x;
  };
  /** The data of the pass in progress. */
  let input: tf.Tensor | null = null;
  const dense = (x: tf.Tensor, name: string) =>
    x.rank === 3
      ? tokenDense(x, p(`${name}.kernel`), p(`${name}.bias`)) // [B, T, units]
      : tf.add(tf.matMul(x as tf.Tensor2D, p(`${name}.kernel`) as tf.Tensor2D), p(`${name}.bias`)); // [B, units]

  const apply = (op: LayerOp, x: tf.Tensor, training: boolean): tf.Tensor => {
    switch (op.op) {
      case 'conv': {
        // No gradient to the data: a stem's input gradient would be a whole convolution for nothing.
        const y = groupedConv2d(x as tf.Tensor4D, p(`${op.name}.kernel`) as tf.Tensor4D, op.groups, op.stride, op.pad, x !== input); // [B, H', W', filters]
        return op.bias ? tf.add(y, p(`${op.name}.bias`)) : y;
      }
      case 'bn':
        return batchNorm(p, x as tf.Tensor4D, op.name, training && !frozenBatchNorm.has(op.name));
      case 'dense':
        return dense(x, op.name);
      case 'dropout':
        return training ? tf.dropout(x, op.rate, undefined, seed()) : x;
      case 'se': {
        const s = dense(tf.mean(x, [1, 2]), `${op.name}.fc1`); // [B, squeeze]
        const gate = tf.sigmoid(dense(op.act === 'relu' ? tf.relu(s) : swish(s), `${op.name}.fc2`)); // [B, C]
        return tf.mul(x, tf.reshape(gate, [gate.shape[0] ?? -1, 1, 1, -1])); // [B, H, W, C]
      }
      case 'residual': {
        let branch = run(op.branch, x, training);
        if (training && op.dropPath > 0) branch = dropPath(branch, op.dropPath, seed());
        return op.skip ? tf.add(branch, run(op.shortcut, x, training)) : branch;
      }
      case 'concat':
        return tf.concat([x, run(op.branch, x, training)], 3); // [B, H, W, C + C']
      case 'tokens':
        return tokens(x as tf.Tensor4D, p(`${op.name}.cls`), p(`${op.name}.pos`)); // [B, 1 + H·W, D]
      case 'layerNorm':
        return layerNorm(x, p(`${op.name}.gamma`), p(`${op.name}.beta`)); // [B, T, D]
      case 'attention': {
        const w = { qkvKernel: p(`${op.name}.qkv.kernel`), qkvBias: p(`${op.name}.qkv.bias`), projKernel: p(`${op.name}.proj.kernel`), projBias: p(`${op.name}.proj.bias`) };
        return multiHeadAttention(x, w, op.heads); // [B, T, D]
      }
      default:
        return parameterFree(op, x);
    }
  };
  return (ops: LayerOp[], x: tf.Tensor, training: boolean): tf.Tensor => {
    input = x;
    try {
      return run(ops, x, training);
    } finally {
      input = null;
    }
  };
}

type ParameterFree = Extract<LayerOp, { op: 'resize' | 'relu' | 'swish' | 'gelu' | 'maxPool' | 'avgPool' | 'adaptiveAvgPool' | 'gap' | 'flatten' | 'padShortcut' | 'classToken' }>;

/** Ops without variables or randomness. */
function parameterFree(op: ParameterFree, x: tf.Tensor): tf.Tensor {
  switch (op.op) {
    case 'resize':
      // halfPixelCenters as torch's align_corners=False. Unlike torchvision, no antialiasing when shrinking.
      return tf.image.resizeBilinear(x as tf.Tensor4D, [op.size, op.size], false, true); // [B, size, size, C]
    case 'relu':
      return relu(x);
    case 'swish':
      return swish(x);
    case 'gelu':
      return gelu(x);
    case 'classToken':
      return tf.squeeze(tf.slice(x, [0, 0, 0], [-1, 1, -1]), [1]); // [B, D]
    case 'maxPool':
      // A numeric pad never wins the max in TF.js (out-of-range taps are skipped), as torch's implicit -inf padding.
      return tf.maxPool(x as tf.Tensor4D, op.kernel, op.stride, op.pad); // [B, H', W', C]
    case 'avgPool':
      return avgPool(x as tf.Tensor4D, op.kernel, op.stride, op.ceil); // [B, H', W', C]
    case 'adaptiveAvgPool':
      return adaptiveAvgPool(x as tf.Tensor4D, op.size); // [B, size, size, C]
    case 'gap':
      return tf.mean(x, [1, 2]); // [B, C]
    case 'flatten':
      return tf.reshape(x, [x.shape[0] ?? -1, -1]); // [B, H·W·C]
    case 'padShortcut':
      return padShortcut(x as tf.Tensor4D, op.stride, op.filters); // [B, H / s, W / s, filters]
  }
}

/** The ViT hybrid's tokens: [B, H, W, D] -> [B, 1 + H·W, D], the class token first, positions added. */
function tokens(x: tf.Tensor4D, cls: tf.Tensor, pos: tf.Tensor): tf.Tensor3D {
  const [b, h, w, d] = x.shape;
  const seq = tf.reshape(x, [b, h * w, d]); // [B, H·W, D], row-major positions
  const first = tf.tile(tf.reshape(cls, [1, 1, d]), [b, 1, 1]); // [B, 1, D]
  return tf.add(tf.concat([first, seq], 1), pos) as tf.Tensor3D; // [B, 1 + H·W, D]
}

/** SiLU / swish: x · sigmoid(x). */
function swish(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.sigmoid(x));
}

/** Batch norm; `relu` (training only, where fusesBnRelu): the ReLU after it in the same kernels. */
function batchNorm(p: (name: string) => tf.Variable, x: tf.Tensor4D, name: string, training: boolean, relu = false): tf.Tensor4D {
  const gamma = p(`${name}.gamma`) as tf.Tensor1D;
  const beta = p(`${name}.beta`) as tf.Tensor1D;
  const movingMean = p(`${name}.movingMean`);
  const movingVariance = p(`${name}.movingVariance`);
  if (!training) return tf.batchNorm(x, movingMean as tf.Tensor1D, movingVariance as tf.Tensor1D, beta, gamma, BN_EPSILON);
  const fused = useFusedBatchNorm(); // on WASM: batchnorm.ts
  // The moving statistics update here, inside the training step, as in
  // torch: running = (1 - m) * running + m * batch, with the unbiased variance.
  // These ops are off the path to the loss, so backprop ignores them.
  const withRunning = fused ? momentsAndRunning(x, movingMean as tf.Tensor1D, movingVariance as tf.Tensor1D, BN_MOMENTUM) : null;
  let mean: tf.Tensor;
  let variance: tf.Tensor;
  if (withRunning) {
    const [m, v, runMean, runVar] = withRunning;
    [mean, variance] = [m, v];
    movingMean.assign(runMean);
    movingVariance.assign(runVar);
  } else {
    ({ mean, variance } = fused ? channelMoments(x) : tf.moments(x, [0, 1, 2])); // [C], [C] (biased)
    const n = x.shape[0] * x.shape[1] * x.shape[2];
    tf.tidy(() => {
      movingMean.assign(tf.add(tf.mul(movingMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
      const unbiased = tf.mul(variance, n / Math.max(n - 1, 1));
      movingVariance.assign(tf.add(tf.mul(movingVariance, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
    });
  }
  if (fused) return batchNormTrain(x, mean as tf.Tensor1D, variance as tf.Tensor1D, gamma, beta, BN_EPSILON, relu);
  return tf.batchNorm(x, mean, variance, beta, gamma, BN_EPSILON) as tf.Tensor4D;
}

/**
 * Stochastic depth per sample (Huang et al. 2016; torchvision's
 * StochasticDepth 'row'): each image's branch is kept with probability
 * 1 - rate and scaled by 1 / (1 - rate), or zeroed.
 */
function dropPath(branch: tf.Tensor, rate: number, seed: number): tf.Tensor {
  const keep = 1 - rate;
  const shape = branch.shape.map((n, i) => (i === 0 ? n : 1)); // [B, 1, 1, 1] for maps, [B, 1, 1] for tokens
  const mask = tf.floor(tf.add(tf.randomUniform(shape, 0, 1, 'float32', seed), keep)); // 0 or 1 per sample
  return tf.mul(branch, tf.div(mask, keep));
}

