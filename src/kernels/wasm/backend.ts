// The WASM backend in the browser worker: its binaries are served by the app
// (Vite copies them into the build and gives their URLs), and it runs
// multi-threaded only when the page is cross-origin isolated (COOP
// same-origin + COEP require-corp: vite.config.ts sends both, README says how
// for a static host); otherwise it runs on one thread, and the backend reason
// says so. Our kernels (src/kernels/wasm/kernels.ts) are registered by
// installKernels (src/kernels/install.ts) before the backend starts.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { startSimdKernels } from './simd';

let pathsSet = false;

/** Points TF.js at the served binaries and asks for one thread per core; call before tf.setBackend('wasm'). */
export function prepareWasm(): void {
  if (pathsSet) return;
  pathsSet = true;
  setWasmPaths({ 'tfjs-backend-wasm.wasm': plain, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': threadedSimd });
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  if (globalThis.crossOriginIsolated) setThreadsCount(Math.max(1, cores));
}

/**
 * Runs the WASM backend's start-up with navigator.hardwareConcurrency
 * doubled, then restores it. TF.js 4.22's backend.cc caps its thread pool at
 * hardwareConcurrency / 2 ("many x86-64 processors have 2 threads per
 * core"), whatever setThreadsCount asks: on a 2-core machine, one thread.
 * Doubling it while the module starts makes the cap the logical core count.
 */
export async function withLogicalCoreCap<T>(start: () => Promise<T>): Promise<T> {
  const nav = globalThis.navigator as Navigator | undefined;
  if (!nav || !globalThis.crossOriginIsolated) return start();
  const cores = nav.hardwareConcurrency || 1;
  Object.defineProperty(nav, 'hardwareConcurrency', { configurable: true, get: () => 2 * cores });
  try {
    return await start();
  } finally {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency; // the prototype's getter again
  }
}

/** After the backend started: how many threads XNNPACK runs, and why not more. */
export function wasmThreadsNote(): string {
  const threads = getThreadsCount();
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  if (!globalThis.crossOriginIsolated) {
    return `XNNPACK on ${threads} thread: the page is not cross-origin isolated (no COOP/COEP headers), so no SharedArrayBuffer for threads`;
  }
  return `XNNPACK on ${threads} thread${threads === 1 ? '' : 's'} of ${cores} cores (cross-origin isolated)`;
}

/** After the backend started: our SIMD kernels (src/kernels/wasm/simd.ts) and their threads, started now. */
export function startWasmKernels(): Promise<string> {
  return startSimdKernels(tf.backend() as BackendWasm);
}
