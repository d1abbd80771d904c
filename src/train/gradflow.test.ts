// The gradient-flow oracle: first conv / last conv gradient-norm ratios at
// He-normal initialisation for ResNet-110 and its plain twin, with and
// without batch norm, against /work/shared/tools/torch_gradflow.py (PyTorch,
// one CIFAR-10 batch of 128, option A). Same definition as the script: the
// norms of every Conv2d weight gradient (the fc excluded), first = stem conv,
// last = the last block's conv2; BN in training mode (batch statistics); one
// forward and backward of the mean cross-entropy, no optimizer step.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL } from '../config/presets';
import { buildModel } from '../model/build';
import { initGradNorms } from './gradflow';

beforeAll(async () => {
  await tf.setBackend('cpu');
  tf.enableProdMode();
});

const BATCH = 16;

/**
 * Smooth, image-like 32×32×3 inputs (CIFAR-10 is not in the repository):
 * per image a few random low-frequency waves, correlated across channels,
 * plus a little noise, then standardised per channel over the batch as the
 * script does with real images. Labels cycle through the 10 classes.
 */
function structuredBatch(seed: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const data = new Float32Array(BATCH * 32 * 32 * 3);
  for (let b = 0; b < BATCH; b++) {
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
    const raw = tf.tensor4d(data, [BATCH, 32, 32, 3]);
    const { mean, variance } = tf.moments(raw, [0, 1, 2]);
    const x = tf.div(tf.sub(raw, mean), tf.sqrt(variance)) as tf.Tensor4D;
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 10), 'int32'), 10) as tf.Tensor2D;
    return { x, y };
  });
}

/** first conv / last conv, as torch_gradflow.py's first_over_last. */
function ratio(blocksPerStage: number, skip: boolean, batchNorm: boolean): number {
  const model = buildModel({ ...DEFAULT_MODEL, blocksPerStage, skip, batchNorm, shortcut: 'A', init: 'he-normal' }, [32, 32, 3], 10, 1);
  const { x, y } = structuredBatch(7);
  try {
    // Every conv kernel, the fc excluded; with option A there are no shortcut convolutions.
    const convs = model.summary.kernelNames.filter((n) => n !== 'fc');
    const first = convs[0] as string;
    const last = convs[convs.length - 1] as string;
    expect([first, last]).toEqual(['stem.conv', `stage3.block${blocksPerStage - 1}.conv2`]);
    const [g0 = NaN, g1 = NaN] = initGradNorms(model, x, y, [first, last]);
    return g0 / g1;
  } finally {
    x.dispose();
    y.dispose();
    model.dispose();
  }
}

describe('gradient flow at initialisation, ResNet-110 (n = 18) against PyTorch', () => {
  // PyTorch's first/last at depth 110: 7.5, ~880,000, 0.45, 0.029. On the
  // CPU backend each config takes about a minute (109 convolutions at 32×32,
  // forward and backward), so this file is the slow one of the suite.
  it.each([
    { name: 'residual + BN', skip: true, bn: true, reference: 7.5 },
    { name: 'plain + BN', skip: false, bn: true, reference: 880_000 },
    { name: 'residual, no BN', skip: true, bn: false, reference: 0.45 },
    { name: 'plain, no BN', skip: false, bn: false, reference: 0.029 },
  ])('$name: first/last within an order of magnitude of $reference', ({ skip, bn, reference }) => {
    const t0 = performance.now();
    const r = ratio(18, skip, bn);
    console.log(`gradflow n=18 skip=${skip} bn=${bn}: first/last = ${r.toExponential(3)} (torch ${reference}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    expect(Math.abs(Math.log10(r / reference))).toBeLessThan(1);
  }, 600_000);
});
