// Our kernels, installed explicitly per backend: installKernels(backend,
// options) sets the one options record (options.ts) and registers the
// backend's own kernels (wasm/, webgpu/, webgl/kernels.ts). Nothing registers on import. Call it before tf.setBackend(backend),
// and again to change options (benches and tests do; nothing is restored by
// hand).
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { BackendName } from '../config/types';
import { kernelOptions, setKernelOptions, type KernelOptions } from './options';
import { registerWasmKernels } from './wasm/kernels';
import { simdKernels } from './wasm/simd';
import { registerWebGlKernels } from './webgl/kernels';
import { registerWebGpuKernels } from './webgpu/kernels';

export function installKernels(backend: BackendName, options: Partial<KernelOptions> = {}): void {
  setKernelOptions(options);
  if (backend === 'wasm') registerWasmKernels();
  if (backend === 'webgpu') {
    registerWebGpuKernels();
    // The input gradient's choice (options.ts webgpuInputGrad): TF.js reads this flag at each call
    // (registered with its webgpu module, which registers the backend where WebGPU exists).
    if (tf.findBackendFactory('webgpu')) tf.env().set('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE', !(kernelOptions().gpu && kernelOptions().webgpuInputGrad === 'mm'));
  }
  if (backend === 'webgl') registerWebGlKernels();
}

/**
 * Whether the current backend registered `kernel`, one of ours (names.ts),
 * and can run it now: on WASM our SIMD module must have started (not without
 * WebAssembly SIMD, nor with the `simd` option off). The callers use TF.js's
 * ops otherwise.
 */
export function ourKernelRuns(kernel: string): boolean {
  const backend = tf.getBackend();
  if (tf.getKernel(kernel, backend) === undefined) return false;
  if (backend === 'webgpu' || backend === 'webgl') return kernelOptions().gpu;
  return backend !== 'wasm' || simdKernels(tf.backend() as BackendWasm) !== null;
}
