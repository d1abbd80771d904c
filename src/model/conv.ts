// The convolution the builder uses: tf.conv2d forward and input gradient, with
// the kernel gradient computed as matrix products instead of TF.js's
// Conv2DBackpropFilter (a per-element loop on the CPU backend, an order of
// magnitude slower for CIFAR ResNet shapes, bench/README.md; and missing on
// WASM: tfjs issue 8474).
// Every tensor stays rank <= 4, as the GPU backends need. On WASM both
// gradients are forward convolutions or our SIMD kernels instead
// (convgrad.ts); on WebGPU the kernel gradient is our split-K implicit GEMM
// (src/kernels/webgpu/conv.ts) and on WebGL one im2col product
// (conv2dKernelGradByIm2col), where TF.js's shaders loop over the whole
// batch per weight. Which one runs: the conv* and gpu fields of the kernel
// options (src/kernels/options.ts).
import * as tf from '@tensorflow/tfjs';
import { kernelOptions } from '../kernels/options';
import { IM2COL, type Im2ColAttrs } from '../kernels/names';
import { ourKernelRuns } from '../kernels/install';
import { conv2dInputGrad, conv2dInputGradByKernel, conv2dKernelGradByConv, conv2dKernelGradByKernel, hasKernelGradKernel, padTo } from './convgrad';

/** On WebGPU, where our kernels run: both gradients as our implicit GEMMs (src/kernels/webgpu/conv.ts). */
function ourGpuKernels(): boolean {
  return tf.getBackend() === 'webgpu' && hasKernelGradKernel();
}

/** On WebGL, where our IM2COL runs: the kernel gradient as one batched product over x's patches. */
function byIm2col(): boolean {
  return tf.getBackend() === 'webgl' && ourKernelRuns(IM2COL);
}

function useFastFilterGrad(): boolean {
  const backend = tf.getBackend();
  const { convGradients } = kernelOptions();
  return convGradients === 'auto' ? backend === 'cpu' || backend === 'wasm' || ourGpuKernels() || byIm2col() : convGradients === 'ours';
}

function useKernelGradKernel(): boolean {
  return kernelOptions().convKernelGrad !== 'conv' && hasKernelGradKernel();
}

function useConvFormulation(): boolean {
  const { convFormulation } = kernelOptions();
  return convFormulation === 'auto' ? tf.getBackend() === 'wasm' || ourGpuKernels() : convFormulation === 'conv';
}

/**
 * Rows per chunk of the kernel-gradient products. A [C, O] product over a
 * shared dimension of B*H*W rows (37k for CIFAR at batch 32) leaves a GPU only
 * C*O/4 threads, each with a long serial loop; chunks of rows make it a batched
 * product (more threads, short loops) summed afterwards. Neutral on the CPU.
 */
const CHUNK_ROWS = 1024;

/**
 * Convolution, NHWC. x [B, H, W, inC], kernel [kh, kw, inC, outC], torch-style
 * symmetric zero padding `pad` on H and W -> [B, OH, OW, outC] with
 * OH = floor((H + 2 pad - kh) / stride) + 1. Same values and gradients as
 * tf.conv2d(x, kernel, stride, pad); the kernel gradient is conv2dKernelGrad.
 * Kernels are square in practice: with a numeric pad, tf.conv2d sizes the
 * output width with kh too.
 * inputGrad: false where x is the data, whose gradient no one reads (the
 * stem): its gradient is then zeros instead of a convolution (a whole
 * convolution's work, the stem's 3 channels its slowest case).
 */
