// Our GPU kernels' convolution gradients against the CPU backend, in the
// browser (WebGPU and WebGL on SwiftShader): TF.js runs in this page itself,
// a test page, not the app (whose page never imports TF.js).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { installKernels } from '../../src/kernels/install';
import { CONV_INPUT_GRAD, CONV_KERNEL_GRAD } from '../../src/kernels/names';
import { conv2dKernelGradByIm2col } from '../../src/model/conv';
import type { ConvCase } from '../../src/testing/conv-cases';
import { maxRelative, seededValues } from '../../src/testing/numeric';

/** Per case: the largest difference over the largest value, per gradient and way of computing it. */
export type ConvErrors = Record<string, number>[];

declare global {
  interface Window {
    checkConv(backend: 'webgpu' | 'webgl', cases: ConvCase[]): Promise<ConvErrors>;
    kernelsReady: boolean;
  }
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

async function read(make: () => tf.Tensor[]): Promise<Float32Array[]> {
  const ts = tf.tidy(make);
  const out = await Promise.all(ts.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(ts);
  return out;
}

window.checkConv = async (backend, cases) => {
  const errors: ConvErrors = [];
  for (const { x: xs, k: ks, stride, pad } of cases) {
    const oh = Math.floor((xs[1]! + 2 * pad - ks[0]!) / stride) + 1;
    const ow = Math.floor((xs[2]! + 2 * pad - ks[1]!) / stride) + 1;
    const dys = [xs[0]!, oh, ow, ks[3]!];
    const [x, k, dy] = [seededValues(size(xs), 1), seededValues(size(ks), 2), seededValues(size(dys), 3)];
    const tensors = () => [tf.tensor4d(x, xs as never), tf.tensor4d(k, ks as never), tf.tensor4d(dy, dys as never)] as const;
    installKernels('cpu');
    await tf.setBackend('cpu');
    const cpu = await read(() => {
      const [xt, kt, dyt] = tensors();
      const [dx, dk] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), dyt)))([xt, kt]);
      return [dk as tf.Tensor, dx as tf.Tensor];
    });
    installKernels(backend);
    if (!(await tf.setBackend(backend))) throw new Error(`${backend} did not start`);
    const ours = await read(() => {
      const [xt, kt, dyt] = tensors();
      const kernelAttrs = { kernelHeight: ks[0]!, kernelWidth: ks[1]!, stride, padTop: pad, padLeft: pad };
      const dk = backend === 'webgpu' ? (tf.engine().runKernel(CONV_KERNEL_GRAD, { x: xt, dy: dyt }, kernelAttrs) as tf.Tensor) : conv2dKernelGradByIm2col(xt, dyt, [ks[0]!, ks[1]!], stride, pad);
      // The input gradient the engine runs there: TF.js's (WebGPU's MM program; WebGL's), and on WebGPU ours too.
      const dx = tf.conv2dTranspose(dyt, kt, xt.shape, stride, pad);
      const oursDx = backend === 'webgpu' ? [tf.engine().runKernel(CONV_INPUT_GRAD, { dy: dyt, filter: kt }, { inHeight: xs[1]!, inWidth: xs[2]!, stride, padTop: pad, padLeft: pad }) as tf.Tensor] : [];
      return [dk, dx, ...oursDx];
    });
    errors.push({ kernelGrad: maxRelative(ours[0]!, cpu[0]!), inputGrad: maxRelative(ours[1]!, cpu[1]!), ...(ours[2] ? { oursInputGrad: maxRelative(ours[2], cpu[1]!) } : {}) });
  }
  return errors;
};
window.kernelsReady = true;
