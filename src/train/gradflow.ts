// Gradient norms of one forward and backward pass, without an update: what
// the oracle test compares with PyTorch (src/train/gradflow.test.ts). tfjs.
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../model/build';

/**
 * The L2 norm of the gradient of the mean softmax cross-entropy on one batch
 * with respect to each kernel named in `names` (default: every kernel, in
 * summary.kernelNames order), BN in training mode (batch statistics, as
 * torch's net.train()). No optimizer: the weights are untouched. Naming only
 * a few kernels skips the other kernels' gradients (the backward pass still
 * runs through every layer), which is what makes ResNet-110 affordable on
 * the CPU. x [B, H, W, C], y one-hot [B, classes].
 */
export function initGradNorms(model: Model, x: tf.Tensor4D, y: tf.Tensor2D, names: readonly string[] = model.summary.kernelNames): number[] {
  const index = new Map(model.summary.kernelNames.map((n, i) => [n, i]));
  const vars = names.map((n) => {
    const i = index.get(n);
    if (i === undefined) throw new Error(`no kernel named ${n}`);
    return model.kernels[i] as tf.Variable;
  });
  const packed = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.forward(x, true)) as tf.Scalar, vars);
    return tf.stack(vars.map((k) => tf.norm(grads[k.name] as tf.Tensor)));
  });
  const values = Array.from(packed.dataSync());
  packed.dispose();
  return values;
}
