// What the worker does for the page, without the worker: one run at a time,
// stale runs stopped, data loaded once, events batched. worker.ts wires this
// to postMessage; tests drive it directly.
import * as tf from '@tensorflow/tfjs';
import { isCifar } from '../config/datasets';
import type { BackendChoice, BackendName, Config, DatasetId } from '../config/types';
import type { Dataset } from '../data/types';
import { assertNever, type BackendInfo, type Checkpoint, type Command, type Event, type RunId } from '../protocol/messages';
import { makePredictor, predictTop, type Predictor } from './predict';
import { RunControl } from './control';
import { train, type InitWeights } from './engine';
import { estimateEpochs } from './estimate';
import { firstBatch, gradFlowCell } from './gradflow';
import { GRAD_FLOW_CELLS } from '../lessons/lessons';
import { Outbox } from './outbox';

export interface SessionDeps {
  post(event: Event): void;
  loadData(id: DatasetId, onProgress: (detail: string) => void): Promise<Dataset>;
  /** Starts the chosen backend, or for 'auto' the best one not in `exclude` (backends lost in this worker). */
  selectBackend(choice: BackendChoice, exclude?: readonly BackendName[]): Promise<BackendInfo>;
  /**
   * Resolves with why, once the started backend is lost (WebGPU device lost,
   * WebGL context lost); never for a backend that cannot be lost. Absent: no
   * backend is ever lost (Node).
   */
  whenLost?(backend: BackendName): Promise<string>;
  /** The weights config.train.initWeights names (a cached entry, or a kept run's 'run/ID'); throws naming what is missing. */
  loadWeights(id: string): Promise<InitWeights>;
  /** A kept run's latest checkpoint; throws naming the run when it has none. */
  loadCheckpoint(runId: string): Promise<Checkpoint>;
}

interface ActiveRun {
  runId: RunId;
  /** The current attempt's control; a lost backend's attempt is abandoned and a new one made. */
  control: RunControl;
  finished: Promise<void>;
  /** The latest checkpoint this run posted (or started from): where a lost backend's run goes on. */
  checkpoint: Checkpoint | null;
}

/** How long after a GPU attempt fails the session waits for word that the backend was lost (the error may come first). */
const LOSS_GRACE_MS = 500;

const sleep = (ms: number) => new Promise<null>((resolve) => setTimeout(() => resolve(null), ms));

export class Session {
  private active: ActiveRun | null = null;
  private readonly outbox: Outbox;
  private readonly data = new Map<DatasetId, Promise<Dataset>>();
  private backend: { choice: BackendChoice; info: BackendInfo } | null = null;
  /** The latest run's data set: its test images stay viewable after the run ends. */
  private lastData: { runId: RunId; data: Dataset } | null = null;
  /** The net the last prediction used, kept for the next (by kept run and checkpoint step). */
  private predictor: Promise<Predictor> | null = null;
  /** Backends lost in this worker: 'auto' passes over them from then on. */
  private readonly lost = new Set<BackendName>();

  constructor(private readonly deps: SessionDeps) {
    this.outbox = new Outbox(deps.post);
  }

  get currentRunId(): RunId | null {
    return this.active?.runId ?? null;
  }

  handle(command: Command): void {
    switch (command.type) {
      case 'start':
        void this.start(command.runId, command);
        return;
      case 'pause':
        this.controlOf(command.runId)?.pause();
        return;
      case 'resume':
        this.controlOf(command.runId)?.resume();
        return;
      case 'stop':
        this.controlOf(command.runId)?.stop();
        return;
      case 'testImages':
        this.sendTestImages(command.runId, command.indices);
        return;
      case 'estimate':
        void this.estimate(command);
        return;
      case 'predict':
        void this.predict(command);
        return;
      case 'gradFlow':
        void this.gradFlow(command);
        return;
      case 'debug':
        // Faults are the worker shell's (worker.ts, a faults build only).
        return;
      default:
        assertNever(command);
    }
  }

