// Runs are kept as they train, and a reload shows exactly the numbers that
// were on screen.
import { IDBDatabase as FDBDatabase, IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/presets';
import type { Checkpoint, StepMetrics } from '../protocol/messages';
import { openRunsDb } from './runs-db';
import { keepRuns, useRuns } from './runs';
import { useStore } from './store';

const step = (n: number): StepMetrics => ({ step: n, epoch: 1, loss: 2 / n, acc: n / 10, lr: 0.1, ms: 5, gradNorms: [n, 2 * n], numTensors: 7 });
const MODEL = { kernelNames: ['stem.conv', 'fc'], params: 10, depth: 2, inputShape: [8, 8, 1] as [number, number, number], classNames: ['a', 'b'] };

async function until(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Refuses, as a full disk does, every readwrite transaction over stores `refused` picks; -> the undo. */
function refuseWrites(refused: (stores: string[]) => boolean): () => void {
  const transaction = FDBDatabase.prototype.transaction;
  FDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<typeof transaction>) {
    if (args[1] === 'readwrite' && refused(typeof args[0] === 'string' ? [args[0]] : [...args[0]])) throw new DOMException('the quota has been exceeded', 'QuotaExceededError');
    return transaction.apply(this, args);
  };
  return () => (FDBDatabase.prototype.transaction = transaction);
}

afterEach(() => {
  useStore.setState(useStore.getInitialState(), true);
  useRuns.setState(useRuns.getInitialState(), true);
});

describe('kept runs', () => {
  it('writes the live run and restores it on screen after a reload', async () => {
    const factory = new IDBFactory();
    const stop = await keepRuns(factory);
    const s = useStore.getState();
    s.beginRun(1, DEFAULT_CONFIG);
    s.setModel(1, MODEL);
    s.addSteps(1, [step(1), step(2)]);
    s.addSteps(1, [step(3)]);
    s.finish(1, 'finished');
    const db = await openRunsDb(factory);
    await until(async () => (await db.list())[0]?.steps.length === 3);
    const [kept] = await db.list();
    expect(kept).toMatchObject({ outcome: 'finished', kernelNames: MODEL.kernelNames, config: DEFAULT_CONFIG });
    expect(useRuns.getState().runs.map((r) => r.id)).toEqual([kept?.id]);
    stop();

    // A reload: fresh stores, the same database.
    const onScreen = useStore.getState().metrics.steps;
    useStore.setState(useStore.getInitialState(), true);
    useRuns.setState(useRuns.getInitialState(), true);
    (await keepRuns(factory))();
    expect(useStore.getState().metrics.steps).toEqual(onScreen);
    expect(useStore.getState().run.status).toBe('done');
    expect(useStore.getState().run.model?.kernelNames).toEqual(MODEL.kernelNames);
  });

  it('a restart keeps the replaced run with its last numbers', async () => {
    const factory = new IDBFactory();
    const stop = await keepRuns(factory);
    const s = useStore.getState();
    s.beginRun(1, DEFAULT_CONFIG);
    s.setModel(1, MODEL);
    s.addSteps(1, [step(1), step(2)]);
    s.beginRun(2, { ...DEFAULT_CONFIG, model: { ...DEFAULT_CONFIG.model, skip: false } });
    s.setModel(2, MODEL);
    const db = await openRunsDb(factory);
    await until(async () => (await db.list()).length === 2);
    const runs = await db.list();
    expect(runs.map((r) => [r.config.model.skip, r.steps.length, r.outcome])).toEqual([[true, 2, 'stopped'], [false, 0, 'running']]);
    stop();
  });

  it('a long run saved again and again reads back every step once (chunks appended)', async () => {
    const factory = new IDBFactory();
    const stop = await keepRuns(factory);
    const s = useStore.getState();
    s.beginRun(1, DEFAULT_CONFIG);
    s.setModel(1, MODEL);
    let n = 0;
    for (const batch of [700, 1, 499, 800]) {
      s.addSteps(1, Array.from({ length: batch }, () => step(++n)));
      // A status change saves at once.
      s.setPhase(1, n % 2 ? 'evaluating' : 'training');
    }
    s.finish(1, 'finished');
    const db = await openRunsDb(factory);
    await until(async () => (await db.list())[0]?.outcome === 'finished');
    const [kept] = await db.list();
    expect(kept?.steps).toEqual(useStore.getState().metrics.steps);
    expect(kept?.steps.map((x) => x.step)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    stop();
  });

  it("lists a run another tab of this origin writes, and drops one it removes (BroadcastChannel)", async () => {
    const factory = new IDBFactory();
    const stop = await keepRuns(factory);
    const other = await openRunsDb(factory);
    const record = { id: 'run-other-tab', name: 'theirs', createdAt: Date.now(), config: DEFAULT_CONFIG, outcome: 'running' as const, kernelNames: MODEL.kernelNames, backend: 'wasm', steps: [step(1), step(2)], epochs: [] };
    await other.put(record);
    const tab = new BroadcastChannel('resnet-playground-runs');
    tab.postMessage({ type: 'saved', id: record.id });
    await until(async () => useRuns.getState().runs.some((r) => r.id === record.id && r.steps.length === 2));
    await other.remove(record.id);
    tab.postMessage({ type: 'removed', id: record.id });
    await until(async () => !useRuns.getState().runs.some((r) => r.id === record.id));
    tab.close();
    stop();
  });

  // After every test that needs no warning: it is said once a page session (module state).
  it('storage full: one named warning, training goes on, the run and its checkpoint stay in memory for Resume and Export', async () => {
    const factory = new IDBFactory();
    const stop = await keepRuns(factory);
    // Every write from now on is refused as a full disk refuses it.
    const restore = refuseWrites(() => true);
    try {
      // A run id no earlier test used (the live record is module state).
      const s = useStore.getState();
      s.beginRun(7, DEFAULT_CONFIG);
      s.setModel(7, MODEL);
      s.addSteps(7, [step(1), step(2)]);
      s.setPhase(7, 'evaluating');
      await until(async () => useRuns.getState().storageWarning !== null);
      expect(useRuns.getState().storageWarning).toMatch(/storage for this site is full \(QuotaExceededError\).*Training goes on/);
      const checkpoint: Checkpoint = { step: 2, epoch: 1, stepInEpoch: 2, model: { specs: [], data: new ArrayBuffer(0) }, optimizer: null };
      useRuns.getState().keepCheckpoint(7, checkpoint);
      useRuns.getState().dismissStorageWarning();
      s.addSteps(7, [step(3)]);
      s.finish(7, 'finished');
      await new Promise((r) => setTimeout(r, 50));
      // Said once: the later failures do not bring it back.
      expect(useRuns.getState().storageWarning).toBeNull();
      const id = useRuns.getState().currentId as string;
      const kept = useRuns.getState().runs.find((r) => r.id === id);
      expect(kept).toMatchObject({ outcome: 'finished', checkpointStep: 2 });
      expect(kept?.steps.map((m) => m.step)).toEqual([1, 2, 3]);
      expect(await useRuns.getState().checkpointOf(id)).toBe(checkpoint);
    } finally {
      restore();
      stop();
    }
    // Nothing half-written: the database holds no part of the refused run.
    expect(await (await openRunsDb(factory)).list()).toEqual([]);
  });

  it('a checkpoint the store refuses leaves the kept record naming none (Resume from memory still works)', async () => {
    const factory = new IDBFactory();
    const stop = await keepRuns(factory);
    // The checkpoints refused (too big for what is left), the records kept.
    const restore = refuseWrites((stores) => stores.includes('checkpoints') && !stores.includes('runs'));
    try {
      const s = useStore.getState();
      s.beginRun(5, DEFAULT_CONFIG);
      s.setModel(5, MODEL);
      s.addSteps(5, [step(1), step(2)]);
      const checkpoint: Checkpoint = { step: 2, epoch: 1, stepInEpoch: 2, model: { specs: [], data: new ArrayBuffer(0) }, optimizer: null };
      useRuns.getState().keepCheckpoint(5, checkpoint);
      s.finish(5, 'stopped');
      const id = useRuns.getState().currentId as string;
      const db = await openRunsDb(factory);
      await until(async () => (await db.list())[0]?.outcome === 'stopped');
      expect((await db.list())[0]).not.toHaveProperty('checkpointStep');
      expect(useRuns.getState().runs.find((r) => r.id === id)).toMatchObject({ checkpointStep: 2 });
      expect(await useRuns.getState().checkpointOf(id)).toBe(checkpoint);
    } finally {
      restore();
      stop();
    }
  });
});
