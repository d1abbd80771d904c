// WebGPU in Node: Dawn's bindings (the optional `webgpu` package) give
// `navigator.gpu`, and TF.js's webgpu backend registers on it as in a
// browser (it looks for navigator.gpu when its module is first evaluated,
// so the module is imported only after). Serves `playground train --backend
// webgpu`, `npm run bench -- --env node --backend webgpu`, the GPU kernels'
// tests in Node, and the GPU kit (issue 21).
import * as tf from '@tensorflow/tfjs';
import { installKernels } from '../kernels/install';

/** What Node needs for WebGPU on Debian 12, said when no adapter is found. */
export const NODE_WEBGPU_HINT = "Dawn needs a Vulkan driver: on Debian 12, Mesa 25's lavapipe from bookworm-backports (apt-get install -t bookworm-backports mesa-vulkan-drivers), or a GPU's own driver";

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

let prepared: Promise<string> | null = null;

/**
 * Starts TF.js's webgpu backend on Dawn (Dawn found once, the backend made
 * current each call); -> the adapter, in words. Throws naming what is
 * missing: the optional package, or an adapter.
 */
export async function startNodeWebGpu(): Promise<string> {
  prepared ??= prepare();
  const adapter = await prepared;
  installKernels('webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend failed to start on this adapter');
  return adapter;
}

/** Dawn's navigator.gpu, an adapter, and TF.js's webgpu backend registered on it. */
async function prepare(): Promise<string> {
  let dawn: typeof import('webgpu');
  try {
    dawn = await import('webgpu');
  } catch (e) {
    throw new Error(`WebGPU in Node needs the optional package webgpu (Dawn), which is not installed (npm install webgpu): ${e instanceof Error ? e.message : String(e)}`);
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  // Node 21 and later have a read-only navigator: defined, not assigned.
  Object.defineProperty(globalThis, 'navigator', { value: { ...((globalThis as { navigator?: object }).navigator ?? {}), gpu }, configurable: true, writable: true });
  const adapter = (await gpu.requestAdapter()) as (GPUAdapter & { info?: AdapterInfoLike }) | null;
  if (!adapter) throw new Error(`no WebGPU adapter: ${NODE_WEBGPU_HINT}`);
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!tf.findBackendFactory('webgpu')) throw new Error("TF.js's webgpu backend was loaded before navigator.gpu existed, and did not register");
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
  return `${info.isFallbackAdapter ? 'software' : 'hardware'} adapter ${name} (Dawn in Node)`;
}
