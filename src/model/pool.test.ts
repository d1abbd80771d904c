// Pooling against torch's definitions, written out in plain loops: the
// max-pool with padding (padding never wins), ceil-mode average pooling that
// averages only covered inputs, and adaptive average pooling. Values and the
// input gradient of loss = sum(pool(x) * dy).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { convOut } from '../arch/arch';
import { adaptiveAvgPool, avgPool } from './pool';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A window along one axis: [start, end) of the input that output i covers. */
type Windows = (out: number) => [number, number];

/** Pools x [1, H, W, 1] given row and column windows, with max or mean over the covered inputs. */
function poolLoops(x: number[][], oh: number, ow: number, rows: Windows, cols: Windows, kind: 'max' | 'mean'): number[][] {
  return Array.from({ length: oh }, (_, i) => Array.from({ length: ow }, (_, j) => {
    const [r0, r1] = rows(i);
    const [c0, c1] = cols(j);
    const vals = x.slice(r0, r1).flatMap((row) => row.slice(c0, c1));
    return kind === 'max' ? Math.max(...vals) : vals.reduce((a, b) => a + b, 0) / vals.length;
  }));
}

/** Value and input gradient of sum(f(x) * dy) for one 2-D map. */
function check(f: (x: tf.Tensor4D) => tf.Tensor4D, x: number[][], dy: number[][]): { y: number[][]; dx: number[][] } {
  const [h, w] = [x.length, x[0]!.length];
  const xt = tf.tensor4d(x.flat(), [1, h, w, 1]);
  const dyt = tf.tensor4d(dy.flat(), [1, dy.length, dy[0]!.length, 1]);
  const y = f(xt);
  const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D), dyt)))(xt);
  const rows = <T>(flat: ArrayLike<T>, width: number) => Array.from({ length: flat.length / width }, (_, i) => Array.from(flat).slice(i * width, (i + 1) * width));
  const out = { y: rows(y.dataSync(), y.shape[2]), dx: rows(dx.dataSync(), w) };
  tf.dispose([xt, dyt, y, dx]);
  return out;
}

/** Input gradient of a linear pool by its definition: d/dx_k sum(ref(x) * dy) = sum(ref(e_k) * dy). */
function linearGrad(ref: (x: number[][]) => number[][], h: number, w: number, dy: number[][]): number[][] {
  return Array.from({ length: h }, (_, r) => Array.from({ length: w }, (_, c) => {
    const e = Array.from({ length: h }, (_, i) => Array.from({ length: w }, (_, j) => (i === r && j === c ? 1 : 0)));
    return ref(e).flat().reduce((s, v, i) => s + v * dy.flat()[i]!, 0);
  }));
}

const grid = (h: number, w: number, seed: number) => Array.from({ length: h }, (_, i) => Array.from({ length: w }, (_, j) => Math.sin(seed * 7.1 + i * 3.7 + j * 1.3) * 2));
const close = (a: number[][], b: number[][]) => expect(a.flat().map((v) => +v.toFixed(4))).toEqual(b.flat().map((v) => +v.toFixed(4)));

describe('max-pool 3×3 /2 pad 1 (the ImageNet stem) as torch', () => {
  it.each([[8, 8], [7, 7], [6, 9]])('%i×%i', (h, w) => {
    const x = grid(h, w, 1).map((row) => row.map((v) => v - 5)); // all negative: a zero pad would win
    const [oh, ow] = [convOut(h, 3, 2, 1), convOut(w, 3, 2, 1)];
    const win = (size: number): Windows => (i) => [Math.max(0, 2 * i - 1), Math.min(size, 2 * i + 2)];
    const dy = grid(oh, ow, 2);
    const got = check((t) => tf.maxPool(t, 3, 2, 1), x, dy);
    close(got.y, poolLoops(x, oh, ow, win(h), win(w), 'max'));
    // The gradient goes to each window's argmax.
    const dx = x.map((row) => row.map(() => 0));
    for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
      const [[r0, r1], [c0, c1]] = [win(h)(i), win(w)(j)];
      let best = [r0, c0] as [number, number];
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) if (x[r]![c]! > x[best[0]]![best[1]]!) best = [r, c];
      dx[best[0]]![best[1]]! += dy[i]![j]!;
    }
    close(got.dx, dx);
  });
});

describe('average pool 2×2 /2, ceil mode, count_include_pad=False (ResNet-D shortcut) as torch', () => {
  it.each([[8, 8], [7, 7], [5, 8]])('%i×%i', (h, w) => {
    const x = grid(h, w, 3);
    const [oh, ow] = [convOut(h, 2, 2, 0, true), convOut(w, 2, 2, 0, true)];
    const win = (size: number): Windows => (i) => [2 * i, Math.min(size, 2 * i + 2)];
    const ref = (m: number[][]) => poolLoops(m, oh, ow, win(h), win(w), 'mean');
    const dy = grid(oh, ow, 4);
    const got = check((t) => avgPool(t, 2, 2, true), x, dy);
    expect([got.y.length, got.y[0]!.length]).toEqual([Math.ceil(h / 2), Math.ceil(w / 2)]);
    close(got.y, ref(x));
    close(got.dx, linearGrad(ref, h, w, dy));
  });
});

describe('adaptive average pool as torch', () => {
  it.each([[5, 5, 3], [1, 1, 7], [7, 7, 7], [6, 9, 4], [13, 13, 6]])('%i×%i -> %i per side', (h, w, size) => {
    const x = grid(h, w, 5);
    const win = (n: number): Windows => (i) => [Math.floor((i * n) / size), Math.ceil(((i + 1) * n) / size)];
    const ref = (m: number[][]) => poolLoops(m, size, size, win(h), win(w), 'mean');
    const dy = grid(size, size, 6);
    const got = check((t) => adaptiveAvgPool(t, size), x, dy);
    close(got.y, ref(x));
    close(got.dx, linearGrad(ref, h, w, dy));
  });
});
