// Imported weights, cached in IndexedDB so that a reload does not fetch or
// read them again: the file's bytes as a Blob (Chromium stores Blobs by
// reference; a 100 MB typed array would be structured-cloned) and a small
// WeightsInfo per entry, so that listing reads no weights. An entry is
// written only once its file has been read and checked whole. Pure TS over
// the IndexedDB API (the page's workers; fake-indexeddb in tests): no tfjs.
import type { WeightsInfo } from '../protocol/data';
import { transact as inDb, type Db } from './idb';

const DB_NAME = 'resnet-playground-weights';
const DB_VERSION = 1;
const FILES = 'files';
const INFOS = 'infos';

const DB: Db = { name: DB_NAME, version: DB_VERSION, stores: [FILES, INFOS], what: 'the weights cache' };
const transact = <T>(idb: IDBFactory, mode: IDBTransactionMode, body: (tx: IDBTransaction) => IDBRequest<T> | void) => inDb<T>(idb, DB, mode, body);

/** Writes an entry and its bytes in one transaction, replacing any older copy of the same id. */
export async function saveWeights(info: WeightsInfo, bytes: Uint8Array, idb: IDBFactory = indexedDB): Promise<void> {
  await transact(idb, 'readwrite', (tx) => {
    tx.objectStore(FILES).put(new Blob([bytes as Uint8Array<ArrayBuffer>]), info.id);
    tx.objectStore(INFOS).put(info, info.id);
  });
}

/** An entry and its bytes, or null when there is none by that id. */
export async function loadWeights(id: string, idb: IDBFactory = indexedDB): Promise<{ info: WeightsInfo; bytes: Uint8Array } | null> {
  const [info, blob] = await Promise.all([
    transact<WeightsInfo | undefined>(idb, 'readonly', (tx) => tx.objectStore(INFOS).get(id)),
    transact<Blob | undefined>(idb, 'readonly', (tx) => tx.objectStore(FILES).get(id)),
  ]);
  if (!info || !blob) return null;
  try {
    return { info, bytes: new Uint8Array(await blob.arrayBuffer()) };
  } catch (e) {
    throw new Error(`the weights cache (IndexedDB) lost ${info.name}: ${e instanceof Error ? e.message : String(e)}; delete it and import it again`);
  }
}

/** What the cache holds, newest first, without reading any weights. */
export async function listWeights(idb: IDBFactory = indexedDB): Promise<WeightsInfo[]> {
  const infos = (await transact<WeightsInfo[]>(idb, 'readonly', (tx) => tx.objectStore(INFOS).getAll())) ?? [];
  return infos.sort((a, b) => b.savedAt - a.savedAt);
}

/** Deletes one entry. */
export async function deleteWeights(id: string, idb: IDBFactory = indexedDB): Promise<void> {
  await transact(idb, 'readwrite', (tx) => {
    tx.objectStore(FILES).delete(id);
    tx.objectStore(INFOS).delete(id);
  });
}
