// Convolution gradients for the WASM backend: our own SIMD kernels where
// the backend registered them (CONV_KERNEL_GRAD, CONV_INPUT_GRAD below;
// src/kernels/wasm/kernels.ts), else written as forward convolutions, as follows. TF.js 4.22's WASM backend has no Conv2DBackpropFilter (tfjs issue
// 8474) and no depthwise gradients at all, and its Conv2DBackpropInput is a
// scalar loop; its forward Conv2D and DepthwiseConv2dNative run on XNNPACK.
// So both gradients become forward convolutions:
// - the input gradient is a convolution of the zero-dilated, padded output
//   gradient with the spatially flipped (and, for conv2d, in/out transposed)
//   kernel, stride 1;
// - the kernel gradient is a convolution of x with dy where the batch is the
//   contracted "channel" axis: x as [C, Hp, Wp, B], dy as a kernel
//   [OH, OW, B, O] dilated by the stride, giving [C, kh, kw, O].
// The input gradient then runs on XNNPACK instead of a scalar loop, several
// times faster (bench/LOG.md, 2026-11-28); the kernel gradient is one
// convolution instead of conv.ts's kh·kw slice + matmul pairs (each slice a
// copy on WASM).
import * as tf from '@tensorflow/tfjs';
import { ourKernelRuns } from '../kernels/install';
import { CONV_INPUT_GRAD, CONV_KERNEL_GRAD, type ConvInputGradAttrs, type ConvKernelGradAttrs } from '../kernels/names';

/**
 * Whether the current backend registered CONV_KERNEL_GRAD and CONV_INPUT_GRAD
 * and can run them now (on WASM: our SIMD module started; not without
 * WebAssembly SIMD, or with the `simd` kernel option off).
 */
export function hasKernelGradKernel(): boolean {
  return ourKernelRuns(CONV_KERNEL_GRAD);
}

/** dLoss/dx by CONV_INPUT_GRAD (registered with CONV_KERNEL_GRAD) -> [B, H, W, C]. */
export function conv2dInputGradByKernel(dy: tf.Tensor4D, kernel: tf.Tensor4D, xShape: readonly number[], stride: number, pad: number): tf.Tensor4D {
  const attrs: ConvInputGradAttrs = { inHeight: xShape[1] as number, inWidth: xShape[2] as number, stride, padTop: pad, padLeft: pad };
  return tf.engine().runKernel(CONV_INPUT_GRAD, { dy, filter: kernel }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** dLoss/dKernel by CONV_KERNEL_GRAD (check hasKernelGradKernel first) -> [kh, kw, C, O]. */
export function conv2dKernelGradByKernel(x: tf.Tensor4D, dy: tf.Tensor4D, [kh, kw]: [number, number], stride: number, pad: number): tf.Tensor4D {
  const attrs: ConvKernelGradAttrs = { kernelHeight: kh, kernelWidth: kw, stride, padTop: pad, padLeft: pad };
  return tf.engine().runKernel(CONV_KERNEL_GRAD, { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** Pads (positive) or crops (negative) H and W of t: [[top, bottom], [left, right]]. */
function fitHW(t: tf.Tensor4D, [[top, bottom], [left, right]]: [[number, number], [number, number]]): tf.Tensor4D {
  const padded = padTo(t, [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]]);
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return padded;
  const [b, h, w, c] = padded.shape;
  const [t0, l0] = [Math.max(0, -top), Math.max(0, -left)];
  return tf.slice(padded, [0, t0, l0, 0], [b, h - t0 - Math.max(0, -bottom), w - l0 - Math.max(0, -right), c]);
}

/** t with zeros added, [before, after] per axis; t itself (no copy) when every amount is 0. */
export function padTo(t: tf.Tensor4D, paddings: [number, number][]): tf.Tensor4D {
  return paddings.some(([before, after]) => before > 0 || after > 0) ? tf.pad(t, paddings) : t;
}

/**
 * dy [B, OH, OW, C] with s - 1 zeros after every row and column:
 * [B, OH·s, OW·s, C] (the last s - 1 rows and columns are zeros too).
 * Reshapes and pads only, every tensor rank <= 4.
 */
function dilate(dy: tf.Tensor4D, s: number): tf.Tensor4D {
  if (s === 1) return dy;
  const [b, oh, ow, c] = dy.shape;
  const cols = tf.pad(tf.reshape(dy, [b * oh, ow, 1, c]), [[0, 0], [0, 0], [0, s - 1], [0, 0]]); // [B·OH, OW, s, C]
  const rows = tf.pad(tf.reshape(cols, [b, oh, 1, ow * s * c]), [[0, 0], [0, 0], [0, s - 1], [0, 0]]); // [B, OH, s, OW·s·C]
  return tf.reshape(rows, [b, oh * s, ow * s, c]);
}

/**
 * dy dilated by the stride and padded so that a stride-1 'valid' convolution
 * with a kh x kw kernel gives x's [H, W]: dx[h] = sum_i dy'[h + pad - i] k[i].
 */
function spreadForInputGrad(dy: tf.Tensor4D, xShape: readonly number[], kernel: [number, number], stride: number, pad: number): tf.Tensor4D {
  return fitHW(dilate(dy, stride), inputGradPadding(dy, xShape, kernel, stride, pad));
}

/** The [[top, bottom], [left, right]] that spreadForInputGrad pads the dilated dy by (negative: crops). */
function inputGradPadding(dy: tf.Tensor4D, xShape: readonly number[], kernel: [number, number], stride: number, pad: number): [[number, number], [number, number]] {
  const [, h = 0, w = 0] = xShape;
  const [, oh, ow] = dy.shape;
  const [kh, kw] = kernel;
  // Dilation left s - 1 zeros past the last row: the bottom padding is that much smaller.
  const extra = stride - 1;
  return [
    [kh - 1 - pad, h + pad - (oh - 1) * stride - 1 - extra],
    [kw - 1 - pad, w + pad - (ow - 1) * stride - 1 - extra],
  ];
}

/**
 * dLoss/dx of tf.conv2d(x, kernel, stride, pad) given dy [B, OH, OW, O] -> [B, H, W, C].
 * Where the dilated dy only needs padding (no crop), the convolution pads it
 * itself (explicit padding): no padded copy of dy.
 */
export function conv2dInputGrad(dy: tf.Tensor4D, kernel: tf.Tensor4D, xShape: readonly number[], stride: number, pad: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = kernel.shape;
    const flipped = tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [kh, kw, O, C]
    const [[top, bottom], [left, right]] = inputGradPadding(dy, xShape, [kh, kw], stride, pad);
    if (Math.min(top, bottom, left, right) >= 0) {
      return tf.conv2d(dilate(dy, stride), flipped, 1, [[0, 0], [top, bottom], [left, right], [0, 0]]); // [B, H, W, C]
    }
    return tf.conv2d(spreadForInputGrad(dy, xShape, [kh, kw], stride, pad), flipped, 1, 'valid'); // [B, H, W, C]
  });
}

/** dLoss/dKernel of tf.conv2d(x, kernel, stride, pad) given dy [B, OH, OW, O] -> [kh, kw, C, O]. */
export function conv2dKernelGradByConv(x: tf.Tensor4D, dy: tf.Tensor4D, kernelSize: [number, number], stride: number, pad: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = kernelSize;
    const xt = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D; // [C, H, W, B], padded by the convolution
    const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [OH, OW, B, O]
    const g = tf.conv2d(xt, dyt, 1, [[0, 0], [pad, pad], [pad, pad], [0, 0]], 'NHWC', stride); // [C, >= kh, >= kw, O]
    const [c, , , o] = g.shape;
    return tf.transpose(tf.slice(g, [0, 0, 0, 0], [c, kh, kw, o]), [1, 2, 0, 3]) as tf.Tensor4D; // [kh, kw, C, O]
  });
}

