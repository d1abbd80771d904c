// What the worker does for the page, without the worker: one run at a time,
// stale runs stopped, data loaded once, events batched. worker.ts wires this
// to postMessage; tests drive it directly.
import * as tf from '@tensorflow/tfjs';
import { isCifar } from '../config/datasets';
import type { BackendChoice, Config, DatasetId } from '../config/types';
import type { Dataset } from '../data/types';
import { assertNever, type BackendInfo, type Checkpoint, type Command, type Event, type RunId } from '../protocol/messages';
import { makePredictor, predictTop, type Predictor } from './predict';
import { RunControl } from './control';
import { train, type InitWeights } from './engine';
import { estimateEpochs } from './estimate';
import { Outbox } from './outbox';

export interface SessionDeps {
  post(event: Event): void;
  loadData(id: DatasetId, onProgress: (detail: string) => void): Promise<Dataset>;
  selectBackend(choice: BackendChoice): Promise<BackendInfo>;
  /** The weights config.train.initWeights names (a cached entry, or a kept run's 'run/ID'); throws naming what is missing. */
  loadWeights(id: string): Promise<InitWeights>;
  /** A kept run's latest checkpoint; throws naming the run when it has none. */
  loadCheckpoint(runId: string): Promise<Checkpoint>;
}

interface ActiveRun {
  runId: RunId;
  control: RunControl;
  finished: Promise<void>;
}

export class Session {
  private active: ActiveRun | null = null;
  private readonly outbox: Outbox;
  private readonly data = new Map<DatasetId, Promise<Dataset>>();
  private backend: { choice: BackendChoice; info: BackendInfo } | null = null;
  /** The latest run's data set: its test images stay viewable after the run ends. */
  private lastData: { runId: RunId; data: Dataset } | null = null;
  /** The net the last prediction used, kept for the next (by kept run and checkpoint step). */
  private predictor: Promise<Predictor> | null = null;

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
    const control = new RunControl();
    let done!: () => void;
    const run: ActiveRun = { runId, control, finished: new Promise((r) => (done = r)) };
    this.active = run;
    try {
      await previous?.finished;
      await this.execute(runId, command, control);
    } catch (e) {
      const step = typeof (e as { step?: unknown }).step === 'number' ? (e as { step: number }).step : undefined;
      this.outbox.send({ type: 'error', runId, message: describeError(e, this.backend?.info.backend), ...(step !== undefined ? { step } : {}) });
    } finally {
      if (this.active === run) this.active = null;
      done();
    }
  }

  /**
   * Times each policy's epoch, as a run would (a start stops it): its events
   * carry the estimate's id, not a run's. Refused while a run trains (the
   * two would share the machine, and the figures would be wrong); a newer
   * estimate replaces an older one.
   */
  private async estimate(command: Extract<Command, { type: 'estimate' }>): Promise<void> {
    const { estimateId, config, policies } = command;
    if (this.active !== null && this.active.runId > 0) {
      this.outbox.send({ type: 'estimate', estimateId, error: 'a run is training: stop it, or wait for it to end, then estimate' });
      return;
    }
    const previous = this.active;
    previous?.control.stop();
    const control = new RunControl();
    let done!: () => void;
    // A negative id: no run's, so no run's command reaches it.
    const run: ActiveRun = { runId: -estimateId, control, finished: new Promise((r) => (done = r)) };
    this.active = run;
    const post = (detail: string) => this.outbox.send({ type: 'estimate', estimateId, detail });
    try {
      await previous?.finished;
      const data = await this.dataset(config.data.dataset, post);
      const estimates = control.isStopped ? [] : await this.useBackend(config).then(() => {
        const info = (this.backend as { info: BackendInfo }).info;
        return estimateEpochs(config, data, policies, control, (detail) => post(`${detail} on ${info.backend}`), info.limits);
      });
      this.outbox.send({ type: 'estimate', estimateId, ...(control.isStopped ? { error: 'stopped: a run started' } : { estimates }) });
    } catch (e) {
      this.outbox.send({ type: 'estimate', estimateId, error: describeError(e, this.backend?.info.backend) });
    } finally {
      if (this.active === run) this.active = null;
      done();
    }
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

  private async useBackend(config: Config): Promise<void> {
    if (this.backend?.choice !== config.train.backend || tf.getBackend() !== this.backend.info.backend) {
      this.backend = { choice: config.train.backend, info: await this.deps.selectBackend(config.train.backend) };
    }
  }

  private async execute(runId: RunId, command: Extract<Command, { type: 'start' }>, control: RunControl): Promise<void> {
    const { config } = command;
    const post = (event: Event) => this.outbox.send(event);
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
    post({ type: 'backend', runId, info: backend });
    const result = await train({
      config,
      data,
      control,
      limits: backend.limits,
      hooks: {
        onPhase: (phase, detail) => post({ type: 'phase', runId, phase, ...(detail !== undefined ? { detail } : {}) }),
        onModel: (info) => post({ type: 'model', runId, info }),
        onStep: (metrics) => this.outbox.step(runId, metrics),
        onEpoch: (metrics) => post({ type: 'epoch', runId, metrics }),
        onCheckpoint: (checkpoint) => post({ type: 'checkpoint', runId, checkpoint }),
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
