// Every layer type trains on the WASM backend with the CPU backend's
// gradients: the relative error ‖g − g_cpu‖ / ‖g_cpu‖ stays below 1e-3 for
// each input and each variable. The same computation runs on both backends
// from the same values; WASM loads from node_modules in Node. In whole
// models, a gradient that is zero in exact arithmetic (the beta or gamma of a
// BN that another BN follows: the second one cancels any shift or scale) is
// rounding noise on both backends; such variables (norm below 1e-3 of the
// model's largest) are compared against that floor instead of their own norm.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../../config/presets';
import type { ModelConfig } from '../../config/types';
import { batchNormTrain, channelMoments, useFusedBatchNorm } from '../../model/batchnorm';
import { buildModel } from '../../model/build';
import { conv2d } from '../../model/conv';
import { groupedConv2d } from '../../model/grouped';
import { adaptiveAvgPool, avgPool } from '../../model/pool';
import { installKernels } from '../install';

const TOLERANCE = 1e-3;

beforeAll(async () => {
  installKernels('wasm');
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.setBackend('cpu');
});

/** Runs `f` on `backend` and reads every tensor it returns. */
async function on(backend: 'cpu' | 'wasm', f: () => Record<string, tf.Tensor>): Promise<Record<string, Float32Array>> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const out = tf.tidy(f);
  const values = Object.fromEntries(Object.entries(out).map(([k, t]) => [k, t.dataSync() as Float32Array]));
  tf.dispose(Object.values(out));
  expect(tf.memory().numTensors, `tensors leaked on ${backend}`).toBe(before);
  return values;
}

const norm = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

/** ‖a − b‖ / max(‖b‖, floor) (‖a − b‖ when both are 0). */
function relErr(a: Float32Array, b: Float32Array, floor = 0): number {
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < b.length; i++) {
    diff += ((a[i] ?? NaN) - (b[i] ?? 0)) ** 2;
    ref += (b[i] ?? 0) ** 2;
  }
  const denominator = Math.max(Math.sqrt(ref), floor);
  return denominator > 0 ? Math.sqrt(diff) / denominator : Math.sqrt(diff);
}

/** The value and the gradients of sum(layer(inputs) · dy) on both backends: errors by name. */
async function compare(shapes: number[][], layer: (...xs: tf.Tensor[]) => tf.Tensor): Promise<Record<string, number>> {
  const run = () => {
    const xs = shapes.map((s, i) => tf.randomNormal(s, 0, 1, 'float32', 10 + i));
    const y = layer(...xs);
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 99);
    const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(layer(...args), dy)))(xs);
    return { y, ...Object.fromEntries(grads.map((g, i) => [`d${i}`, g])) };
  };
  const cpu = await on('cpu', run);
  const wasm = await on('wasm', run);
  return Object.fromEntries(Object.keys(cpu).map((k) => [k, relErr(wasm[k]!, cpu[k]!)]));
}

function expectClose(errors: Record<string, number>): void {
  const bad = Object.entries(errors).filter(([, e]) => !(e < TOLERANCE));
  expect(bad, JSON.stringify(errors)).toEqual([]);
}

const conv = (stride: number, pad: number) => (x: tf.Tensor, k: tf.Tensor) => conv2d(x as tf.Tensor4D, k as tf.Tensor4D, stride, pad);
const grouped = (groups: number, stride: number, pad: number) => (x: tf.Tensor, k: tf.Tensor) => groupedConv2d(x as tf.Tensor4D, k as tf.Tensor4D, groups, stride, pad);

