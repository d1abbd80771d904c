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
