// Layers whose gradients TF.js writes as chains of kernels, as one kernel of
// our own where the backend registers it (src/kernels/wasm/kernels.ts: kernels.c on the
// WASM heap), else as TF.js's ops: ReLU's gradient is Step, Cast and
// Multiply, three passes over every activation; the option-A shortcut's is a
// channel Slice and an AvgPoolGrad. One pass each instead (figures:
// bench/LOG.md, 2026-11-29).
import * as tf from '@tensorflow/tfjs';
import { ourKernelRuns } from '../kernels/install';
import { PAD_SHORTCUT, PAD_SHORTCUT_GRAD, RELU_GRAD, type ShortcutAttrs } from '../kernels/names';

/** max(x, 0), its gradient one RELU_GRAD kernel where registered. */
export function relu<T extends tf.Tensor>(x: T): T {
  if (!ourKernelRuns(RELU_GRAD)) return tf.relu(x);
  const op = tf.customGrad((xIn, save) => {
    const y = tf.relu(xIn as tf.Tensor);
    (save as tf.GradSaveFunc)([y]);
    return { value: y, gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.engine().runKernel(RELU_GRAD, { dy, y: saved as tf.Tensor }) as tf.Tensor };
  });
  return op(x) as T;
}

/** Option A (He et al. 2015, §4.2): subsample by striding, zero-pad the new channels half before, half after. */
export function padShortcut(x: tf.Tensor4D, stride: number, filters: number): tf.Tensor4D {
  const [, h, w, c] = x.shape;
  const extra = filters - c;
  const before = Math.floor(extra / 2);
  if (stride === 1 && extra === 0) return x;
  if (ourKernelRuns(PAD_SHORTCUT)) {
    const attrs = { inHeight: h, inWidth: w, channels: c, stride, before, filters } satisfies ShortcutAttrs as unknown as tf.NamedAttrMap;
    const op = tf.customGrad((xIn) => ({
      value: tf.engine().runKernel(PAD_SHORTCUT, { x: xIn as tf.Tensor }, attrs) as tf.Tensor4D, // [B, H/s, W/s, filters]
      gradFunc: (dy: tf.Tensor) => tf.engine().runKernel(PAD_SHORTCUT_GRAD, { dy }, attrs) as tf.Tensor4D, // [B, H, W, C]
    }));
    return op(x) as tf.Tensor4D;
  }
  // A 1×1 average pool with stride s is exactly x[:, ::s, ::s, :], and unlike
  // tf.stridedSlice it has a gradient in TF.js 4.22.
  const sub = stride === 1 ? x : tf.avgPool(x, 1, stride, 'valid'); // [B, H/s, W/s, C]
  if (extra === 0) return sub;
  return tf.pad(sub, [[0, 0], [0, 0], [0, 0], [before, extra - before]]); // [B, H/s, W/s, filters]
}
