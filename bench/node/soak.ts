// A long run's memory: the engine's own loop (the worker's and the CLI's)
// for --steps steps of a tiny config on MNIST, with the tensor count and the
// JS heap at steps 100, 1,000 and 10,000 (and the end). Goal (issue 20,
// point 7): the tensor count equal at every mark, the heap growing only by
// the metrics kept (the page keeps every step's; here the hook keeps them too).
//   npx tsx bench/node/soak.ts [--steps 10000] [--backend wasm|cpu] [--json]
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_CONFIG } from '../../src/config/presets';
import type { Config } from '../../src/config/types';
import { loadMnistNode } from '../../src/data/mnist-node';
import { installKernels } from '../../src/kernels/install';
import type { EpochMetrics, StepMetrics } from '../../src/protocol/messages';
import { train } from '../../src/train/engine';
import { benchArgs } from '../args';

const args = benchArgs('npx tsx bench/node/soak.ts [flags]', {
  steps: { kind: 'number', default: 10_000, help: 'steps in all' },
  backend: { kind: 'string', default: 'wasm', choices: ['wasm', 'cpu'], help: 'TF.js backend' },
  json: { kind: 'boolean', help: 'one JSON object on stdout, the progress on stderr' },
});
const log = (line: string) => (args.json ? console.error(line) : console.log(line));
const MARKS = new Set([100, 1_000, 10_000, args.steps]);

tf.enableProdMode();
installKernels(args.backend as 'wasm' | 'cpu');
if (!(await tf.setBackend(args.backend))) throw new Error(`backend ${args.backend} failed to start`);
const config: Config = structuredClone(DEFAULT_CONFIG);
Object.assign(config.model, { blocksPerStage: 1, baseWidth: 4 });
Object.assign(config.train, { batchSize: 8, epochs: 1000, maxSteps: args.steps, backend: args.backend });
Object.assign(config.data, { trainSubset: 512, testSubset: 64 });
const data = await loadMnistNode();
const kept: StepMetrics[] = [];
const epochs: EpochMetrics[] = [];
const marks: Array<{ step: number; tensors: number; heapMB: number; keptSteps: number }> = [];
const t0 = performance.now();
await train({
  config,
  data,
  hooks: {
    onStep: (m) => {
      kept.push(m);
      if (MARKS.has(m.step)) {
        // A collection first, when exposed (node --expose-gc), so the heap is what is held.
        (globalThis as { gc?: () => void }).gc?.();
        const mark = { step: m.step, tensors: tf.memory().numTensors, heapMB: process.memoryUsage().heapUsed / 2 ** 20, keptSteps: kept.length };
        marks.push(mark);
        log(`step ${mark.step}: ${mark.tensors} tensors, heap ${mark.heapMB.toFixed(1)} MB, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
      }
    },
    onEpoch: (e) => epochs.push(e),
  },
});
const first = marks[0];
const last = marks[marks.length - 1];
const perStepKB = first && last && last.step > first.step ? ((last.heapMB - first.heapMB) * 1024) / (last.step - first.step) : 0;
if (args.json) console.log(JSON.stringify({ config: 'n=1 width 4 batch 8, MNIST 512', backend: args.backend, marks, perStepKB, epochs: epochs.length }));
else log(`tensors ${marks.map((m) => m.tensors).join(' / ')} at steps ${marks.map((m) => m.step).join(' / ')}; heap +${perStepKB.toFixed(2)} KB a step (${kept.length} step records and ${epochs.length} evaluations kept)`);
