// Picks and starts a TF.js backend in the browser worker. 'auto' prefers a
// hardware GPU: WebGPU on a real adapter, then WebGL, then WebGPU on a
// software adapter, then the CPU. The reason names every backend tried.
// WASM is not offered: TF.js 4.22 has no Conv2DBackpropFilter for it
// (tfjs issue 8474), so it cannot train convolutions as shipped.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { BackendChoice, BackendName } from '../config/types';
import { DEFAULT_LIMITS, type BackendLimits } from '../model/memory';
import type { BackendInfo } from '../protocol/messages';

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
    const ok = await tf.setBackend(name);
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
      return { ...DEFAULT_LIMITS, backend: name, tensorBytes: 2 ** 31, source: 'a 4 GiB budget and 2 GiB per typed array' };
  }
}

/** Starts the chosen backend, or the best one for 'auto'. Throws with every reason when none starts. */
export async function selectBackend(choice: BackendChoice): Promise<BackendInfo> {
  const webgpu = await probeWebGpu();
  const webgl = probeWebGl();
  const probes: Record<BackendName, Probe> = { webgpu, webgl, cpu: { available: true, software: true, note: 'plain JavaScript' } };
  const order: BackendName[] =
    choice !== 'auto'
      ? [choice]
      : [
          ...(webgpu.available && !webgpu.software ? (['webgpu'] as const) : []),
          'webgl',
          ...(webgpu.available && webgpu.software ? (['webgpu'] as const) : []),
          'cpu',
        ];
  const tried: string[] = [];
  if (choice === 'auto' && !(webgpu.available && !webgpu.software)) {
    tried.push(webgpu.available ? `webgpu ranked after webgl: ${webgpu.note}` : `webgpu: ${webgpu.note}`);
  }
  for (const name of order) {
    const probe = probes[name];
    if (!probe.available) {
      tried.push(`${name}: ${probe.note}`);
      continue;
    }
    const failure = await start(name);
    if (failure === null) {
      const why = choice === 'auto' ? `picked automatically (${probe.note})` : `forced by the user (${probe.note})`;
      return { backend: name, reason: [why, ...tried].join('; '), limits: backendLimits(name) };
    }
    tried.push(failure);
  }
  throw new Error(`no backend could start: ${tried.join('; ')}`);
}
