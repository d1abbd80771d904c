import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/presets';
import type { StepMetrics } from '../protocol/messages';
import { useStore } from './store';

const step = (n: number): StepMetrics => ({ step: n, epoch: 1, loss: 2, acc: 0.1, lr: 0.1, ms: 5, gradNorms: [1, 2], weightNorms: [3, 4], updateRatios: [1e-3, 2e-3], numTensors: 10 });

describe('store', () => {
  beforeEach(() => useStore.getState().beginRun(1, DEFAULT_CONFIG));

  it('appends step batches of the current run', () => {
    const s = useStore.getState();
    s.addSteps(1, [step(1), step(2)]);
    s.addSteps(1, [step(3)]);
    expect(useStore.getState().metrics.steps.map((m) => m.step)).toEqual([1, 2, 3]);
  });

  it('a run going on from a checkpoint after a lost GPU: marked, later evaluations dropped, the redone steps replace the shown ones as they come', () => {
    const s = useStore.getState();
    s.addSteps(1, [1, 2, 3, 4, 5, 6].map(step));
    s.addEpoch(1, { epoch: 1, step: 4, testLoss: 1, testAcc: 0.5, testCount: 8, confusion: [], predictions: new Uint8Array(0), labels: new Uint8Array(0), examples: [] });
    s.addEpoch(1, { epoch: 2, step: 6, testLoss: 1, testAcc: 0.5, testCount: 8, confusion: [], predictions: new Uint8Array(0), labels: new Uint8Array(0), examples: [] });
    s.backendLost(1, { step: 4, text: 'lost' }, 4);
    // Until the new steps come, what was shown stays.
    expect(useStore.getState().metrics.steps.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(useStore.getState().metrics.epochs.map((e) => e.step)).toEqual([4]);
    s.addSteps(1, [step(5)]);
    s.addSteps(1, [step(6), step(7)]);
    const { metrics } = useStore.getState();
    expect(metrics.steps.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(metrics.marks).toEqual([{ step: 4, text: 'lost' }]);
  });

  it('drops every message of a stale run', () => {
    const s = useStore.getState();
    s.addSteps(1, [step(1)]);
    s.beginRun(2, DEFAULT_CONFIG);
    s.addSteps(1, [step(2)]);
    s.setPhase(1, 'paused');
    s.finish(1, 'finished');
    s.fail(1, 'old failure');
    const { run, metrics } = useStore.getState();
    expect(metrics.steps).toEqual([]);
    expect(run).toMatchObject({ runId: 2, status: 'loading-data', error: null });
  });

  it('keeps a pause pending until the worker confirms it', () => {
    const s = useStore.getState();
    s.setPhase(1, 'training');
    s.request('pause');
    s.setPhase(1, 'evaluating');
    expect(useStore.getState().run.pending).toBe('pause');
    s.setPhase(1, 'paused');
    expect(useStore.getState().run).toMatchObject({ status: 'paused', pending: null });
    s.request('resume');
    s.setPhase(1, 'training');
    expect(useStore.getState().run).toMatchObject({ status: 'training', pending: null });
  });

  it('an error ends the run with its message', () => {
    useStore.getState().fail(1, 'Step 3: loss became NaN');
    expect(useStore.getState().run).toMatchObject({ status: 'error', error: 'Step 3: loss became NaN' });
  });
});
