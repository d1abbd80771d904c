// How long a run has left, from its own measured steps: pure, no React.
import { totalStepsOf } from '../config/schedule';
import type { TrainConfig } from '../config/types';
import type { ModelInfo, PolicyEstimate, StepMetrics } from '../protocol/messages';
import { recentMedian } from './series';

/** Steps whose median time is the pace (robust to a slow first step or a GC pause). */
const PACE_WINDOW = 20;

/**
 * The run's time left (ms): the steps still to go at the median of the last
 * steps' times, plus the evaluations still to come at the last one's time
 * (none measured yet: a step's time each, a guess that the first one
 * replaces). Null until the run has a step and knows its length.
 */
export function timeLeftMs(steps: readonly StepMetrics[], epochsDone: number, model: Pick<ModelInfo, 'totalSteps' | 'stepsPerEpoch'> | null, evalMs: number | null): number | null {
  const last = steps.at(-1);
  if (!last || !model?.totalSteps || !model.stepsPerEpoch) return null;
  const pace = recentMedian(steps.slice(-PACE_WINDOW).map((s) => s.ms), PACE_WINDOW);
  if (!Number.isFinite(pace)) return null;
  const evaluations = Math.max(0, Math.floor(model.totalSteps / model.stepsPerEpoch) - epochsDone);
  return Math.max(0, model.totalSteps - last.step) * pace + evaluations * (evalMs ?? pace);
}

/**
 * A whole run's duration (ms) before it starts, from a measured epoch (the
 * worker's estimate: its steps timed on this machine's backend): the steps
 * the run will take, the evaluations at each epoch's end, and what is paid
 * once (a linear probe's features).
 */
export function runMsFromEstimate(estimate: PolicyEstimate, train: Pick<TrainConfig, 'epochs' | 'maxSteps'>): number {
  const total = totalStepsOf(train, estimate.stepsPerEpoch);
  const evalMs = Math.max(0, estimate.epochSeconds * 1000 - estimate.stepsPerEpoch * estimate.msPerStep);
  return estimate.onceSeconds * 1000 + total * estimate.msPerStep + Math.floor(total / estimate.stepsPerEpoch) * evalMs;
}
