// Kernel fixes for TF.js 4.22's WASM backend, registered by installKernels
// (src/kernels/install.ts) before 'wasm' starts:
// - MaxPoolGrad: the shipped C++ kernel routes gradients to the wrong inputs
//   for some shapes (2×2 stride 2 drops the last window's gradient; 3×3
//   stride 1 pad 1 moves some to other positions); checked against the CPU
//   backend in src/kernels/wasm/wasm.test.ts. Replaced by the CPU backend's rule in
//   a plain loop over the WASM heap: each output's gradient goes to the first
//   maximum of its window in row-major order.
// - Identity: the shipped kernel copies the tensor, and TF.js runs Identity
//   for every tensor a kernel or tf.customGrad saves for the backward pass
//   (engine.clone), hundreds of full-size copies per step. Replaced by a
//   shared reference, as the CPU and WebGL backends do (tensors are
//   immutable; a variable's assign swaps its data instead of writing into
//   it).
// - batch norm in training mode as three kernels of our own
//   (BN_KERNELS: moments, apply, gradient), for batchnorm.ts: one or two
//   passes each instead of 5-10 full-size XNNPACK/elementwise kernels. Our
//   SIMD128 module (simd.ts, kernels.c) runs them where the channels
//   come in fours; the JavaScript loops of bn-loops.ts elsewhere.
// - Conv2D and both convolution gradients (convgrad.ts's CONV_KERNEL_GRAD,
//   CONV_INPUT_GRAD) in the SIMD module, straight from NHWC tensors, on the
//   module's own threads (pool.ts) where the page is cross-origin
//   isolated. XNNPACK's Conv2D stays for dilated and NCHW convolutions. Our
//   direct loops outrun XNNPACK's, most of all for the kernel gradient, whose
//   "filter" (dy) XNNPACK transposes and packs anew on every call.
//   Stride-1 3×3 convolutions with channels in fours go to the module's
//   Winograd F(4×4, 3×3) loops (winogradFits), which do a quarter of the
//   multiply-adds. Figures: bench/README.md; their history: bench/LOG.md.
// - ReLU's gradient and the option-A shortcut both ways (fused.ts), one
//   pass each instead of TF.js's chains of kernels.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BN_KERNELS, CONV_INPUT_GRAD, CONV_KERNEL_GRAD, PAD_SHORTCUT, PAD_SHORTCUT_GRAD, RELU_GRAD, type ConvInputGradAttrs, type ConvKernelGradAttrs, type ShortcutAttrs } from '../names';
import { kernelOptions } from '../options';
import { bnApply, bnGrad, bnMoments } from './bn-loops';
import { simdKernels, type SimdKernels } from './simd';
import type { Job, Pool } from './pool';

interface KernelArgs { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }

const heap = (wasm: BackendWasm, t: tf.TensorInfo) => wasm.typedArrayFromHeap(t) as Float32Array;

