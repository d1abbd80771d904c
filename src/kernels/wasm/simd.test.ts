// Our SIMD128 kernels (kernels.c) against the CPU backend, on shapes that
// reach every branch of them: channel counts that are and are not multiples
// of 16, 8 and 4, strides 1 and 2, kernels 1×1 to 7×7, row counts past one
// float32 block. And the committed binary must come from the committed source.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batchNormTrain, channelMoments } from '../../model/batchnorm';
import { conv2d } from '../../model/conv';
import { installKernels } from '../install';
import { padShortcut, relu } from '../../model/fused';
import { PLAIN_WASM_BASE64, SHARED_WASM_BASE64, SOURCE_SHA256 } from './binary';
import { simdKernels } from './simd';

const TOLERANCE = 1e-4;

beforeAll(async () => {
  installKernels('wasm');
  expect(await tf.setBackend('wasm')).toBe(true);
});

afterEach(() => installKernels('wasm'));

function relErr(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < b.length; i++) {
    diff += ((a[i] ?? NaN) - (b[i] ?? 0)) ** 2;
    ref += (b[i] ?? 0) ** 2;
  }
  return Math.sqrt(diff / ref);
}

/** Value and gradients of sum(layer(inputs) · dy) on `backend`, every tensor counted. */
async function gradsOn(backend: 'cpu' | 'wasm', shapes: number[][], layer: (...xs: tf.Tensor[]) => tf.Tensor): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => {
    const xs = shapes.map((s, i) => tf.randomNormal(s, i === 0 ? 1 : 0, 2, 'float32', 20 + i));
    const y = layer(...xs);
    const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 7);
    return [y, ...tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(layer(...a), dy)))(xs)];
  });
  const values = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  expect(tf.memory().numTensors, `tensors leaked on ${backend}`).toBe(before);
  return values;
}

async function expectAsCpu(shapes: number[][], layer: (...xs: tf.Tensor[]) => tf.Tensor): Promise<void> {
  const cpu = await gradsOn('cpu', shapes, layer);
  const wasm = await gradsOn('wasm', shapes, layer);
  const errors = wasm.map((w, i) => relErr(w, cpu[i]!));
  expect(Math.max(...errors), `value, then each gradient: ${errors.map((e) => e.toExponential(1)).join(', ')}`).toBeLessThan(TOLERANCE);
}

