// The data worker's logic without the worker: import with progress into the
// cache, cancel leaving nothing, the listing, and sample grids with an
// augmented preview.
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DataEvent } from '../protocol/data';
import { cifar10Archive } from '../testing/fixtures';
import { DataService } from './service';

afterEach(() => vi.unstubAllGlobals());

function harness() {
  const events: DataEvent[] = [];
  // No dev server here: the served-archives manifest is absent.
  vi.stubGlobal('fetch', async () => new Response('not found', { status: 404 }));
  const service = new DataService((e) => events.push(e), 'http://h/', new IDBFactory());
  const until = async (check: () => boolean) => {
    const end = Date.now() + 60_000;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out; events: ${events.map((e) => e.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { service, events, until };
}

const file = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]);

describe('DataService', () => {
  it('imports with progress, lists the cache, and draws samples from it', async () => {
    const { service, events, until } = harness();
    const archive = cifar10Archive();
    service.handle({ type: 'import', loadId: 1, source: { kind: 'file', file: file(archive), name: 'cifar-10-binary.tar.gz' } });
    await until(() => events.some((e) => e.type === 'cache'));
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ loadId: 1, loaded: archive.length, total: archive.length });
    expect(events.find((e) => e.type === 'imported')).toMatchObject({ loadId: 1, info: { id: 'cifar10', train: 50_000, test: 10_000 } });
    expect(events.find((e) => e.type === 'cache')).toMatchObject({ entries: [{ id: 'cifar10' }], served: [] });

    service.handle({ type: 'samples', loadId: 2, dataset: 'cifar10', augment: { randomCrop: true, horizontalFlip: true, cutout: false }, seed: 1, count: 8 });
    await until(() => events.some((e) => e.type === 'samples'));
    const grid = events.find((e) => e.type === 'samples');
    if (grid?.type !== 'samples') throw new Error('no grid');
    expect(grid.grid).toMatchObject({ dataset: 'cifar10', height: 32, width: 32, channels: 3, from: 'cache', labels: [1, 2, 3, 4, 5, 6, 7, 8] });
    expect(grid.grid.images.length).toBe(8 * 3072);
    expect(grid.grid.augmented?.length).toBe(8 * 3072);
    expect(grid.grid.classNames[1]).toBe('automobile');
  });

  it('cancels an import, says so, and caches nothing', async () => {
    const { service, events, until } = harness();
    service.handle({ type: 'import', loadId: 7, source: { kind: 'file', file: file(cifar10Archive()), name: 'c.tgz' } });
    service.handle({ type: 'cancel', loadId: 7 });
    await until(() => events.some((e) => e.type === 'failed'));
    expect(events.find((e) => e.type === 'failed')).toEqual({ type: 'failed', loadId: 7, message: 'c.tgz: cancelled; nothing was cached' });
    service.handle({ type: 'list' });
    await until(() => events.some((e) => e.type === 'cache'));
    expect(events.find((e) => e.type === 'cache')).toMatchObject({ entries: [] });
  });

  it('answers a sample request for a CIFAR set that is not there with how to get it', async () => {
    const { service, events, until } = harness();
    service.handle({ type: 'samples', loadId: 3, dataset: 'cifar100', augment: { randomCrop: false, horizontalFlip: false, cutout: false }, seed: 1, count: 8 });
    await until(() => events.some((e) => e.type === 'failed'));
    expect(events.find((e) => e.type === 'failed')).toMatchObject({ loadId: 3, message: expect.stringContaining('CIFAR-100 is not loaded yet') });
  });
});
