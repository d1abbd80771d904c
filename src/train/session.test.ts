// The worker's logic without the worker: one run at a time, stale runs
// stopped and tagged, failures reported as messages, nothing left behind.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/presets';
import { syntheticDataset } from '../testing/synthetic';
import type { Config } from '../config/types';
import { loadMnistNode } from '../data/mnist-node';
import { DEFAULT_LIMITS } from '../arch/memory';
import type { Event } from '../protocol/messages';
import { Session, type SessionDeps } from './session';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const config = (maxSteps: number): Config => ({
  model: { ...DEFAULT_CONFIG.model, blocksPerStage: 1, baseWidth: 2 },
  train: { ...DEFAULT_CONFIG.train, batchSize: 4, maxSteps, epochs: 100 },
  data: { ...DEFAULT_CONFIG.data, testSubset: 8 },
});

function harness(overrides: Partial<SessionDeps> = {}) {
  const events: Event[] = [];
  let loads = 0;
  const session = new Session({
    post: (e) => events.push(e),
    loadData: async () => (loads++, syntheticDataset(64, 10)),
    selectBackend: async () => ({ backend: 'cpu', reason: 'test', limits: { ...DEFAULT_LIMITS, backend: 'cpu' } }),
    loadWeights: async (id) => {
      throw new Error(`no weights ${id} in this test`);
    },
    // The run's latest checkpoint, as the runs store keeps it.
    loadCheckpoint: async (id) => {
      const last = events.filter((e) => e.type === 'checkpoint').at(-1);
      if (last?.type !== 'checkpoint') throw new Error(`the kept run ${id} has no weights yet`);
      return last.checkpoint;
    },
    ...overrides,
  });
  return { session, events, loads: () => loads };
}