const LAYERS: [string, number[][], (...xs: tf.Tensor[]) => tf.Tensor][] = [
  ['conv 3×3 stride 1 pad 1', [[2, 8, 8, 3], [3, 3, 3, 5]], conv(1, 1)],
  ['conv 3×3 stride 2 pad 1, odd size', [[2, 9, 9, 4], [3, 3, 4, 6]], conv(2, 1)],
  ['conv 3×3 stride 2 pad 1, non-square', [[2, 6, 9, 3], [3, 3, 3, 2]], conv(2, 1)],
  ['conv 3×3 stride 2 pad 0', [[2, 8, 8, 3], [3, 3, 3, 4]], conv(2, 0)],
  ['conv 1×1 stride 2', [[2, 8, 8, 6], [1, 1, 6, 4]], conv(2, 0)],
  // pad > kernel - 1: the input gradient crops dy instead of padding it (convgrad.ts's other branch).
  ['conv 1×1 stride 1 pad 1', [[2, 5, 5, 3], [1, 1, 3, 4]], conv(1, 1)],
  ['conv 7×7 stride 2 pad 3 (ImageNet stem)', [[2, 9, 9, 3], [7, 7, 3, 4]], conv(2, 3)],
  ['conv 11×11 stride 4 pad 2 (AlexNet)', [[1, 31, 31, 3], [11, 11, 3, 4]], conv(4, 2)],
  ['grouped conv, 4 groups, stride 2', [[2, 7, 7, 8], [3, 3, 2, 12]], grouped(4, 2, 1)],
  ['depthwise 3×3 stride 1', [[2, 7, 7, 5], [3, 3, 1, 5]], grouped(5, 1, 1)],
  ['depthwise 5×5 stride 2 (EfficientNet)', [[2, 9, 9, 4], [5, 5, 1, 4]], grouped(4, 2, 2)],
  ['depthwise 3×3 stride 2, even size', [[2, 8, 8, 6], [3, 3, 1, 6]], grouped(6, 2, 1)],
  // As build.ts: tf.moments + tf.batchNorm on the CPU, batchnorm.ts's written-out gradient on WASM.
  ['batch norm, training mode', [[3, 4, 4, 5], [5], [5]], (x, g, b) => {
    if (!useFusedBatchNorm()) {
      const { mean, variance } = tf.moments(x!, [0, 1, 2]);
      return tf.batchNorm(x as tf.Tensor4D, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, 1e-5);
    }
    const { mean, variance } = channelMoments(x as tf.Tensor4D);
    return batchNormTrain(x as tf.Tensor4D, mean, variance, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5);
  }],
  ['batch norm, training mode, 64 positions × 7 channels', [[4, 4, 4, 7], [7], [7]], (x, g, b) => {
    const shifted = tf.add(tf.mul(x!, 3), 2) as tf.Tensor4D; // a mean and a scale far from 0 and 1
    if (!useFusedBatchNorm()) {
      const { mean, variance } = tf.moments(shifted, [0, 1, 2]);
      return tf.batchNorm(shifted, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, 1e-5);
    }
    const { mean, variance } = channelMoments(shifted);
    return batchNormTrain(shifted, mean, variance, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5);
  }],
  ['dense', [[4, 6], [6, 3], [3]], (x, k, b) => tf.add(tf.matMul(x as tf.Tensor2D, k as tf.Tensor2D), b!)],
  ['max pool 3×3 stride 2 pad 1', [[2, 7, 7, 3]], (x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 1)],
  ['avg pool 3×3 stride 2, ceil mode', [[2, 8, 8, 3]], (x) => avgPool(x as tf.Tensor4D, 3, 2, true)],
  ['adaptive avg pool to 3×3', [[2, 7, 7, 3]], (x) => adaptiveAvgPool(x as tf.Tensor4D, 3)],
];

describe('each layer: gradients on WASM match the CPU backend', () => {
  it.each(LAYERS)('%s', async (_, shapes, layer) => {
    expectClose(await compare(shapes, layer));
  });
});

describe('WASM kernel replacements', () => {
  it('Identity shares the data: a clone outlives its source, and an assigned variable leaves its clone as it was', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor1d([1, 2, 3]);
    const y = x.clone();
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    const v = tf.variable(y);
    const before = v.clone();
    v.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(before.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([y, v, before]);
    await tf.setBackend('cpu');
  });

  it('batch norm without our kernels (the tf-op formulation) matches tf.batchNorm', async () => {
    await tf.setBackend('cpu');
    const errors = tf.tidy(() => {
      const x = tf.randomNormal([3, 4, 4, 5], 1, 2, 'float32', 3) as tf.Tensor4D;
      const [g, b] = [tf.randomNormal([5], 1, 0.5, 'float32', 4) as tf.Tensor1D, tf.randomNormal([5], 0, 1, 'float32', 5) as tf.Tensor1D];
      const dy = tf.randomNormal(x.shape, 0, 1, 'float32', 6);
      const ours = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
        const { mean, variance } = channelMoments(xx as tf.Tensor4D);
        return tf.sum(tf.mul(batchNormTrain(xx as tf.Tensor4D, mean, variance, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5), dy));
      };
      const theirs = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
        const { mean, variance } = tf.moments(xx, [0, 1, 2]);
        return tf.sum(tf.mul(tf.batchNorm(xx as tf.Tensor4D, mean, variance, bb as tf.Tensor1D, gg as tf.Tensor1D, 1e-5), dy));
      };
      const a = tf.grads(ours)([x, g, b]);
      const e = tf.grads(theirs)([x, g, b]);
      return a.map((t, i) => relErr(t.dataSync() as Float32Array, e[i]!.dataSync() as Float32Array));
    });
    expect(Math.max(...errors)).toBeLessThan(TOLERANCE);
  });
});

