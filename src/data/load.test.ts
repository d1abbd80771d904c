// The cache and the way into it (fake-indexeddb): a good archive is read,
// checked and cached whole; a bad one leaves the cache as it was; the
// listing shows sizes without reading pixels; clearing empties it.
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearCache, listCache, loadCached, saveDataset } from './cache';
import { cifar10Archive, cifarBatch } from '../testing/fixtures';
import { importArchive, loadDataset } from './load';
import type { Dataset } from './types';

const file = (bytes: Uint8Array) => ({ kind: 'file' as const, file: new Blob([bytes as Uint8Array<ArrayBuffer>]), name: 'cifar-10-binary.tar.gz' });

/** A small stand-in data set, for what does not need a real archive. */
function small(id: Dataset['id'], n: number): Dataset {
  const set = { images: new Uint8Array(n * 3072).fill(id === 'cifar10' ? 1 : 2), labels: new Uint8Array(n), count: n };
  return { id, height: 32, width: 32, channels: 3, numClasses: id === 'cifar10' ? 10 : 100, classNames: [], train: set, test: set };
}

afterEach(() => vi.unstubAllGlobals());

describe('importArchive and the cache', () => {
  it('caches a full CIFAR-10 archive after reading it, with its size in the listing', async () => {
    const idb = new IDBFactory();
    const { dataset, entry, parseMs, cacheMs } = await importArchive(file(cifar10Archive()), { idb });
    expect(entry).toMatchObject({ id: 'cifar10', source: 'cifar-10-binary.tar.gz', train: 50_000, test: 10_000, bytes: 60_000 * 3073 });
    expect(parseMs).toBeGreaterThan(0);
    expect(cacheMs).toBeGreaterThan(0);
    expect(await listCache(idb)).toEqual([entry]);
    const back = await loadCached('cifar10', idb);
    expect(back?.classNames).toEqual(dataset.classNames);
    // Byte equality without a deep-equal walk over 150 MB.
    const same = (a?: Uint8Array, b?: Uint8Array) => !!a && !!b && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
    expect(same(back?.train.images, dataset.train.images)).toBe(true);
    expect(Array.from(back?.test.labels.subarray(0, 4) ?? [])).toEqual([0, 1, 2, 3]);
    // loadDataset finds it there without fetching anything.
    vi.stubGlobal('fetch', () => { throw new Error('no fetch expected'); });
    expect((await loadDataset('cifar10', { baseUrl: '/', idb })).from).toBe('cache');
  });

  it('leaves nothing behind for a bad archive, and keeps what was cached before', async () => {
    const idb = new IDBFactory();
    const before = await saveDataset(small('cifar100', 4), 'old.tgz', idb);
    const bad = cifar10Archive({ 'data_batch_5.bin': cifarBatch(10_000, 1, (i) => [i === 9_999 ? 10 : 1]) });
    await expect(importArchive(file(bad), { idb })).rejects.toThrow('cifar-10-binary.tar.gz: cifar-10-batches-bin/data_batch_5.bin: label 10 in record 9999 is out of range 0..9');
    expect(await listCache(idb)).toEqual([before]);
    expect(await loadCached('cifar10', idb)).toBeNull();
  });

  it('replaces a set in place, and clears one or all', async () => {
    const idb = new IDBFactory();
    await saveDataset(small('cifar10', 2), 'a', idb);
    await saveDataset(small('cifar10', 3), 'b', idb);
    await saveDataset(small('cifar100', 1), 'c', idb);
    expect((await listCache(idb)).map((e) => [e.id, e.source, e.train, e.bytes])).toEqual([['cifar10', 'b', 3, 2 * 3 * 3073], ['cifar100', 'c', 1, 2 * 3073]]);
    await clearCache(idb, 'cifar10');
    expect((await listCache(idb)).map((e) => e.id)).toEqual(['cifar100']);
    await clearCache(idb);
    expect(await listCache(idb)).toEqual([]);
    expect(await loadCached('cifar100', idb)).toBeNull();
  });

  it('says how to get CIFAR in when it is neither cached nor served', async () => {
    vi.stubGlobal('fetch', async () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html' } }));
    await expect(loadDataset('cifar100', { baseUrl: '/', idb: new IDBFactory() })).rejects.toThrow(
      'CIFAR-100 is not loaded yet: drop cifar-100-binary.tar.gz on the data panel (or pick it there), fetch it from a mirror there, or run `npm run data -- cifar100`',
    );
  });

  it('parses the tarball the dev server serves, once, then reads the cache', async () => {
    const idb = new IDBFactory();
    const archive = cifar10Archive();
    const urls: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      urls.push(url);
      if (url.endsWith('archives.json')) return Response.json({ cifar10: 'data/archives/cifar-10-binary.tar.gz' });
      return new Response(archive as Uint8Array<ArrayBuffer>, { headers: { 'content-length': String(archive.length) } });
    });
    expect((await loadDataset('cifar10', { baseUrl: 'http://h/', idb })).from).toBe('archive');
    expect((await loadDataset('cifar10', { baseUrl: 'http://h/', idb })).from).toBe('cache');
    expect(urls).toEqual(['http://h/data/archives.json', 'http://h/data/archives/cifar-10-binary.tar.gz']);
  });
});
