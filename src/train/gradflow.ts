// Gradient norms of one forward and backward pass, without an update: what
// the oracle test compares with PyTorch (src/train/gradflow.test.ts) and
// bench/node/gradflow.ts tabulates. tfjs.
import * as tf from '@tensorflow/tfjs';
import { firstLastConv, firstOverLast as ratioOf } from '../arch/gradflow';
import { DEFAULT_MODEL } from '../config/presets';
import type { Dataset } from '../data/types';
import { buildModel, type Model } from '../model/build';
import type { GradFlowRow } from '../protocol/messages';
import { Batcher, channelStats } from './batches';

/**
 * The L2 norm of the gradient of the mean softmax cross-entropy on one batch
 * with respect to each kernel named in `names` (default: every kernel, in
 * summary.kernelNames order), BN in training mode (batch statistics, as
 * torch's net.train()). No optimizer: the weights are untouched. Naming only
 * a few kernels skips the other kernels' gradients (the backward pass still
 * runs through every layer), which is what makes ResNet-110 affordable on
 * the CPU. x [B, H, W, C], y one-hot [B, classes].
 */
export function initGradNorms(model: Model, x: tf.Tensor4D, y: tf.Tensor2D, names: readonly string[] = model.summary.kernelNames): number[] {
  const index = new Map(model.summary.kernelNames.map((n, i) => [n, i]));
  const vars = names.map((n) => {
    const i = index.get(n);
    if (i === undefined) throw new Error(`no kernel named ${n}`);
    return model.kernels[i] as tf.Variable;
  });
  const packed = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.forward(x, true)) as tf.Scalar, vars);
    return tf.stack(vars.map((k) => tf.norm(grads[k.name] as tf.Tensor)));
  });
  const values = Array.from(packed.dataSync());
  packed.dispose();
  return values;
}

/**
 * torch_gradflow.py's first_over_last at the model's current weights: the
 * first conv kernel's gradient norm over the last conv kernel's, the page's
 * headline (one definition: src/arch/gradflow.ts). Only those two kernels'
 * gradients are computed; NaN for a net without convolutions.
 */
export function firstOverLast(model: Model, x: tf.Tensor4D, y: tf.Tensor2D): number {
  const names = model.summary.kernelNames;
  const pair = firstLastConv(names);
  if (!pair) return NaN;
  const picked = [...new Set([pair.first, pair.last])];
  const values = initGradNorms(model, x, y, picked.map((i) => names[i] as string));
  const norms: number[] = [];
  picked.forEach((i, k) => (norms[i] = values[k] as number));
  return ratioOf(names, norms);
}

/**
 * Smooth, image-like 32×32×3 inputs standing in for a CIFAR-10 batch (which
 * is not in the repository): per image four random low-frequency waves,
 * correlated across channels, plus a little noise, then standardised per
 * channel over the batch as torch_gradflow.py does with real images. Labels
 * cycle through the 10 classes. x [B, 32, 32, 3], y one-hot [B, 10].
 */
export function structuredBatch(batch: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const data = new Float32Array(batch * 32 * 32 * 3);
  for (let b = 0; b < batch; b++) {
    const waves = Array.from({ length: 4 }, () => ({ fx: rand() * 0.4, fy: rand() * 0.4, ph: rand() * 6.28, a: [rand(), rand(), rand()] }));
    for (let i = 0; i < 32; i++)
      for (let j = 0; j < 32; j++)
        for (let c = 0; c < 3; c++) {
          let v = 0;
          for (const w of waves) v += (w.a[c] as number) * Math.sin(w.fx * i + w.fy * j + w.ph);
          data[((b * 32 + i) * 32 + j) * 3 + c] = v + 0.1 * (rand() - 0.5);
        }
  }
  return tf.tidy(() => {
    const raw = tf.tensor4d(data, [batch, 32, 32, 3]);
    const { mean, variance } = tf.moments(raw, [0, 1, 2]);
    const x = tf.div(tf.sub(raw, mean), tf.sqrt(variance)) as tf.Tensor4D;
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32'), 10).toFloat() as tf.Tensor2D;
    return { x, y };
  });
}

/**
 * One cell of the skip lesson's table: first conv / last conv at He-normal
 * initialisation for the CIFAR ResNet of `depth` (6n + 2) or its plain twin,
 * with or without batch norm, option-A shortcuts, as
 * bench/reference/torch_gradflow.py builds them; on `x`, `y` (one batch).
 */
export function gradFlowCell(depth: number, skip: boolean, bn: boolean, x: tf.Tensor4D, y: tf.Tensor2D, seed: number): GradFlowRow {
  const t0 = performance.now();
  const blocksPerStage = (depth - 2) / 6;
  if (!Number.isInteger(blocksPerStage) || blocksPerStage < 1) throw new Error(`depth ${depth} is not 6n + 2 (20, 56, 110 ...)`);
  const model = buildModel({ ...DEFAULT_MODEL, blocksPerStage, skip, batchNorm: bn, shortcut: 'A', init: 'he-normal' }, x.shape.slice(1) as [number, number, number], y.shape[1], seed);
  try {
    return { depth, skip, bn, firstOverLast: firstOverLast(model, x, y), ms: performance.now() - t0 };
  } finally {
    model.dispose();
  }
}

/** The first `batch` training images of `data`, normalized as a run normalizes them, and their one-hot labels. */
export function firstBatch(data: Dataset, batch: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const batcher = new Batcher(data, channelStats(data.train, data.channels, 1000));
  const { x, y } = batcher.batch(data.train, Array.from({ length: Math.min(batch, data.train.count) }, (_, i) => i));
  return { x: x as tf.Tensor4D, y: y as tf.Tensor2D };
}
