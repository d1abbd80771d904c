// The bench's worker in Chromium: starts the asked-for backend and times
// training steps with the same code as `npm run bench` in Node.
/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../src/config/types';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/train/backends';
import { prepareWasm } from '../../src/kernels/wasm/backend';
import { benchTrainStep, type BenchSpec } from '../step';

declare const self: DedicatedWorkerGlobalScope;

tf.enableProdMode();

/** Why the current backend runs (threads on WASM), from selectBackend. */
let reason = '';

self.onmessage = async (e: MessageEvent<{ id: number; backend: BackendName; spec: BenchSpec; wasmThreads?: number }>) => {
  const { id, backend, spec, wasmThreads } = e.data;
  try {
    if (tf.getBackend() !== backend) {
      // --wasm-threads: fewer threads than the page would ask for (one per
      // core), to see how the step scales; set before the backend starts.
      if (backend === 'wasm' && wasmThreads) {
        prepareWasm();
        setThreadsCount(wasmThreads);
      }
      reason = (await selectBackend(backend)).reason;
    }
    self.postMessage({ id, result: { ...(await benchTrainStep(spec)), reason } });
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
