// The one contract between the page and the training worker: a tagged union
// each way, every message stamped with the runId it belongs to. Both sides
// switch on `type` exhaustively; a message whose runId is not the current
// run's is dropped (see isCurrent). Pure TS: no tfjs, no React.
import type { BackendName, Config, FreezePolicy } from '../config/types';
import type { BackendLimits } from '../arch/memory';

export type RunId = number;

/** Page -> worker. */
export type Command =
  /** `resume`: go on from this checkpoint of an earlier run of the same config. */
  | { type: 'start'; runId: RunId; config: Config; resume?: Checkpoint }
  | { type: 'pause'; runId: RunId }
  | { type: 'resume'; runId: RunId }
  | { type: 'stop'; runId: RunId }
  /** Test images of the run's data set by index (the confusion matrix's cells, the top-3 grid). */
  | { type: 'testImages'; runId: RunId; indices: number[] }
  /**
   * Time an epoch of `config` under each policy from measured steps (before a
   * run starts); a start stops it, and it is refused while a run trains.
   * Answered by 'estimate' events with this id.
   */
  | { type: 'estimate'; estimateId: number; config: Config; policies: FreezePolicy[] }
  /**
   * The skip lesson's table: first/last gradient ratios at initialisation of
   * the CIFAR ResNets of `depths` and their plain twins, with and without
   * batch norm, on the first `batch` images of the config's data set, on its
   * backend. Answered by 'gradFlow' events with this id; refused while a run trains.
   */
  | { type: 'gradFlow'; flowId: number; config: Config; depths: number[]; batch: number }
  /** One image through a kept run's net (its latest checkpoint): the top 3 classes. */
  | { type: 'predict'; predictId: number; runId: string; config: Config; image: PredictImage }
  /**
   * A fault injected for the fault tests (e2e/faults.spec.ts): honoured only
   * by a build made with `vite build --mode faults`; the production build
   * compiles it out and ignores it.
   */
  | { type: 'debug'; fault: DebugFault };

/**
 * `block`: the worker's thread spins until it is ended (a hung step);
 * `throw`: an error escapes to the worker's global scope (a crash);
 * `lose-gpu`: the WebGPU device is destroyed or the WebGL context lost.
 */
export type DebugFault = 'block' | 'throw' | 'lose-gpu';

/** An image fitted to the data set's side by the data worker: RGB (or grey) bytes, row by row. */
export interface PredictImage {
  pixels: Uint8Array;
  height: number;
  width: number;
  channels: number;
}

/** One class of a prediction: its index, its name and its probability. */
export interface Prediction {
  label: number;
  name: string;
  p: number;
}

/** One freeze policy's time, measured on this machine's backend. */
export interface PolicyEstimate {
  freeze: FreezePolicy;
  /** Median training step at the config's batch size (a probe's: the head on features). */
  msPerStep: number;
  stepsPerEpoch: number;
  /** Training steps and the epoch's evaluation. */
  epochSeconds: number;
  /** Paid once before the first epoch: a probe's features of every training and test image. */
  onceSeconds: number;
}

/** One cell of the gradient-flow table (src/train/gradflow.ts gradFlowCell). */
export interface GradFlowRow {
  depth: number;
  skip: boolean;
  bn: boolean;
  /** The first conv kernel's gradient norm over the last one's, at initialisation. */
  firstOverLast: number;
  /** Wall time of the cell: building the net, one forward and backward pass. */
  ms: number;
}

export type RunPhase = 'loading-data' | 'building' | 'training' | 'paused' | 'evaluating';

/** One training step's numbers. Plain numbers only: they cross postMessage as is. */
export interface StepMetrics {
  step: number;
  epoch: number;
  /** Mean cross-entropy of the batch (without the weight-decay term, and without label smoothing). */
  loss: number;
  /** Fraction of the batch classified correctly, 0..1. */
  acc: number;
  /** The learning rate this step used, from the schedule. */
  lr: number;
  /** Wall time of the step, in milliseconds. */
  ms: number;
  /** L2 norm of each kernel's gradient, aligned with ModelInfo.kernelNames. */
  gradNorms: number[];
  /**
   * L2 norm of each kernel before the step's update, aligned with kernelNames
   * (empty when norms are off). Optional so that older producers still type-check.
   */
  weightNorms?: number[];
  /**
   * ‖ΔW‖ / ‖W‖ of each kernel for this step's update, aligned with
   * kernelNames: around 1e-3 is healthy (Karpathy, CS231n "Neural Networks 3",
   * ratio of weights:updates); much lower and the layer barely moves. Optional as weightNorms.
   */
  updateRatios?: number[];
  /** tf.memory().numTensors after the step. */
  numTensors: number;
}

/** One test image's top guesses, most likely first. */
export interface EvalExample {
  /** Index in the test split. */
  index: number;
  label: number;
  top: { label: number; p: number }[];
}

export interface EpochMetrics {
  epoch: number;
  step: number;
  testLoss: number;
  testAcc: number;
  /** Test images evaluated: the first testCount of the test split. */
  testCount: number;
  /** Row-major classes × classes counts: row = true label, column = predicted. */
  confusion: number[];
  /** The predicted class of each evaluated test image, in split order. */
  predictions: Uint8Array | Uint16Array;
  /** The true class of each evaluated test image, in split order (lets the page list a confusion cell's images). */
  labels: Uint8Array | Uint16Array;
  /** Top-3 guesses for the first few test images (the same images every epoch). */
  examples: EvalExample[];
}

