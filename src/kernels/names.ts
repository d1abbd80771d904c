// The names and attributes of our own kernels: the contract between the
// layers that call them (src/model/) and the backends that register them
// (src/kernels/<backend>/). A layer calls one only where ourKernelRuns says
// the current backend can run it, and TF.js's ops otherwise. Pure TS: no tfjs.

/** Batch norm in training mode as three kernels (moments, apply, gradient); src/model/batchnorm.ts runs them where registered (WASM: kernels.c, or bn-loops.ts where the channels are not in fours). */
export const BN_KERNELS = { moments: 'PlaygroundBatchNormMoments', apply: 'PlaygroundBatchNormApply', grad: 'PlaygroundBatchNormGrad' } as const;

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
