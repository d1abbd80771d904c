// Our kernels on TF.js 4.22's WebGL backend (issue 21), registered by
// installKernels (src/kernels/install.ts) as GLSL programs TF.js runs (one
// output each):
// - IM2COL: x's patches for the kernel gradient as a matrix product
//   (src/model/conv.ts conv2dKernelGradByIm2col): TF.js's
//   Conv2DDerFilterProgram gives each weight one fragment looping over the
//   whole batch (131,072 terms for ResNet-20's first stage at batch 128).
// - ReLU's gradient and the option-A shortcut both ways (fused.ts), one
//   program each instead of TF.js's chains.
// - Batch norm (batchnorm.ts): BN_KERNELS and BN_FUSED in 4 + 2 + 1 + 5
//   programs instead of TF.js's ~40.
// - OPTIMIZER_STEP (optimizer.ts): a program per slot and one per weight,
//   two per normed variable, and three for every layer's norms.
import * as tf from '@tensorflow/tfjs';
import type { MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { BN_FUSED, BN_KERNELS, IM2COL, OPTIMIZER_STEP, PAD_SHORTCUT, PAD_SHORTCUT_GRAD, RELU_GRAD, type Im2ColAttrs, type OptimizerStepAttrs, type ShortcutAttrs } from '../names';
import { optimizerStep } from './optimizer';
import { bnApply, bnGrad, bnMoments, bnRunning } from './batchnorm';

interface KernelArgs { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }
interface Program { variableNames: string[]; outputShape: number[]; userCode: string }

const run = (backend: tf.KernelBackend, program: Program, inputs: tf.TensorInfo[]) => (backend as unknown as MathBackendWebGL).runWebGLProgram(program, inputs, 'float32');

/** x [B, H, W, C] -> [chunks, kh·kw·C, rows]: column z·rows + r is output position m = (b, y, x), row k = (i, j, c) the tap, 0 in the padding. */
function im2col({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo;
  const [, h, w, c] = x.shape as [number, number, number, number];
  const { kernelHeight: kh, kernelWidth: kw, stride, pad, outHeight: oh, outWidth: ow, rows, chunks } = attrs as unknown as Im2ColAttrs;
  return run(backend, {
    variableNames: ['x'],
    outputShape: [chunks, kh * kw * c, rows],
    userCode: `
      void main() {
        ivec3 coords = getOutputCoords();
        int k = coords.y;
        int m = coords.x * ${rows} + coords.z;
        int ch = imod(k, ${c});
        int ij = k / ${c};
        int ox = imod(m, ${ow});
        int by = m / ${ow};
        int y = imod(by, ${oh}) * ${stride} + ij / ${kw} - ${pad};
        int xx = ox * ${stride} + imod(ij, ${kw}) - ${pad};
        float v = 0.0;
        if (y >= 0 && y < ${h} && xx >= 0 && xx < ${w}) { v = getX(by / ${oh}, y, xx, ch); }
        setOutput(v);
      }`,
  }, [x]);
}

function reluGrad({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const dy = inputs.dy as tf.TensorInfo;
  return run(backend, { variableNames: ['dy', 'y'], outputShape: [...dy.shape], userCode: 'void main() { setOutput(getYAtOutCoords() > 0.0 ? getDyAtOutCoords() : 0.0); }' }, [dy, inputs.y as tf.TensorInfo]);
}

function shortcut(grad: boolean) {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo => {
    const { inHeight: h, inWidth: w, channels: c, stride, before, filters } = attrs as unknown as ShortcutAttrs;
    const input = (grad ? inputs.dy : inputs.x) as tf.TensorInfo;
    const b = input.shape[0] as number;
    const [oh, ow] = [Math.ceil(h / stride), Math.ceil(w / stride)];
    const userCode = grad
      ? `void main() {
          ivec4 p = getOutputCoords();
          bool on = imod(p.y, ${stride}) == 0 && imod(p.z, ${stride}) == 0;
          setOutput(on ? getSrc(p.x, p.y / ${stride}, p.z / ${stride}, p.w + ${before}) : 0.0);
        }`
      : `void main() {
          ivec4 p = getOutputCoords();
          bool on = p.w >= ${before} && p.w < ${before + c};
          setOutput(on ? getSrc(p.x, p.y * ${stride}, p.z * ${stride}, p.w - ${before}) : 0.0);
        }`;
    return run(backend, { variableNames: ['src'], outputShape: grad ? [b, h, w, c] : [b, oh, ow, filters], userCode }, [input]);
  };
}

type Inputs = Record<string, tf.TensorInfo>;
const epsilonOf = (attrs: tf.NamedAttrMap) => attrs.epsilon as number;

const KERNELS: readonly (readonly [string, (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]])[] = [
  [BN_KERNELS.moments, ({ inputs, backend }) => bnMoments(backend, (inputs as Inputs).x!)],
  [BN_FUSED.momentsRunning, ({ inputs, backend, attrs }) => {
    const { x, runMean, runVar } = inputs as Inputs;
    const [mean, variance] = bnMoments(backend, x!);
    return [mean, variance, ...bnRunning(backend, x!, mean, variance, runMean!, runVar!, attrs.momentum as number)];
  }],
  ...([false, true] as const).flatMap((relu) => [
    [relu ? BN_FUSED.applyRelu : BN_KERNELS.apply, ({ inputs, backend, attrs }: KernelArgs) => {
      const { x, mean, variance, gamma, beta } = inputs as Inputs;
      return bnApply(backend, x!, mean!, variance!, gamma!, beta!, epsilonOf(attrs), relu);
    }] as const,
    [relu ? BN_FUSED.gradRelu : BN_KERNELS.grad, ({ inputs, backend, attrs }: KernelArgs) => {
      const { dy, x, mean, variance, gamma, y } = inputs as Inputs;
      return bnGrad(backend, dy!, x!, mean!, variance!, gamma!, epsilonOf(attrs), relu ? y! : null);
    }] as const,
  ]),
  [IM2COL, im2col],
  [OPTIMIZER_STEP, ({ inputs, backend, attrs }) => optimizerStep(inputs, backend, attrs as unknown as OptimizerStepAttrs)],
  [RELU_GRAD, reluGrad],
  [PAD_SHORTCUT, shortcut(false)],
  [PAD_SHORTCUT_GRAD, shortcut(true)],
];

export function registerWebGlKernels(): void {
  for (const [kernelName, kernelFunc] of KERNELS) {
    if (tf.getKernel(kernelName, 'webgl')) tf.unregisterKernel(kernelName, 'webgl');
    tf.registerKernel({ kernelName, backendName: 'webgl', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}
