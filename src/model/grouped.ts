// Grouped and depthwise convolution for TF.js, which has no `groups`
// argument. The kernel is stored as torch stores it, per group:
// [k, k, C / G, O], output channel o reading input channels of group
// floor(o / (O / G)). Every tensor stays rank <= 4, as the GPU backends need.
import * as tf from '@tensorflow/tfjs';
import { kernelOptions, type GroupedMode } from '../kernels/options';
import { conv2d } from './conv';
import { depthwiseConv2dByConv } from './convgrad';

/**
 * The formulations (the `grouped` kernel option, src/kernels/options.ts):
 * - 'split': per group, slice the channels, conv2d, concatenate: G
 *   convolutions (each with conv.ts's kernel gradient), no large intermediate.
 * - 'depthwise': one tf.depthwiseConv2d with channel multiplier O / G over a
 *   regrouped kernel, then a sum over each group's C / G inputs: exactly the
 *   grouped MACs, but an intermediate (C / G)× the output.
 * - 'im2col': patches from a one-hot depthwise convolution, then one batched
 *   matMul over the groups: few dispatches, an intermediate k²× the input.
 * - 'auto' (default): by the figures of `npm run bench:grouped` (ResNeXt-50
 *   32×4d's four grouped 3×3 convolutions at 32×32 input, batch 8, forward
 *   and backward; bench/README.md): 'split' is fastest wherever the output
 *   has more than 256 positions (B · OH · OW), on TF.js cpu and on WebGL and
 *   WebGPU in Chromium (SwiftShader); below that, the G dispatches cost more
 *   than the work and 'im2col' wins, except on WebGL. 'depthwise' is the
 *   slowest everywhere. A hardware GPU is not measured. WASM always takes
 *   'split': it has no depthwise gradient kernels, and 'split' runs on
 *   conv.ts's convolution-only gradients.
 */

/** Output positions (B · OH · OW) at or below which 'auto' takes 'im2col' off WebGL. */
export const IM2COL_MAX_POSITIONS = 256;

function resolveMode(x: tf.Tensor4D, stride: number): GroupedMode {
  const { grouped } = kernelOptions();
  if (grouped !== 'auto') return grouped;
  const [b, h, w] = x.shape;
  const positions = b * Math.ceil(h / stride) * Math.ceil(w / stride);
  const backend = tf.getBackend();
  if (backend === 'wasm') return 'split';
  return positions <= IM2COL_MAX_POSITIONS && backend !== 'webgl' ? 'im2col' : 'split';
}

/**
 * x [B, H, W, C], kernel [k, k, C / G, O] -> [B, OH, OW, O], torch-style
 * symmetric zero padding `pad`, as torch.nn.Conv2d(C, O, k, stride, pad, groups=G).
 * inputGrad: false where x is the data (conv2d's).
 */
export function groupedConv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, groups: number, stride: number, pad: number, inputGrad = true): tf.Tensor4D {
  const [kh, kw, gIn, o] = kernel.shape;
  if (groups === 1) return conv2d(x, kernel, stride, pad, inputGrad);
  if (gIn === 1 && o === groups) {
    // Depthwise: [k, k, 1, C] and [k, k, C, 1] hold the same values in the same order.
    // WASM has no depthwise gradient kernels: there the gradients are depthwise convolutions too.
    const { depthwiseByConv } = kernelOptions();
    const dw = depthwiseByConv === 'auto' ? tf.getBackend() === 'wasm' : depthwiseByConv;
    return (dw ? depthwiseConv2dByConv : tf.depthwiseConv2d)(x, tf.reshape(kernel, [kh, kw, o, 1]), stride, pad); // [B, OH, OW, C]
  }
  switch (resolveMode(x, stride)) {
    case 'split':
      return splitGrouped(x, kernel, groups, stride, pad);
    case 'depthwise':
      return depthwiseGrouped(x, kernel, groups, stride, pad);
    case 'im2col':
      return im2colGrouped(x, kernel, groups, stride, pad);
  }
}

