// The names and attributes of our own kernels: the contract between the
// layers that call them (src/model/) and the backends that register them
// (src/kernels/<backend>/). A layer calls one only where ourKernelRuns says
// the current backend can run it, and TF.js's ops otherwise. Pure TS: no tfjs.
import type { OptimizerName } from '../config/types';

/** Batch norm in training mode as three kernels (moments, apply, gradient); src/model/batchnorm.ts runs them where registered (WASM: kernels.c, or bn-loops.ts where the channels are not in fours). */
export const BN_KERNELS = { moments: 'PlaygroundBatchNormMoments', apply: 'PlaygroundBatchNormApply', grad: 'PlaygroundBatchNormGrad' } as const;

/**
 * Batch norm's parts that a backend may fuse further (src/kernels/webgpu/, webgl/batchnorm.ts):
 * momentsRunning: inputs x, runMean, runVar, attr momentum -> [mean, variance,
 * runMean', runVar'] (torch's update, with the unbiased variance);
 * applyRelu: BN_KERNELS.apply then max(·, 0); gradRelu: BN_KERNELS.grad's
 * inputs and y (applyRelu's output), dy taken as 0 where y ≤ 0.
 */
export const BN_FUSED = { momentsRunning: 'PlaygroundBatchNormMomentsRunning', applyRelu: 'PlaygroundBatchNormReluApply', gradRelu: 'PlaygroundBatchNormReluGrad' } as const;

/**
 * The kernel gradient as one kernel of our own, where a backend registers it
 * (src/kernels/wasm/kernels.ts: SIMD128 over NHWC x and dy, src/kernels/wasm/kernels.c):
 * inputs x [B, H, W, C] and dy [B, OH, OW, O], attrs ConvKernelGradAttrs ->
 * [kh, kw, C, O].
 */
export const CONV_KERNEL_GRAD = 'PlaygroundConv2DKernelGrad';

export interface ConvKernelGradAttrs {
  kernelHeight: number;
  kernelWidth: number;
  stride: number;
  padTop: number;
  padLeft: number;
}

/**
 * The input gradient as one kernel of our own, where a backend registers it
 * (SIMD over dy directly, no dilation by the stride): inputs dy
 * [B, OH, OW, O] and the kernel [kh, kw, C, O], attrs ConvInputGradAttrs ->
 * [B, H, W, C].
 */
export const CONV_INPUT_GRAD = 'PlaygroundConv2DInputGrad';

export interface ConvInputGradAttrs {
  inHeight: number;
  inWidth: number;
  stride: number;
  padTop: number;
  padLeft: number;
}

/** Inputs dy and y (ReLU's output), same shape -> dx = dy where y > 0, else 0. */
export const RELU_GRAD = 'PlaygroundReluGrad';

/** Input x [B, H, W, C], attrs ShortcutAttrs -> y [B, ⌈H/s⌉, ⌈W/s⌉, filters]. */
export const PAD_SHORTCUT = 'PlaygroundPadShortcut';
/** Input dy [B, ⌈H/s⌉, ⌈W/s⌉, filters], attrs ShortcutAttrs -> dx [B, H, W, C]. */
export const PAD_SHORTCUT_GRAD = 'PlaygroundPadShortcutGrad';

export interface ShortcutAttrs {
  inHeight: number;
  inWidth: number;
  channels: number;
  stride: number;
  /** Zero channels before x's. */
  before: number;
  filters: number;
}

/**
 * One optimizer step over many variables, with their norms (src/train/optim.ts
 * stepFused), where a backend registers it (WebGPU: one dispatch per variable
 * and one for every norm; WebGL: a program per value written). Inputs, per entry i: `v{i}` the variable, and
 * where it is updated `g{i}` its gradient and its slots `a{i}` (momentum
 * buffer; Adam's first moment) and `b{i}` (Adam's second moment). Outputs:
 * per updated entry the new variable then its new slots, in entry order; then,
 * where `norms` > 0, one [3·norms] tensor: the gradient, weight and update
 * norms (update = new − old) of the entries with a norm index, in that index order.
 */
export const OPTIMIZER_STEP = 'PlaygroundOptimizerStep';

export interface OptimizerStepAttrs {
  optimizer: OptimizerName;
  /** Per entry: whether it is updated (has a gradient); one that is not only has its norms read. */
  updated: number[];
  /** Per entry: its rate (the step's lr times its scale) and its weight decay λ (0 where it does not decay). */
  rates: number[];
  decays: number[];
  /** Per entry: where its norms go, or -1. */
  normIndex: number[];
  norms: number;
  /** μ (momentum, nesterov) or β1 (adam, adamw), and Adam's β2, ε and bias corrections 1 − β^t. */
  momentum: number;
  beta2: number;
  epsilon: number;
  c1: number;
  c2: number;
}

/**
 * x's patches as a matrix, for the kernel gradient as one batched matrix
 * product (src/model/conv.ts conv2dKernelGradByIm2col), where a backend
 * registers it (WebGL): input x [B, H, W, C], attrs Im2ColAttrs ->
 * [chunks, kh·kw·C, rows], column z·rows + r the output position
 * m = (b·OH + y)·OW + x, chunks·rows = B·OH·OW.
 */
export const IM2COL = 'PlaygroundIm2Col';

export interface Im2ColAttrs {
  kernelHeight: number;
  kernelWidth: number;
  stride: number;
  pad: number;
  outHeight: number;
  outWidth: number;
  rows: number;
  chunks: number;
}
