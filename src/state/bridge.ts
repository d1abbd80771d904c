// The bridge between the store and the training worker: sends Commands,
// routes Events into the store, drops events of stale runs. The worker is
// created lazily, so TF.js loads only when the user first trains. Step
// metrics are coalesced into one store update per animation frame, at most
// ~10 a second, so the page renders off the message path.
import type { Config, FreezePolicy } from '../config/types';
import { assertNever, isCurrent, type Checkpoint, type Command, type Event, type PredictImage, type RunId, type StepMetrics } from '../protocol/messages';
import { FrameCoalescer } from './coalesce';
import type { Metrics } from './store';
import { useStore } from './store';

let worker: Worker | null = null;
let nextRunId: RunId = 1;

/** Least time between two store updates with steps (ms): ~10 a second. */
export const STEPS_UPDATE_MS = 100;

const pendingSteps = new FrameCoalescer<{ runId: RunId; steps: StepMetrics[] }>((batches) => {
  const s = useStore.getState();
  const runId = s.run.runId;
  const mine = batches.filter((b) => b.runId === runId);
  if (runId !== null && mine.length > 0) s.addSteps(runId, mine.flatMap((b) => b.steps));
}, STEPS_UPDATE_MS);

type CheckpointListener = (runId: RunId, checkpoint: Checkpoint) => void;
const checkpointListeners = new Set<CheckpointListener>();

/** Calls `listener` with every checkpoint of the current run (the runs store keeps them: runs.ts); returns its removal. */
export function onCheckpoint(listener: CheckpointListener): () => void {
  checkpointListeners.add(listener);
  return () => checkpointListeners.delete(listener);
}

function route(event: Event): void {
  if (event.type === 'estimate') return estimateListeners.forEach((listener) => listener(event));
  if (event.type === 'prediction') return predictionListeners.forEach((listener) => listener(event));
  const s = useStore.getState();
  if (!isCurrent(event, s.run.runId)) return;
  if (event.type === 'steps') return pendingSteps.push({ runId: event.runId, steps: event.steps });
  // Anything else lands after the steps before it.
  pendingSteps.flushNow();
  switch (event.type) {
    case 'phase':
      return s.setPhase(event.runId, event.phase, event.detail);
    case 'backend':
      return s.setBackend(event.runId, event.info);
    case 'model':
      return s.setModel(event.runId, event.info);
    case 'epoch':
      return s.addEpoch(event.runId, event.metrics);
    case 'error':
      return s.fail(event.runId, event.step !== undefined ? `Step ${event.step}: ${event.message}` : event.message);
    case 'done':
      return s.finish(event.runId, event.reason);
    case 'testImages':
      return s.addTestImages(event.runId, event.images);
    case 'checkpoint':
      return checkpointListeners.forEach((listener) => listener(event.runId, event.checkpoint));
    default:
      assertNever(event);
  }
}

type EstimateEvent = Extract<Event, { type: 'estimate' }>;
const estimateListeners = new Set<(event: EstimateEvent) => void>();
let nextEstimateId = 1;

/**
 * Times an epoch of `config` under each policy in the training worker
 * (src/train/estimate.ts); `listener` gets its progress, figures or error.
 * -> a function that stops listening. A run's start stops an estimate.
 */
export function estimateEpochs(config: Config, policies: FreezePolicy[], listener: (event: EstimateEvent) => void): () => void {
  const estimateId = nextEstimateId++;
  const mine = (event: EstimateEvent) => event.estimateId === estimateId && listener(event);
  estimateListeners.add(mine);
  send({ type: 'estimate', estimateId, config, policies });
  return () => estimateListeners.delete(mine);
}

type PredictionEvent = Extract<Event, { type: 'prediction' }>;
const predictionListeners = new Set<(event: PredictionEvent) => void>();
let nextPredictId = 1;

/** One image through a kept run's net in the training worker (src/train/predict.ts): -> its top 3 classes, or the error. */
export function predict(runId: string, config: Config, image: PredictImage): Promise<PredictionEvent> {
  const predictId = nextPredictId++;
  return new Promise((resolve) => {
    const mine = (event: PredictionEvent) => {
      if (event.predictId !== predictId) return;
      predictionListeners.delete(mine);
      resolve(event);
    };
    predictionListeners.add(mine);
    send({ type: 'predict', predictId, runId, config, image });
  });
}

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('../train/worker.ts', import.meta.url), { type: 'module', name: 'training' });
  w.onmessage = (e: MessageEvent<Event>) => route(e.data);
  w.onerror = (e) => {
    e.preventDefault();
    // A crashed worker cannot be trusted with the next run: start a fresh one.
    w.terminate();
    worker = null;
    useStore.getState().fail(useStore.getState().run.runId, `The training worker crashed: ${e.message || 'it could not load'}. Press Train to try again.`);
  };
  w.onmessageerror = () => useStore.getState().fail(useStore.getState().run.runId, 'A message from the training worker could not be read.');
  worker = w;
  return w;
}

function send(command: Command): void {
  getWorker().postMessage(command);
}

/** Starts a run; `resume` goes on from a checkpoint, the metrics before it carried over. */
export function startRun(config: Config, resume?: { checkpoint: Checkpoint; carried: Pick<Metrics, 'steps' | 'epochs'> }): RunId {
  const runId = nextRunId++;
  pendingSteps.clear();
  useStore.getState().beginRun(runId, config, resume?.carried);
  send({ type: 'start', runId, config, ...(resume ? { resume: resume.checkpoint } : {}) });
  return runId;
}

function current(): RunId | null {
  return useStore.getState().run.runId;
}

/** Asks the worker for the current run's test images at these indices (those not already here). */
export function requestTestImages(indices: number[]): void {
  const runId = current();
  const have = useStore.getState().metrics.testImages;
  const missing = indices.filter((i) => !have.has(i));
  if (runId === null || missing.length === 0) return;
  send({ type: 'testImages', runId, indices: missing });
}

export function pauseRun(): void {
  const runId = current();
  if (runId === null) return;
  useStore.getState().request('pause');
  send({ type: 'pause', runId });
}

export function resumeRun(): void {
  const runId = current();
  if (runId === null) return;
  useStore.getState().request('resume');
  send({ type: 'resume', runId });
}

/**
 * How long a stop may wait for the step in flight. A step of a big net on a
 * software GPU can take minutes; past this the worker is ended instead, so
 * Stop always stops.
 */
export const STOP_GRACE_MS = 3000;

export function stopRun(): void {
  const runId = current();
  if (runId === null) return;
  useStore.getState().request('stop');
  send({ type: 'stop', runId });
  setTimeout(() => {
    const s = useStore.getState();
    if (s.run.runId !== runId || s.run.pending !== 'stop') return;
    worker?.terminate();
    worker = null;
    // The worker ended mid-step: its tensors went with it; the next Train starts a fresh one.
    s.finish(runId, 'stopped');
  }, STOP_GRACE_MS);
}
