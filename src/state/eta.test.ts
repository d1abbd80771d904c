import { describe, expect, it } from 'vitest';
import { formatDuration } from '../config/format';
import type { StepMetrics } from '../protocol/messages';
import { runMsFromEstimate, timeLeftMs } from './eta';

const step = (n: number, ms: number): StepMetrics => ({ step: n, epoch: 1, loss: 1, acc: 0, lr: 0.1, ms, gradNorms: [], numTensors: 1 });

describe('time left', () => {
  it('is the steps to go at the recent median pace, plus the evaluations to come at the last one measured', () => {
    const steps = [step(1, 900), ...Array.from({ length: 20 }, (_, i) => step(i + 2, 100))];
    // 10 steps an epoch, 3 epochs: 9 steps and 2 evaluations after the first epoch's (one done).
    expect(timeLeftMs(steps, 1, { totalSteps: 30, stepsPerEpoch: 10 }, 500)).toBe(9 * 100 + 2 * 500);
    // No evaluation measured yet: a step's time each.
    expect(timeLeftMs(steps, 1, { totalSteps: 30, stepsPerEpoch: 10 }, null)).toBe(9 * 100 + 2 * 100);
    expect(timeLeftMs([], 0, { totalSteps: 30, stepsPerEpoch: 10 }, null)).toBeNull();
    expect(timeLeftMs(steps, 0, null, null)).toBeNull();
  });

  it("a run's duration before it starts: its steps, its evaluations and what is paid once, from a measured epoch", () => {
    const estimate = { freeze: 'none' as const, msPerStep: 50, stepsPerEpoch: 100, epochSeconds: 7, onceSeconds: 3 };
    // 2 epochs: 200 steps of 50 ms, 2 evaluations of 7 - 5 = 2 s, 3 s once.
    expect(runMsFromEstimate(estimate, { epochs: 2, maxSteps: 0 })).toBe(3000 + 200 * 50 + 2 * 2000);
    // Stopped after 150 steps: one evaluation.
    expect(runMsFromEstimate(estimate, { epochs: 2, maxSteps: 150 })).toBe(3000 + 150 * 50 + 2000);
  });

  it('reads as people say durations', () => {
    expect([formatDuration(44_600), formatDuration(200_000), formatDuration(3_900_000), formatDuration(NaN)]).toEqual(['45 s', '3 min 20 s', '1 h 05 min', '–']);
  });
});