describe('SIMD kernels', () => {
  it('run on this WASM backend (so the tests below test them, not the fallbacks)', async () => {
    await tf.setBackend('wasm');
    expect(simdKernels(tf.backend() as BackendWasm)).not.toBeNull();
  });

  it('come from the committed source: binary.ts carries kernels.c\'s SHA-256 (rebuild with scripts/build/build-simd.sh)', () => {
    const source = readFileSync(new URL('./kernels.c', import.meta.url));
    expect(createHash('sha256').update(source).digest('hex')).toBe(SOURCE_SHA256);
  });

  it('write nowhere but their outputs (no shadow stack, no data of their own): TF.js owns the memory, every thread shares it', () => {
    // A fresh memory full of a pattern; inputs and outputs at known places; after every kernel, every other byte as it was.
    const memory = new WebAssembly.Memory({ initial: 160 }); // 10 MiB
    const bytes = new Uint8Array(memory.buffer);
    const k = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(PLAIN_WASM_BASE64, 'base64')), { env: { memory } }).exports as Record<string, (...a: number[]) => number>;
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + 3) & 255;
    const f32 = new Float32Array(memory.buffer);
    const region = (at: number, floats: number, fill?: (i: number) => number) => {
      for (let i = 0; i < floats; i++) f32[at / 4 + i] = fill ? fill(i) : Math.sin(i);
      return [at, at + 4 * floats] as const;
    };
    const [b, h, w, c, o] = [2, 6, 6, 8, 12];
    const x = region(1 << 20, b * h * w * c);
    const kern = region(2 << 20, 9 * c * o);
    const y = region(3 << 20, b * h * w * o);
    const dx = region(4 << 20, b * h * w * Math.max(c, o)); // the input gradient (c channels), then batch norm's (o)
    const dw = region(5 << 20, 9 * c * o);
    const zeros = region(6 << 20, Math.max(c, o), () => 0);
    const stats = region(7 << 20, 4 * o, (i) => 1 + (i % 3));
    const scratch = region(8 << 20, 9 * c * o); // the transposed kernel; batch norm's scratch is smaller
    const wg = region(9 << 20, k.winograd_kernel_floats!(c, o) + k.winograd_scratch_bytes!(c, o) / 4); // U or dU, then one thread's Winograd scratch
    const written = [y, dx, dw, scratch, wg, [stats[0], stats[0] + 8 * o] as const];
    const before = bytes.slice();
    k.conv2d_forward!(x[0], kern[0], y[0], zeros[0], 0, b * h, h, w, c, h, w, o, 3, 3, 1, 1, 1);
    k.conv2d_kernel_grad!(x[0], y[0], dw[0], 0, b, h, w, c, h, w, o, 3, 3, 1, 1, 1);
    k.kernel_transpose!(kern[0], scratch[0], 3, 3, c, o, 1);
    k.conv2d_input_grad!(y[0], scratch[0], dx[0], zeros[0], 0, b * h, h, w, c, h, w, o, 3, 3, 2, 1, 1);
    const wgScratch = wg[0] + 4 * k.winograd_kernel_floats!(c, o);
    k.winograd_kernel!(kern[0], wg[0], c, o);
    k.winograd_forward!(x[0], wg[0], y[0], zeros[0], wgScratch, 0, k.winograd_tiles!(b, h, w), h, w, c, h, w, o, 1, 1);
    k.winograd_kernel_grad!(x[0], y[0], wg[0], zeros[0], wgScratch, 0, k.winograd_tiles!(b, h, w), h, w, c, h, w, o, 1, 1);
    k.winograd_kernel_grad_finish!(wg[0], dw[0], c, o);
    k.relu_grad!(x[0], x[0], dx[0], b * h * w * c - 1);
    k.shortcut_forward!(x[0], y[0], b, h, w, c, 2, 1, o);
    k.shortcut_grad!(y[0], dx[0], b, h, w, c, 2, 1, o);
    k.bn_moments!(y[0], b * h * w, o, stats[0], stats[0] + 4 * o, scratch[0]);
    k.bn_apply!(y[0], b * h * w, o, stats[0], stats[0] + 4 * o, stats[0] + 8 * o, stats[0] + 12 * o, 1e-5, y[0], scratch[0]);
    k.bn_grad!(y[0], y[0], b * h * w, o, stats[0], stats[0] + 4 * o, stats[0] + 8 * o, 1e-5, dx[0], scratch[0], scratch[0] + 4 * o, scratch[0] + 8 * o);
    const outside = (i: number) => !written.some(([from, to]) => i >= from && i < to);
    let changed = -1;
    for (let i = 0; i < bytes.length && changed < 0; i++) if (outside(i) && bytes[i] !== before[i]) changed = i;
    expect(changed, `byte ${changed} changed outside the outputs`).toBe(-1);
    expect(PLAIN_WASM_BASE64.length).toBeGreaterThan(0);
    expect(SHARED_WASM_BASE64.length).toBeGreaterThan(0);
  });

  it('are off with the simd option off', async () => {
    await tf.setBackend('wasm');
    installKernels('wasm', { simd: false });
    expect(simdKernels(tf.backend() as BackendWasm)).toBeNull();
  });
});

// [x shape, kernel shape, stride, pad]: C and O through 16/8/4/1-wide paths;
// stride-1 3×3 with channels in fours take the Winograd loops (odd sizes:
// tiles cut by the edge; past 16 tiles: more than one chunk).
const CONVS: [number[], number[], number, number][] = [
  [[2, 9, 9, 16], [3, 3, 16, 16], 1, 1],
  [[3, 8, 10, 4], [3, 3, 4, 12], 1, 1],
  [[2, 7, 6, 8], [3, 3, 8, 20], 1, 0],
  [[1, 5, 5, 12], [3, 3, 12, 4], 1, 2],
  [[2, 8, 8, 64], [3, 3, 64, 64], 1, 1], // ResNet-20's last stage: Winograd's error grows with the channels summed
  [[2, 8, 8, 20], [3, 3, 20, 12], 2, 1],
  [[3, 7, 7, 3], [3, 3, 3, 13], 1, 1],
  [[2, 9, 7, 6], [7, 7, 6, 5], 2, 3],
  [[2, 8, 8, 8], [1, 1, 8, 24], 2, 0],
  [[1, 5, 5, 4], [1, 1, 4, 4], 1, 1],
];

describe('the convolution kernel gradient (PlaygroundConv2DKernelGrad) matches the CPU backend', () => {
  it.each(CONVS)('x %j, kernel %j, stride %i, pad %i', async (xs, ks, stride, pad) => {
    installKernels('wasm', { convKernelGrad: 'simd' });
    await expectAsCpu([xs, ks], (x, k) => conv2d(x as tf.Tensor4D, k as tf.Tensor4D, stride, pad));
  });
});

/** The value of layer(inputs) on both backends (tf.conv2d has no gradient on WASM: the builder's conv2d brings its own). */
async function expectValueAsCpu(shapes: number[][], layer: (...xs: tf.Tensor[]) => tf.Tensor): Promise<void> {
  const value = async (backend: 'cpu' | 'wasm') => {
    await tf.setBackend(backend);
    const y = tf.tidy(() => layer(...shapes.map((sh, i) => tf.randomNormal(sh, 0, 1, 'float32', 30 + i))));
    const data = y.dataSync() as Float32Array;
    y.dispose();
    return data;
  };
  const cpu = await value('cpu');
  expect(relErr(await value('wasm'), cpu)).toBeLessThan(TOLERANCE);
}