function identityShared({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  (backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Our SIMD kernels, for a kernel that has no other implementation (its callers check simd.ts's ourKernelRuns first). */
function simdOrThrow(wasm: BackendWasm, kernel: string): SimdKernels {
  const simd = simdKernels(wasm);
  if (!simd) throw new Error(`${kernel}: WebAssembly SIMD kernels are not available on this backend`);
  return simd;
}

/** Our SIMD kernels where they run and the channels come in fours (their vector width); else null: the JS loops. */
function simdFor(wasm: BackendWasm, c: number) {
  return c % 4 === 0 ? simdKernels(wasm) : null;
}

/** x [..., C] -> [mean [C], biased variance [C]]. */
function bnMomentsKernel({ inputs, backend }: KernelArgs): tf.TensorInfo[] {
  const wasm = backend as BackendWasm;
  const { x } = inputs as { x: tf.TensorInfo };
  const c = x.shape[x.shape.length - 1] as number;
  const outs = [wasm.makeOutput([c], 'float32'), wasm.makeOutput([c], 'float32')];
  const simd = simdFor(wasm, c);
  if (simd) {
    const [mean, variance] = outs.map((t) => simd.ptr(t as tf.TensorInfo)) as [number, number];
    simd.withScratch(20 * c, (scratch) => simd.exports.bn_moments(simd.ptr(x), tf.util.sizeFromShape(x.shape) / c, c, mean, variance, scratch));
    return outs;
  }
  bnMoments(heap(wasm, x), heap(wasm, outs[0] as tf.TensorInfo), heap(wasm, outs[1] as tf.TensorInfo));
  return outs;
}

/** x [..., C], mean, variance, gamma, beta [C] -> y [..., C]. */
function bnApplyKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const { x, mean, variance, gamma, beta } = inputs as Record<'x' | 'mean' | 'variance' | 'gamma' | 'beta', tf.TensorInfo>;
  const out = wasm.makeOutput(x.shape, 'float32');
  const c = mean.shape[0] as number;
  const simd = simdFor(wasm, c);
  if (simd) {
    const p = (t: tf.TensorInfo) => simd.ptr(t);
    simd.withScratch(8 * c, (scratch) => simd.exports.bn_apply(p(x), tf.util.sizeFromShape(x.shape) / c, c, p(mean), p(variance), p(gamma), p(beta), attrs.epsilon as number, p(out), scratch));
    return out;
  }
  bnApply(heap(wasm, x), heap(wasm, mean), heap(wasm, variance), heap(wasm, gamma), heap(wasm, beta), attrs.epsilon as number, heap(wasm, out));
  return out;
}

/** dy, x [..., C], mean, variance, gamma [C] -> [dx [..., C], dGamma [C], dBeta [C]]. */
function bnGradKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const wasm = backend as BackendWasm;
  const { dy, x, mean, variance, gamma } = inputs as Record<'dy' | 'x' | 'mean' | 'variance' | 'gamma', tf.TensorInfo>;
  const c = mean.shape[0] as number;
  // Allocate first: growing the heap would detach views taken before.
  const outs = [wasm.makeOutput(x.shape, 'float32'), wasm.makeOutput([c], 'float32'), wasm.makeOutput([c], 'float32')];
  const simd = simdFor(wasm, c);
  if (simd) {
    const p = (t: tf.TensorInfo) => simd.ptr(t);
    const [dx, dGamma, dBeta] = outs.map(p) as [number, number, number];
    simd.withScratch(32 * c, (scratch) => simd.exports.bn_grad(p(dy), p(x), tf.util.sizeFromShape(x.shape) / c, c, p(mean), p(variance), p(gamma), attrs.epsilon as number, dx, dGamma, dBeta, scratch));
    return outs;
  }
  const [dx, dGamma, dBeta] = outs.map((t) => heap(wasm, t)) as [Float32Array, Float32Array, Float32Array];
  bnGrad(heap(wasm, dy), heap(wasm, x), heap(wasm, mean), heap(wasm, variance), heap(wasm, gamma), attrs.epsilon as number, dx, dGamma, dBeta);
  return outs;
}

/**
 * Runs `job` over `count` items (rows, images, tiles) split evenly among
 * `pool`'s threads, or on this thread alone where pool is null: thread t
 * (0 is this one) takes items [from, to) with args(t, from, to). The caller
 * takes `pool` once (simd.pool()) and sizes any per-thread scratch by it:
 * the pool may become ready between two calls.
 */
function shareJob(simd: SimdKernels, pool: Pool | null, job: Job, count: number, args: (thread: number, from: number, to: number) => number[]): void {
  const threads = pool ? pool.helpers + 1 : 1;
  const edge = (t: number) => Math.round((t * count) / threads);
  const own = () => (simd.exports[job] as (...a: number[]) => void)(...args(0, 0, edge(1)));
  if (!pool) own();
  else pool.run(job, Array.from({ length: pool.helpers }, (_, i) => args(i + 1, edge(i + 1), edge(i + 2))), own);
}

/** x [B, H, W, C], dy [B, OH, OW, O] -> dKernel [kh, kw, C, O] (convgrad.ts's CONV_KERNEL_GRAD), in one SIMD pass. */
function convKernelGradKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { kernelHeight: kh, kernelWidth: kw, stride, padTop, padLeft } = attrs as unknown as ConvKernelGradAttrs;
  const [b, h, w, c] = x.shape as [number, number, number, number];
  const [, oh, ow, o] = dy.shape as [number, number, number, number];
  const out = wasm.makeOutput([kh, kw, c, o], 'float32');
  const simd = simdOrThrow(wasm, CONV_KERNEL_GRAD);
  if (winogradFits(kh, kw, stride, c, o)) {
    winogradKernelGrad(simd, simd.ptr(x), simd.ptr(dy), simd.ptr(out), [b, h, w, c], [oh, ow, o], padTop, padLeft);
    return out;
  }
  const [px, pdy, pout] = [simd.ptr(x), simd.ptr(dy), simd.ptr(out)];
  // Split the batch: this thread writes `out`, each helper its own partial sum, added at the end.
  const pool = b < 2 ? null : simd.pool();
  const helpers = pool?.helpers ?? 0;
  const size = kh * kw * c * o;
  simd.withScratch(4 * size * helpers, (partials) => {
    const dw = (thread: number) => (thread === 0 ? pout : partials + 4 * size * (thread - 1));
    shareJob(simd, pool, 'conv2d_kernel_grad', b, (thread, b0, b1) => [px, pdy, dw(thread), b0, b1, h, w, c, oh, ow, o, kh, kw, stride, padTop, padLeft]);
    for (let t = 1; t <= helpers; t++) simd.exports.add_f32(pout, dw(t), size);
  });
  return out;
}

/**
 * Whether a convolution goes to kernels.c's Winograd F(4×4, 3×3) loops:
 * stride-1 3×3 kernels with channels in fours (their vector width), 4×
 * fewer multiply-adds; the rest (strided, 1×1, the stem's 3 channels) stay
 * on the direct loops. kernelOptions().winograd off: direct everywhere.
 */
function winogradFits(kh: number, kw: number, stride: number, c: number, o: number): boolean {
  return kernelOptions().winograd && kh === 3 && kw === 3 && stride === 1 && c % 4 === 0 && o % 4 === 0;
}

/** A Winograd job (byTiles): which export, over how many tiles, and the caller's part of the scratch. */
interface TileJob {
  job: 'winograd_forward' | 'winograd_kernel_grad';
  tiles: number;
  c: number;
  o: number;
  /** Bytes at the start of the scratch that the caller lays out (U, or each thread's dU). */
  sharedBytes: (threads: number) => number;
  zeroCount: number;
  /** Before any thread starts. */
  before?: (shared: number) => void;
  args: (shared: number, zeros: number, scratch: number, thread: number, t0: number, t1: number) => number[];
  /** After every thread is done. */
  after?: (shared: number, threads: number) => void;
}

/**
 * Runs a Winograd job over `tiles` 4×4 output tiles shared among the pool's
 * threads, each with its own chunk scratch (after `sharedBytes` the caller
 * lays out itself and `zeroCount` zero floats).
 */
function byTiles(simd: SimdKernels, { job, tiles, c, o, sharedBytes, zeroCount, before, args, after }: TileJob): void {
  const pool = simd.pool();
  const threads = pool ? pool.helpers + 1 : 1;
  const perThread = simd.exports.winograd_scratch_bytes(c, o);
  const head = sharedBytes(threads);
  const zeroBytes = 16 * Math.ceil(zeroCount / 4);
  simd.withScratch(head + zeroBytes + threads * perThread, (shared) => {
    const zeros = shared + head;
    new Float32Array(simd.memory().buffer, zeros, zeroCount).fill(0);
    before?.(shared);
    shareJob(simd, pool, job, tiles, (thread, t0, t1) => args(shared, zeros, zeros + zeroBytes + thread * perThread, thread, t0, t1));
    after?.(shared, threads);
  });
}

type Nhwc = readonly [number, number, number, number];

/** y [B, OH, OW, O] = x [B, H, W, C] convolved with the 3×3 kernel at `kernel` ([3, 3, C, O]), stride 1, by Winograd. */
function winogradConv(simd: SimdKernels, x: number, kernel: number, y: number, [b, h, w, c]: Nhwc, [oh, ow, o]: readonly [number, number, number], padTop: number, padLeft: number): void {
  byTiles(simd, {
    job: 'winograd_forward',
    tiles: simd.exports.winograd_tiles(b, oh, ow),
    c,
    o,
    sharedBytes: () => 4 * simd.exports.winograd_kernel_floats(c, o), // U [36, C, O]
    zeroCount: c,
    before: (u) => simd.exports.winograd_kernel(kernel, u, c, o),
    args: (u, zeros, scratch, _thread, t0, t1) => [x, u, y, zeros, scratch, t0, t1, h, w, c, oh, ow, o, padTop, padLeft],
  });
}

/** dW [3, 3, C, O] of a stride-1 3×3 convolution from x [B, H, W, C] and dy [B, OH, OW, O], by Winograd: each thread's dU summed, then transformed. */
function winogradKernelGrad(simd: SimdKernels, x: number, dy: number, dw: number, [b, h, w, c]: Nhwc, [oh, ow, o]: readonly [number, number, number], padTop: number, padLeft: number): void {
  const size = simd.exports.winograd_kernel_floats(c, o); // dU [36, C, O] per thread
  byTiles(simd, {
    job: 'winograd_kernel_grad',
    tiles: simd.exports.winograd_tiles(b, oh, ow),
    c,
    o,
    sharedBytes: (threads) => 4 * size * threads,
    zeroCount: Math.max(c, o),
    args: (du, zeros, scratch, thread, t0, t1) => [x, dy, du + 4 * size * thread, zeros, scratch, t0, t1, h, w, c, oh, ow, o, padTop, padLeft],
    after: (du, threads) => {
      for (let t = 1; t < threads; t++) simd.exports.add_f32(du, du + 4 * size * t, size);
      simd.exports.winograd_kernel_grad_finish(du, dw, c, o);
    },
  });
}

interface Conv2DAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** TF.js's own WASM Conv2D (XNNPACK), for what ours does not take. */
let xnnpackConv2D: tf.KernelFunc | null = null;

/**
 * Conv2D: ours (SIMD, split by output rows over the pool's threads) for
 * float32 NHWC with equal strides and no dilation, XNNPACK's otherwise.
 */
function conv2D(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const wasm = backend as BackendWasm;
  const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
  const simd = simdKernels(wasm);
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, false, dataFormat === 'NHWC' ? 'channelsLast' : 'channelsFirst');
  const ours = simd && dataFormat === 'NHWC' && x.dtype === 'float32' && info.dilationHeight === 1 && info.dilationWidth === 1 && info.strideHeight === info.strideWidth;
  if (!ours) return (xnnpackConv2D as tf.KernelFunc)(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, outChannels: o, filterHeight: kh, filterWidth: kw, strideHeight: stride } = info;
  const out = wasm.makeOutput([b, oh, ow, o], 'float32');
  if (winogradFits(kh, kw, stride, c, o)) {
    winogradConv(simd, simd.ptr(x), simd.ptr(filter), simd.ptr(out), [b, h, w, c], [oh, ow, o], info.padInfo.top, info.padInfo.left);
    return out;
  }
  const ptrs = [simd.ptr(x), simd.ptr(filter), simd.ptr(out)];
  byRows(simd, 'conv2d_forward', c, b * oh, (zeros, r0, r1) => [...ptrs, zeros, r0, r1, h, w, c, oh, ow, o, kh, kw, stride, info.padInfo.top, info.padInfo.left]);
  return out;
}