  /** Resolves when the current run (if any) has ended and freed its tensors. */
  async idle(): Promise<void> {
    await this.active?.finished;
  }

  private controlOf(runId: RunId): RunControl | undefined {
    return this.active?.runId === runId ? this.active.control : undefined;
  }

  private async start(runId: RunId, command: Extract<Command, { type: 'start' }>): Promise<void> {
    const previous = this.active;
    previous?.control.stop();
    let done!: () => void;
    const run: ActiveRun = { runId, control: new RunControl(), finished: new Promise((r) => (done = r)), checkpoint: command.resume ?? null };
    this.active = run;
    try {
      await previous?.finished;
      for (;;) {
        const { resume: _, ...fresh } = command;
        const lost = await this.attempt(run, run.checkpoint ? { ...fresh, resume: run.checkpoint } : fresh);
        if (lost === null || this.active !== run) break;
        // The run goes on from its last checkpoint on the next backend; what
        // the lost attempt still does is muted (see attempt).
        this.outbox.send({ type: 'backendLost', runId, backend: lost.backend, reason: lost.reason, resumeStep: run.checkpoint?.step ?? 0 });
        const paused = run.control.isPaused;
        run.control = new RunControl();
        if (paused) run.control.pause();
      }
    } catch (e) {
      const step = typeof (e as { step?: unknown }).step === 'number' ? (e as { step: number }).step : undefined;
      this.outbox.send({ type: 'error', runId, message: describeError(e, this.backend?.info.backend), ...(step !== undefined ? { step } : {}) });
    } finally {
      if (this.active === run) this.active = null;
      done();
    }
  }

  /**
   * One attempt at a run on one backend: -> null when it ended (finished or
   * stopped), or the backend it lost and why. A lost attempt is abandoned,
   * not awaited (its step may never return); its events are dropped from
   * then on and its tensors are freed whenever it unwinds.
   */
  private async attempt(run: ActiveRun, command: Extract<Command, { type: 'start' }>): Promise<{ backend: BackendName; reason: string } | null> {
    const control = run.control;
    let live = true;
    let backend: BackendName | null = null;
    let lostSignal: Promise<string> | null = null;
    let onLost!: (loss: { backend: BackendName; reason: string }) => void;
    const watching = new Promise<{ backend: BackendName; reason: string }>((resolve) => (onLost = resolve));
    const execution = this.execute(run.runId, command, control, {
      live: () => live,
      onBackend: (name) => {
        backend = name;
        lostSignal = this.deps.whenLost?.(name) ?? null;
        void lostSignal?.then((reason) => onLost({ backend: name, reason }));
      },
      onCheckpoint: (checkpoint) => (run.checkpoint = checkpoint),
    }).then(
      () => null,
      async (e: unknown) => {
        // A lost GPU may fail a read before its loss is reported.
        const reason = lostSignal && (await Promise.race([lostSignal, sleep(LOSS_GRACE_MS)]));
        if (reason && backend) return { backend, reason };
        throw e;
      },
    );
    const outcome = await Promise.race([execution, watching]);
    // A stop asked for before the loss ends the run: no new attempt.
    if (outcome !== null && control.isStopped) return null;
    if (outcome !== null) {
      live = false;
      control.stop();
      // A lost WebGL context's reads never settle: the attempt may never
      // unwind, and its tensors stay counted (their memory went with the GPU).
      execution.catch(() => {});
      this.lost.add(outcome.backend);
      this.backend = null;
      // A kept net lived on the lost backend: its tensors now read as zeros.
      this.predictor = null;
    }
    return outcome;
  }

