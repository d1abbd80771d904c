// Grouped and depthwise convolution for TF.js, which has no `groups`
// argument. The kernel is stored as torch stores it, per group:
// [k, k, C / G, O], output channel o reading input channels of group
// floor(o / (O / G)). Every tensor stays rank <= 4, as the GPU backends need.
import * as tf from '@tensorflow/tfjs';
import { conv2d } from './conv';
import { depthwiseConv2dByConv } from './convgrad';

/**
 * Which formulation to use:
 * - 'split': per group, slice the channels, conv2d, concatenate: G dispatches
 *   (each with conv.ts's fast kernel gradient), no large intermediate.
 * - 'depthwise': one tf.depthwiseConv2d with channel multiplier O / G over a
 *   regrouped kernel, then a sum over each group's C / G inputs. One dispatch
 *   and exactly the grouped MACs, at the price of an intermediate C · O / G
 *   channels wide ((C / G)× the output).
 * - 'auto' (default): 'split' on the CPU backend, where it measured 3-13×
 *   faster for a forward and backward pass (its depthwise kernels are
 *   per-element loops; an im2col + batched matMul formulation was slower
 *   still); 'depthwise' on the GPU backends, where one dispatch should beat
 *   G of them. The GPU choice is not measured yet. WASM also takes 'split':
 *   it has no depthwise gradient kernels, and 'split' runs on conv.ts's
 *   convolution-only gradients.
 */
export const groupedImpl: { mode: 'auto' | 'split' | 'depthwise' } = { mode: 'auto' };

/** Depthwise (multiplier 1) gradients as forward depthwise convolutions: 'auto' = on WASM only. */
export const depthwiseImpl: { byConv: boolean | 'auto' } = { byConv: 'auto' };

function resolveMode(): 'split' | 'depthwise' {
  if (groupedImpl.mode !== 'auto') return groupedImpl.mode;
  const backend = tf.getBackend();
  return backend === 'cpu' || backend === 'wasm' ? 'split' : 'depthwise';
}

/**
 * x [B, H, W, C], kernel [k, k, C / G, O] -> [B, OH, OW, O], torch-style
 * symmetric zero padding `pad`, as torch.nn.Conv2d(C, O, k, stride, pad, groups=G).
 */
export function groupedConv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, groups: number, stride: number, pad: number): tf.Tensor4D {
  const [kh, kw, gIn, o] = kernel.shape;
  if (groups === 1) return conv2d(x, kernel, stride, pad);
  if (gIn === 1 && o === groups) {
    // Depthwise: [k, k, 1, C] and [k, k, C, 1] hold the same values in the same order.
    // WASM has no depthwise gradient kernels: there the gradients are depthwise convolutions too.
    const dw = depthwiseImpl.byConv === 'auto' ? tf.getBackend() === 'wasm' : depthwiseImpl.byConv;
    return (dw ? depthwiseConv2dByConv : tf.depthwiseConv2d)(x, tf.reshape(kernel, [kh, kw, o, 1]), stride, pad); // [B, OH, OW, C]
  }
  switch (resolveMode()) {
    case 'split':
      return splitGrouped(x, kernel, groups, stride, pad);
    case 'depthwise':
      return depthwiseGrouped(x, kernel, groups, stride, pad);
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
