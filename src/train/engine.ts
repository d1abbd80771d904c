// The training engine: one pure module that the worker and the CLI both wrap.
// Our own loop rather than model.fit (which yields on requestAnimationFrame
// and stalls in hidden tabs). Each step: tf.variableGrads -> per-layer
// gradient norms from those same gradients, weight norms and update norms,
// packed with loss and accuracy into one tensor -> optimizer step at the
// schedule's rate -> dispose; the packed tensor is read asynchronously one
// step later, once the next step is queued.
import * as tf from '@tensorflow/tfjs';
import type { Config, TrainConfig } from '../config/types';
import { validateConfig } from '../config/validate';
import type { Dataset } from '../data/types';
import { buildArch, summarize, type Shape } from '../arch/arch';
import { mulberry32 } from '../arch/rng';
import { buildModel, type Model } from '../model/build';
import { checkFits, DEFAULT_LIMITS, trainingMemory, type BackendLimits } from '../arch/memory';
import { CHECKPOINT_INTERVAL_MS, type Checkpoint, type DoneReason, type EpochMetrics, type ModelInfo, type RunPhase, type StepMetrics } from '../protocol/messages';
import { learningRateAt, momentumAt, totalStepsOf } from '../config/schedule';
import type { AugmentDecision } from '../data/augment';
import { Batcher, channelStats, permutation, type ChannelStats } from './batches';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { RunControl, yieldToEventLoop } from './control';
import { evaluate } from './evaluate';
import { Optimizer } from './optim';
import { ourKernelRuns } from '../kernels/install';
import { OPTIMIZER_STEP } from '../kernels/names';
import { l2, readVariables, tracedParams, TRACE_VERSION, type TraceSink } from './trace';
import { bestNaming, loadTorchWeights, matchWeights, WeightsError, type TorchTensor, type WeightsNaming, type WeightsReport } from '../model/weights';
import { namingsFor } from '../weights/torch-names';
import { isFrozen, layerOf, parseFreeze } from '../weights/freeze';
import { computeFeatures, FeatureBatcher, splitHead, type BatchSource } from './features';
import type { Dataset as Data } from '../data/types';

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
  /** Where the run's trace goes (src/train/trace.ts); each step is then read back before the next. */
  trace?: TraceSink;
  /** Start from these PyTorch weights (fine-tuning): see InitWeights. */
  init?: InitWeights;
}

/**
 * Pretrained weights to start from (config.train.initWeights names them;
 * config.train.freeze says what trains). The classifier is loaded when its
 * shape fits the data's classes and left at its initialisation (a new
 * head) when it does not; everything else must match (loadTorchWeights).
 */