const tiny: ModelConfig = { ...DEFAULT_MODEL, blocksPerStage: 1, baseWidth: 8 };

/** Small nets covering every family and layer op of the zoo (no dropout: the same graph on both). */
const MODELS: [string, Partial<ModelConfig>, size?: number][] = [
  ['CIFAR ResNet, option A', {}],
  ['ResNeXt bottleneck, SE, avgDown, deep stem', { family: 'resnet', stageBlocks: [1, 1], blockType: 'bottleneck', cardinality: 4, groupWidth: 32, shortcut: 'avgDown', stem: 'deep', se: 4 }],
  ['ImageNet stem, projections', { family: 'resnet', stageBlocks: [1, 1], stem: 'imagenet', shortcut: 'B' }],
  ['DenseNet', { family: 'densenet', stageBlocks: [2, 2], growthRate: 4, stem: 'cifar' }],
  ['VGG', { family: 'vgg', stageBlocks: [1, 1], baseWidth: 4, hiddenUnits: 16, batchNorm: false }],
  ['AlexNet', { family: 'alexnet', stem: 'cifar', hiddenUnits: 16, batchNorm: false }],
  // At 17×17 its last maps are 1×1: BN over 3 values amplifies float rounding past 1e-3 on both backends alike.
  ['EfficientNet', { family: 'efficientnet', widthFactor: 0.25, depthFactor: 0.25 }, 33],
  ['ResNet + Transformer', { family: 'resnet', stageBlocks: [1, 1], stem: 'cifar', shortcut: 'B', transformerLayers: 1, transformerWidth: 16, heads: 2, mlpRatio: 2 }],
];

describe('whole models: every variable\'s gradient on WASM matches the CPU backend', () => {
  it.each(MODELS)('%s', async (_, patch, size = 17) => {
    const cfg: ModelConfig = { ...tiny, ...patch, dropout: 0, dropPath: 0 };
    const run = () => {
      const model = buildModel(cfg, [size, size, 3], 5, 2);
      const x = tf.randomNormal([3, size, size, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
      const y = tf.oneHot(tf.tensor1d([0, 1, 2], 'int32'), 5).toFloat() as tf.Tensor2D;
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.forward(x, true)) as tf.Scalar, [...model.params.values()]);
      const out: Record<string, tf.Tensor> = { loss: value };
      for (const [name, v] of model.params) out[name] = tf.keep(grads[v.name]!.clone());
      model.dispose();
      return out;
    };
    const cpu = await on('cpu', run);
    const wasm = await on('wasm', run);
    expect(Object.keys(cpu).length).toBeGreaterThan(3);
    const floor = 1e-3 * Math.max(...Object.values(cpu).map(norm));
    expectClose(Object.fromEntries(Object.keys(cpu).map((k) => [k, relErr(wasm[k]!, cpu[k]!, floor)])));
  });
});

describe('past 2 GiB of WASM heap', () => {
  it("our kernels read Emscripten's pointers as unsigned: a convolution placed above 2 GiB matches the CPU backend", async () => {
    const x = tf.tidy(() => tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 1)) as tf.Tensor4D;
    const w = tf.tidy(() => tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2)) as tf.Tensor4D;
    const expected = (await on('cpu', () => ({ y: conv2d(x, w, 1, 1) }))).y!;
    await tf.setBackend('wasm');
    // Fills the heap's first 2 GiB, so what comes next lies past 2^31.
    const ballast = tf.zeros([2 ** 29 + 2 ** 20]);
    try {
      const got = (await on('wasm', () => ({ y: conv2d(tf.clone(x), tf.clone(w), 1, 1) }))).y!;
      expect(norm(got.map((v, i) => v - expected[i]!)) / norm(expected)).toBeLessThan(TOLERANCE);
    } finally {
      ballast.dispose();
      tf.dispose([x, w]);
      await tf.setBackend('cpu');
    }
  });
});