describe('Conv2D (ours for NHWC float32 without dilation, XNNPACK otherwise) matches the CPU backend', () => {
  it.each([
    ['same padding, stride 2, even size (no padding before, one after)', [2, 8, 10, 8], [3, 3, 8, 8], 2, 'same'],
    ['explicit uneven padding', [1, 7, 7, 4], [3, 3, 4, 9], 1, [[0, 0], [2, 0], [0, 1], [0, 0]]],
    ['valid, 5×5 stride 3', [2, 11, 11, 5], [5, 5, 5, 6], 3, 'valid'],
  ] as const)('%s', async (_, xs, ks, stride, pad) => {
    await expectValueAsCpu([[...xs], [...ks]], (x, k) => tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, stride, pad as 'same'));
  });

  it('stride-1 3×3 by Winograd with uneven padding, and the same convolution on the direct loops', async () => {
    const pad = [[0, 0], [2, 0], [0, 1], [0, 0]] as tf.backend_util.ExplicitPadding;
    const layer = (x: tf.Tensor, k: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, pad);
    await expectValueAsCpu([[2, 7, 9, 4], [3, 3, 4, 8]], layer);
    installKernels('wasm', { winograd: false });
    await expectValueAsCpu([[2, 7, 9, 4], [3, 3, 4, 8]], layer);
  });

  it('dilation 2 (XNNPACK\'s)', async () => {
    await expectValueAsCpu([[1, 9, 9, 4], [3, 3, 4, 4]], (x, k) => tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 1, 'same', 'NHWC', 2));
  });
});

describe('without the SIMD module (no WebAssembly SIMD, or the simd option off)', () => {
  it('convolutions and batch norm fall back to XNNPACK and the JavaScript loops, with the same gradients', async () => {
    installKernels('wasm', { simd: false });
    await expectAsCpu([[2, 9, 9, 8], [3, 3, 8, 8]], (x, k) => conv2d(x as tf.Tensor4D, k as tf.Tensor4D, 2, 1));
    await expectAsCpu([[2, 5, 5, 8], [8], [8]], (x, g, b) => {
      const { mean, variance } = channelMoments(x as tf.Tensor4D);
      return batchNormTrain(x as tf.Tensor4D, mean, variance, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5);
    });
  });
});

describe('ReLU and the option-A shortcut (one kernel each way) match the CPU backend', () => {
  it.each([[[2, 5, 5, 8]], [[3, 7]], [[1, 3, 3, 3]]])('relu, x %j (lengths past and short of a vector)', async (xs) => {
    await expectAsCpu([xs], (x) => relu(x));
  });

  // [x shape, stride, filters]: ResNet's (even sizes, C doubles), odd sizes (⌈H/s⌉), stride 1 with new channels, uneven split.
  it.each([
    [[2, 8, 8, 4], 2, 8],
    [[2, 7, 5, 3], 2, 6],
    [[1, 4, 4, 4], 1, 9],
    [[2, 9, 9, 2], 3, 5],
  ])('x %j, stride %i, %i filters', async (xs, stride, filters) => {
    await expectAsCpu([xs], (x) => padShortcut(x as tf.Tensor4D, stride, filters));
  });
});

const bn = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
  const { mean, variance } = channelMoments(x as tf.Tensor4D);
  return batchNormTrain(x as tf.Tensor4D, mean, variance, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5);
};

describe('batch norm (moments, apply, gradient) matches the CPU backend', () => {
  // Rows (B·H·W): 48, 507 (past one 256-row block, not a multiple), 2,048.
  it.each([[[3, 4, 4, 4]], [[3, 13, 13, 16]], [[2, 8, 8, 20]], [[8, 16, 16, 36]], [[2, 4, 4, 64]]])('x %j', async (xs) => {
    const c = xs[3]!;
    await expectAsCpu([xs, [c], [c]], bn);
  });

  it('keeps the variance of values far from 0 (two passes, no cancellation): float64 of the same data within 1e-3', async () => {
    await tf.setBackend('wasm');
    const c = 8;
    const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal([16, 16, 16, c], 0, 1, 'float32', 3), 0.01), 1000)) as tf.Tensor4D;
    const { mean, variance } = channelMoments(x);
    const data = x.dataSync();
    const n = data.length / c;
    for (let k = 0; k < c; k++) {
      let sum = 0;
      for (let r = 0; r < n; r++) sum += data[r * c + k]!;
      const m = sum / n;
      let sq = 0;
      for (let r = 0; r < n; r++) sq += (data[r * c + k]! - m) ** 2;
      expect(Math.abs(mean.dataSync()[k]! - m)).toBeLessThan(1e-3);
      expect(Math.abs(variance.dataSync()[k]! / (sq / n) - 1)).toBeLessThan(1e-3);
    }
    tf.dispose([x, mean, variance]);
  });
});