export interface InitWeights {
  /** The file's name, for messages. */
  source: string;
  tensors: ReadonlyMap<string, TorchTensor>;
  /** Whose names; null: the first the tensors fit of the net's PyTorch namings, then the playground's own. */
  naming: WeightsNaming | null;
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

export function makeOptimizer(train: TrainConfig): Optimizer {
  return new Optimizer({ name: train.optimizer, momentum: train.momentum, weightDecay: train.weightDecay });
}

/** Frees an optimizer's slots. */
export function disposeOptimizer(optimizer: Optimizer): void {
  optimizer.dispose();
}

export interface StepOptions {
  /** This step's learning rate (from the schedule). */
  lr: number;
  /** Label smoothing ε of the training loss (Szegedy et al. 2016 §7). */
  labelSmoothing: number;
  /** Also compute each kernel's gradient norm, weight norm and update norm. */
  withNorms: boolean;
  /** This step's momentum (μ, or Adam's β1) where the schedule sets it (one-cycle); null: the optimizer's own. */
  momentum?: number | null;
  /** The variables whose norms are packed (default: the model's kernels; a trace takes every trainable variable). */
  normsOf?: readonly tf.Variable[];
  /** The variables the step updates (default: every parameter); a frozen one's gradient norm reads 0. */
  trainable?: readonly tf.Variable[];
  /** Batch -> logits (default the whole net; a linear probe's head on features). */
  forward?: (x: tf.Tensor, training: boolean) => tf.Tensor2D;
  /** A multiple of `lr` per variable name (the head's own rate: TrainConfig.headLrScale). */
  lrScale?: ReadonlyMap<string, number>;
}

/**
 * ‖t‖² as one matrix product (t·t over the flattened tensor), [1, 1]: one
 * dispatch instead of square + sum, which matters on GPUs; left [1, 1] so
 * that all of a step's norms join in one concat, not a reshape each.
 */
function squaredNorm(t: tf.Tensor): tf.Tensor2D {
  const flat = tf.reshape(t, [1, -1]);
  return tf.matMul(flat, flat, false, true); // [1, 1]
}

/**
 * The numbers of one step, read from trainStep's packed tensor: with L
 * kernels, [loss, acc, ...gradNorms(L), ...weightNorms(L), ...updateNorms(L)],
 * or [loss, acc] without norms.
 */
export function unpackStep(values: ArrayLike<number>, kernels: number): { loss: number; acc: number; gradNorms: number[]; weightNorms: number[]; updateRatios: number[] } {
  const all = Array.from(values);
  const [loss = NaN, acc = NaN] = all;
  const has = all.length >= 2 + 3 * kernels && kernels > 0;
  const gradNorms = has ? all.slice(2, 2 + kernels) : [];
  const weightNorms = has ? all.slice(2 + kernels, 2 + 2 * kernels) : [];
  const updateRatios = has ? all.slice(2 + 2 * kernels, 2 + 3 * kernels).map((u, i) => u / (weightNorms[i] as number)) : [];
  return { loss, acc, gradNorms, weightNorms, updateRatios };
}

/** optimizer.step with the norms trainStep packs, [3L], as TF.js ops (where no OPTIMIZER_STEP kernel runs). */
function stepAndNorms(optimizer: Optimizer, trainable: readonly tf.Variable[], grads: tf.NamedTensorMap, kernels: readonly tf.Variable[], decayed: ReadonlySet<string>, opts: StepOptions): tf.Tensor1D {
  const zero = () => tf.zeros([1, 1]) as tf.Tensor2D;
  const gradSq = kernels.map((k) => (grads[k.name] === undefined ? zero() : squaredNorm(grads[k.name] as tf.Tensor)));
  // A frozen kernel does not move: no copy to diff against (a linear
  // probe would otherwise copy the whole body every step).
  const moves = kernels.map((k) => grads[k.name] !== undefined);
  const before = kernels.map((k, i) => (moves[i] ? tf.clone(k) : k));
  const weightSq = before.map(squaredNorm);
  optimizer.step(trainable, grads, opts.lr, decayed, opts.momentum ?? null, opts.lrScale);
  const updateSq = kernels.map((k, i) => (moves[i] ? squaredNorm(tf.sub(k, before[i] as tf.Tensor)) : zero()));
  return kernels.length > 0 ? tf.sqrt(tf.reshape(tf.concat([...gradSq, ...weightSq, ...updateSq], 0), [-1])) : tf.zeros([0]); // [3L]
}

/**
 * One training step. Returns a kept tensor (see unpackStep) so the caller
 * reads loss, accuracy and every per-layer norm with a single async read.
 * The loss reported is the plain cross-entropy, even when the step minimises
 * the smoothed one, so runs with and without smoothing compare.
 */
export function trainStep(model: Model, optimizer: Optimizer, x: tf.Tensor, y: tf.Tensor2D, opts: StepOptions): tf.Tensor1D {
  return tf.tidy(() => {
    let acc: tf.Scalar | null = null;
    let plain: tf.Scalar | null = null;
    const trainable = opts.trainable ? [...opts.trainable] : [...model.params.values()];
    const forward = opts.forward ?? ((input: tf.Tensor, training: boolean) => model.forward(input as tf.Tensor4D, training));
    const { value: loss, grads } = tf.variableGrads(() => {
      const logits = forward(x, true); // [B, classes]
      acc = tf.keep(tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)), 'float32')));
      if (opts.labelSmoothing <= 0) return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
      plain = tf.keep(tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar);
      return tf.losses.softmaxCrossEntropy(y, logits, undefined, opts.labelSmoothing) as tf.Scalar;
    }, trainable);
    const accuracy = acc as unknown as tf.Scalar;
    const reported = (plain as tf.Scalar | null) ?? loss;
    // Norms come from the same gradients as the update, before weight decay:
    // they show how the loss alone reaches each layer. Weights are read
    // before the update; the update is new minus old, whatever the optimizer.
    const kernels = opts.withNorms ? (opts.normsOf ?? model.kernels) : [];
    // Weight decay on conv, dense and SE kernels only (not BN or biases).
    const decayed = new Set(model.kernels.map((k) => k.name));
    const norms = ourKernelRuns(OPTIMIZER_STEP)
      ? optimizer.stepFused(trainable, grads, opts.lr, decayed, opts.momentum ?? null, opts.lrScale ?? new Map(), kernels) // [3L]
      : stepAndNorms(optimizer, trainable, grads, kernels, decayed, opts);
    const packed = tf.concat([tf.stack([reported, accuracy]), norms]); // [2 + 3L]
    // Kept tensors escape tidy: free them by hand.
    accuracy.dispose();
    (plain as tf.Scalar | null)?.dispose();
    return tf.keep(packed as tf.Tensor1D);
  });
}

