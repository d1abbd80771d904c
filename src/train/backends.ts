// Picks and starts a TF.js backend in the browser worker. 'auto' prefers a
// hardware GPU: WebGPU on a real adapter, then WebGL on a hardware renderer;
// without one, WASM (our SIMD kernels and XNNPACK; far faster than WebGL or
// WebGPU on SwiftShader, bench/README.md), then WebGL and WebGPU in
// software, then the CPU. The reason names every backend tried. WASM trains
// through the convolution gradients of src/model/conv.ts and convgrad.ts
// (TF.js 4.22 has no Conv2DBackpropFilter for it, tfjs issue 8474).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendChoice, BackendName } from '../config/types';
import { CPU_LIMITS, DEFAULT_LIMITS, WASM_LIMITS, type BackendLimits } from '../arch/memory';
import type { BackendInfo } from '../protocol/messages';
import { installKernels } from '../kernels/install';
import { prepareWasm, startWasmKernels, wasmThreadsNote, withLogicalCoreCap } from '../kernels/wasm/backend';

interface Probe {
  available: boolean;
  software: boolean;
  note: string;
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

async function probeWebGpu(): Promise<Probe> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return { available: false, software: false, note: 'this browser has no WebGPU (navigator.gpu is missing)' };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { available: false, software: false, note: `requestAdapter failed: ${String(e)}` };
  }
  if (!adapter) return { available: false, software: false, note: 'no WebGPU adapter was offered' };
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
  const software = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || /swiftshader|llvmpipe/i.test(name);
  return { available: true, software, note: `${software ? 'software' : 'hardware'} adapter ${name}` };
}

