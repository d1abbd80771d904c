// The grouped convolution against a per-group reference: tf.conv2d on each
// group's slice of channels, concatenated. Forward value and both gradients
// of loss = sum(conv(x, w) * dy), for both formulations, over ResNeXt's and
// EfficientNet's shapes (groups of several channels, depthwise, stride 2).
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installKernels } from '../kernels/install';
import { GROUPED_MODES } from '../kernels/options';
import { groupedConv2d } from './grouped';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => installKernels('cpu'));

interface Case { batch: number; size: number; inC: number; outC: number; groups: number; kernel: number; stride: number; pad: number }

const CASES: Case[] = [
  { batch: 2, size: 6, inC: 4, outC: 4, groups: 2, kernel: 3, stride: 1, pad: 1 },
  { batch: 2, size: 7, inC: 8, outC: 12, groups: 4, kernel: 3, stride: 2, pad: 1 }, // 2 in, 3 out per group
  { batch: 1, size: 8, inC: 12, outC: 6, groups: 3, kernel: 3, stride: 2, pad: 1 }, // 4 in, 2 out per group
  { batch: 2, size: 5, inC: 64, outC: 64, groups: 32, kernel: 3, stride: 1, pad: 1 }, // ResNeXt 32×2d
  { batch: 2, size: 6, inC: 6, outC: 12, groups: 6, kernel: 3, stride: 1, pad: 1 }, // depthwise, multiplier 2
  { batch: 2, size: 7, inC: 5, outC: 5, groups: 5, kernel: 3, stride: 1, pad: 1 }, // depthwise
  { batch: 2, size: 9, inC: 4, outC: 4, groups: 4, kernel: 5, stride: 2, pad: 2 }, // EfficientNet's 5×5 /2 depthwise
];

/** The definition: each group's channels through tf.conv2d, outputs concatenated in group order. */
function reference(x: tf.Tensor4D, w: tf.Tensor4D, c: Case): tf.Tensor4D {
  const gIn = c.inC / c.groups;
  const gOut = c.outC / c.groups;
  const ys = Array.from({ length: c.groups }, (_, g) => {
    const xg = tf.slice(x, [0, 0, 0, g * gIn], [-1, -1, -1, gIn]);
    const wg = tf.slice(w, [0, 0, 0, g * gOut], [-1, -1, -1, gOut]);
    return tf.conv2d(xg, wg, c.stride, c.pad);
  });
  return tf.concat(ys, 3);
}

function run(conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D, x: tf.Tensor4D, w: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor[] {
  return tf.tidy(() => {
    const y = conv(x, w);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), dy)))([x, w]);
    return [y, dx!, dw!];
  });
}

/** max |a - b| / max |b|. */
function relErr(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / Math.max(tf.max(tf.abs(b)).dataSync()[0]!, 1e-30));
}

const name = (c: Case) => `[${c.batch},${c.size},${c.size},${c.inC}] → ${c.outC}, ${c.groups} groups, ${c.kernel}×${c.kernel} /${c.stride} pad ${c.pad}`;

describe.each(GROUPED_MODES)('grouped conv (%s) equals per-group tf.conv2d', (mode) => {
  it.each(CASES.map((c) => [name(c), c] as const))('%s', (_, c) => {
    installKernels('cpu', { grouped: mode });
    const out = Math.floor((c.size + 2 * c.pad - c.kernel) / c.stride) + 1;
    const x = tf.randomNormal([c.batch, c.size, c.size, c.inC], 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([c.kernel, c.kernel, c.inC / c.groups, c.outC], 0, 1, 'float32', 2) as tf.Tensor4D;
    const dy = tf.randomNormal([c.batch, out, out, c.outC], 0, 1, 'float32', 3) as tf.Tensor4D;
    const want = run((a, b) => reference(a, b, c), x, w, dy);
    const got = run((a, b) => groupedConv2d(a, b, c.groups, c.stride, c.pad), x, w, dy);
    expect(got.map((t) => t.shape)).toEqual(want.map((t) => t.shape));
    for (let i = 0; i < 3; i++) expect(relErr(got[i]!, want[i]!), ['y', 'dx', 'dw'][i]).toBeLessThan(1e-5);
    tf.dispose([x, w, dy, ...want, ...got]);
  });
});

it('leaks no tensors through a tidy gradient step', () => {
  const c = CASES[1]!;
  const x = tf.randomNormal([c.batch, c.size, c.size, c.inC]) as tf.Tensor4D;
  const w = tf.randomNormal([c.kernel, c.kernel, c.inC / c.groups, c.outC]) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(groupedConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.groups, c.stride, c.pad)))([x, w]).forEach((t) => t.dataSync()));
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([x, w]);
});
