// The schedule formulas against hand-worked values and torch's shapes.
import { describe, expect, it } from 'vitest';
import torchSchedules from '../testing/torch-schedules.json';
import { learningRateAt, momentumAt, schedulePreview, totalStepsOf, type ScheduleParams } from './schedule';

const base: ScheduleParams = { schedule: 'constant', learningRate: 0.1, warmupEpochs: 1, decayEvery: 2, decayFactor: 0.1 };
const at = (p: Partial<ScheduleParams>, step: number, perEpoch = 10, total = 100) => learningRateAt({ ...base, ...p }, step, perEpoch, total);

describe('learningRateAt', () => {
  it('constant is the rate at every step', () => {
    expect([0, 50, 99].map((s) => at({}, s))).toEqual([0.1, 0.1, 0.1]);
  });

  it('step multiplies by the factor every decayEvery epochs (torch StepLR)', () => {
    expect(at({ schedule: 'step' }, 19)).toBeCloseTo(0.1, 12);
    expect(at({ schedule: 'step' }, 20)).toBeCloseTo(0.01, 12);
    expect(at({ schedule: 'step' }, 45)).toBeCloseTo(0.001, 12);
  });

  it('multistep multiplies by the factor at 50% and 75% of the run (He et al. 2015 §4.2; torch MultiStepLR)', () => {
    const run = (step: number) => learningRateAt({ ...base, schedule: 'multistep', decayFactor: 0.1 }, step, 10, 400);
    expect(run(199)).toBe(0.1);
    expect(run(200)).toBeCloseTo(0.01, 12);
    expect(run(299)).toBeCloseTo(0.01, 12);
    expect(run(300)).toBeCloseTo(0.001, 12);
    expect(run(399)).toBeCloseTo(0.001, 12);
  });

  it('warm-up climbs linearly to the rate over warmupEpochs, never at 0, then holds', () => {
    expect(at({ schedule: 'warmup' }, 0)).toBeCloseTo(0.01, 12);
    expect(at({ schedule: 'warmup' }, 4)).toBeCloseTo(0.05, 12);
    expect(at({ schedule: 'warmup' }, 9)).toBeCloseTo(0.1, 12);
    expect(at({ schedule: 'warmup' }, 60)).toBe(0.1);
    expect(at({ schedule: 'warmup', warmupEpochs: 0 }, 0)).toBe(0.1);
  });

  it('cosine warms up, then falls along half a cosine to 0 at the end', () => {
    const p = { schedule: 'cosine' as const };
    expect(at(p, 0)).toBeCloseTo(0.01, 12);
    expect(at(p, 10)).toBeCloseTo(0.1, 12);
    expect(at(p, 55)).toBeCloseTo(0.05, 12); // halfway through the 90 cosine steps
    expect(at(p, 100)).toBeCloseTo(0, 12);
    expect(at({ ...p, warmupEpochs: 0 }, 0)).toBe(0.1);
  });

  it('one-cycle matches torch OneCycleLR: lr/25 at the start, the peak at 30%, lr/25e4 at the end', () => {
    const p = { schedule: 'onecycle' as const };
    expect(at(p, 0)).toBeCloseTo(0.004, 12);
    expect(at(p, 29)).toBeCloseTo(0.1, 12);
    expect(at(p, 99)).toBeCloseTo(0.1 / 25 / 1e4, 12);
    // Rising before the peak, falling after.
    expect(at(p, 10)).toBeLessThan(at(p, 20));
    expect(at(p, 60)).toBeGreaterThan(at(p, 80));
    // torch.optim.lr_scheduler.OneCycleLR(max_lr=0.1, total_steps=100), step 50:
    // cos annealing from 0.1 to 4e-7 over steps 29..99, pct (50-29)/70 = 0.3.
    expect(at(p, 50)).toBeCloseTo(0.0793893, 6);
  });
});

describe('totalStepsOf and schedulePreview', () => {
  it('stops at maxSteps when it comes first', () => {
    expect(totalStepsOf({ epochs: 3, maxSteps: 0 }, 10)).toBe(30);
    expect(totalStepsOf({ epochs: 3, maxSteps: 7 }, 10)).toBe(7);
  });

  it('samples at most maxPoints, first and last step included, x in epochs', () => {
    const points = schedulePreview({ ...base, schedule: 'cosine', warmupEpochs: 0, epochs: 10, maxSteps: 0 }, 1000, 50);
    expect(points).toHaveLength(50);
    expect(points[0]).toEqual({ epoch: 0, lr: 0.1 });
    expect(points.at(-1)?.epoch).toBeCloseTo(9.999, 3);
    expect(points.at(-1)?.lr).toBeLessThan(1e-6);
  });
});

describe('against torch (src/testing/torch-schedules.json, printed by bench/reference/schedules.py)', () => {
  const { cases } = torchSchedules as { cases: (ScheduleParams & { schedule: ScheduleParams['schedule']; stepsPerEpoch: number; totalSteps: number; lr: number[]; momentum: number[] })[] };

  it.each(cases.map((c) => [`${c.schedule}, ${c.totalSteps} steps`, c] as const))('%s: the rate of every step', (_, c) => {
    c.lr.forEach((want, step) => expect(learningRateAt(c, step, c.stepsPerEpoch, c.totalSteps)).toBeCloseTo(want, 12));
  });

  it.each(cases.map((c) => [`${c.schedule}, ${c.totalSteps} steps`, c] as const))('%s: the momentum of every step (one-cycle cycles it, the rest keep the optimizer\'s 0.9)', (_, c) => {
    c.momentum.forEach((want, step) => expect(momentumAt(c, step, c.totalSteps) ?? 0.9).toBeCloseTo(want, 12));
  });
});