const until = async (check: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('Session', () => {
  it('runs a start to done, posting backend, model, steps and done in order', async () => {
    const { session, events } = harness();
    session.handle({ type: 'start', runId: 1, config: config(3) });
    await until(() => events.some((e) => e.type === 'done'));
    const types = events.map((e) => e.type);
    expect(types.indexOf('backend')).toBeLessThan(types.indexOf('model'));
    expect(types.indexOf('model')).toBeLessThan(types.indexOf('steps'));
    expect(events.at(-1)).toEqual({ type: 'done', runId: 1, reason: 'finished', steps: 3 });
    const steps = events.flatMap((e) => (e.type === 'steps' ? e.steps.map((s) => s.step) : []));
    expect(steps).toEqual([1, 2, 3]);
  });

  it('a new start stops the old run; the old run posts nothing after the new one begins', async () => {
    const { session, events, loads } = harness();
    const before = tf.memory().numTensors;
    session.handle({ type: 'start', runId: 1, config: config(0) });
    await until(() => events.some((e) => e.type === 'steps' && e.runId === 1));
    session.handle({ type: 'start', runId: 2, config: config(2) });
    await until(() => events.some((e) => e.type === 'done' && e.runId === 2));
    const runOf = (e: Event) => ('runId' in e ? e.runId : null);
    const firstOfRun2 = events.findIndex((e) => runOf(e) === 2);
    expect(events.slice(firstOfRun2).filter((e) => runOf(e) === 1 && e.type !== 'done')).toEqual([]);
    expect(events.find((e) => e.type === 'done' && e.runId === 1)).toMatchObject({ reason: 'stopped' });
    expect(loads()).toBe(1);
    await session.idle();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("answers test-image requests from the latest run's data, also after it ended; other runs' are stale", async () => {
    const { session, events } = harness();
    session.handle({ type: 'start', runId: 1, config: config(1) });
    await until(() => events.some((e) => e.type === 'done'));
    session.handle({ type: 'testImages', runId: 1, indices: [3, -1, 64, 2.5, 0] });
    session.handle({ type: 'testImages', runId: 2, indices: [1] });
    await until(() => events.some((e) => e.type === 'testImages'));
    const answers = events.filter((e) => e.type === 'testImages');
    expect(answers).toHaveLength(1);
    const images = answers[0]?.type === 'testImages' ? answers[0].images : [];
    expect(images.map((i) => [i.index, i.label, i.pixels.length])).toEqual([[3, 3, 64], [0, 0, 64]]);
    expect(Array.from(images[0]!.pixels)).toEqual(Array.from(syntheticDataset(64, 10).test.images.subarray(3 * 64, 4 * 64)));
  });

  it("predicts a test image as the run's last evaluation did (its net, its normalization); the predictor is reused; a wrong size is refused", async () => {
    const { session, events } = harness();
    const c = config(16); // one epoch of 64 images at batch 4: its evaluation is the last checkpoint's net
    session.handle({ type: 'start', runId: 1, config: c });
    await until(() => events.some((e) => e.type === 'done'));
    const epoch = events.filter((e) => e.type === 'epoch').at(-1);
    const predicted = epoch?.type === 'epoch' ? epoch.metrics.predictions : new Uint8Array();
    const data = syntheticDataset(64, 10);
    const answers = () => events.filter((e): e is Extract<Event, { type: 'prediction' }> => e.type === 'prediction');
    let kept = 0;
    for (const i of [0, 1, 2]) {
      session.handle({ type: 'predict', predictId: i, runId: 'kept', config: c, image: { pixels: data.test.images.slice(i * 64, (i + 1) * 64), height: 8, width: 8, channels: 1 } });
      await until(() => answers().length === i + 1);
      const top = answers()[i]?.top ?? [];
      expect(top).toHaveLength(3);
      expect(top[0]?.label).toBe(predicted[i]);
      expect(top[0]!.p).toBeGreaterThanOrEqual(top[1]!.p);
      expect(top.reduce((s, t) => s + t.p, 0)).toBeLessThanOrEqual(1 + 1e-6);
      // One net built for the three: after the first, no tensor more.
      if (i === 0) kept = tf.memory().numTensors;
      else expect(tf.memory().numTensors).toBe(kept);
    }
    session.handle({ type: 'predict', predictId: 9, runId: 'kept', config: c, image: { pixels: new Uint8Array(3 * 16 * 16), height: 16, width: 16, channels: 3 } });
    await until(() => answers().length === 4);
    expect(answers()[3]).toEqual({ type: 'prediction', predictId: 9, error: 'the image is 16×16; this net takes 8×8' });
  });

  it('a GPU lost mid-run: the run goes on from its last checkpoint on the next backend, the lost attempt muted, nothing left behind', async () => {
    let lose!: (why: string) => void;
    const selected: { choice: string; exclude: readonly string[] }[] = [];
    const { session, events } = harness({
      selectBackend: async (choice, exclude = []) => {
        selected.push({ choice, exclude });
        // The first attempt's backend plays the lost GPU; the next is the CPU.
        return { backend: selected.length === 1 ? 'webgpu' : 'cpu', reason: 'test', limits: { ...DEFAULT_LIMITS, backend: 'cpu' } };
      },
      whenLost: (backend) => (backend === 'webgpu' ? new Promise((resolve) => (lose = resolve)) : new Promise(() => {})),
    });
    const before = tf.memory().numTensors;
    // 4 steps an epoch, a checkpoint after each: the loss comes in epoch 2.
    const c = config(0);
    session.handle({ type: 'start', runId: 1, config: { ...c, train: { ...c.train, backend: 'webgpu', epochs: 3 }, data: { ...c.data, trainSubset: 16 } } });
    await until(() => events.some((e) => e.type === 'steps' && e.steps.some((m) => m.step >= 6)));
    lose('destroyed: the test destroyed the device');
    await until(() => events.some((e) => e.type === 'done'));
    const lost = events.findIndex((e) => e.type === 'backendLost');
    const checkpointsBefore = events.slice(0, lost).filter((e) => e.type === 'checkpoint');
    const resumeStep = checkpointsBefore.at(-1)?.type === 'checkpoint' ? (checkpointsBefore.at(-1) as Extract<Event, { type: 'checkpoint' }>).checkpoint.step : 0;
    expect(resumeStep).toBeGreaterThanOrEqual(4);
    expect(events[lost]).toEqual({ type: 'backendLost', runId: 1, backend: 'webgpu', reason: 'destroyed: the test destroyed the device', resumeStep });
    expect(selected).toEqual([{ choice: 'webgpu', exclude: [] }, { choice: 'auto', exclude: ['webgpu'] }]);
    const after = events.slice(lost + 1);
    expect(after.find((e) => e.type === 'backend')).toMatchObject({ info: { backend: 'cpu' } });
    // Only the new attempt speaks after the loss: steps from the checkpoint on, once each, to the end.
    expect(after.flatMap((e) => (e.type === 'steps' ? e.steps.map((m) => m.step) : []))).toEqual(Array.from({ length: 12 - resumeStep }, (_, i) => resumeStep + 1 + i));
    expect(after.filter((e) => e.type === 'done')).toEqual([{ type: 'done', runId: 1, reason: 'finished', steps: 12 }]);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    await session.idle();
    await until(() => tf.memory().numTensors === before);
  });

  it('ignores commands for runs that are not current', async () => {
    const { session, events } = harness();
    session.handle({ type: 'start', runId: 5, config: config(3) });
    session.handle({ type: 'stop', runId: 4 });
    await until(() => events.some((e) => e.type === 'done'));
    expect(events.at(-1)).toMatchObject({ runId: 5, reason: 'finished' });
  });

  it('turns a data failure into an error message and tries again on the next start', async () => {
    let fail = true;
    const { session, events } = harness({
      loadData: async () => {
        if (fail) throw new Error('http://x/data/mnist/train-images-idx3-ubyte.gz: HTTP 404');
        return syntheticDataset(64, 10);
      },
    });
    session.handle({ type: 'start', runId: 1, config: config(1) });
    await until(() => events.some((e) => e.type === 'error'));
    expect(events.find((e) => e.type === 'error')).toMatchObject({ runId: 1, message: expect.stringMatching(/train-images-idx3-ubyte\.gz: HTTP 404/) });
    fail = false;
    session.handle({ type: 'start', runId: 2, config: config(1) });
    await until(() => events.some((e) => e.type === 'done' && e.runId === 2));
  });

  it('loads a CIFAR set again for each run, so a new import or a cleared cache is seen', async () => {
    const { session, events, loads } = harness();
    const cifar = (steps: number): Config => ({ ...config(steps), data: { ...config(steps).data, dataset: 'cifar10' } });
    session.handle({ type: 'start', runId: 1, config: cifar(1) });
    await until(() => events.some((e) => e.type === 'done' && e.runId === 1));
    session.handle({ type: 'start', runId: 2, config: cifar(1) });
    await until(() => events.some((e) => e.type === 'done' && e.runId === 2));
    expect(loads()).toBe(2);
    session.handle({ type: 'start', runId: 3, config: config(1) });
    await until(() => events.some((e) => e.type === 'done' && e.runId === 3));
    session.handle({ type: 'start', runId: 4, config: config(1) });
    await until(() => events.some((e) => e.type === 'done' && e.runId === 4));
    expect(loads()).toBe(3);
  });

  it('reports a backend that cannot start', async () => {
    const { session, events } = harness({ selectBackend: async () => { throw new Error('no backend could start: webgpu: no adapter'); } });
    session.handle({ type: 'start', runId: 1, config: config(1) });
    await until(() => events.some((e) => e.type === 'error'));
    expect(events.find((e) => e.type === 'error')).toMatchObject({ message: expect.stringContaining('no backend could start') });
  });

  it('refuses a run too big for the backend before allocating, with the numbers', async () => {
    const { session, events } = harness({ selectBackend: async () => ({ backend: 'cpu', reason: 'test', limits: { backend: 'cpu', totalBytes: 2 ** 12, tensorBytes: 2 ** 12, source: 'a 4 KiB test budget' } }) });
    const before = tf.memory().numTensors;
    session.handle({ type: 'start', runId: 1, config: config(1) });
    await until(() => events.some((e) => e.type === 'error'));
    expect(events.find((e) => e.type === 'error')).toMatchObject({ message: expect.stringMatching(/too big for cpu \(a 4 KiB test budget\): at batch 4 this model needs about .* Nothing was allocated/) });
    expect(events.some((e) => e.type === 'model')).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports divergence with the step', async () => {
    const { session, events } = harness({ loadData: () => loadMnistNode() });
    const c = config(30);
    // Adam moves every weight by about lr per step: at lr 10, without batch
    // norm, a 20-layer net's activations overflow within a few steps.
    session.handle({ type: 'start', runId: 1, config: { ...c, model: { ...c.model, blocksPerStage: 3, baseWidth: 4, batchNorm: false }, train: { ...c.train, batchSize: 16, learningRate: 10, optimizer: 'adam' } } });
    await until(() => events.some((e) => e.type === 'error' || e.type === 'done'));
    const error = events.find((e) => e.type === 'error');
    expect(error).toMatchObject({ step: expect.any(Number), message: expect.stringMatching(/learning rate/) });
  });

  it('times an epoch per freeze policy from measured steps, leaving no tensor behind; a start stops an estimate', async () => {
    const { session, events } = harness();
    const before = tf.memory().numTensors;
    const c = config(0);
    session.handle({ type: 'estimate', estimateId: 7, config: { ...c, train: { ...c.train, batchSize: 8 }, data: { ...c.data, trainSubset: 32 } }, policies: ['none', 'head', 'stage2', 'stage4'] });
    await until(() => events.some((e) => e.type === 'estimate' && (e.estimates !== undefined || e.error !== undefined)));
    const result = events.find((e) => e.type === 'estimate' && e.estimates !== undefined);
    const estimates = result?.type === 'estimate' ? result.estimates ?? [] : [];
    // stage4 is dropped: a CIFAR ResNet has three stages.
    expect(estimates.map((e) => e.freeze)).toEqual(['none', 'head', 'stage2']);
    for (const e of estimates) {
      expect(e.stepsPerEpoch).toBe(4);
      expect(e.msPerStep).toBeGreaterThan(0);
      expect(e.epochSeconds).toBeGreaterThan(0);
    }
    expect(estimates[1]!.onceSeconds).toBeGreaterThan(0);
    await session.idle();
    expect(tf.memory().numTensors).toBe(before);
    expect(events.some((e) => e.type === 'estimate' && /^timing /.test(e.detail ?? ''))).toBe(true);
    session.handle({ type: 'estimate', estimateId: 8, config: { ...c, model: { ...c.model, blocksPerStage: 3, baseWidth: 16 }, train: { ...c.train, batchSize: 64 } }, policies: ['none', 'stage1', 'stage2'] });
    session.handle({ type: 'start', runId: 9, config: config(2) });
    await until(() => events.some((e) => e.type === 'done' && e.runId === 9));
    expect(events.find((e) => e.type === 'estimate' && e.estimateId === 8 && (e.error !== undefined || e.estimates !== undefined))).toMatchObject({ error: 'stopped: a run started' });
    // While a run trains, an estimate is refused: the two would share the machine.
    session.handle({ type: 'start', runId: 10, config: config(0) });
    await until(() => events.some((e) => e.type === 'steps' && e.runId === 10));
    session.handle({ type: 'estimate', estimateId: 11, config: c, policies: ['none'] });
    await until(() => events.some((e) => e.type === 'estimate' && e.estimateId === 11));
    expect(events.find((e) => e.type === 'estimate' && e.estimateId === 11)).toMatchObject({ error: 'a run is training: stop it, or wait for it to end, then try again' });
    session.handle({ type: 'stop', runId: 10 });
    await session.idle();
  });

  it("computes the skip lesson's table a row at a time, frees every tensor, and is stopped by a start", async () => {
    const { session, events } = harness();
    const before = tf.memory().numTensors;
    session.handle({ type: 'gradFlow', flowId: 1, config: config(1), depths: [8], batch: 4 });
    await until(() => events.some((e) => e.type === 'gradFlow' && (e.done || e.error !== undefined)));
    const rows = events.flatMap((e) => (e.type === 'gradFlow' && e.row ? [e.row] : []));
    expect(rows.map((r) => [r.depth, r.skip, r.bn])).toEqual([[8, true, true], [8, false, true], [8, true, false], [8, false, false]]);
    for (const r of rows) expect(r.firstOverLast).toBeGreaterThan(0);
    await session.idle();
    expect(tf.memory().numTensors).toBe(before);
    // A depth that is not 6n + 2 is named; a start stops a table.
    session.handle({ type: 'gradFlow', flowId: 2, config: config(1), depths: [9], batch: 4 });
    await until(() => events.some((e) => e.type === 'gradFlow' && e.flowId === 2 && e.error !== undefined));
    expect(events.find((e) => e.type === 'gradFlow' && e.flowId === 2 && e.error !== undefined)).toMatchObject({ error: expect.stringContaining('depth 9 is not 6n + 2') });
    session.handle({ type: 'gradFlow', flowId: 3, config: config(1), depths: [8, 8, 8, 8], batch: 4 });
    session.handle({ type: 'start', runId: 4, config: config(1) });
    await until(() => events.some((e) => e.type === 'done' && e.runId === 4));
    expect(events.find((e) => e.type === 'gradFlow' && e.flowId === 3 && (e.done || e.error !== undefined))).toMatchObject({ error: expect.stringContaining('stopped') });
    await session.idle();
  });

  it("loads the weights a config names before building, and reports why they could not be", async () => {
    const asked: string[] = [];
    const { session, events } = harness({ loadWeights: async (id) => { asked.push(id); throw new Error(`the weights ${id} are not on this machine: import them in the weights panel`); } });
    const c = config(2);
    session.handle({ type: 'start', runId: 1, config: { ...c, train: { ...c.train, initWeights: 'torchvision/resnet50' } } });
    await until(() => events.some((e) => e.type === 'error'));
    expect(asked).toEqual(['torchvision/resnet50']);
    expect(events.find((e) => e.type === 'error')).toMatchObject({ message: expect.stringContaining('the weights torchvision/resnet50 are not on this machine') });
    expect(events.some((e) => e.type === 'model')).toBe(false);
  });
});
