// The bench's worker in Chromium: starts the asked-for backend and times
// training steps with the same code as `npm run bench` in Node.
/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../config/types';
import { selectBackend } from './backends';
import { benchTrainStep, type BenchSpec } from './bench';

declare const self: DedicatedWorkerGlobalScope;

tf.enableProdMode();

/** Why the current backend runs (threads on WASM), from selectBackend. */
let reason = '';

self.onmessage = async (e: MessageEvent<{ id: number; backend: BackendName; spec: BenchSpec }>) => {
  const { id, backend, spec } = e.data;
  try {
    if (tf.getBackend() !== backend) reason = (await selectBackend(backend)).reason;
    self.postMessage({ id, result: { ...(await benchTrainStep(spec)), reason } });
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
