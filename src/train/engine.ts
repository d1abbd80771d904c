// The training engine: one pure module that the worker and the CLI both wrap.
// Our own loop rather than model.fit (which yields on requestAnimationFrame
// and stalls in hidden tabs). Each step: tf.variableGrads -> per-layer
// gradient norms from those same gradients, packed with loss and accuracy
// into one tensor read asynchronously -> optimizer.applyGradients -> dispose.
import * as tf from '@tensorflow/tfjs';
import type { Config, TrainConfig } from '../config/types';
import { validateConfig } from '../config/validate';
import type { Dataset } from '../data/types';
import { buildArch, summarize, type Shape } from '../model/arch';
import { buildModel, mulberry32, type Model } from '../model/build';
import { checkFits, DEFAULT_LIMITS, trainingMemory, type BackendLimits } from '../model/memory';
import type { DoneReason, EpochMetrics, ModelInfo, RunPhase, StepMetrics } from '../protocol/messages';
import { Batcher, channelStats, permutation } from './batches';
import { RunControl, yieldToEventLoop } from './control';

export interface EngineHooks {
  onPhase?(phase: RunPhase, detail?: string): void;
  onModel?(info: ModelInfo): void;
  onStep?(metrics: StepMetrics): void;
  onEpoch?(metrics: EpochMetrics): void;
}

export interface TrainOptions {
  config: Config;
  data: Dataset;
  control?: RunControl;
  hooks?: EngineHooks;
  /** What the backend can hold; a run that would not fit is refused before anything is allocated. */
  limits?: BackendLimits;
  /** Compute per-layer gradient norms (default true); off only to measure their cost. */
  gradNorms?: boolean;
}

export interface TrainResult {
  reason: DoneReason;
  steps: number;
}

/** A run that cannot go on: the message says why and what to try. */
export class TrainingError extends Error {
  constructor(message: string, readonly step?: number) {
    super(message);
    this.name = 'TrainingError';
  }
}

export function makeOptimizer(train: TrainConfig): tf.Optimizer {
  switch (train.optimizer) {
    case 'sgd':
      return tf.train.sgd(train.learningRate);
    case 'momentum':
      return tf.train.momentum(train.learningRate, train.momentum);
    case 'adam':
      return tf.train.adam(train.learningRate);
  }
}

/**
 * Frees an optimizer and its slots. TF.js 4.22's MomentumOptimizer.dispose
 * skips its parent's learning-rate scalar `c`, leaking one tensor per run.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  if (optimizer instanceof tf.MomentumOptimizer) {
    const c = (optimizer as unknown as { c?: tf.Tensor }).c;
    if (c && !c.isDisposed) c.dispose();
  }
}

/**
 * One training step. Returns a kept tensor [loss, acc, ...gradNorms] (2 + L
 * values) so the caller reads everything with a single async read.
 */
export function trainStep(model: Model, optimizer: tf.Optimizer, x: tf.Tensor4D, y: tf.Tensor2D, weightDecay: number, withNorms: boolean): tf.Tensor1D {
  return tf.tidy(() => {
    let acc: tf.Scalar | null = null;
    const trainable = [...model.params.values()];
    const { value: loss, grads } = tf.variableGrads(() => {
      const logits = model.forward(x, true); // [B, classes]
      acc = tf.keep(tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)), 'float32')));
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    }, trainable);
    // Norms come from the same gradients as the update, before weight decay:
    // they show how the loss alone reaches each layer.
    // ‖g‖² as one matrix product per layer (g·g over the flattened kernel): one
    // dispatch per layer instead of square + sum, which matters on GPUs.
    const norms = withNorms ? model.kernels.map((k) => { const g = tf.reshape(grads[k.name] as tf.Tensor, [1, -1]); return tf.reshape(tf.matMul(g, g, false, true), []); }) : [];
    const accuracy = acc as unknown as tf.Scalar;
    const packed = tf.concat([tf.stack([loss, accuracy]), withNorms ? tf.sqrt(tf.stack(norms)) : tf.zeros([0])]); // [2 + L]
    // Kept tensors escape tidy: free the accuracy by hand.
    accuracy.dispose();
    if (weightDecay > 0) {
      // L2 on kernels only (as torch's weight_decay, restricted to conv/dense weights).
      for (const k of model.kernels) grads[k.name] = tf.add(grads[k.name] as tf.Tensor, tf.mul(k, weightDecay));
    }
    optimizer.applyGradients(grads);
    return tf.keep(packed as tf.Tensor1D);
  });
}

/** Mean loss and accuracy over the first `count` test images, in eval mode (BN moving statistics). */
export async function evaluate(model: Model, batcher: Batcher, count: number, batchSize: number, control?: RunControl): Promise<{ loss: number; acc: number; count: number }> {
  const set = batcher.data.test;
  const n = Math.min(count > 0 ? count : set.count, set.count);
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    if (control && !(await control.checkpoint())) break;
    const indices = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const { x, y } = batcher.batch(set, indices);
    const sums = tf.tidy(() => {
      const logits = model.forward(x, false); // [B, classes]
      const ce = tf.losses.softmaxCrossEntropy(y, logits, undefined, undefined, tf.Reduction.SUM);
      const right = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)), 'float32'));
      return tf.stack([ce, right]); // [2]
    });
    x.dispose();
    y.dispose();
    const [l = 0, r = 0] = await sums.data();
    sums.dispose();
    lossSum += l;
    correct += r;
  }
  return { loss: lossSum / n, acc: correct / n, count: n };
}

