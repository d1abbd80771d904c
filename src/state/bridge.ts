// The bridge between the store and the training worker: sends Commands,
// routes Events into the store, drops events of stale runs. The worker is
// created lazily, so TF.js loads only when the user first trains. Step
// metrics are coalesced into one store update per animation frame, at most
// ~10 a second, so the page renders off the message path.
import type { Config, FreezePolicy } from '../config/types';
import { assertNever, hangBoundMs, HEARTBEAT_MS, isCurrent, type Checkpoint, type Command, type DebugFault, type Event, type PredictImage, type RunId, type StepMetrics } from '../protocol/messages';
import { FrameCoalescer } from './coalesce';
import type { Metrics } from './store';
import { isActive, useStore } from './store';

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

// A frame asked for just before the page was hidden never comes while it is
// hidden: what waits for it lands now.
if (typeof document !== 'undefined') document.addEventListener('visibilitychange', () => pendingSteps.flushNow());

type CheckpointListener = (runId: RunId, checkpoint: Checkpoint) => void;
const checkpointListeners = new Set<CheckpointListener>();

/** Calls `listener` with every checkpoint of the current run (the runs store keeps them: runs.ts); returns its removal. */
export function onCheckpoint(listener: CheckpointListener): () => void {
  checkpointListeners.add(listener);
  return () => checkpointListeners.delete(listener);
}

/** When the worker last posted anything (performance.now()); every message says it is alive. */
let lastHeard = 0;
/** Whether the current run has posted a step in this worker (before that, the hang bound is the first step's). */
let steppedHere = false;

function heard(): void {
  lastHeard = performance.now();
  const s = useStore.getState();
  // It came back: a slow step, not a hung worker.
  if (s.run.runId !== null && s.run.fault?.kind === 'hung') s.setFault(s.run.runId, null);
}

/** Steps whose times set the hang bound. */
const HANG_WINDOW = 20;

/**
 * Calls the worker hung when it has been silent past hangBoundMs: checked
 * every HEARTBEAT_MS, so the page says so within a second of the bound.
 */
function watchdog(): void {
  const s = useStore.getState();
  const runId = s.run.runId;
  if (!worker || runId === null || !isActive(s.run.status) || s.run.fault) return;
  const silent = performance.now() - lastHeard;
  const recent = steppedHere ? s.metrics.steps.slice(-HANG_WINDOW).map((m) => m.ms) : [];
  const bound = hangBoundMs(recent);
  if (silent <= bound) return;
  const median = recent.length ? [...recent].sort((a, b) => a - b)[Math.floor(recent.length / 2)]! : null;
  const pace = median !== null ? `a step takes about ${median < 1000 ? `${Math.round(median)} ms` : `${(median / 1000).toFixed(1)} s`} here` : 'before its first step';
  s.setFault(runId, { kind: 'hung', message: `The training worker has not answered for ${Math.round(silent / 1000)} s (${pace}): it looks hung.` });
}

let watching: ReturnType<typeof setInterval> | null = null;

function route(event: Event): void {
  heard();
  if (event.type === 'heartbeat') return;
  if (event.type === 'estimate') return estimateListeners.forEach((listener) => listener(event));
  if (event.type === 'gradFlow') return gradFlowListeners.forEach((listener) => listener(event));
  if (event.type === 'prediction') return predictionListeners.forEach((listener) => listener(event));
  const s = useStore.getState();
  if (!isCurrent(event, s.run.runId)) return;
  if (event.type === 'steps') {
    steppedHere = true;
    return pendingSteps.push({ runId: event.runId, steps: event.steps });
  }
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
    case 'backendLost': {
      steppedHere = false;
      const from = event.resumeStep > 0 ? `its checkpoint at step ${event.resumeStep}` : 'the start (no checkpoint yet)';
      return s.backendLost(event.runId, { step: event.resumeStep, text: `${BACKEND_WORDS[event.backend]} lost (${event.reason}): going on from ${from} on the next backend` }, event.resumeStep);
    }
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

type GradFlowEvent = Extract<Event, { type: 'gradFlow' }>;
const gradFlowListeners = new Set<(event: GradFlowEvent) => void>();
let nextFlowId = 1;

/** The skip lesson's gradient-flow table, computed in the training worker; `listener` gets each row, then done or the error. -> stops listening. */
export function gradFlowTable(config: Config, depths: number[], batch: number, listener: (event: GradFlowEvent) => void): () => void {
  const flowId = nextFlowId++;
  const mine = (event: GradFlowEvent) => event.flowId === flowId && listener(event);
  gradFlowListeners.add(mine);
  send({ type: 'gradFlow', flowId, config, depths, batch });
  return () => gradFlowListeners.delete(mine);
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

const BACKEND_WORDS = { webgpu: 'the WebGPU device was', webgl: 'the WebGL context was', wasm: 'the WASM backend was', cpu: 'the CPU backend was' } as const;

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('../train/worker.ts', import.meta.url), { type: 'module', name: 'training' });
  lastHeard = performance.now();
  watching ??= setInterval(watchdog, HEARTBEAT_MS);
  w.onmessage = (e: MessageEvent<Event>) => route(e.data);
  w.onerror = (e) => {
    e.preventDefault();
    // A crashed worker cannot be trusted with the next run: start a fresh one.
    w.terminate();
    worker = null;
    const s = useStore.getState();
    const runId = s.run.runId;
    const message = `The training worker crashed: ${e.message || 'it could not load'}.`;
    if (runId !== null && isActive(s.run.status)) {
      s.fail(runId, message);
      s.setFault(runId, { kind: 'crashed', message });
    } else s.fail(runId, `${message} Press Train to try again.`);
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
  steppedHere = false;
  lastHeard = performance.now();
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

/** The user chose to wait for a silent worker: the hang bound counts again from now. */
export function keepWaiting(): void {
  lastHeard = performance.now();
  const s = useStore.getState();
  if (s.run.runId !== null) s.setFault(s.run.runId, null);
}

/**
 * Ends the training worker, hung or not, and the current run with it
 * (stopped: its kept record says so); the next command starts a new worker.
 * What the run had kept (its record, its last checkpoint) is the runs store's.
 */
export function replaceWorker(): void {
  worker?.terminate();
  worker = null;
  const s = useStore.getState();
  const runId = s.run.runId;
  if (runId !== null && isActive(s.run.status)) s.finish(runId, 'stopped');
  if (runId !== null) s.setFault(runId, null);
}

// The fault tests' way in (e2e/faults.spec.ts): only a `vite build --mode faults` has it.
if (import.meta.env.MODE === 'faults') {
  (globalThis as { playgroundFault?: (fault: DebugFault) => void }).playgroundFault = (fault) => send({ type: 'debug', fault });
}
