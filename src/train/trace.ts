// A run's trace, step by step, for replaying it elsewhere (PyTorch:
// bench/reference/replay.py) and finding the first step and quantity where
// the two part. The engine fills it when a TraceSink is given
// (`npx playground train … --trace FILE`): a header with what the replay
// needs to rebuild the run, then one record per step. Tracing reads every
// step back before the next (slower; for checks, not for training).
import * as tf from '@tensorflow/tfjs';
import type { Config, DatasetId } from '../config/types';
import type { AugmentDecision } from '../data/augment';
import type { LayerOp, Shape } from '../arch/arch';
import type { Model } from '../model/build';
import type { ChannelStats } from './batches';

export const TRACE_VERSION = 1;

export interface TraceHeader {
  kind: 'header';
  version: typeof TRACE_VERSION;
  config: Config;
  /** The layer tree the model was built from (src/arch/ops.ts). */
  arch: LayerOp[];
  inputShape: Shape;
  /** The data set the run read (the replay reads the same files). */
  dataset: DatasetId;
  numClasses: number;
  /** Normalization constants, per channel, in 0..1 units (torchvision's Normalize takes them as they are). */
  stats: ChannelStats;
  /** The pool of training images the epochs shuffle (the subset, when one is set), as indices into the training split. */
  trainPool: number;
  stepsPerEpoch: number;
  totalSteps: number;
  /** Every variable's initial value, by engine name, as the model holds it (kernels HWIO, dense [in, out]). */
  initial: Record<string, { shape: number[]; values: Float32Array }>;
  /** Trainable variables that take weight decay (conv, dense and SE kernels). */
  decayed: string[];
}

export interface TraceStep {
  kind: 'step';
  step: number;
  epoch: number;
  /** The batch's samples, indices into the training split, in batch order. */
  indices: number[];
  /** Each sample's augmentation choices (src/data/augment.ts), in batch order; empty without augmentation. */
  augment: AugmentDecision[];
  lr: number;
  /** The step's momentum (μ, or Adam's β1) where the schedule sets it (one-cycle); null: the optimizer's own. */
  momentum: number | null;
  /** The plain cross-entropy of the batch, before the update (also with label smoothing). */
  loss: number;
  acc: number;
  /** ‖gradient‖ of every trainable variable, by engine name, before weight decay. */
  gradNorms: Record<string, number>;
  /** ‖w‖ of every trainable variable after the update. */
  weightNorms: Record<string, number>;
  /** Every non-trainable variable after the step (batch norm's moving mean and variance). */
  state: Record<string, number[]>;
}

/** The evaluation after an epoch: the first testCount images of the test split, batch norm on its running statistics. */
export interface TraceEval {
  kind: 'eval';
  epoch: number;
  /** Steps done when it ran. */
  step: number;
  /** Mean cross-entropy over the images. */
  testLoss: number;
  /** Correct top-1 predictions over the images. */
  testAcc: number;
  testCount: number;
}

export interface TraceSink {
  header(h: TraceHeader): void;
  step(s: TraceStep): void;
  eval(e: TraceEval): void;
}

/** ‖v‖ in float64 over float32 values. */
export function l2(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] as number) ** 2;
  return Math.sqrt(s);
}

/** Every variable of a map, read now (a synchronous read: tracing only). */
export function readVariables(vars: ReadonlyMap<string, tf.Variable>): Record<string, { shape: number[]; values: Float32Array }> {
  return Object.fromEntries([...vars].map(([name, v]) => [name, { shape: [...v.shape], values: v.dataSync() as Float32Array }]));
}

/** The model's trainable variables, in the order their norms are packed. */
export function tracedParams(model: Model): tf.Variable[] {
  return [...model.params.values()];
}
