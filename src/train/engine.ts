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
import { buildModel, type Model } from '../model/build';
import { checkFits, DEFAULT_LIMITS, trainingMemory, type BackendLimits } from '../model/memory';
import { CHECKPOINT_INTERVAL_MS, type Checkpoint, type DoneReason, type EpochMetrics, type ModelInfo, type RunPhase, type StepMetrics } from '../protocol/messages';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { Batcher, channelStats, permutation } from './batches';
import { RunControl, yieldToEventLoop } from './control';
import { evaluate } from './evaluate';

export interface EngineHooks {
  onPhase?(phase: RunPhase, detail?: string): void;
  onModel?(info: ModelInfo): void;
  onStep?(metrics: StepMetrics): void;
  onEpoch?(metrics: EpochMetrics): void;
  /** A checkpoint to keep: after each epoch, every `checkpointEvery` ms, and when the run ends. */
  onCheckpoint?(checkpoint: Checkpoint): void;
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
  /** Go on from this checkpoint of a run of the same config (its steps are not repeated). */
  resume?: Checkpoint;
  /** Longest training time between checkpoints, in ms (default CHECKPOINT_INTERVAL_MS). */
  checkpointEvery?: number;
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
    hooks.onModel?.({ kernelNames: model.summary.kernelNames, params: model.summary.params, depth: model.summary.depth, inputShape: model.inputShape, classNames: data.classNames });
    const at: Position = { step: 0, epoch: 1, stepInEpoch: 0 };
    if (opts.resume) {
      const slots = await loadCheckpoint(model, optimizer, opts.resume);
      Object.assign(at, { step: opts.resume.step, epoch: opts.resume.epoch, stepInEpoch: opts.resume.stepInEpoch });
      hooks.onPhase?.('building', `resumed at step ${at.step}${slots ? '' : ' (the optimizer state starts afresh)'}`);
    }
    const checkpoint = async () => {
      if (hooks.onCheckpoint && at.step > 0) hooks.onCheckpoint(await saveCheckpoint(model, optimizer, at));
    };
    const result = await loop(model, optimizer, opts, control, withNorms, at, checkpoint);
    // The final weights, also of a stopped run: what a resume or a model download starts from.
    await checkpoint();
    return result;
  } finally {
    disposeOptimizer(optimizer);
    model.dispose();
  }
}

/** Where the loop stands; `stepInEpoch` steps of `epoch` are done. */
interface Position { step: number; epoch: number; stepInEpoch: number }

async function loop(model: Model, optimizer: tf.Optimizer, opts: TrainOptions, control: RunControl, withNorms: boolean, at: Position, checkpoint: () => Promise<void>): Promise<TrainResult> {
  const { config, data, hooks = {} } = opts;
  const { train: t } = config;
  const subset = config.data.trainSubset > 0 ? Math.min(config.data.trainSubset, data.train.count) : data.train.count;
  // A fixed subset drawn from the seed, reshuffled every epoch.
  const pool = permutation(data.train.count, t.seed).subarray(0, subset);
  const batcher = new Batcher(data, channelStats(data.train, data.channels, 10_000));
  const stepsPerEpoch = Math.ceil(subset / t.batchSize);
  const evalBatch = Math.min(Math.max(t.batchSize, 100), 500);
  const checkpointEvery = opts.checkpointEvery ?? CHECKPOINT_INTERVAL_MS;
  let lastCheckpoint = performance.now();
  let last = performance.now();

  const report = (values: Float32Array | Int32Array | Uint8Array, atStep: number, epoch: number) => {
    const now = performance.now();
    const [loss = NaN, acc = NaN] = values;
    if (!Number.isFinite(loss)) throw new TrainingError(divergenceMessage(Number.isNaN(loss) ? 'NaN' : 'infinite', atStep, t), atStep);
    hooks.onStep?.({ step: atStep, epoch, loss, acc, lr: t.learningRate, ms: now - last, gradNorms: Array.from(values.subarray(2)), numTensors: tf.memory().numTensors });
    last = now;
  };

  hooks.onPhase?.('training');
  // A resumed run starts inside its epoch; the shuffles depend only on the seed and the epoch.
  const first = { epoch: at.epoch, i: at.stepInEpoch };
  for (let epoch = first.epoch; epoch <= t.epochs; epoch++) {
    const order = permutation(subset, t.seed * 1000 + epoch);
    for (let i = epoch === first.epoch ? first.i : 0; i < stepsPerEpoch; i++) {
      if (t.maxSteps > 0 && at.step >= t.maxSteps) return { reason: 'finished', steps: at.step };
      await yieldToEventLoop();
      let paused = false;
      const goOn = await control.checkpoint(() => {
        paused = true;
        hooks.onPhase?.('paused');
      });
      if (!goOn) return { reason: 'stopped', steps: at.step };
      if (paused) {
        hooks.onPhase?.('training');
        last = performance.now();
      }
      const indices = Array.from(order.subarray(i * t.batchSize, (i + 1) * t.batchSize), (j) => pool[j] as number);
      const { x, y } = batcher.batch(data.train, indices);
      let packed: tf.Tensor1D;
      try {
        packed = trainStep(model, optimizer, x, y, t.weightDecay, withNorms);
      } finally {
        x.dispose();
        y.dispose();
      }
      const values = await packed.data();
      packed.dispose();
      Object.assign(at, { step: at.step + 1, epoch, stepInEpoch: i + 1 });
      report(values, at.step, epoch);
      if (performance.now() - lastCheckpoint >= checkpointEvery) {
        await checkpoint();
        lastCheckpoint = performance.now();
      }
    }
    hooks.onPhase?.('evaluating', `epoch ${epoch}`);
    const test = await evaluate(model, batcher, config.data.testSubset, evalBatch, control);
    if (control.isStopped) return { reason: 'stopped', steps: at.step };
    hooks.onEpoch?.({ epoch, step: at.step, testLoss: test.loss, testAcc: test.acc, testCount: test.count, confusion: test.confusion, predictions: test.predictions, labels: test.labels, examples: test.examples });
    Object.assign(at, { epoch: epoch + 1, stepInEpoch: 0 });
    await checkpoint();
    lastCheckpoint = performance.now();
    hooks.onPhase?.('training');
    last = performance.now();
  }
  return { reason: 'finished', steps: at.step };
}