/**
 * Runs a row-split kernel (conv2d_forward, conv2d_input_grad) over `rows`
 * output rows, shared among the pool's threads; `zeroCount` zero floats for
 * the padding's pixel.
 */
function byRows(simd: SimdKernels, job: 'conv2d_forward' | 'conv2d_input_grad', zeroCount: number, rows: number, args: (zeros: number, r0: number, r1: number) => number[]): void {
  simd.withScratch(4 * zeroCount, (zeros) => {
    new Float32Array(simd.memory().buffer, zeros, zeroCount).fill(0);
    shareJob(simd, simd.pool(), job, rows, (_thread, r0, r1) => args(zeros, r0, r1));
  });
}

/**
 * dy [B, OH, OW, O], the kernel [kh, kw, C, O] -> dx [B, H, W, C]
 * (convgrad.ts's CONV_INPUT_GRAD). At stride 1 it is a forward convolution
 * of dy with the flipped, transposed kernel (conv2d_forward: the faster
 * loops); at larger strides conv2d_input_grad, which skips the taps that
 * meet no output instead of convolving a stride-dilated dy. The kernel is
 * rearranged here, in one pass, instead of by TF.js's slower Reverse
 * (bench/LOG.md, 2026-11-29).
 */
function convInputGradKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { inHeight: h, inWidth: w, stride, padTop, padLeft } = attrs as unknown as ConvInputGradAttrs;
  const [b, oh, ow, o] = dy.shape as [number, number, number, number];
  const [kh, kw, c] = filter.shape as [number, number, number, number];
  const simd = simdOrThrow(wasm, CONV_INPUT_GRAD);
  const out = wasm.makeOutput([b, h, w, c], 'float32');
  const asForward = stride === 1 && padTop <= kh - 1 && padLeft <= kw - 1;
  simd.withScratch(4 * kh * kw * c * o, (wt) => {
    simd.exports.kernel_transpose(simd.ptr(filter), wt, kh, kw, c, o, asForward ? 1 : 0); // [kh, kw, O, C]
    const ptrs = [simd.ptr(dy), wt, simd.ptr(out)];
    if (asForward && winogradFits(kh, kw, 1, o, c)) {
      winogradConv(simd, simd.ptr(dy), wt, simd.ptr(out), [b, oh, ow, o], [h, w, c], kh - 1 - padTop, kw - 1 - padLeft);
    } else if (asForward) {
      // dx = dy convolved with the flipped kernel, padded by k - 1 - pad: x's H × W again.
      byRows(simd, 'conv2d_forward', o, b * h, (zeros, r0, r1) => [...ptrs, zeros, r0, r1, oh, ow, o, h, w, c, kh, kw, 1, kh - 1 - padTop, kw - 1 - padLeft]);
    } else {
      byRows(simd, 'conv2d_input_grad', o, b * h, (zeros, r0, r1) => [...ptrs, zeros, r0, r1, h, w, c, oh, ow, o, kh, kw, stride, padTop, padLeft]);
    }
  });
  return out;
}

