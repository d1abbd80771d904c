import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/presets';
import type { RunRecord } from '../share/runfile';
import { openRunsDb, STEPS_PER_CHUNK } from './runs-db';

const record = (id: string, createdAt: number): RunRecord => ({
  id, name: id, createdAt, config: DEFAULT_CONFIG, outcome: 'finished', kernelNames: ['fc'], backend: 'cpu',
  steps: [{ step: 1, epoch: 1, loss: 1, acc: 0.5, lr: 0.1, ms: 10, gradNorms: [0.1], numTensors: 3 }],
  epochs: [],
});

describe('runs database', () => {
  it('keeps, lists (oldest first), updates and removes runs across openings', async () => {
    const factory = new IDBFactory();
    const db = await openRunsDb(factory);
    await db.put(record('b', 2));
    await db.put(record('a', 1));
    await db.put({ ...record('b', 2), outcome: 'stopped' });
    const again = await openRunsDb(factory);
    expect((await again.list()).map((r) => [r.id, r.outcome])).toEqual([['a', 'finished'], ['b', 'stopped']]);
    expect((await again.list())[0]).toEqual(record('a', 1));
    await again.remove('a');
    expect((await db.list()).map((r) => r.id)).toEqual(['b']);
  });
});

describe('runs database, steps in chunks', () => {
  const steps = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ ...record('x', 0).steps[0]!, step: from + i + 1, loss: 1 / (from + i + 1) }));

  it('appends a growing run chunk by chunk and reads back exactly its steps', async () => {
    const factory = new IDBFactory();
    const db = await openRunsDb(factory);
    const run = { ...record('long', 1), steps: steps(0, 1234) };
    await db.putFrom(run, 0);
    const grown = { ...run, steps: [...run.steps, ...steps(1234, 2600)] };
    await db.putFrom(grown, 1234);
    const [back] = await (await openRunsDb(factory)).list();
    expect(back).toEqual(grown);
    expect(back?.steps.length).toBe(2600);
    // Appending touched only the chunks from step 1234's on: chunk 0 is the one written first.
    expect(Math.floor(1234 / STEPS_PER_CHUNK)).toBeGreaterThan(0);
  });

  it('a shorter rewrite (a run resumed from a checkpoint) drops the steps past it; removing drops them all', async () => {
    const factory = new IDBFactory();
    const db = await openRunsDb(factory);
    await db.put({ ...record('r', 1), steps: steps(0, 1800) });
    await db.put({ ...record('r', 1), steps: steps(0, 600) });
    expect((await db.list())[0]?.steps).toEqual(steps(0, 600));
    await db.remove('r');
    await db.put({ ...record('r', 1), steps: [] });
    expect((await db.list())[0]?.steps).toEqual([]);
  });

  it('reads records of the previous version, whose steps are inline, and gives fields added since their defaults', async () => {
    const factory = new IDBFactory();
    const open = factory.open('resnet-playground-runs', 2);
    open.onupgradeneeded = () => {
      open.result.createObjectStore('runs', { keyPath: 'id' });
      open.result.createObjectStore('checkpoints');
    };
    const old = await new Promise<IDBDatabase>((resolve) => (open.onsuccess = () => resolve(open.result)));
    const t = old.transaction('runs', 'readwrite');
    t.objectStore('runs').put(record('v2', 1));
    // A record kept before the fine-tuning fields existed.
    const older = record('v1', 0);
    const { initWeights: _w, freeze: _f, headLrScale: _h, ...train } = older.config.train;
    const { normalize: _n, ...data } = older.config.data;
    t.objectStore('runs').put({ ...older, config: { ...older.config, train, data } });
    await new Promise((resolve) => (t.oncomplete = resolve));
    old.close();
    const [first, second] = await (await openRunsDb(factory)).list();
    expect(first).toEqual(older);
    expect(second).toEqual(record('v2', 1));
  });
});