function probeWebGl(): Probe {
  if (typeof OffscreenCanvas === 'undefined') return { available: false, software: false, note: 'no OffscreenCanvas in this worker' };
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return { available: false, software: false, note: 'no WebGL2 context' };
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(debug ? gl.getParameter(debug.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  const software = /swiftshader|llvmpipe|software/i.test(renderer);
  return { available: true, software, note: `${software ? 'software' : 'hardware'} renderer ${renderer}` };
}

async function start(name: BackendName): Promise<string | null> {
  // TF.js refuses software WebGL unless told; on a machine without a GPU it
  // is still faster than the CPU backend, so allow it.
  if (name === 'webgl') tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
  try {
    installKernels(name);
    if (name === 'wasm') prepareWasm();
    const ok = await (name === 'wasm' ? withLogicalCoreCap(() => tf.setBackend(name)) : tf.setBackend(name));
    await tf.ready();
    return ok && tf.getBackend() === name ? null : `${name} failed to initialize`;
  } catch (e) {
    return `${name} failed to initialize: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/**
 * What the started backend can hold. Browsers do not tell how much GPU memory
 * there is, so the total stays a fixed budget; one tensor is bounded by
 * WebGPU's buffer limits or WebGL's texture size (4 floats per texel).
 */
export function backendLimits(name: BackendName): BackendLimits {
  switch (name) {
    case 'webgpu': {
      const limits = (tf.backend() as unknown as { device?: { limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number } } }).device?.limits;
      const tensorBytes = Math.min(limits?.maxBufferSize ?? 2 ** 28, limits?.maxStorageBufferBindingSize ?? 2 ** 27);
      return { backend: name, totalBytes: DEFAULT_LIMITS.totalBytes, tensorBytes, source: 'WebGPU maxStorageBufferBindingSize and maxBufferSize, and a 4 GiB budget' };
    }
    case 'webgl': {
      const size = tf.env().getNumber('WEBGL_MAX_TEXTURE_SIZE');
      return { backend: name, totalBytes: DEFAULT_LIMITS.totalBytes, tensorBytes: size * size * 4 * 4, source: `WebGL textures of at most ${size}×${size}, and a 4 GiB budget` };
    }
    case 'cpu':
      return CPU_LIMITS;
    case 'wasm':
      return WASM_LIMITS;
  }
}

interface GpuDeviceLike {
  lost: Promise<{ reason: string; message: string }>;
  destroy(): void;
}

/** TF.js's WebGPU device, or its WebGL context, when that backend runs. */
function gpuOf(name: BackendName): { device?: GpuDeviceLike; gl?: WebGL2RenderingContext } {
  const backend = tf.findBackend(name) as unknown as { device?: GpuDeviceLike; gpgpu?: { gl?: WebGL2RenderingContext } } | null;
  return name === 'webgpu' ? { ...(backend?.device ? { device: backend.device } : {}) } : name === 'webgl' ? { ...(backend?.gpgpu?.gl ? { gl: backend.gpgpu.gl } : {}) } : {};
}

/**
 * Resolves with why once the started GPU backend is lost: WebGPU's
 * `device.lost` (a driver reset, the device destroyed), WebGL's
 * 'webglcontextlost' on TF.js's canvas. Never for WASM and the CPU.
 */
export function whenLost(name: BackendName): Promise<string> {
  const { device, gl } = gpuOf(name);
  if (device) return device.lost.then((info) => (info.message ? `${info.reason}: ${info.message}` : info.reason));
  if (gl) {
    if (gl.isContextLost()) return Promise.resolve('the context was already lost');
    return new Promise((resolve) => (gl.canvas as OffscreenCanvas).addEventListener('webglcontextlost', () => resolve('webglcontextlost'), { once: true }));
  }
  return new Promise(() => {});
}

/** Loses the running GPU backend on purpose (the fault tests): destroys the WebGPU device or loses the WebGL context. */
export function loseBackend(): void {
  const { device, gl } = gpuOf(tf.getBackend() as BackendName);
  device?.destroy();
  gl?.getExtension('WEBGL_lose_context')?.loseContext();
}

/**
 * Starts the chosen backend, or the best one for 'auto' leaving out
 * `exclude` (backends lost in this worker). Throws with every reason when
 * none starts.
 */
export async function selectBackend(choice: BackendChoice, exclude: readonly BackendName[] = []): Promise<BackendInfo> {
  const webgpu = await probeWebGpu();
  const webgl = probeWebGl();
  const wasm: Probe = { available: typeof WebAssembly === 'object', software: true, note: 'WebAssembly with XNNPACK' };
  const probes: Record<BackendName, Probe> = { webgpu, webgl, wasm, cpu: { available: true, software: true, note: 'plain JavaScript' } };
  const hardwareGpu = webgpu.available && !webgpu.software;
  const hardwareGl = webgl.available && !webgl.software;
  const ranked: BackendName[] =
    choice !== 'auto'
      ? [choice]
      : [
          ...(hardwareGpu ? (['webgpu'] as const) : []),
          ...(hardwareGl ? (['webgl'] as const) : []),
          'wasm',
          ...(hardwareGl ? [] : (['webgl'] as const)),
          ...(webgpu.available && webgpu.software ? (['webgpu'] as const) : []),
          'cpu',
        ];
  const order = ranked.filter((name) => !exclude.includes(name));
  const tried: string[] = exclude.map((name) => `${name}: lost earlier in this worker`);
  if (choice === 'auto' && !hardwareGpu) {
    tried.push(webgpu.available ? `webgpu ranked after ${hardwareGl ? 'webgl' : 'wasm and webgl'}: ${webgpu.note}` : `webgpu: ${webgpu.note}`);
  }
  if (choice === 'auto' && !hardwareGl && webgl.available) tried.push(`webgl ranked after wasm: ${webgl.note}`);
  for (const name of order) {
    const probe = probes[name];
    if (!probe.available) {
      tried.push(`${name}: ${probe.note}`);
      continue;
    }
    const failure = await start(name);
    if (failure === null) {
      const note = name === 'wasm' ? `${probe.note}, ${wasmThreadsNote()}, ${await startWasmKernels()}` : probe.note;
      const why = choice === 'auto' ? `picked automatically (${note})` : `forced by the user (${note})`;
      return { backend: name, reason: [why, ...tried].join('; '), limits: backendLimits(name) };
    }
    tried.push(failure);
  }
  throw new Error(`no backend could start: ${tried.join('; ')}`);
}
