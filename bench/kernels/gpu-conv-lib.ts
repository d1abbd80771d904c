// The convolution gradients on WebGPU, TF.js 4.22's against ours
// (src/kernels/webgpu/conv.ts), per layer shape (issue 21, point 3): the
// shapes, what each kernel asks of a GPU from the shapes alone, and the time
// of each per call. Run by bench/kernels/gpu-conv.ts and the GPU kit's bench.
import * as tf from '@tensorflow/tfjs';
import { CONV_INPUT_GRAD, CONV_KERNEL_GRAD } from '../../src/kernels/names';
import { SPLIT } from '../../src/kernels/webgpu/conv';

export interface Layer { name: string; b: number; h: number; c: number; o: number; k: number; stride: number; pad: number }

/** ResNet-20 at batch 128 (every distinct shape) and ResNet-50 at batch 32 (its stem and a few of each stage's). */
export const LAYERS: Layer[] = [
  { name: 'ResNet-20 b128 stage 1 3×3', b: 128, h: 32, c: 16, o: 16, k: 3, stride: 1, pad: 1 },
  { name: 'ResNet-20 b128 stage 2 first 3×3 s2', b: 128, h: 32, c: 16, o: 32, k: 3, stride: 2, pad: 1 },
  { name: 'ResNet-20 b128 stage 2 3×3', b: 128, h: 16, c: 32, o: 32, k: 3, stride: 1, pad: 1 },
  { name: 'ResNet-20 b128 stage 3 3×3', b: 128, h: 8, c: 64, o: 64, k: 3, stride: 1, pad: 1 },
  { name: 'ResNet-50 b32 stem 7×7 s2', b: 32, h: 224, c: 3, o: 64, k: 7, stride: 2, pad: 3 },
  { name: 'ResNet-50 b32 layer1 1×1 256→64', b: 32, h: 56, c: 256, o: 64, k: 1, stride: 1, pad: 0 },
  { name: 'ResNet-50 b32 layer1 3×3 64', b: 32, h: 56, c: 64, o: 64, k: 3, stride: 1, pad: 1 },
  { name: 'ResNet-50 b32 layer4 3×3 512', b: 32, h: 7, c: 512, o: 512, k: 3, stride: 1, pad: 1 },
];

const TILE = 32;
const outSize = (l: Layer) => Math.floor((l.h + 2 * l.pad - l.k) / l.stride) + 1;

/** Invocations, longest serial loop (terms), bytes the loads ask for, per kernel. */
export function shapeFigures(l: Layer) {
  const oh = outSize(l);
  const positions = l.b * oh * oh; // the kernel gradient's sum
  const weights = l.k * l.k * l.c * l.o;
  const tensors = 4 * (l.b * l.h * l.h * l.c + positions * l.o + weights);
  const ceil = Math.ceil;
  // TF.js: one invocation per weight, each summing over every position (two loads a term).
  const theirsKernel = { invocations: weights, loop: positions, bytes: 8 * weights * positions };
  // Ours: 32×32 tiles of 256 invocations over splits of ≤ SPLIT positions, each tile loading 64 values a term; then the sum of the splits.
  const splits = ceil(positions / SPLIT);
  const rows = l.k * l.k * l.c;
  const tiles = ceil(rows / TILE) * ceil(l.o / TILE);
  const oursKernel = { invocations: tiles * 256 * splits + (splits > 1 ? weights : 0), loop: Math.max(ceil(positions / splits), splits), bytes: 4 * tiles * splits * 64 * ceil(positions / splits) + (splits > 1 ? 8 * weights * splits : 0) };
  // TF.js's naive input gradient: one invocation per input value over kh·kw taps (those the stride lands on) × O.
  const inputs = l.b * l.h * l.h * l.c;
  const taps = ceil(l.k / l.stride) ** 2;
  const theirsInput = { invocations: inputs, loop: taps * l.o, bytes: 8 * inputs * taps * l.o };
  // Ours: 32×32 tiles of dx over the kh·kw·O terms (every tap read, those the stride misses as zeros).
  const tilesIn = ceil((l.b * l.h * l.h) / TILE) * ceil(l.c / TILE);
  const oursInput = { invocations: tilesIn * 256, loop: l.k * l.k * l.o, bytes: 4 * tilesIn * 64 * l.k * l.k * l.o };
  return { tensors, theirsKernel, oursKernel, theirsInput, oursInput };
}

export const fmt = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(1)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));
export const bytes = (n: number) => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`);

/** Median ms of `runs` calls of `make` (each read back), after one warm-up call. */
async function time(make: () => tf.Tensor, runs: number): Promise<number> {
  const once = async () => {
    const t0 = performance.now();
    const t = make();
    await t.data();
    t.dispose();
    return performance.now() - t0;
  };
  await once();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push(await once());
  return [...ms].sort((a, b) => a - b)[ms.length >> 1] as number;
}

/** Median ms a call of TF.js's kernels and ours at `l`, on the backend that runs (webgpu with our kernels installed). */
export async function measureLayer(l: Layer, runs: number) {
  const oh = outSize(l);
  const x = tf.randomNormal([l.b, l.h, l.h, l.c]) as tf.Tensor4D;
  const w = tf.randomNormal([l.k, l.k, l.c, l.o]) as tf.Tensor4D;
  const dy = tf.randomNormal([l.b, oh, oh, l.o]) as tf.Tensor4D;
  const pad = l.pad;
  const kernelAttrs = { kernelHeight: l.k, kernelWidth: l.k, stride: l.stride, padTop: pad, padLeft: pad };
  const inputAttrs = { inHeight: l.h, inWidth: l.h, stride: l.stride, padTop: pad, padLeft: pad };
  const row = {
    theirsKernel: await time(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: l.stride, pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: w.shape } as never) as tf.Tensor, runs),
    oursKernel: await time(() => tf.engine().runKernel(CONV_KERNEL_GRAD, { x, dy }, kernelAttrs) as tf.Tensor, runs),
    theirsInputNaive: await time(() => tf.conv2dTranspose(dy, w, x.shape, l.stride, pad), runs),
    theirsInputMM: 0,
    oursInput: await time(() => tf.engine().runKernel(CONV_INPUT_GRAD, { dy, filter: w }, inputAttrs) as tf.Tensor, runs),
  };
  tf.env().set('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE', false);
  row.theirsInputMM = await time(() => tf.conv2dTranspose(dy, w, x.shape, l.stride, pad), runs);
  tf.env().set('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE', true);
  tf.dispose([x, w, dy]);
  return row;
}