/** dLoss/dKernel of a depthwise convolution (multiplier 1) given dy [B, OH, OW, C] -> [kh, kw, C, 1]. */
export function depthwiseKernelGrad(x: tf.Tensor4D, dy: tf.Tensor4D, kernelSize: [number, number], stride: number, pad: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = kernelSize;
    const [b, h, w, c] = x.shape;
    const [, oh, ow] = dy.shape;
    // Every (image, channel) pair is one depthwise channel; sum the images afterwards.
    const xp = tf.transpose(padTo(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]]), [1, 2, 0, 3]); // [Hp, Wp, B, C]
    const xt = tf.reshape(xp, [1, h + 2 * pad, w + 2 * pad, b * c]) as tf.Tensor4D;
    const dyt = tf.reshape(tf.transpose(dy, [1, 2, 0, 3]), [oh, ow, b * c, 1]) as tf.Tensor4D; // [OH, OW, B·C, 1]
    const g = tf.depthwiseConv2d(xt, dyt, 1, 'valid', 'NHWC', stride); // [1, >= kh, >= kw, B·C]
    const taps = tf.slice(g, [0, 0, 0, 0], [1, kh, kw, b * c]);
    return tf.reshape(tf.sum(tf.reshape(taps, [kh, kw, b, c]), 2), [kh, kw, c, 1]); // [kh, kw, C, 1]
  });
}

/** dLoss/dx of a depthwise convolution (multiplier 1) -> [B, H, W, C]. */
export function depthwiseInputGrad(dy: tf.Tensor4D, kernel: tf.Tensor4D, xShape: readonly number[], stride: number, pad: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = kernel.shape;
    const flipped = tf.reverse(kernel, [0, 1]) as tf.Tensor4D; // [kh, kw, C, 1]
    return tf.depthwiseConv2d(spreadForInputGrad(dy, xShape, [kh, kw], stride, pad), flipped, 1, 'valid'); // [B, H, W, C]
  });
}

/**
 * tf.depthwiseConv2d(x, kernel, stride, pad) with multiplier 1 (kernel
 * [kh, kw, C, 1]), both gradients as forward depthwise convolutions.
 */
export function depthwiseConv2dByConv(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number, pad: number): tf.Tensor4D {
  const [kh, kw] = kernel.shape;
  const op = tf.customGrad((xIn, kIn, save) => {
    const [x4, k4] = [xIn as tf.Tensor4D, kIn as tf.Tensor4D];
    (save as tf.GradSaveFunc)([x4, k4]);
    return {
      value: tf.depthwiseConv2d(x4, k4, stride, pad),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, ks] = saved as [tf.Tensor4D, tf.Tensor4D];
        return [depthwiseInputGrad(dy, ks, xs.shape, stride, pad), depthwiseKernelGrad(xs, dy, [kh, kw], stride, pad)];
      },
    };
  });
  return op(x, kernel) as tf.Tensor4D;
}
