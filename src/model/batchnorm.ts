// Batch norm in training mode with its gradient written out (Ioffe & Szegedy
// 2015, §3), for the WASM backend, where TF.js's own batchNorm gradient tiles
// the per-channel scale to the whole activation with a scalar Tile kernel
// (the largest cost of a WASM step without this; bench/LOG.md) and
// tf.moments reduces over the batch axes through a transpose. Where the backend has our BN kernels (src/kernels/wasm/kernels.ts:
// loops over the heap, bn-loops.ts) each part is one kernel of one or two
// passes; elsewhere the same formulas as tf ops, every per-channel sum one
// [1, N] x [N, C] product.
import * as tf from '@tensorflow/tfjs';
import { BN_FUSED, BN_KERNELS } from '../kernels/names';
import { kernelOptions } from '../kernels/options';

/** 'auto': on WASM, and on WebGPU and WebGL where our kernels run (src/kernels/webgpu/, webgl/batchnorm.ts). */
export function useFusedBatchNorm(): boolean {
  const { fusedBatchNorm } = kernelOptions(); // true = this formulation, false = tf.moments + tf.batchNorm
  const backend = tf.getBackend();
  return fusedBatchNorm === 'auto' ? backend === 'wasm' || ((backend === 'webgpu' || backend === 'webgl') && hasBnKernels()) : fusedBatchNorm;
}

/** Whether the current backend registered `kernel` (BN_KERNELS by default) and may run it: the GPU backends' only with the gpu option. */
function hasBnKernels(kernel: string = BN_KERNELS.grad): boolean {
  const backend = tf.getBackend();
  if (tf.getKernel(kernel, backend) === undefined) return false;
  return (backend !== 'webgpu' && backend !== 'webgl') || kernelOptions().gpu;
}

/** Whether batchNormTrain can take the ReLU after it into its kernels (relu = true). */
export function fusesBnRelu(): boolean {
  return hasBnKernels(BN_FUSED.gradRelu);
}

/**
 * The batch's mean and biased variance, and the running statistics updated
 * in the same kernel where the backend has one (BN_FUSED.momentsRunning):
 * -> null where it has not.
 */
export function momentsAndRunning(x: tf.Tensor4D, runMean: tf.Tensor1D, runVar: tf.Tensor1D, momentum: number): [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D] | null {
  if (!hasBnKernels(BN_FUSED.momentsRunning)) return null;
  return tf.engine().runKernel(BN_FUSED.momentsRunning, { x, runMean, runVar }, { momentum }) as unknown as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
}

/** Sum over every axis but the last: t [..., C] -> [C], as ones [1, N] · t [N, C]. */
function channelSum(t: tf.Tensor, c: number): tf.Tensor1D {
  const n = t.size / c;
  return tf.reshape(tf.matMul(tf.ones([1, n]), tf.reshape(t, [n, c]) as tf.Tensor2D), [c]);
}

/** Batch mean and biased variance per channel of x [B, H, W, C], two-pass. */
export function channelMoments(x: tf.Tensor4D): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  if (hasBnKernels()) {
    const [mean, variance] = tf.engine().runKernel(BN_KERNELS.moments, { x }) as unknown as [tf.Tensor1D, tf.Tensor1D];
    return { mean, variance };
  }
  const c = x.shape[3];
  const n = x.size / c;
  const mean = tf.div(channelSum(x, c), n) as tf.Tensor1D; // [C]
  const variance = tf.div(channelSum(tf.square(tf.sub(x, mean)), c), n) as tf.Tensor1D; // [C]
  return { mean, variance };
}

/**
 * y = (x - mean) / sqrt(variance + eps) · gamma + beta with the batch's mean
 * and variance (from channelMoments of the same x), and its gradient as one
 * expression: with x̂ the normalized x and N = B·H·W,
 * dβ = Σ dy, dγ = Σ dy·x̂, dx = γ/σ · (dy − dβ/N − x̂·dγ/N).
 * The statistics enter as constants: the formula already carries their gradient.
 */
export function batchNormTrain(x: tf.Tensor4D, mean: tf.Tensor1D, variance: tf.Tensor1D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, relu = false): tf.Tensor4D {
  if (relu) {
    if (!fusesBnRelu()) throw new Error('batchNormTrain: this backend has no batch norm + ReLU kernels (check fusesBnRelu first)');
    return batchNormByKernels(x, mean, variance, gamma, beta, epsilon, true);
  }
  if (hasBnKernels()) return batchNormByKernels(x, mean, variance, gamma, beta, epsilon);
  const c = x.shape[3];
  const n = x.size / c;
  const op = tf.customGrad((xIn, gIn, bIn, save) => {
    const invStd = tf.rsqrt(tf.add(variance, epsilon)); // [C]
    const xhat = tf.mul(tf.sub(xIn as tf.Tensor4D, mean), invStd); // [B, H, W, C]
    (save as tf.GradSaveFunc)([xhat, invStd, gIn as tf.Tensor]);
    return {
      value: tf.add(tf.mul(xhat, gIn as tf.Tensor), bIn as tf.Tensor),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, inv, g] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
        const dBeta = channelSum(dy, c); // [C]
        const dGamma = channelSum(tf.mul(dy, xh), c); // [C]
        const centered = tf.sub(tf.sub(dy, tf.div(dBeta, n)), tf.mul(xh, tf.div(dGamma, n))); // [B, H, W, C]
        return [tf.mul(centered, tf.mul(g, inv)), dGamma, dBeta];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}

/**
 * batchNormTrain as one kernel forward and one backward; saves x (not x̂: the
 * same size) and the statistics, and with `relu` the output, whose sign
 * masks the gradient.
 */
function batchNormByKernels(x: tf.Tensor4D, mean: tf.Tensor1D, variance: tf.Tensor1D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, relu = false): tf.Tensor4D {
  const op = tf.customGrad((xIn, gIn, bIn, save) => {
    const y = tf.engine().runKernel(relu ? BN_FUSED.applyRelu : BN_KERNELS.apply, { x: xIn as tf.Tensor, mean, variance, gamma: gIn as tf.Tensor, beta: bIn as tf.Tensor }, { epsilon }) as tf.Tensor4D;
    (save as tf.GradSaveFunc)([xIn as tf.Tensor, gIn as tf.Tensor, mean, variance, ...(relu ? [y] : [])]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, g, m, v, ys] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor4D | undefined];
        const inputs = { dy, x: xs, mean: m, variance: v, gamma: g, ...(ys ? { y: ys } : {}) };
        return tf.engine().runKernel(relu ? BN_FUSED.gradRelu : BN_KERNELS.grad, inputs, { epsilon }) as unknown as tf.Tensor[];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}
