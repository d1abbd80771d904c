// The convolution gradients on WebGPU, TF.js 4.22's against ours
// (src/kernels/webgpu/conv.ts), per layer shape (issue 21, point 3): how many
// invocations each runs, the longest serial loop one of them runs, and the
// bytes their loads ask for (each invocation's or workgroup's reads from
// storage, counted from the shaders' loops; the tensors' own sizes in
// brackets), from the shapes alone; with --measure, also the milliseconds
// per call on this machine's WebGPU adapter through Dawn (median of --runs,
// each call read back), where TF.js's input gradient runs both as its naive
// shader (its default) and as its Conv2DDerInputMMProgram
// (WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE off).
//   npx tsx bench/kernels/gpu-conv.ts [--measure] [--runs 5] [--json]
import * as tf from '@tensorflow/tfjs';
import { installKernels } from '../../src/kernels/install';
import { CONV_INPUT_GRAD, CONV_KERNEL_GRAD } from '../../src/kernels/names';
import { SPLIT } from '../../src/kernels/webgpu/conv';
import { startNodeWebGpu } from '../../src/train/webgpu-node';
import { benchArgs } from '../args';

const args = benchArgs('npx tsx bench/kernels/gpu-conv.ts [flags]', {
  measure: { kind: 'boolean', help: 'also time each kernel on this machine\'s WebGPU adapter (Dawn)' },
  runs: { kind: 'number', default: 5, help: 'timed calls of each kernel (the figure is their median)' },
  json: { kind: 'boolean', help: 'one JSON line per shape instead of the table' },
});

interface Layer { name: string; b: number; h: number; c: number; o: number; k: number; stride: number; pad: number }

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

const fmt = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(1)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : String(n));
const bytes = (n: number) => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`);

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

async function measure(l: Layer, runs: number) {
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

const adapter = args.measure ? await startNodeWebGpu() : null;
if (adapter) installKernels('webgpu');
if (!args.json) {
  console.log(adapter ? `measured on ${adapter}, medians of ${args.runs} calls, each read back` : 'from the shapes alone (--measure times them)');
  console.log('| layer | kernel gradient: invocations | longest loop | loads | input gradient: invocations | longest loop | loads |' + (adapter ? ' ms: kernel grad TF.js / ours | input grad TF.js naive / TF.js MM / ours |' : ''));
  console.log('|---|---:|---:|---:|---:|---:|---:|' + (adapter ? '---:|---:|' : ''));
}
for (const l of LAYERS) {
  const f = shapeFigures(l);
  const ms = adapter ? await measure(l, args.runs) : null;
  if (args.json) {
    console.log(JSON.stringify({ layer: l, ...f, ms }));
    continue;
  }
  const pair = (a: number, b: number, show: (n: number) => string) => `${show(a)} → ${show(b)}`;
  const cells = [
    `${l.name} (${bytes(f.tensors)})`,
    pair(f.theirsKernel.invocations, f.oursKernel.invocations, fmt),
    pair(f.theirsKernel.loop, f.oursKernel.loop, fmt),
    pair(f.theirsKernel.bytes, f.oursKernel.bytes, bytes),
    pair(f.theirsInput.invocations, f.oursInput.invocations, fmt),
    pair(f.theirsInput.loop, f.oursInput.loop, fmt),
    pair(f.theirsInput.bytes, f.oursInput.bytes, bytes),
    ...(ms ? [`${ms.theirsKernel.toFixed(1)} / ${ms.oursKernel.toFixed(1)}`, `${ms.theirsInputNaive.toFixed(1)} / ${ms.theirsInputMM.toFixed(1)} / ${ms.oursInput.toFixed(1)}`] : []),
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