/** One tensor's place in a checkpoint's bytes, as TF.js's weights manifest writes it. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
}

/** Weights as bytes: float32 values of `specs` in order (tf.io.encodeWeights). */
export interface WeightBlob {
  specs: WeightSpec[];
  data: ArrayBuffer;
}

/**
 * Where a run stands: enough to go on from here after a reload. The model's
 * variables (parameters and batch-norm statistics, by stable name) and the
 * optimizer's slots; `step` steps done, `stepInEpoch` of them in `epoch`.
 */
export interface Checkpoint {
  step: number;
  epoch: number;
  stepInEpoch: number;
  model: WeightBlob;
  /** Null when the optimizer cannot export its state: a resume then restarts its slots. */
  optimizer: WeightBlob | null;
}

/** Test images as the page draws them (it holds no data set of its own). */
export interface TestImage {
  index: number;
  label: number;
  height: number;
  width: number;
  channels: number;
  /** height × width × channels bytes, HWC, 0..255. */
  pixels: Uint8Array;
}

export interface BackendInfo {
  backend: BackendName;
  /** Why this backend runs: the choice made and each backend tried before it. */
  reason: string;
  /** What it can hold; runs that would not fit are refused before allocating. */
  limits: BackendLimits;
}

export interface ModelInfo {
  /** Stable names of the conv and dense kernels in depth order, e.g. 'stage2.block0.conv1'. */
  kernelNames: string[];
  params: number;
  depth: number;
  inputShape: [number, number, number];
  /** What each of the classifier's outputs means, e.g. 'airplane'. */
  classNames: string[];
  /** The run's length in steps and the steps of an epoch (the page's time left); absent from older records. */
  totalSteps?: number;
  stepsPerEpoch?: number;
}

export type DoneReason = 'finished' | 'stopped';

/** Worker -> page. */
export type Event =
  | { type: 'phase'; runId: RunId; phase: RunPhase; detail?: string }
  | { type: 'backend'; runId: RunId; info: BackendInfo }
  | { type: 'model'; runId: RunId; info: ModelInfo }
  | { type: 'steps'; runId: RunId; steps: StepMetrics[] }
  | { type: 'epoch'; runId: RunId; metrics: EpochMetrics }
  | { type: 'error'; runId: RunId; message: string; step?: number }
  | { type: 'done'; runId: RunId; reason: DoneReason; steps: number }
  | { type: 'testImages'; runId: RunId; images: TestImage[] }
  /** At the end of each epoch, every CHECKPOINT_INTERVAL_MS of training, and when a run stops. */
  | { type: 'checkpoint'; runId: RunId; checkpoint: Checkpoint }
  /** An estimate's progress, its figures, or why it failed: not a run's event. */
  | { type: 'estimate'; estimateId: number; detail?: string; estimates?: PolicyEstimate[]; error?: string }
  | { type: 'prediction'; predictId: number; top?: Prediction[]; error?: string }
  /** A gradFlow table's progress: a row as it is computed, then done (or why it failed). */
  | { type: 'gradFlow'; flowId: number; detail?: string; row?: GradFlowRow; done?: boolean; error?: string }
  /** The worker's thread is free: posted every HEARTBEAT_MS whatever it does (a blocked thread cannot). */
  | { type: 'heartbeat' }
  /**
   * The run's GPU backend was lost mid-run (WebGPU device lost, WebGL
   * context lost): the run goes on from its checkpoint at `resumeStep` (0:
   * from the start) on the next backend, which a 'backend' event names.
   */
  | { type: 'backendLost'; runId: RunId; backend: BackendName; reason: string; resumeStep: number };

/** How often the worker says it is alive. */
export const HEARTBEAT_MS = 1000;

/** Silence that means a hung worker before the run's first step (building a big net, compiling shaders). */
export const HANG_BEFORE_FIRST_STEP_MS = 30_000;

/**
 * How long the worker may stay silent before the page calls it hung, from
 * the run's recent step times (ms): a blocked step cannot beat. Ten median
 * steps, and never under 5 s (a step's time varies: an evaluation, a
 * checkpoint, a slow first GPU step after a pause).
 */
export function hangBoundMs(recentStepMs: readonly number[]): number {
  if (recentStepMs.length === 0) return HANG_BEFORE_FIRST_STEP_MS;
  const sorted = [...recentStepMs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  return Math.max(5000, 10 * median);
}

/** Longest training time between two checkpoints. */
export const CHECKPOINT_INTERVAL_MS = 30_000;

/** Most step batches the worker posts per second (the charts redraw at this rate). */
export const MAX_MESSAGES_PER_SECOND = 10;

export function isCurrent(event: Event, currentRunId: RunId | null): boolean {
  return currentRunId !== null && 'runId' in event && event.runId === currentRunId;
}

/** Compile-time exhaustiveness guard for switches over the unions above. */
export function assertNever(value: never): never {
  throw new Error(`unhandled message: ${JSON.stringify(value)}`);
}