export function conv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number, pad: number, inputGrad = true): tf.Tensor4D {
  if (!useFastFilterGrad()) return tf.conv2d(x, kernel, stride, pad);
  const [kh, kw] = kernel.shape;
  const byConv = useConvFormulation();
  const kernelGradByConv = (xs: tf.Tensor4D, dy: tf.Tensor4D) =>
    useKernelGradKernel() ? conv2dKernelGradByKernel(xs, dy, [kh, kw], stride, pad) : conv2dKernelGradByConv(xs, dy, [kh, kw], stride, pad);
  const kernelGrad = (xs: tf.Tensor4D, dy: tf.Tensor4D) => (byIm2col() ? conv2dKernelGradByIm2col(xs, dy, [kh, kw], stride, pad) : conv2dKernelGrad(xs, dy, [kh, kw], stride, pad));
  const op = tf.customGrad((xIn, kIn, save) => {
    const [x4, k4] = [xIn as tf.Tensor4D, kIn as tf.Tensor4D];
    (save as tf.GradSaveFunc)([x4, k4]);
    return {
      value: tf.conv2d(x4, k4, stride, pad),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, ks] = saved as [tf.Tensor4D, tf.Tensor4D];
        if (!inputGrad) return [tf.zerosLike(xs), byConv ? kernelGradByConv(xs, dy) : kernelGrad(xs, dy)];
        if (byConv && useKernelGradKernel()) {
          // WebGPU: the input gradient as TF.js's tiled product where the options pick it (webgpuInputGrad).
          const dx = tf.getBackend() === 'webgpu' && kernelOptions().webgpuInputGrad === 'mm' ? tf.conv2dTranspose(dy, ks, xs.shape, stride, pad) : conv2dInputGradByKernel(dy, ks, xs.shape, stride, pad);
          return [dx, conv2dKernelGradByKernel(xs, dy, [kh, kw], stride, pad)];
        }
        if (byConv) return [conv2dInputGrad(dy, ks, xs.shape, stride, pad), conv2dKernelGradByConv(xs, dy, [kh, kw], stride, pad)];
        // The input gradient is Conv2DBackpropInput, which conv2dTranspose runs given x's shape.
        const dx = tf.conv2dTranspose(dy, ks, xs.shape, stride, pad); // [B, H, W, inC]
        return [dx, kernelGrad(xs, dy)];
      },
    };
  });
  return op(x, kernel) as tf.Tensor4D;
}

/**
 * dLoss/dKernel of conv2d(x, kernel, stride, pad), given dy = dLoss/dOutput
 * [B, OH, OW, outC] -> [kh, kw, inC, outC], as matrix products.
 *
 * Pad x once (xp [B, Hp, Wp, C]) and split it into stride x stride phases,
 * phase (a, e) = xp[:, a::s, e::s, :] on a grid [B, Hs, Ws], Hs = ceil(Hp / s).
 * Tap (i, j) reads, for output (y, x), phase (i mod s, j mod s) at
 * (y + i div s, x + j div s). Flatten the grid to rows r = (b Hs + y) Ws + x
 * and zero-pad dy to the same grid: tap (i, j) then pairs dy row r with phase
 * row r + shift, shift = (i div s) Ws + (j div s), one contiguous row range
 * (no gather: a view on the CPU). Rows that would wrap into the next image
 * row or image meet zeros of dy. dKernel[i, j] = phase[shift:]^T dy [C, O].
 */
