// The page's state, in slices: the config being edited, the run's status, and
// its metrics. Metrics arrive in batches (≤ 10 a second) and are appended in
// one update per batch, so charts redraw at most that often. No tfjs here.
import { create } from 'zustand';
import { DEFAULT_CONFIG } from '../config/presets';
import type { Config } from '../config/types';
import type { FieldError } from '../config/validate';
import type { ConfigPath } from '../share/url';
import type { BackendInfo, DoneReason, EpochMetrics, ModelInfo, RunId, RunPhase, StepMetrics, TestImage } from '../protocol/messages';

export type RunStatus = 'idle' | RunPhase | 'done' | 'stopped' | 'error';

export interface RunState {
  runId: RunId | null;
  status: RunStatus;
  /** Extra words for the status, e.g. download progress. */
  detail: string;
  backend: BackendInfo | null;
  model: ModelInfo | null;
  error: string | null;
  /** The config the current run was started with (edits after Train do not change it). */
  config: Config | null;
  /** A pause or stop asked for and not yet confirmed by the worker (it acts between steps). */
  pending: 'pause' | 'resume' | 'stop' | null;
  /** The worker stopped answering (hung) or died (crashed): the page offers to go on in a new worker. */
  fault: WorkerFault | null;
  /** When the status last changed (performance.now()). */
  since: number;
}

export interface WorkerFault {
  kind: 'hung' | 'crashed';
  message: string;
}

/** A moment of the run the charts mark: where it went on after its GPU was lost. */
export interface RunMark {
  step: number;
  text: string;
}

export interface Metrics {
  steps: StepMetrics[];
  epochs: EpochMetrics[];
  /** Test images the worker sent for the evaluation view, by test-split index. */
  testImages: ReadonlyMap<number, TestImage>;
  /** Where the run went on from a checkpoint on another backend. */
  marks: RunMark[];
  /** How long the run's latest evaluation on the test set took (ms), for the time left; null before the first. */
  evalMs: number | null;
}

export interface PlaygroundState {
  config: Config;
  /** Fields of the page URL that were refused, with why. */
  urlErrors: FieldError[];
  /** Controls hidden by the URL's hide= (lesson mode), by Config path. */
  hidden: ConfigPath[];
  run: RunState;
  metrics: Metrics;
  setConfig(update: (config: Config) => Config): void;
  setUrlErrors(errors: FieldError[]): void;
  setHidden(hidden: ConfigPath[]): void;
  /** `carried`: the metrics a resumed run already has, up to its checkpoint. */
  beginRun(runId: RunId, config: Config, carried?: Pick<Metrics, 'steps' | 'epochs'>): void;
  setPhase(runId: RunId, phase: RunPhase, detail?: string): void;
  request(pending: RunState['pending']): void;
  setBackend(runId: RunId, info: BackendInfo): void;
  setModel(runId: RunId, info: ModelInfo): void;
  /** Steps that go back (a run going on from a checkpoint) replace those from their first step on. */
  addSteps(runId: RunId, steps: StepMetrics[]): void;
  /** The run lost its GPU and goes on from `resumeStep`: marked, and its evaluations after that step dropped (they are redone). */
  backendLost(runId: RunId, mark: RunMark, resumeStep: number): void;
  setFault(runId: RunId, fault: WorkerFault | null): void;
  addEpoch(runId: RunId, epoch: EpochMetrics): void;
  addTestImages(runId: RunId, images: TestImage[]): void;
  finish(runId: RunId, reason: DoneReason): void;
  fail(runId: RunId | null, message: string): void;
  dismissError(): void;
}

const IDLE: RunState = { runId: null, status: 'idle', detail: '', backend: null, model: null, error: null, config: null, pending: null, fault: null, since: 0 };

const now = () => (typeof performance === 'undefined' ? Date.now() : performance.now());

export const useStore = create<PlaygroundState>()((set, get) => {
  /** Applies an update only when it belongs to the current run: stale runs' messages are dropped. */
  const forRun = (runId: RunId, update: (s: PlaygroundState) => Partial<PlaygroundState>) => {
    if (get().run.runId === runId) set(update);
  };
  return {
    config: DEFAULT_CONFIG,
    urlErrors: [],
    hidden: [],
    run: IDLE,
    metrics: { steps: [], epochs: [], testImages: new Map(), marks: [], evalMs: null },
    setConfig: (update) => set((s) => ({ config: update(s.config) })),
    setUrlErrors: (urlErrors) => set({ urlErrors }),
    setHidden: (hidden) => set({ hidden }),
    beginRun: (runId, config, carried) => set({ run: { ...IDLE, runId, status: 'loading-data', config }, metrics: { steps: carried?.steps ?? [], epochs: carried?.epochs ?? [], testImages: new Map(), marks: [], evalMs: null } }),
    setPhase: (runId, phase, detail = '') =>
      forRun(runId, (s) => {
        // A phase change answers a pending pause (-> paused) or resume (-> anything else).
        const answered = (s.run.pending === 'pause' && phase === 'paused') || (s.run.pending === 'resume' && phase !== 'paused');
        const at = now();
        const evaluated = s.run.status === 'evaluating' && phase !== 'evaluating' ? { metrics: { ...s.metrics, evalMs: at - s.run.since } } : {};
        return { run: { ...s.run, status: phase, detail, pending: answered ? null : s.run.pending, since: phase === s.run.status ? s.run.since : at }, ...evaluated };
      }),
    request: (pending) => set((s) => ({ run: { ...s.run, pending } })),
    setBackend: (runId, backend) => forRun(runId, (s) => ({ run: { ...s.run, backend } })),
    setModel: (runId, model) => forRun(runId, (s) => ({ run: { ...s.run, model } })),
    addSteps: (runId, steps) =>
      forRun(runId, (s) => {
        const from = steps[0]?.step ?? Infinity;
        const kept = (s.metrics.steps.at(-1)?.step ?? -Infinity) < from ? s.metrics.steps : s.metrics.steps.filter((m) => m.step < from);
        return { metrics: { ...s.metrics, steps: kept.concat(steps) } };
      }),
    backendLost: (runId, mark, resumeStep) => forRun(runId, (s) => ({ metrics: { ...s.metrics, epochs: s.metrics.epochs.filter((e) => e.step <= resumeStep), marks: [...s.metrics.marks, mark] } })),
    setFault: (runId, fault) => forRun(runId, (s) => ({ run: { ...s.run, fault } })),
    addEpoch: (runId, epoch) => forRun(runId, (s) => ({ metrics: { ...s.metrics, epochs: [...s.metrics.epochs, epoch] } })),
    addTestImages: (runId, images) => forRun(runId, (s) => ({ metrics: { ...s.metrics, testImages: new Map([...s.metrics.testImages, ...images.map((i) => [i.index, i] as const)]) } })),
    finish: (runId, reason) => forRun(runId, (s) => ({ run: { ...s.run, status: reason === 'finished' ? 'done' : 'stopped', detail: '', pending: null } })),
    fail: (runId, message) => {
      if (runId === null || get().run.runId === runId) set((s) => ({ run: { ...s.run, status: 'error', error: message, detail: '', pending: null } }));
    },
    dismissError: () => set((s) => ({ run: { ...s.run, error: null } })),
  };
});

export const isActive = (status: RunStatus): boolean =>
  status === 'loading-data' || status === 'building' || status === 'training' || status === 'paused' || status === 'evaluating';
