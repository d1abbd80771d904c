// The parsed data sets, cached in IndexedDB so that a reload does not parse
// the tarball again. A set is written in one transaction together with its
// entry in the listing, and only once it has been read and checked whole:
// the cache never holds half a data set. Pure TS over the IndexedDB API
// (the page's workers; fake-indexeddb in tests): no tfjs.
import type { CacheInfo, FolderInfo } from '../protocol/data';
import type { DatasetId } from '../config/types';
import type { Dataset } from './types';
import { transact as inDb, type Db } from './idb';

const DB_NAME = 'resnet-playground-data';
const DB_VERSION = 1;
/** The data sets themselves (StoredSet), keyed by DatasetId. */
const SETS = 'sets';
/** One small CacheEntry per set, so that listing reads no pixels. */
const ENTRIES = 'entries';

/** The protocol's record of a cached set: the data panel shows these. */
export type CacheEntry = CacheInfo;

const DB: Db = { name: DB_NAME, version: DB_VERSION, stores: [SETS, ENTRIES], what: 'the data cache' };
const transact = <T>(idb: IDBFactory, mode: IDBTransactionMode, body: (tx: IDBTransaction) => IDBRequest<T> | void) => inDb<T>(idb, DB, mode, body);

export const datasetBytes = (ds: Dataset): number => ds.train.images.length + ds.train.labels.length + ds.test.images.length + ds.test.labels.length;

type ArrayKey = 'train.images' | 'train.labels' | 'test.images' | 'test.labels';
const ARRAYS: ArrayKey[] = ['train.images', 'train.labels', 'test.images', 'test.labels'];

/**
 * The data set without its arrays, and each array as a Blob. Chromium
 * refuses a structured-cloned value past about 127 MiB (CIFAR's training
 * images are 147 MiB) but stores Blobs by reference, and writes and reads
 * them two to three times faster than typed arrays (bench/LOG.md, 2026-11-28).
 */
interface StoredSet {
  meta: Omit<Dataset, 'train' | 'test'> & { train: { count: number }; test: { count: number } };
  arrays: Record<ArrayKey, Blob>;
}

/** An array's bytes (16-bit labels as their bytes: loadCached views them again by the class count). */
function arrayOf(ds: Dataset, key: ArrayKey): Uint8Array {
  const a = key === 'train.images' ? ds.train.images : key === 'train.labels' ? ds.train.labels : key === 'test.images' ? ds.test.images : ds.test.labels;
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Labels as stored: bytes, or 16-bit for over 256 classes (src/data/imagefolder.ts). */
const labelsOf = (bytes: Uint8Array, classes: number): Uint8Array | Uint16Array => (classes > 256 ? new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2) : bytes);

/** Writes a whole data set and its entry in one transaction, replacing any older copy. */
export async function saveDataset(ds: Dataset, source: string, idb: IDBFactory = indexedDB, folder?: FolderInfo): Promise<CacheEntry> {
  const entry: CacheEntry = { id: ds.id, source, bytes: datasetBytes(ds), train: ds.train.count, test: ds.test.count, savedAt: Date.now(), ...(folder ? { folder } : {}) };
  const { train, test, ...rest } = ds;
  const arrays = Object.fromEntries(ARRAYS.map((k) => [k, new Blob([arrayOf(ds, k) as Uint8Array<ArrayBuffer>])])) as Record<ArrayKey, Blob>;
  const stored: StoredSet = { meta: { ...rest, train: { count: train.count }, test: { count: test.count } }, arrays };
  await transact(idb, 'readwrite', (tx) => {
    tx.objectStore(SETS).put(stored, ds.id);
    tx.objectStore(ENTRIES).put(entry, ds.id);
  });
  return entry;
}

/** The cached data set, or null when there is none. */
export async function loadCached(id: DatasetId, idb: IDBFactory = indexedDB): Promise<Dataset | null> {
  const stored = await transact<StoredSet | undefined>(idb, 'readonly', (tx) => tx.objectStore(SETS).get(id));
  if (!stored) return null;
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(
    ARRAYS.map(async (k) => {
      try {
        return new Uint8Array(await stored.arrays[k].arrayBuffer());
      } catch (e) {
        throw new Error(`the data cache (IndexedDB) lost part of ${id} (${k}): ${e instanceof Error ? e.message : String(e)}; clear the cache and load it again`);
      }
    }),
  ) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const { meta } = stored;
  const labels = (bytes: Uint8Array) => labelsOf(bytes, meta.numClasses);
  return { ...meta, train: { images: trainImages, labels: labels(trainLabels), count: meta.train.count }, test: { images: testImages, labels: labels(testLabels), count: meta.test.count } };
}

/** What the cache holds, without reading any pixels. */
export async function listCache(idb: IDBFactory = indexedDB): Promise<CacheEntry[]> {
  const entries = await transact<CacheEntry[]>(idb, 'readonly', (tx) => tx.objectStore(ENTRIES).getAll());
  return entries ?? [];
}

/** Deletes one data set, or all of them. */
export async function clearCache(idb: IDBFactory = indexedDB, id?: DatasetId): Promise<void> {
  await transact(idb, 'readwrite', (tx) => {
    for (const store of [tx.objectStore(SETS), tx.objectStore(ENTRIES)]) {
      if (id) store.delete(id);
      else store.clear();
    }
  });
}