function divergenceMessage(what: string, step: number, train: TrainConfig, lr: number): string {
  const now = lr !== train.learningRate ? ` (${lr} at this step)` : '';
  return `loss became ${what} at step ${step}: training diverged. The learning rate (${train.learningRate})${now} is the likely cause; lower it (try ${train.learningRate / 10}), or turn batch norm on.`;
}

export async function train(opts: TrainOptions): Promise<TrainResult> {
  const { config, data, hooks = {} } = opts;
  const control = opts.control ?? new RunControl();
  const withNorms = opts.gradNorms ?? true;
  const errors = validateConfig(config);
  if (errors.length > 0) throw new TrainingError(`invalid config: ${errors.map((e) => e.message).join('; ')}`);
  if (config.train.initWeights !== '' && !opts.init) throw new TrainingError(`the run starts from ${config.train.initWeights}, which was not loaded`);
  if (config.train.freeze !== 'none' && !opts.init) throw new TrainingError(`freeze ${config.train.freeze} needs starting weights: a fresh net has nothing worth freezing`);
  if (config.data.dataset === 'folder' && config.data.classes > 0 && config.data.classes !== data.numClasses) {
    throw new TrainingError(`this run is for ${config.data.images || 'a folder of images'} with ${config.data.classes} classes, but the images held have ${data.numClasses} (${data.classNames.slice(0, 4).join(', ')}${data.numClasses > 4 ? ', …' : ''}): read the run's folder again in the data panel`);
  }
  if (opts.trace && config.train.freeze === 'head') throw new TrainingError('a trace replays steps on images; a linear probe steps on features (use freeze stageN to trace a frozen body)');

  hooks.onPhase?.('building');
  const input: Shape = [data.height, data.width, data.channels];
  const tooBig = checkFits(trainingMemory(summarize(buildArch(config.model, data.numClasses), input), config.train.batchSize, config.train.optimizer), opts.limits ?? DEFAULT_LIMITS, config.train.batchSize);
  if (tooBig) throw new TrainingError(`This configuration is ${tooBig}`);
  const model = buildModel(config.model, input, data.numClasses, config.train.seed);
  const optimizer = makeOptimizer(config.train);
  try {
    if (opts.init) {
      const loaded = startFrom(model, config, opts.init);
      hooks.onPhase?.('building', loaded);
    }
    const stepsPerEpoch = Math.ceil((config.data.trainSubset > 0 ? Math.min(config.data.trainSubset, data.train.count) : data.train.count) / config.train.batchSize);
    hooks.onModel?.({ kernelNames: model.summary.kernelNames, params: model.summary.params, depth: model.summary.depth, inputShape: model.inputShape, classNames: data.classNames, stepsPerEpoch, totalSteps: totalStepsOf(config.train, stepsPerEpoch) });
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

/**
 * Loads `init` into `model` and freezes what its policy says; -> a line for
 * the user. Throws TrainingError naming the first problem of the weights.
 */
function startFrom(model: Model, config: Config, init: InitWeights): string {
  const stages = model.summary.layers.reduce((n, l) => Math.max(n, Number(/^stage(\d+)$/.exec(l.stage)?.[1] ?? 0)), 0);
  const policy = parseFreeze(config.train.freeze, stages);
  if ('error' in policy) throw new TrainingError(policy.error);
  const naming = init.naming ?? bestNaming(model, config.model, init.tensors, [...namingsFor(config.model), 'playground']);
  const fits = matchWeights(model, config.model, init.tensors, naming);
  // Another class count: everything but the classifier must still fit.
  const newHead = fits.mismatched.length > 0 && fits.mismatched.every((m) => m.head);
  let report: WeightsReport;
  try {
    report = loadTorchWeights(model, config.model, init.tensors, naming, { newHead });
  } catch (e) {
    if (e instanceof WeightsError) throw new TrainingError(`${init.source}: ${e.message}`);
    throw e;
  }
  for (const name of model.params.keys()) if (isFrozen(layerOf(name), policy.policy)) model.frozenVariables.add(name);
  for (const name of model.state.keys()) if (isFrozen(layerOf(name), policy.policy)) model.frozenBatchNorm.add(layerOf(name));
  const frozen = [...model.frozenVariables].reduce((a, n) => a + (model.params.get(n) as tf.Variable).size, 0);
  const head = newHead ? ', a new head for the data\'s classes' : '';
  const freeze = policy.policy === 'none' ? '' : `; ${frozen.toLocaleString('en-US')} of ${model.summary.params.toLocaleString('en-US')} parameters frozen (${policy.policy})`;
  return `started from ${init.source}: ${report.matched.length} tensors (${naming} names)${head}${freeze}`;
}

/** ImageNet's per-channel mean and std in 0..1 units, as torchvision's transforms for its pretrained weights. */
export const IMAGENET_STATS: ChannelStats = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** The normalization config.data.normalize asks for. */
export function statsOf(config: Config, data: Data): ChannelStats {
  if (config.data.normalize === 'dataset') return channelStats(data.train, data.channels);
  if (data.channels !== 3) throw new TrainingError(`ImageNet normalization needs colour images; ${data.id} has ${data.channels} channel${data.channels === 1 ? '' : 's'} (set normalize to dataset)`);
  return IMAGENET_STATS;
}

/**
 * A linear probe's batches: the frozen body's features of the training pool
 * and the evaluated test images, computed once (phase 'building' reports
 * the count); undefined when the run is stopped meanwhile.
 */
async function probeData(model: Model, images: Batcher, pool: Uint32Array, config: Config, control: RunControl, hooks: EngineHooks): Promise<{ batcher: FeatureBatcher; forward: (x: tf.Tensor, training: boolean) => tf.Tensor2D } | undefined> {
  const { body, head } = splitHead(model.arch);
  const data = images.data;
  const testCount = config.data.testSubset > 0 ? Math.min(config.data.testSubset, data.test.count) : data.test.count;
  const total = pool.length + testCount;
  const batch = Math.min(Math.max(config.train.batchSize, 32), 256);
  const started = performance.now();
  let reported = 0;
  const progress = (done: number) => {
    const now = performance.now();
    if (now - reported < 500 && done < total) return;
    reported = now;
    hooks.onPhase?.('building', `linear probe: features of ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} images (${((now - started) / 1000).toFixed(0)} s)`);
  };
  const train = await computeFeatures(model, body, images, data.train, pool, batch, control, progress);
  if (train === null) return undefined;
  const test = await computeFeatures(model, body, images, data.test, Array.from({ length: testCount }, (_, i) => i), batch, control, (done) => progress(pool.length + done));
  if (test === null) return undefined;
  return { batcher: new FeatureBatcher(data, train, test), forward: (x, training) => model.run(head, x, training) as tf.Tensor2D };
}

/** Where the loop stands; `stepInEpoch` steps of `epoch` are done. */
interface Position { step: number; epoch: number; stepInEpoch: number }

async function loop(model: Model, optimizer: Optimizer, opts: TrainOptions, control: RunControl, withNorms: boolean, at: Position, checkpoint: () => Promise<void>): Promise<TrainResult> {
  const { config, data, hooks = {} } = opts;
  const { train: t } = config;
  const subset = config.data.trainSubset > 0 ? Math.min(config.data.trainSubset, data.train.count) : data.train.count;
  // A fixed subset drawn from the seed, reshuffled every epoch.
  const pool = permutation(data.train.count, t.seed).subarray(0, subset);
  // Augmentation draws its own stream from the seed, so runs repeat exactly.
  const images = new Batcher(data, statsOf(config, data), config.data, mulberry32(t.seed * 7919 + 17));
  const stepsPerEpoch = Math.ceil(subset / t.batchSize);
  const totalSteps = totalStepsOf(t, stepsPerEpoch);
  const evalBatch = Math.min(Math.max(t.batchSize, 100), 500);
  const trace = opts.trace;
  const probe = config.train.freeze === 'head' ? await probeData(model, images, pool, config, control, hooks) : null;
  if (probe === undefined) return { reason: 'stopped', steps: at.step };
  const batcher: BatchSource = probe?.batcher ?? images;
  const forward = probe?.forward;
  // The head's own rate, as a torch parameter group.
  const lrScale = new Map([...model.params].filter(([name]) => layerOf(name) === 'fc' && t.headLrScale !== 1).map(([, v]) => [v.name, t.headLrScale]));
  // Whose norms each step packs: the kernels (the charts'), or every trainable variable for a trace.
  const normed = trace ? tracedParams(model) : model.kernels;
  const trainable = [...model.params].filter(([name]) => !model.frozenVariables.has(name)).map(([, v]) => v);
  const kernelAt = model.kernels.map((k) => normed.indexOf(k));
  if (trace) {
    trace.header({
      kind: 'header',
      version: TRACE_VERSION,
      config,
      arch: model.arch,
      inputShape: model.inputShape,
      dataset: data.id,
      numClasses: data.numClasses,
      stats: images.stats,
      trainPool: subset,
      stepsPerEpoch,
      totalSteps,
      initial: readVariables(new Map([...model.params, ...model.state])),
      decayed: model.kernels.map((k) => [...model.params].find(([, v]) => v === k)?.[0] as string),
    });
  }
  const checkpointEvery = opts.checkpointEvery ?? CHECKPOINT_INTERVAL_MS;
  let lastCheckpoint = performance.now();
  let last = performance.now();

  const report = (values: Float32Array | Int32Array | Uint8Array, entry: InFlight, numTensors: number) => {
    const now = performance.now();
    const { step: atStep, epoch, lr } = entry;
    const all = unpackStep(values, withNorms || trace ? normed.length : 0);
    const { loss, acc } = all;
    if (!Number.isFinite(loss)) throw new TrainingError(divergenceMessage(Number.isNaN(loss) ? 'NaN' : 'infinite', atStep, t, lr), atStep);
    const kernelsOf = (xs: number[]) => (xs.length > 0 ? kernelAt.map((i) => xs[i] as number) : []);
    hooks.onStep?.({ step: atStep, epoch, loss, acc, lr, ms: now - last, gradNorms: kernelsOf(all.gradNorms), weightNorms: kernelsOf(all.weightNorms), updateRatios: kernelsOf(all.updateRatios), numTensors });
    if (trace) {
      const names = [...model.params.keys()];
      const byName = (xs: number[]) => Object.fromEntries(names.map((name, i) => [name, xs[i] as number]));
      const weights = readVariables(model.params);
      const state = readVariables(model.state);
      trace.step({
        kind: 'step',
        step: atStep,
        epoch,
        indices: entry.indices,
        augment: entry.augment,
        lr,
        momentum: entry.momentum,
        loss,
        acc,
        gradNorms: byName(all.gradNorms),
        weightNorms: Object.fromEntries(names.map((name) => [name, l2((weights[name] as { values: Float32Array }).values)])),
        state: Object.fromEntries(Object.entries(state).map(([name, v]) => [name, Array.from(v.values)])),
      });
    }
    last = now;
  };

  // Metrics come back a step behind: step k's packed numbers are read only
  // after step k+1 is queued, so a GPU backend always has the next step's
  // work while the read of the last one waits (never a synchronous read).
  // Whatever is in flight is settled before a pause, a checkpoint, an
  // evaluation and the end, so reported metrics always match the weights.
  type InFlight = { packed: tf.Tensor1D; step: number; epoch: number; lr: number; momentum: number | null; indices: number[]; augment: AugmentDecision[] };
  let pending: InFlight | null = null;
  const read = async (entry: InFlight) => {
    let values: Float32Array | Int32Array | Uint8Array;
    try {
      values = await entry.packed.data();
    } finally {
      entry.packed.dispose();
    }
    // The count leaves out the next step's packed numbers, if in flight, so
    // that it is the same at every step of a run that does not leak.
    report(values, entry, tf.memory().numTensors - (pending ? 1 : 0));
  };
  const settle = async () => {
    const entry = pending;
    pending = null;
    if (entry) await read(entry);
  };

  try {
    hooks.onPhase?.('training');
    // A resumed run starts inside its epoch; the shuffles depend only on the seed and the epoch.
    const first = { epoch: at.epoch, i: at.stepInEpoch };
    for (let epoch = first.epoch; epoch <= t.epochs; epoch++) {
      const order = permutation(subset, t.seed * 1000 + epoch);
      for (let i = epoch === first.epoch ? first.i : 0; i < stepsPerEpoch; i++) {
        if (t.maxSteps > 0 && at.step >= t.maxSteps) {
          await settle();
          return { reason: 'finished', steps: at.step };
        }
        await yieldToEventLoop();
        if (control.isPaused || control.isStopped) await settle();
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
        const { x, y, decisions } = batcher.batch(data.train, indices, true);
        let packed: tf.Tensor1D;
        const lr = learningRateAt(t, at.step, stepsPerEpoch, totalSteps);
        const momentum = momentumAt(t, at.step, totalSteps);
        try {
          packed = trainStep(model, optimizer, x, y, { lr, momentum, labelSmoothing: t.labelSmoothing, withNorms: withNorms || trace !== undefined, normsOf: normed, trainable, lrScale, ...(forward ? { forward } : {}) });
        } finally {
          x.dispose();
          y.dispose();
        }
        Object.assign(at, { step: at.step + 1, epoch, stepInEpoch: i + 1 });
        const previous: InFlight | null = pending;
        pending = { packed, step: at.step, epoch, lr, momentum, indices, augment: decisions };
        if (previous) await read(previous); // the previous step's numbers, while this one runs
        if (trace) await settle(); // a trace reads the weights this step left
        if (performance.now() - lastCheckpoint >= checkpointEvery) {
          await settle();
          await checkpoint();
          lastCheckpoint = performance.now();
        }
      }
      await settle();
      hooks.onPhase?.('evaluating', `epoch ${epoch}`);
      const test = await evaluate(model, batcher, config.data.testSubset, evalBatch, control, forward);
      if (control.isStopped) return { reason: 'stopped', steps: at.step };
      hooks.onEpoch?.({ epoch, step: at.step, testLoss: test.loss, testAcc: test.acc, testCount: test.count, confusion: test.confusion, predictions: test.predictions, labels: test.labels, examples: test.examples });
      trace?.eval({ kind: 'eval', epoch, step: at.step, testLoss: test.loss, testAcc: test.acc, testCount: test.count });
      Object.assign(at, { epoch: epoch + 1, stepInEpoch: 0 });
      await checkpoint();
      lastCheckpoint = performance.now();
      hooks.onPhase?.('training');
      last = performance.now();
    }
    return { reason: 'finished', steps: at.step };
  } finally {
    // A run that ends by an error (divergence) frees the step it had in flight.
    (pending as { packed: tf.Tensor1D } | null)?.packed.dispose();
  }
}