  /**
   * A job that is not a run (an estimate, the skip lesson's table): refused
   * while a run trains (the two would share the machine, and the figures
   * would be wrong); it replaces an older job, and a start stops it. It holds
   * the worker under a negative id, no run's, so no run's command reaches it.
   * `body` gets the job's control; `refuse(message)` answers with an error.
   */
  private async exclusive(id: number, refuse: (message: string) => void, body: (control: RunControl) => Promise<void>): Promise<void> {
    if (this.active !== null && this.active.runId > 0) {
      refuse('a run is training: stop it, or wait for it to end, then try again');
      return;
    }
    const previous = this.active;
    previous?.control.stop();
    const control = new RunControl();
    let done!: () => void;
    const run: ActiveRun = { runId: -id, control, finished: new Promise((r) => (done = r)), checkpoint: null };
    this.active = run;
    try {
      await previous?.finished;
      await body(control);
    } catch (e) {
      refuse(describeError(e, this.backend?.info.backend));
    } finally {
      if (this.active === run) this.active = null;
      done();
    }
  }

  /** Times each policy's epoch, as a run would: its events carry the estimate's id, not a run's. */
  private async estimate(command: Extract<Command, { type: 'estimate' }>): Promise<void> {
    const { estimateId, config, policies } = command;
    const post = (detail: string) => this.outbox.send({ type: 'estimate', estimateId, detail });
    await this.exclusive(estimateId, (error) => this.outbox.send({ type: 'estimate', estimateId, error }), async (control) => {
      const data = await this.dataset(config.data.dataset, post);
      const estimates = control.isStopped ? [] : await this.useBackend(config).then(() => {
        const info = (this.backend as { info: BackendInfo }).info;
        return estimateEpochs(config, data, policies, control, (detail) => post(`${detail} on ${info.backend}`), info.limits);
      });
      this.outbox.send({ type: 'estimate', estimateId, ...(control.isStopped ? { error: 'stopped: a run started' } : { estimates }) });
    });
  }

  /** The skip lesson's table, a row at a time (each a net built, one forward and backward pass, the net freed). */
  private async gradFlow(command: Extract<Command, { type: 'gradFlow' }>): Promise<void> {
    const { flowId, config, depths, batch } = command;
    // Ids apart from the estimates' (both are negative run ids while they hold the worker).
    await this.exclusive(1e6 + flowId, (error) => this.outbox.send({ type: 'gradFlow', flowId, error }), async (control) => {
      const data = await this.dataset(config.data.dataset, (detail) => this.outbox.send({ type: 'gradFlow', flowId, detail }));
      await this.useBackend(config);
      const { x, y } = firstBatch(data, batch);
      try {
        for (const depth of depths) {
          for (const { skip, bn } of GRAD_FLOW_CELLS) {
            if (control.isStopped) throw new Error('stopped: a run started');
            this.outbox.send({ type: 'gradFlow', flowId, row: gradFlowCell(depth, skip, bn, x, y, config.train.seed) });
            await new Promise((r) => setTimeout(r, 0)); // lets a stop or a start in
          }
        }
      } finally {
        x.dispose();
        y.dispose();
      }
      this.outbox.send({ type: 'gradFlow', flowId, done: true });
    });
  }

  /** One image through a kept run's net, built once per checkpoint and kept for the next image. */
  private async predict(command: Extract<Command, { type: 'predict' }>): Promise<void> {
    const { predictId, runId, config, image } = command;
    try {
      await this.useBackend(config);
      const checkpoint = await this.deps.loadCheckpoint(runId);
      const key = `${runId}@${checkpoint.step}`;
      let pending = this.predictor;
      if (!pending || (await pending.catch(() => null))?.key !== key) {
        void pending?.then((p) => p.model.dispose(), () => {});
        pending = this.dataset(config.data.dataset, () => {}).then((data) => makePredictor(key, config, checkpoint, data));
        this.predictor = pending;
      }
      const top = await predictTop(await pending, image);
      this.outbox.send({ type: 'prediction', predictId, top });
    } catch (e) {
      this.predictor = null;
      this.outbox.send({ type: 'prediction', predictId, error: e instanceof Error ? e.message : String(e) });
    }
  }

