// The bench page: no TF.js here either; window.runBench forwards a spec to
// the bench worker and resolves with its result.
import type { BackendName } from '../../src/config/types';
import type { BenchResult, BenchSpec } from '../step';

declare global {
  interface Window {
    runBench(backend: BackendName, spec: BenchSpec, wasmThreads?: number): Promise<BenchResult>;
    benchReady: boolean;
  }
}

const worker = new Worker(new URL('./bench-worker.ts', import.meta.url), { type: 'module' });
const pending = new Map<number, { resolve(r: BenchResult): void; reject(e: Error): void }>();
let nextId = 1;
worker.onmessage = (e: MessageEvent<{ id: number; result?: BenchResult; error?: string }>) => {
  const p = pending.get(e.data.id);
  pending.delete(e.data.id);
  if (e.data.result) p?.resolve(e.data.result);
  else p?.reject(new Error(e.data.error ?? 'bench failed'));
};
window.runBench = (backend, spec, wasmThreads) =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, backend, spec, wasmThreads });
  });
window.benchReady = true;
