// The parsed data sets, cached in IndexedDB so that a reload does not parse
// the tarball again. A set is written in one transaction together with its
// entry in the listing, and only once it has been read and checked whole:
// the cache never holds half a data set. Pure TS over the IndexedDB API
// (the page's workers; fake-indexeddb in tests): no tfjs.
import type { DatasetId } from '../config/types';
import type { Dataset } from './types';

const DB_NAME = 'resnet-playground-data';
const DB_VERSION = 1;
/** The data sets: a StoredSet keyed by DatasetId, and its array parts keyed `${id}/${array}/${i}`. */
const SETS = 'sets';
/** One small CacheEntry per set, so that listing reads no pixels. */
const ENTRIES = 'entries';

export interface CacheEntry {
  id: DatasetId;
  /** Where it came from: a file name or a URL. */
  source: string;
  /** Pixel and label bytes held. */
  bytes: number;
  train: number;
  test: number;
  /** When it was written, ms since the epoch. */
  savedAt: number;
}

function open(idb: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = idb.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(SETS)) db.createObjectStore(SETS);
      if (!db.objectStoreNames.contains(ENTRIES)) db.createObjectStore(ENTRIES);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`the data cache (IndexedDB) could not open: ${req.error?.message ?? 'unknown error'}`));
    req.onblocked = () => reject(new Error('the data cache (IndexedDB) is blocked by another tab; close it and try again'));
  });
}

/** Runs `body` in one transaction and resolves when it has committed (rejects if it aborted). */
async function transact<T>(idb: IDBFactory, mode: IDBTransactionMode, body: (tx: IDBTransaction) => IDBRequest<T> | void): Promise<T | undefined> {
  const db = await open(idb);
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction([SETS, ENTRIES], mode);
      const req = body(tx);
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onabort = tx.onerror = () => reject(new Error(`the data cache (IndexedDB) failed: ${tx.error?.message ?? 'transaction aborted'}${tx.error?.name === 'QuotaExceededError' ? ' (out of storage space)' : ''}`));
    });
  } finally {
    db.close();
  }
}

export const datasetBytes = (ds: Dataset): number => ds.train.images.length + ds.train.labels.length + ds.test.images.length + ds.test.labels.length;

/**
 * Chromium refuses a single IndexedDB value past about 127 MiB (CIFAR's
 * training images are 147 MiB), so arrays are stored in parts of this size.
 */
export const PART_BYTES = 32 * 2 ** 20;

type ArrayKey = 'train.images' | 'train.labels' | 'test.images' | 'test.labels';
const ARRAYS: ArrayKey[] = ['train.images', 'train.labels', 'test.images', 'test.labels'];

/** The data set without its arrays, and how many parts each array has. */
interface StoredSet {
  meta: Omit<Dataset, 'train' | 'test'> & { train: { count: number }; test: { count: number } };
  parts: Record<ArrayKey, number>;
}

const partKey = (id: DatasetId, array: ArrayKey, i: number) => `${id}/${array}/${i}`;
const arrayOf = (ds: Dataset, key: ArrayKey): Uint8Array => (key === 'train.images' ? ds.train.images : key === 'train.labels' ? ds.train.labels : key === 'test.images' ? ds.test.images : ds.test.labels);

/** Writes a whole data set, in parts, and its entry in one transaction, replacing any older copy. */
export async function saveDataset(ds: Dataset, source: string, idb: IDBFactory = indexedDB): Promise<CacheEntry> {
  const entry: CacheEntry = { id: ds.id, source, bytes: datasetBytes(ds), train: ds.train.count, test: ds.test.count, savedAt: Date.now() };
  const { train, test, ...rest } = ds;
  const stored: StoredSet = { meta: { ...rest, train: { count: train.count }, test: { count: test.count } }, parts: { 'train.images': 0, 'train.labels': 0, 'test.images': 0, 'test.labels': 0 } };
  await transact(idb, 'readwrite', (tx) => {
    const sets = tx.objectStore(SETS);
    const entries = tx.objectStore(ENTRIES);
    sets.delete(IDBKeyRange.bound(`${ds.id}/`, `${ds.id}/\uffff`));
    for (const key of ARRAYS) {
      const a = arrayOf(ds, key);
      const n = Math.max(1, Math.ceil(a.length / PART_BYTES));
      stored.parts[key] = n;
      // slice, not subarray: a view would serialize its whole underlying buffer.
      for (let i = 0; i < n; i++) sets.put(a.slice(i * PART_BYTES, (i + 1) * PART_BYTES), partKey(ds.id, key, i));
    }
    sets.put(stored, ds.id);
    entries.put(entry, ds.id);
  });
  return entry;
}

/** The cached data set, or null when there is none. */
export async function loadCached(id: DatasetId, idb: IDBFactory = indexedDB): Promise<Dataset | null> {
  const db = await open(idb);
  try {
    return await new Promise<Dataset | null>((resolve, reject) => {
      const tx = db.transaction([SETS], 'readonly');
      const sets = tx.objectStore(SETS);
      const head = sets.get(id);
      const parts = new Map<ArrayKey, IDBRequest<Uint8Array>[]>();
      head.onsuccess = () => {
        const stored = head.result as StoredSet | undefined;
        if (!stored) return;
        for (const key of ARRAYS) parts.set(key, Array.from({ length: stored.parts[key] }, (_, i) => sets.get(partKey(id, key, i)) as IDBRequest<Uint8Array>));
      };
      tx.oncomplete = () => {
        const stored = head.result as StoredSet | undefined;
        if (!stored) return resolve(null);
        const join = (key: ArrayKey): Uint8Array => {
          const reqs = parts.get(key) ?? [];
          if (reqs.length === 1) return reqs[0]?.result as Uint8Array;
          const all = new Uint8Array(reqs.reduce((a, r) => a + (r.result?.length ?? 0), 0));
          let at = 0;
          for (const r of reqs) {
            all.set(r.result, at);
            at += r.result.length;
          }
          return all;
        };
        const { meta } = stored;
        resolve({ ...meta, train: { images: join('train.images'), labels: join('train.labels'), count: meta.train.count }, test: { images: join('test.images'), labels: join('test.labels'), count: meta.test.count } });
      };
      tx.onabort = tx.onerror = () => reject(new Error(`the data cache (IndexedDB) could not be read: ${tx.error?.message ?? 'transaction aborted'}`));
    });
  } finally {
    db.close();
  }
}

/** What the cache holds, without reading any pixels. */
export async function listCache(idb: IDBFactory = indexedDB): Promise<CacheEntry[]> {
  const entries = await transact<CacheEntry[]>(idb, 'readonly', (tx) => tx.objectStore(ENTRIES).getAll());
  return entries ?? [];
}

/** Deletes one data set, or all of them. */
export async function clearCache(idb: IDBFactory = indexedDB, id?: DatasetId): Promise<void> {
  await transact(idb, 'readwrite', (tx) => {
    const sets = tx.objectStore(SETS);
    const entries = tx.objectStore(ENTRIES);
    if (id) {
      sets.delete(id);
      sets.delete(IDBKeyRange.bound(`${id}/`, `${id}/\uffff`));
      entries.delete(id);
    } else {
      sets.clear();
      entries.clear();
    }
  });
}