/** dy, y -> dy where y > 0 (fused.ts's RELU_GRAD). */
function reluGradKernel({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const wasm = backend as BackendWasm;
  const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
  const out = wasm.makeOutput(dy.shape, 'float32');
  const simd = simdOrThrow(wasm, RELU_GRAD);
  simd.exports.relu_grad(simd.ptr(dy), simd.ptr(y), simd.ptr(out), tf.util.sizeFromShape(dy.shape));
  return out;
}

/** x -> the option-A shortcut (fused.ts's PAD_SHORTCUT), or dy -> its gradient (PAD_SHORTCUT_GRAD). */
function shortcutKernel(grad: boolean) {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo => {
    const wasm = backend as BackendWasm;
    const { inHeight: h, inWidth: w, channels: c, stride, before, filters } = attrs as unknown as ShortcutAttrs;
    const input = (grad ? inputs.dy : inputs.x) as tf.TensorInfo;
    const b = input.shape[0] as number;
    const out = wasm.makeOutput(grad ? [b, h, w, c] : [b, Math.ceil(h / stride), Math.ceil(w / stride), filters], 'float32');
    const simd = simdOrThrow(wasm, grad ? PAD_SHORTCUT_GRAD : PAD_SHORTCUT);
    simd.exports[grad ? 'shortcut_grad' : 'shortcut_forward'](simd.ptr(input), simd.ptr(out), b, h, w, c, stride, before, filters);
    return out;
  };
}

interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function maxPoolGrad({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { dy, input } = inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const wasm = backend as BackendWasm;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  // Allocate first: growing the heap would detach views taken before.
  const out = wasm.makeOutput(input.shape, 'float32');
  const x = wasm.typedArrayFromHeap(input) as Float32Array;
  const g = wasm.typedArrayFromHeap(dy) as Float32Array;
  const dx = wasm.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  const { batchSize: b, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  for (let n = 0; n < b; n++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let i = 0; i < kh; i++) {
            const y = oy * sh - top + i;
            if (y < 0 || y >= h) continue;
            for (let j = 0; j < kw; j++) {
              const xx = ox * sw - left + j;
              if (xx < 0 || xx >= w) continue;
              const k = ((n * h + y) * w + xx) * c + ch;
              const v = x[k] as number;
              if (v > best || at < 0) {
                best = v;
                at = k;
              }
            }
          }
          if (at >= 0) dx[at] = (dx[at] as number) + (g[((n * oh + oy) * ow + ox) * c + ch] as number);
        }
  return out;
}

let registered = false;

/** Registers the WASM kernels above (installKernels calls it); idempotent. */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  if (tf.getKernel('MaxPoolGrad', 'wasm')) tf.unregisterKernel('MaxPoolGrad', 'wasm');
  tf.registerKernel({ kernelName: 'MaxPoolGrad', backendName: 'wasm', kernelFunc: maxPoolGrad as unknown as tf.KernelFunc });
  if (tf.getKernel('Identity', 'wasm')) tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: identityShared as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: BN_KERNELS.moments, backendName: 'wasm', kernelFunc: bnMomentsKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: BN_KERNELS.apply, backendName: 'wasm', kernelFunc: bnApplyKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: BN_KERNELS.grad, backendName: 'wasm', kernelFunc: bnGradKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: CONV_KERNEL_GRAD, backendName: 'wasm', kernelFunc: convKernelGradKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: CONV_INPUT_GRAD, backendName: 'wasm', kernelFunc: convInputGradKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: RELU_GRAD, backendName: 'wasm', kernelFunc: reluGradKernel as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: PAD_SHORTCUT, backendName: 'wasm', kernelFunc: shortcutKernel(false) as unknown as tf.KernelFunc });
  tf.registerKernel({ kernelName: PAD_SHORTCUT_GRAD, backendName: 'wasm', kernelFunc: shortcutKernel(true) as unknown as tf.KernelFunc });
  const shipped = tf.getKernel('Conv2D', 'wasm');
  if (shipped) {
    xnnpackConv2D = shipped.kernelFunc;
    tf.unregisterKernel('Conv2D', 'wasm');
    tf.registerKernel({ ...shipped, kernelFunc: conv2D as unknown as tf.KernelFunc });
  }
}
