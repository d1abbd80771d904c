// The one record that picks how each layer is computed: which convolution
// gradients, which grouped-convolution formulation, batch norm as our kernels
// or as TF.js's ops, and whether our WASM SIMD kernels run, on how many
// threads, with or without Winograd. 'auto' is the choice the figures in
// bench/README.md support for the backend that runs. Set only through
// installKernels (src/kernels/install.ts), each call a whole record: a field
// left out takes its default, so nothing carries over from an earlier call.
// Pure TS: no tfjs.

/** Grouped convolution formulations (src/model/grouped.ts). */
export type GroupedMode = 'split' | 'depthwise' | 'im2col';
export const GROUPED_MODES: readonly GroupedMode[] = ['split', 'depthwise', 'im2col'];

export interface KernelOptions {
  /**
   * The convolution gradients (src/model/conv.ts): 'ours' = the formulations
   * below, 'native' = TF.js's Conv2DBackpropFilter/Input, 'auto' = ours on the
   * CPU and WASM backends (WASM has none, tfjs issue 8474), on WebGPU where
   * our kernels run (src/kernels/webgpu/conv.ts: TF.js's filter gradient
   * loops over the whole batch in one invocation per weight), and on WebGL
   * as matrix products (its Conv2DDerFilterProgram does the same loop).
   */
  convGradients: 'auto' | 'ours' | 'native';
  /**
   * Which of ours: 'matmul' = the kernel gradient as matrix products and the
   * input gradient as TF.js's Conv2DBackpropInput; 'conv' = both as forward
   * convolutions (src/model/convgrad.ts), or as our own kernels where the
   * backend has them (convKernelGrad); 'auto' = 'conv' on WASM (XNNPACK
   * convolutions, a scalar Conv2DBackpropInput there) and on WebGPU with our
   * kernels, 'matmul' elsewhere.
   */
  convFormulation: 'auto' | 'matmul' | 'conv';
  /**
   * Within 'conv': 'simd' = both gradients as our own kernels over NHWC x and
   * dy (CONV_KERNEL_GRAD, CONV_INPUT_GRAD), 'conv' = as forward convolutions;
   * 'auto' = 'simd' where the backend can run them.
   */
  convKernelGrad: 'auto' | 'simd' | 'conv';
  /** Grouped convolutions (ResNeXt): a formulation, or 'auto' by output size and backend (src/model/grouped.ts). */
  grouped: 'auto' | GroupedMode;
  /** Depthwise gradients as forward depthwise convolutions: 'auto' = on WASM only (it has no depthwise gradient kernels). */
  depthwiseByConv: 'auto' | boolean;
  /** Batch norm in training mode written out (src/model/batchnorm.ts): 'auto' = on WASM, and on WebGPU with our kernels; false = tf.moments + tf.batchNorm. */
  fusedBatchNorm: 'auto' | boolean;
  /**
   * WebGPU's input gradient where our kernels run: 'mm' = TF.js's
   * Conv2DDerInputMMProgram (a tiled matrix product; TF.js's default is a
   * naive shader, WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE), 'ours' = our implicit
   * GEMM (src/kernels/webgpu/conv.ts). 'mm' ran fastest of the three on
   * lavapipe (bench/README.md); a real GPU's figures are still to come.
   */
  webgpuInputGrad: 'mm' | 'ours';
  /** WebGPU and WebGL: our kernels (src/kernels/webgpu/: the fused optimizer step and norms, ...); off = TF.js's ops alone. */
  gpu: boolean;
  /** WASM: our SIMD128 module (src/kernels/wasm/kernels.c); off = XNNPACK and JavaScript loops. */
  simd: boolean;
  /** WASM: the SIMD module's helper threads where the page is cross-origin isolated; off = the engine thread alone. */
  simdThreads: boolean;
  /** WASM: stride-1 3×3 convolutions by Winograd F(4×4, 3×3) (Lavin & Gray 2016); off = the direct loops. */
  winograd: boolean;
}

export const DEFAULT_KERNEL_OPTIONS: Readonly<KernelOptions> = Object.freeze({
  convGradients: 'auto',
  convFormulation: 'auto',
  convKernelGrad: 'auto',
  grouped: 'auto',
  depthwiseByConv: 'auto',
  fusedBatchNorm: 'auto',
  webgpuInputGrad: 'mm',
  gpu: true,
  simd: true,
  simdThreads: true,
  winograd: true,
});

let current: Readonly<KernelOptions> = DEFAULT_KERNEL_OPTIONS;

/** The options the layers and kernels run with now. */
export function kernelOptions(): Readonly<KernelOptions> {
  return current;
}

/** Replaces the whole record: defaults, then `options`. installKernels calls it; nothing else should. */
export function setKernelOptions(options: Partial<KernelOptions> = {}): void {
  current = Object.freeze({ ...DEFAULT_KERNEL_OPTIONS, ...options });
}
