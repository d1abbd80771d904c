// The Web Worker shell: owns TF.js in the browser and forwards messages to a
// Session. The page never imports TF.js; this file is the only way in.
/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import { DATASETS } from '../config/datasets';
import { formatBytes } from '../config/format';
import { loadDataset } from '../data/load';
import { HEARTBEAT_MS, type Command, type DebugFault, type Event } from '../protocol/messages';
import { loseBackend, selectBackend, whenLost } from './backends';
import { Session } from './session';
import { cachedTensors } from '../data/weights-import';
import { decodeSpecs } from '../share/modelfile';
import { nonFinite } from '../data/weights-file';
import { openRunsDb } from '../state/runs-db';

declare const self: DedicatedWorkerGlobalScope;

tf.enableProdMode();

const session = new Session({
  post: (event: Event) => self.postMessage(event),
  selectBackend,
  whenLost,
  loadData: async (id, onProgress) => {
    let last = 0;
    const name = DATASETS[id].name;
    const { dataset } = await loadDataset(id, {
      baseUrl: `${self.location.origin}${import.meta.env.BASE_URL}`,
      onProgress: (p) => {
        const now = performance.now();
        if (now - last < 100 && p.loaded !== p.total) return;
        last = now;
        onProgress(p.total > 0 ? `${name}: ${formatBytes(p.loaded, 'MB')} / ${formatBytes(p.total, 'MB')}` : `${name}: ${formatBytes(p.loaded, 'MB')}`);
      },
    });
    return dataset;
  },
  loadCheckpoint: async (runId) => {
    const checkpoint = await (await openRunsDb()).getCheckpoint(runId);
    if (!checkpoint) throw new Error(`the kept run ${runId} has no weights yet (it stopped before its first checkpoint, or was deleted)`);
    return checkpoint;
  },
  loadWeights: async (id) => {
    // A kept run's weights: its latest checkpoint, by the playground's own names.
    if (id.startsWith('run/')) {
      const runId = id.slice('run/'.length);
      const checkpoint = await (await openRunsDb()).getCheckpoint(runId);
      if (!checkpoint) throw new Error(`the kept run ${runId} has no weights (it was deleted, or stopped before its first checkpoint)`);
      const tensors = decodeSpecs(checkpoint.model.specs, new Uint8Array(checkpoint.model.data), `run ${runId}`);
      const bad = nonFinite(new Map([...tensors].map(([k, t]) => [k, { dtype: 'float32', ...t }])));
      if (bad.length > 0) throw new Error(`the kept run ${runId}'s ${bad[0]!.key} holds NaN or infinite values: it diverged; start from another run`);
      return { source: `run ${runId}`, tensors, naming: 'playground' };
    }
    const { info, tensors } = await cachedTensors(id);
    return { source: info.name, tensors, naming: null };
  },
});

self.onmessage = (e: MessageEvent<Command>) => {
  if (e.data.type === 'debug') {
    if (import.meta.env.MODE === 'faults') injectFault(e.data.fault);
    return;
  }
  session.handle(e.data);
};

// Alive: a thread blocked in a step cannot post this, and the page notices (bridge.ts watchdog).
setInterval(() => self.postMessage({ type: 'heartbeat' } satisfies Event), HEARTBEAT_MS);

/** The fault tests' faults (a faults build only; see the 'debug' command). */
function injectFault(fault: DebugFault): void {
  switch (fault) {
    case 'block':
      for (;;) {
        // Spins until the page ends this worker: a step that never returns.
      }
    case 'throw':
      setTimeout(() => {
        throw new Error('a fault injected by the test: an error no one catches');
      });
      return;
    case 'lose-gpu':
      loseBackend();
      return;
  }
}

// Anything that escapes the session still reaches the page, tagged with the current run.
self.addEventListener('unhandledrejection', (e) => {
  const runId = session.currentRunId;
  if (runId !== null) self.postMessage({ type: 'error', runId, message: `worker error: ${String(e.reason)}` } satisfies Event);
});