export function conv2dKernelGrad(x: tf.Tensor4D, dy: tf.Tensor4D, kernelSize: [number, number], stride: number, pad: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape;
    const [, oh, ow, o] = dy.shape;
    const [kh, kw] = kernelSize;
    const s = stride;
    const [hp, wp] = [h + 2 * pad, w + 2 * pad];
    const [hs, ws] = [Math.ceil(hp / s), Math.ceil(wp / s)];
    const used = b * hs * ws - (Math.floor((kh - 1) / s) * ws + Math.floor((kw - 1) / s)); // rows every tap can read
    const chunk = Math.min(CHUNK_ROWS, used);
    const chunks = Math.ceil(used / chunk);
    // Zero images appended to x and dy round the rows up to whole chunks.
    const spare = Math.ceil((chunks * chunk - used) / (hs * ws));

    const xp = padTo(x, [[0, spare], [pad, pad], [pad, pad], [0, 0]]); // [B + spare, Hp, Wp, C]
    const dyGrid = padTo(dy, [[0, spare], [0, hs - oh], [0, ws - ow], [0, 0]]); // [B + spare, Hs, Ws, O]
    const allRows = (b + spare) * hs * ws;
    const dyChunks = tf.reshape(tf.slice(tf.reshape(dyGrid, [allRows, o]), [0, 0], [chunks * chunk, o]), [chunks, chunk, o]);

    const phases = new Map<number, tf.Tensor2D>();
    const phaseRows = (a: number, e: number): tf.Tensor2D => {
      const key = a * s + e;
      const hit = phases.get(key);
      if (hit) return hit;
      const t = tf.tidy(() => tf.reshape<tf.Rank.R2>(phase(xp, a, e, s), [allRows, c])); // [allRows, C]
      phases.set(key, t);
      return t;
    };

    const taps: tf.Tensor3D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const shift = Math.floor(i / s) * ws + Math.floor(j / s);
        const src = phaseRows(i % s, j % s);
        taps.push(tf.tidy(() => {
          const xChunks = tf.reshape(tf.slice(src, [shift, 0], [chunks * chunk, c]), [chunks, chunk, c]);
          return tf.matMul(xChunks, dyChunks, true, false); // [chunks, C, O]
        }));
      }
    }
    const perChunk = tf.stack(taps) as tf.Tensor4D; // [kh*kw, chunks, C, O]
    return tf.reshape(chunks > 1 ? tf.sum(perChunk, 1) : perChunk, [kh, kw, c, o]);
  });
}

/** Most output positions one product of conv2dKernelGradByIm2col sums over (a fragment's longest loop, but one image's positions where an image has more). */
const IM2COL_ROWS = 4096;

/**
 * conv2dKernelGrad as one IM2COL (x's patches, [chunks, kh·kw·C, rows]), one
 * batched product with dy [chunks, rows, O] and a sum over the chunks: the
 * chunks split the sum over B·OH·OW positions (split-K), so the product's
 * fragments each loop over `rows` terms, where TF.js's WebGL filter gradient
 * loops over all of them. A chunk is whole images: g of them, g dividing B.
 */
export function conv2dKernelGradByIm2col(x: tf.Tensor4D, dy: tf.Tensor4D, [kh, kw]: [number, number], stride: number, pad: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, , , c] = x.shape;
    const [, oh, ow, o] = dy.shape;
    let images = 1;
    for (let g = b; g >= 1; g--) {
      if (b % g === 0 && g * oh * ow <= IM2COL_ROWS) {
        images = g;
        break;
      }
    }
    const rows = images * oh * ow;
    const chunks = b / images;
    const attrs: Im2ColAttrs = { kernelHeight: kh, kernelWidth: kw, stride, pad, outHeight: oh, outWidth: ow, rows, chunks };
    const cols = tf.engine().runKernel(IM2COL, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor3D; // [chunks, K, rows]
    const perChunk = tf.matMul(cols, tf.reshape(dy, [chunks, rows, o])); // [chunks, K, O]
    return tf.reshape(chunks > 1 ? tf.sum(perChunk, 0) : perChunk, [kh, kw, c, o]);
  });
}

/**
 * Phase (a, e) of xp for stride s: xp[:, a::s, e::s, :] -> [B, ceil(Hp/s), ceil(Wp/s), C].
 * The shift by (a, e) is a flat slice plus zeros at the end, so positions past
 * the right or bottom edge hold the next row's values; no tap reads them.
 */
function phase(xp: tf.Tensor4D, a: number, e: number, s: number): tf.Tensor4D {
  if (s === 1) return xp;
  const [b, hp, wp, c] = xp.shape;
  const offset = (a * wp + e) * c;
  let shifted = xp;
  if (offset > 0) {
    const flat = tf.reshape(xp, [b * hp * wp * c]);
    shifted = tf.reshape(tf.pad(tf.slice(flat, offset), [[0, offset]]), [b, hp, wp, c]);
  }
  return tf.avgPool(shifted, 1, s, 'valid'); // a 1x1 average is the value itself: a strided subsample
}