function splitGrouped(x: tf.Tensor4D, kernel: tf.Tensor4D, groups: number, stride: number, pad: number): tf.Tensor4D {
  const xs = tf.split(x, groups, 3); // G × [B, H, W, C / G]
  const ks = tf.split(kernel, groups, 3); // G × [k, k, C / G, O / G]
  return tf.concat(xs.map((xi, g) => conv2d(xi as tf.Tensor4D, ks[g] as tf.Tensor4D, stride, pad)), 3) as tf.Tensor4D; // [B, OH, OW, O]
}

/**
 * Output channel g · oG + m sums, over j < gIn, the depthwise product of
 * input channel g · gIn + j with filter (j, g · oG + m). With multiplier oG,
 * tf.depthwiseConv2d writes input channel c's m-th product to channel c · oG + m,
 * so regroup the kernel to [k, k, C, oG] with row g · gIn + j, then sum the
 * gIn products of each output.
 */
function depthwiseGrouped(x: tf.Tensor4D, kernel: tf.Tensor4D, groups: number, stride: number, pad: number): tf.Tensor4D {
  const [kh, kw, gIn, o] = kernel.shape;
  const oG = o / groups;
  const c = gIn * groups;
  const k = tf.reshape(kernel, [kh * kw, gIn, groups, oG]); // [k·k, gIn, G, oG]
  const regrouped = tf.reshape<tf.Rank.R4>(tf.transpose(k, [0, 2, 1, 3]), [kh, kw, c, oG]); // [k, k, C, oG], row g · gIn + j
  const z = tf.depthwiseConv2d(x, regrouped, stride, pad); // [B, OH, OW, C · oG]
  const [b, oh, ow] = z.shape;
  const perGroup = tf.reshape(z, [b * oh * ow, groups, gIn, oG]); // [B·OH·OW, G, gIn, oG]
  return tf.reshape(tf.sum(perGroup, 2), [b, oh, ow, o]); // [B, OH, OW, O]
}

/**
 * Patches, then one batched matrix product over the groups. The patches come
 * from a depthwise convolution with a constant one-hot filter (TF.js has no
 * im2col op): channel c · k² + (i · k + j) holds input channel c at kernel
 * offset (i, j). Each group's [N, gIn · k²] patch rows times its
 * [gIn · k², oG] kernel gives its outputs; k²× the input as intermediate.
 */
function im2colGrouped(x: tf.Tensor4D, kernel: tf.Tensor4D, groups: number, stride: number, pad: number): tf.Tensor4D {
  const [kh, kw, gIn, o] = kernel.shape;
  const oG = o / groups;
  const kk = kh * kw;
  const c = gIn * groups;
  const patches = tf.depthwiseConv2d(x, oneHotPatchFilter(kh, kw, c), stride, pad); // [B, OH, OW, C · k²]
  const [b, oh, ow] = patches.shape;
  const n = b * oh * ow;
  const rows = tf.transpose(tf.reshape(patches, [n, groups, gIn * kk]), [1, 0, 2]); // [G, N, gIn · k²]
  const w = tf.reshape(kernel, [kk, gIn, groups, oG]); // [k², gIn, G, oG]
  const wg = tf.reshape(tf.transpose(w, [2, 1, 0, 3]), [groups, gIn * kk, oG]); // [G, gIn · k², oG], row j · k² + q
  const y = tf.matMul(rows, wg); // [G, N, oG]
  return tf.reshape(tf.transpose(y, [1, 0, 2]), [b, oh, ow, o]); // [B, OH, OW, O]
}

/** [k, k, C, k²]: filter (i, j, c, q) = 1 where q = i · k + j. A constant: no gradient flows into it. */
function oneHotPatchFilter(kh: number, kw: number, c: number): tf.Tensor4D {
  const kk = kh * kw;
  const values = new Float32Array(kk * c * kk);
  for (let q = 0; q < kk; q++) for (let ch = 0; ch < c; ch++) values[(q * c + ch) * kk + q] = 1;
  return tf.tensor4d(values, [kh, kw, c, kk]);
}
