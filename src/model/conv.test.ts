// Tests for conv.ts against the oracle tf.conv2d on the CPU backend: the
// forward value and both gradients of loss = sum(conv(x, w) * dy), over the
// padding / stride / odd-size cases the ResNets use, plus no leaked tensors.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installKernels } from '../kernels/install';
import { conv2d } from './conv';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

beforeEach(() => installKernels('cpu', { convGradients: 'ours' }));

interface Case {
  batch: number;
  h: number;
  w: number;
  inC: number;
  outC: number;
  kernel: [number, number];
  stride: number;
  pad: number;
}

const CASES: Case[] = [
  { batch: 1, h: 8, w: 8, inC: 3, outC: 5, kernel: [3, 3], stride: 1, pad: 1 },
  { batch: 3, h: 7, w: 7, inC: 4, outC: 2, kernel: [3, 3], stride: 1, pad: 1 },
  { batch: 3, h: 8, w: 8, inC: 3, outC: 5, kernel: [3, 3], stride: 2, pad: 1 },
  { batch: 1, h: 7, w: 7, inC: 5, outC: 3, kernel: [3, 3], stride: 2, pad: 1 },
  { batch: 3, h: 7, w: 7, inC: 4, outC: 6, kernel: [1, 1], stride: 1, pad: 0 },
  { batch: 1, h: 7, w: 7, inC: 4, outC: 6, kernel: [1, 1], stride: 2, pad: 0 },
  { batch: 3, h: 8, w: 8, inC: 6, outC: 4, kernel: [1, 1], stride: 2, pad: 0 },
  { batch: 3, h: 9, w: 9, inC: 3, outC: 4, kernel: [7, 7], stride: 2, pad: 3 },
  { batch: 1, h: 8, w: 8, inC: 2, outC: 3, kernel: [7, 7], stride: 2, pad: 3 },
  { batch: 3, h: 8, w: 8, inC: 3, outC: 4, kernel: [3, 3], stride: 2, pad: 0 },
  { batch: 1, h: 7, w: 7, inC: 3, outC: 4, kernel: [3, 3], stride: 2, pad: 0 },
  { batch: 3, h: 6, w: 9, inC: 3, outC: 2, kernel: [3, 3], stride: 2, pad: 1 }, // non-square input
  { batch: 3, h: 20, w: 20, inC: 3, outC: 4, kernel: [3, 3], stride: 1, pad: 1 }, // rows > one chunk
  { batch: 2, h: 33, w: 33, inC: 2, outC: 3, kernel: [3, 3], stride: 2, pad: 1 }, // chunks of strided phases
  { batch: 2, h: 31, w: 31, inC: 3, outC: 4, kernel: [11, 11], stride: 4, pad: 2 }, // AlexNet's conv1
  { batch: 2, h: 7, w: 7, inC: 3, outC: 4, kernel: [5, 5], stride: 1, pad: 2 }, // AlexNet's conv2
];

const name = (c: Case) => `x [${c.batch},${c.h},${c.w},${c.inC}] k ${c.kernel.join('x')}→${c.outC} stride ${c.stride} pad ${c.pad}`;

/** [y, dx, dw] of loss = sum(conv(x, w) * dy), for conv = tf.conv2d or ours. */
function run(c: Case, conv: typeof conv2d, x: tf.Tensor4D, w: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor[] {
  return tf.tidy(() => {
    const y = conv(x, w, c.stride, c.pad);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), dy)))([x, w]);
    return [y, dx!, dw!];
  });
}

/** max |a - b| / max |b|. */
function relErr(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / Math.max(tf.max(tf.abs(b)).dataSync()[0]!, 1e-30));
}

const outSize = (n: number, k: number, c: Case) => Math.floor((n + 2 * c.pad - k) / c.stride) + 1;

function inputs(c: Case) {
  const x = tf.randomNormal([c.batch, c.h, c.w, c.inC], 0, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomNormal([...c.kernel, c.inC, c.outC], 0, 1, 'float32', 2) as tf.Tensor4D;
  const dy = tf.randomNormal([c.batch, outSize(c.h, c.kernel[0], c), outSize(c.w, c.kernel[1], c), c.outC], 0, 1, 'float32', 3) as tf.Tensor4D;
  return { x, w, dy };
}

describe('conv2d matches tf.conv2d', () => {
  it.each(CASES.map((c) => [name(c), c] as const))('%s', (_, c) => {
    const { x, w, dy } = inputs(c);
    const native = run(c, (a, b, s, p) => tf.conv2d(a, b, s, p), x, w, dy);
    const ours = run(c, conv2d, x, w, dy);
    expect(ours.map((t) => t.shape)).toEqual(native.map((t) => t.shape));
    for (let i = 0; i < 3; i++) expect(relErr(ours[i]!, native[i]!), ['y', 'dx', 'dw'][i]).toBeLessThan(1e-5);
    tf.dispose([x, w, dy, ...native, ...ours]);
  });
});

// The WASM formulation (both gradients as forward convolutions, convgrad.ts), here on the CPU backend.
describe('conv2d with gradients as convolutions matches tf.conv2d', () => {
  it.each(CASES.map((c) => [name(c), c] as const))('%s', (_, c) => {
    installKernels('cpu', { convGradients: 'ours', convFormulation: 'conv' });
    const { x, w, dy } = inputs(c);
    const native = run(c, (a, b, s, p) => tf.conv2d(a, b, s, p), x, w, dy);
    const ours = run(c, conv2d, x, w, dy);
    expect(ours.map((t) => t.shape)).toEqual(native.map((t) => t.shape));
    for (let i = 0; i < 3; i++) expect(relErr(ours[i]!, native[i]!), ['y', 'dx', 'dw'][i]).toBeLessThan(1e-5);
    tf.dispose([x, w, dy, ...native, ...ours]);
  });
});

describe('conv2d bookkeeping', () => {
  it('leaks no tensors through a tidy gradient step', () => {
    const c = CASES[2]!;
    const { x, w, dy } = inputs(c);
    run(c, conv2d, x, w, dy).forEach((t) => t.dispose()); // warm-up: first calls may allocate backend state
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), dy)))([x, w]);
      g.forEach((t) => t.dataSync());
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, dy]);
  });

  it('falls back to tf.conv2d when the fast kernel gradient is off', () => {
    installKernels('cpu', { convGradients: 'native' });
    const c = CASES[0]!;
    const { x, w, dy } = inputs(c);
    const ours = run(c, conv2d, x, w, dy);
    const native = run(c, (a, b, s, p) => tf.conv2d(a, b, s, p), x, w, dy);
    for (let i = 0; i < 3; i++) expect(relErr(ours[i]!, native[i]!)).toBe(0);
    tf.dispose([x, w, dy, ...native, ...ours]);
  });
});

describe('conv2d with inputGrad false (the stem, reading data)', () => {
  it('gives the same kernel gradient and a zero input gradient', () => {
    const [dk, dkData, dxData] = tf.tidy(() => {
      const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
      const loss = (input: boolean) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 1, input)));
      const [, k] = tf.grads(loss(true))([x, w]);
      const [d, kData] = tf.grads(loss(false))([x, w]);
      return [k!.dataSync(), kData!.dataSync(), d!.dataSync()];
    });
    expect(Array.from(dkData!)).toEqual(Array.from(dk!));
    expect(dxData!.every((v) => v === 0)).toBe(true);
  });
});

