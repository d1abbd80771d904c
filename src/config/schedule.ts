// The learning-rate schedule as one pure function of the step: the engine
// calls it before every step, and the page draws its preview curve from the
// same function. Pure TS: imports no tfjs and no React.
import type { TrainConfig } from './types';

export type ScheduleParams = Pick<TrainConfig, 'schedule' | 'learningRate' | 'warmupEpochs' | 'decayEvery' | 'decayFactor'>;

/** One-cycle's shape, torch's OneCycleLR defaults (Smith & Topin 2019 §3). */
export const ONE_CYCLE = {
  /** Fraction of the run spent climbing. */
  pctStart: 0.3,
  /** The start is lr / divFactor. */
  divFactor: 25,
  /** The end is the start / finalDivFactor. */
  finalDivFactor: 1e4,
} as const;

/** Cosine interpolation from a (at t = 0) to b (at t = 1). */
function cosineBetween(a: number, b: number, t: number): number {
  return b + (a - b) * 0.5 * (1 + Math.cos(Math.PI * Math.min(Math.max(t, 0), 1)));
}

/**
 * The learning rate of step `step` (0-based) of a run of `totalSteps` steps,
 * `stepsPerEpoch` to an epoch. Epoch-valued knobs become steps by
 * stepsPerEpoch. Warm-up rises linearly to the rate, reaching it at its last
 * step, so no step has a rate of 0.
 */
export function learningRateAt(p: ScheduleParams, step: number, stepsPerEpoch: number, totalSteps: number): number {
  const lr = p.learningRate;
  const warm = Math.round(p.warmupEpochs * stepsPerEpoch);
  switch (p.schedule) {
    case 'constant':
      return lr;
    case 'step':
      return lr * p.decayFactor ** Math.floor(step / Math.max(1, p.decayEvery * stepsPerEpoch));
    case 'warmup':
      return step < warm ? (lr * (step + 1)) / warm : lr;
    case 'cosine':
      if (step < warm) return (lr * (step + 1)) / warm;
      return cosineBetween(lr, 0, (step - warm) / Math.max(1, totalSteps - warm));
    case 'onecycle': {
      const start = lr / ONE_CYCLE.divFactor;
      const end = start / ONE_CYCLE.finalDivFactor;
      // torch counts phases in steps: the climb ends at step pctStart·T - 1, the descent at T - 1.
      const peak = ONE_CYCLE.pctStart * totalSteps - 1;
      if (step <= peak) return cosineBetween(start, lr, peak > 0 ? step / peak : 1);
      return cosineBetween(lr, end, (step - peak) / Math.max(1, totalSteps - 1 - peak));
    }
  }
}

/** Steps in a run: every epoch, or maxSteps when that comes first. */
export function totalStepsOf(train: Pick<TrainConfig, 'epochs' | 'maxSteps'>, stepsPerEpoch: number): number {
  const all = train.epochs * stepsPerEpoch;
  return train.maxSteps > 0 ? Math.min(train.maxSteps, all) : all;
}

/**
 * Points of the schedule for a preview curve, x in epochs: at most `maxPoints`
 * evenly spaced steps of a run with `stepsPerEpoch` steps an epoch.
 */
export function schedulePreview(train: ScheduleParams & Pick<TrainConfig, 'epochs' | 'maxSteps'>, stepsPerEpoch: number, maxPoints = 200): { epoch: number; lr: number }[] {
  const total = totalStepsOf(train, stepsPerEpoch);
  const n = Math.min(total, maxPoints);
  return Array.from({ length: n }, (_, i) => {
    const step = n > 1 ? Math.round((i * (total - 1)) / (n - 1)) : 0;
    return { epoch: step / stepsPerEpoch, lr: learningRateAt(train, step, stepsPerEpoch, total) };
  });
}
