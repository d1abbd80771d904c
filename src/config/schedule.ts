// The learning-rate schedule as one pure function of the step: the engine
// calls it before every step, and the page draws its preview curve from the
// same function. Pure TS: imports no tfjs and no React.
import type { TrainConfig } from './types';

export type ScheduleParams = Pick<TrainConfig, 'schedule' | 'learningRate' | 'warmupEpochs' | 'decayEvery' | 'decayFactor'>;

/**
 * One-cycle's shape, torch's OneCycleLR defaults (Smith & Topin 2019 §3),
 * momentum cycled too (cycle_momentum=True): it falls from maxMomentum to
 * baseMomentum while the rate climbs and rises back while it falls (Smith
 * 2018 §4.2: a high rate wants low momentum). Adam's β1 cycles the same way.
 */
export const ONE_CYCLE = {
  /** Fraction of the run spent climbing. */
  pctStart: 0.3,
  /** The start is lr / divFactor. */
  divFactor: 25,
  /** The end is the start / finalDivFactor. */
  finalDivFactor: 1e4,
  /** Momentum (or Adam's β1) at the rate's peak. */
  baseMomentum: 0.85,
  /** Momentum (or Adam's β1) at the start and the end. */
  maxMomentum: 0.95,
} as const;

/** 'multistep': the fractions of the run at which the rate is multiplied by decayFactor (He et al. 2015 §4.2: 32k and 48k of 64k iterations). */
export const MULTI_STEP_AT = [0.5, 0.75] as const;

/** The step from which the decay at fraction `at` of a `totalSteps` run applies (torch's milestones, floor(at·T)). */
export function multiStepMilestone(at: number, totalSteps: number): number {
  return Math.floor(at * totalSteps);
}

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
    case 'multistep':
      return lr * p.decayFactor ** MULTI_STEP_AT.filter((at) => step >= multiStepMilestone(at, totalSteps)).length;
    case 'warmup':
      return step < warm ? (lr * (step + 1)) / warm : lr;
    case 'cosine':
      if (step < warm) return (lr * (step + 1)) / warm;
      return cosineBetween(lr, 0, (step - warm) / Math.max(1, totalSteps - warm));
    case 'onecycle': {
      const start = lr / ONE_CYCLE.divFactor;
      const end = start / ONE_CYCLE.finalDivFactor;
      const { rising, t } = oneCyclePhase(step, totalSteps);
      return rising ? cosineBetween(start, lr, t) : cosineBetween(lr, end, t);
    }
  }
}

/** One-cycle's phase and how far into it step `step` is: the climb ends at step pctStart·T - 1, the descent at T - 1 (torch counts so). */
function oneCyclePhase(step: number, totalSteps: number): { rising: boolean; t: number } {
  const peak = ONE_CYCLE.pctStart * totalSteps - 1;
  if (step <= peak) return { rising: true, t: peak > 0 ? step / peak : 1 };
  return { rising: false, t: (step - peak) / Math.max(1, totalSteps - 1 - peak) };
}

/**
 * The momentum (μ of momentum and Nesterov, β1 of Adam and AdamW) of step
 * `step` where the schedule sets it: one-cycle cycles it as torch's
 * OneCycleLR does; null for every other schedule (the optimizer's own).
 */
export function momentumAt(p: Pick<ScheduleParams, 'schedule'>, step: number, totalSteps: number): number | null {
  if (p.schedule !== 'onecycle') return null;
  const { rising, t } = oneCyclePhase(step, totalSteps);
  const { baseMomentum: low, maxMomentum: high } = ONE_CYCLE;
  return rising ? cosineBetween(high, low, t) : cosineBetween(low, high, t);
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
