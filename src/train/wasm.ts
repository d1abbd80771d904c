// The WASM backend in the browser worker: its binaries are served by the app
// (Vite copies them into the build and gives their URLs), and it runs
// multi-threaded only when the page is cross-origin isolated (COOP
// same-origin + COEP require-corp: vite.config.ts sends both, README says how
// for a static host); otherwise it runs on one thread, and the backend reason
// says so. The kernel fixes of src/model/wasm-kernels.ts register on import.
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import '../model/wasm-kernels';

let pathsSet = false;

/** Points TF.js at the served binaries and asks for one thread per core; call before tf.setBackend('wasm'). */
export function prepareWasm(): void {
  if (pathsSet) return;
  pathsSet = true;
  setWasmPaths({ 'tfjs-backend-wasm.wasm': plain, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': threadedSimd });
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  if (globalThis.crossOriginIsolated) setThreadsCount(Math.max(1, cores));
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