function divergenceMessage(what: string, step: number, train: TrainConfig): string {
  return `loss became ${what} at step ${step}: training diverged. The learning rate (${train.learningRate}) is the likely cause; lower it (try ${train.learningRate / 10}), or turn batch norm on.`;
}

export async function train(opts: TrainOptions): Promise<TrainResult> {
  const { config, data, hooks = {} } = opts;
  const control = opts.control ?? new RunControl();
  const withNorms = opts.gradNorms ?? true;
  const errors = validateConfig(config);
  if (errors.length > 0) throw new TrainingError(`invalid config: ${errors.map((e) => e.message).join('; ')}`);

  hooks.onPhase?.('building');
  const input: Shape = [data.height, data.width, data.channels];
  const tooBig = checkFits(trainingMemory(summarize(buildArch(config.model, data.numClasses), input), config.train.batchSize, config.train.optimizer), opts.limits ?? DEFAULT_LIMITS, config.train.batchSize);
  if (tooBig) throw new TrainingError(`This configuration is ${tooBig}`);
  const model = buildModel(config.model, input, data.numClasses, config.train.seed);
  const optimizer = makeOptimizer(config.train);
  try {
    hooks.onModel?.({ kernelNames: model.summary.kernelNames, params: model.summary.params, depth: model.summary.depth, inputShape: model.inputShape });
    return await loop(model, optimizer, opts, control, withNorms);
  } finally {
    disposeOptimizer(optimizer);
    model.dispose();
  }
}

async function loop(model: Model, optimizer: tf.Optimizer, opts: TrainOptions, control: RunControl, withNorms: boolean): Promise<TrainResult> {
  const { config, data, hooks = {} } = opts;
  const { train: t } = config;
  const subset = config.data.trainSubset > 0 ? Math.min(config.data.trainSubset, data.train.count) : data.train.count;
  // A fixed subset drawn from the seed, reshuffled every epoch.
  const pool = permutation(data.train.count, t.seed).subarray(0, subset);
  // Augmentation draws its own stream from the seed, so runs repeat exactly.
  const batcher = new Batcher(data, channelStats(data.train, data.channels, 10_000), config.data, mulberry32(t.seed * 7919 + 17));
  const stepsPerEpoch = Math.ceil(subset / t.batchSize);
  const evalBatch = Math.min(Math.max(t.batchSize, 100), 500);
  let step = 0;
  let last = performance.now();

  const report = (values: Float32Array | Int32Array | Uint8Array, atStep: number, epoch: number) => {
    const now = performance.now();
    const [loss = NaN, acc = NaN] = values;
    if (!Number.isFinite(loss)) throw new TrainingError(divergenceMessage(Number.isNaN(loss) ? 'NaN' : 'infinite', atStep, t), atStep);
    hooks.onStep?.({ step: atStep, epoch, loss, acc, lr: t.learningRate, ms: now - last, gradNorms: Array.from(values.subarray(2)), numTensors: tf.memory().numTensors });
    last = now;
  };

  hooks.onPhase?.('training');
  for (let epoch = 1; epoch <= t.epochs; epoch++) {
    const order = permutation(subset, t.seed * 1000 + epoch);
    for (let i = 0; i < stepsPerEpoch; i++) {
      if (t.maxSteps > 0 && step >= t.maxSteps) return { reason: 'finished', steps: step };
      await yieldToEventLoop();
      let paused = false;
      const goOn = await control.checkpoint(() => {
        paused = true;
        hooks.onPhase?.('paused');
      });
      if (!goOn) return { reason: 'stopped', steps: step };
      if (paused) {
        hooks.onPhase?.('training');
        last = performance.now();
      }
      const indices = Array.from(order.subarray(i * t.batchSize, (i + 1) * t.batchSize), (j) => pool[j] as number);
      const { x, y } = batcher.batch(data.train, indices, true);
      let packed: tf.Tensor1D;
      try {
        packed = trainStep(model, optimizer, x, y, t.weightDecay, withNorms);
      } finally {
        x.dispose();
        y.dispose();
      }
      step += 1;
      const values = await packed.data();
      packed.dispose();
      report(values, step, epoch);
    }
    hooks.onPhase?.('evaluating', `epoch ${epoch}`);
    const test = await evaluate(model, batcher, config.data.testSubset, evalBatch, control);
    if (control.isStopped) return { reason: 'stopped', steps: step };
    hooks.onEpoch?.({ epoch, step, testLoss: test.loss, testAcc: test.acc, testCount: test.count });
    hooks.onPhase?.('training');
    last = performance.now();
  }
  return { reason: 'finished', steps: step };
}
