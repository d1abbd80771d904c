import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/presets';
import type { RunRecord } from '../share/runfile';
import { openRunsDb } from './runs-db';

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
