// Our kernels on TF.js 4.22's webgpu backend (issue 21), registered by
// installKernels (src/kernels/install.ts), written in WGSL and dispatched
// into TF.js's own command stream (run.ts):
// - OPTIMIZER_STEP (optimizer.ts): every variable's update in one dispatch
//   each, and every layer's gradient, weight and update norms in one more.
// - Batch norm (batchnorm.ts): BN_KERNELS and BN_FUSED, the statistics with
//   the running ones, the normalization with its ReLU, and their gradient.
// - Both convolution gradients (conv.ts: CONV_KERNEL_GRAD, CONV_INPUT_GRAD)
//   as tiled implicit GEMMs, the kernel gradient split over its long sum.
// - ReLU's gradient and the option-A shortcut both ways (elementwise.ts).
import * as tf from '@tensorflow/tfjs';
import { BN_FUSED, BN_KERNELS, CONV_INPUT_GRAD, CONV_KERNEL_GRAD, OPTIMIZER_STEP, PAD_SHORTCUT, PAD_SHORTCUT_GRAD, RELU_GRAD, type ConvInputGradAttrs, type ConvKernelGradAttrs, type OptimizerStepAttrs, type ShortcutAttrs } from '../names';
import { reluGrad, shortcut } from './elementwise';
import { convInputGrad, convKernelGrad } from './conv';
import { bnApply, bnGrad, bnMoments } from './batchnorm';
import { optimizerStep } from './optimizer';
import { dispose, makeTensorWith } from './run';

interface KernelArgs { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }

type Inputs = Record<string, tf.TensorInfo>;
const epsilonOf = (attrs: tf.NamedAttrMap) => attrs.epsilon as number;

/** The plain moments: the combine step reads running statistics of zeros, and its two extra outputs are dropped. */
function noRunning(backend: tf.KernelBackend, x: tf.TensorInfo): tf.TensorInfo[] {
  const c = x.shape[x.shape.length - 1] as number;
  const zeros = makeTensorWith(backend, [c], 'float32', new Float32Array(c));
  const [mean, variance, a, b] = bnMoments(backend, x, zeros, zeros, 0) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
  for (const t of [a, b, zeros]) dispose(backend, t);
  return [mean, variance];
}

type Kernel = readonly [string, (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]];
const KERNELS: readonly Kernel[] = [
  [BN_KERNELS.moments, ({ inputs, backend }) => noRunning(backend, (inputs as Inputs).x as tf.TensorInfo)],
  [BN_FUSED.momentsRunning, ({ inputs, backend, attrs }) => {
    const { x, runMean, runVar } = inputs as Inputs;
    return bnMoments(backend, x as tf.TensorInfo, runMean as tf.TensorInfo, runVar as tf.TensorInfo, attrs.momentum as number);
  }],
  ...([false, true] as const).flatMap((relu) => [
    [relu ? BN_FUSED.applyRelu : BN_KERNELS.apply, ({ inputs, backend, attrs }: KernelArgs) => {
      const { x, mean, variance, gamma, beta } = inputs as Inputs;
      return bnApply(backend, x!, mean!, variance!, gamma!, beta!, epsilonOf(attrs), relu);
    }],
    [relu ? BN_FUSED.gradRelu : BN_KERNELS.grad, ({ inputs, backend, attrs }: KernelArgs) => {
      const { dy, x, mean, variance, gamma, y } = inputs as Inputs;
      return bnGrad(backend, dy!, x!, mean!, variance!, gamma!, epsilonOf(attrs), relu ? y! : null);
    }],
  ] satisfies Kernel[]),
  [CONV_KERNEL_GRAD, ({ inputs, backend, attrs }) => convKernelGrad(backend, (inputs as Inputs).x!, (inputs as Inputs).dy!, attrs as unknown as ConvKernelGradAttrs)],
  [CONV_INPUT_GRAD, ({ inputs, backend, attrs }) => convInputGrad(backend, (inputs as Inputs).dy!, (inputs as Inputs).filter!, attrs as unknown as ConvInputGradAttrs)],
  [RELU_GRAD, ({ inputs, backend }) => reluGrad(backend, (inputs as Inputs).dy!, (inputs as Inputs).y!)],
  [PAD_SHORTCUT, ({ inputs, backend, attrs }) => shortcut(backend, (inputs as Inputs).x!, attrs as unknown as ShortcutAttrs, false)],
  [PAD_SHORTCUT_GRAD, ({ inputs, backend, attrs }) => shortcut(backend, (inputs as Inputs).dy!, attrs as unknown as ShortcutAttrs, true)],
  [OPTIMIZER_STEP, ({ inputs, backend, attrs }) => optimizerStep(inputs, backend, attrs as unknown as OptimizerStepAttrs)],
];

export function registerWebGpuKernels(): void {
  for (const [kernelName, kernelFunc] of KERNELS) {
    if (tf.getKernel(kernelName, 'webgpu')) tf.unregisterKernel(kernelName, 'webgpu');
    tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}