  /**
   * Starts the config's backend unless it runs already. A backend lost in
   * this worker is passed over: a choice of it becomes 'auto' without it.
   */
  private async useBackend(config: Config): Promise<void> {
    const choice = config.train.backend;
    if (this.backend?.choice !== choice || tf.getBackend() !== this.backend.info.backend) {
      const lost = [...this.lost];
      const info = choice !== 'auto' && this.lost.has(choice) ? await this.deps.selectBackend('auto', lost) : await this.deps.selectBackend(choice, lost);
      if (choice !== 'auto' && info.backend !== choice) info.reason = `${choice} was lost in this tab's worker; ${info.reason}`;
      this.backend = { choice, info };
    }
  }

  private async execute(runId: RunId, command: Extract<Command, { type: 'start' }>, control: RunControl, attempt: { live(): boolean; onBackend(backend: BackendName): void; onCheckpoint(checkpoint: Checkpoint): void }): Promise<void> {
    const { config } = command;
    const post = (event: Event) => attempt.live() && this.outbox.send(event);
    post({ type: 'phase', runId, phase: 'loading-data', detail: config.data.dataset });
    const data = await this.dataset(config.data.dataset, (detail) => post({ type: 'phase', runId, phase: 'loading-data', detail }));
    this.lastData = { runId, data };
    if (control.isStopped) return;
    let init: InitWeights | undefined;
    if (config.train.initWeights !== '') {
      post({ type: 'phase', runId, phase: 'loading-data', detail: `weights: ${config.train.initWeights}` });
      init = await this.deps.loadWeights(config.train.initWeights);
      if (control.isStopped) return;
    }
    await this.useBackend(config);
    const backend = (this.backend as { info: BackendInfo }).info;
    attempt.onBackend(backend.backend);
    post({ type: 'backend', runId, info: backend });
    const result = await train({
      config,
      data,
      control,
      limits: backend.limits,
      hooks: {
        onPhase: (phase, detail) => post({ type: 'phase', runId, phase, ...(detail !== undefined ? { detail } : {}) }),
        onModel: (info) => post({ type: 'model', runId, info }),
        onStep: (metrics) => attempt.live() && this.outbox.step(runId, metrics),
        onEpoch: (metrics) => post({ type: 'epoch', runId, metrics }),
        onCheckpoint: (checkpoint) => {
          if (!attempt.live()) return;
          attempt.onCheckpoint(checkpoint);
          post({ type: 'checkpoint', runId, checkpoint });
        },
      },
      ...(command.resume ? { resume: command.resume } : {}),
      ...(init ? { init } : {}),
    });
    post({ type: 'done', runId, reason: result.reason, steps: result.steps });
  }

  /** Answers with the asked-for test images of the latest run's data set; other runs' requests are stale. */
  private sendTestImages(runId: RunId, indices: number[]): void {
    if (this.lastData?.runId !== runId) return;
    const { data } = this.lastData;
    const pixels = data.height * data.width * data.channels;
    const images = indices
      .filter((i) => Number.isInteger(i) && i >= 0 && i < data.test.count)
      .slice(0, MAX_TEST_IMAGES)
      .map((index) => ({ index, label: data.test.labels[index] as number, height: data.height, width: data.width, channels: data.channels, pixels: data.test.images.slice(index * pixels, (index + 1) * pixels) }));
    this.outbox.send({ type: 'testImages', runId, images });
  }

  private dataset(id: DatasetId, onProgress: (detail: string) => void): Promise<Dataset> {
    let pending = this.data.get(id);
    // CIFAR and one's own images are read from the browser cache each run
    // (about 1 s), so a newly imported or cleared set is what the next run sees.
    if (!pending || isCifar(id) || id === 'folder') {
      pending = this.deps.loadData(id, onProgress);
      // A failed load is not cached: the next start tries again.
      pending.catch(() => this.data.delete(id));
      this.data.set(id, pending);
    }
    return pending;
  }
}

/** Most test images one request returns (a grid's worth). */
export const MAX_TEST_IMAGES = 64;

export function describeError(e: unknown, backend?: string): string {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof Error && e.name === 'TrainingError') return message;
  return backend ? `training failed on the ${backend} backend: ${message}` : `training failed: ${message}`;
}
