// Kept runs in the browser's IndexedDB: one record per run (config, metrics),
// written as it trains, so a reload shows exactly what was on screen. Page
// side, no tfjs. `factory` is injectable for tests (fake-indexeddb).
import type { RunRecord } from '../share/runfile';

const DB_NAME = 'resnet-playground-runs';
const STORE = 'runs';

export interface RunsDb {
  list(): Promise<RunRecord[]>;
  put(record: RunRecord): Promise<void>;
  remove(id: string): Promise<void>;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** Opens (creating on first use) the runs database; rejects with a message when the browser refuses storage. */
export async function openRunsDb(factory: IDBFactory = indexedDB): Promise<RunsDb> {
  const open = factory.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'id' });
  const db = await request(open).catch((e: unknown) => {
    throw new Error(`runs cannot be kept in this browser (IndexedDB: ${e instanceof Error ? e.message : String(e)})`);
  });
  const tx = (mode: IDBTransactionMode) => db.transaction(STORE, mode).objectStore(STORE);
  const done = (store: IDBObjectStore) =>
    new Promise<void>((resolve, reject) => {
      store.transaction.oncomplete = () => resolve();
      store.transaction.onerror = () => reject(store.transaction.error ?? new Error('IndexedDB write failed'));
      store.transaction.onabort = () => reject(store.transaction.error ?? new Error('IndexedDB write aborted (storage full?)'));
    });
  return {
    async list() {
      const all = await request(tx('readonly').getAll() as IDBRequest<RunRecord[]>);
      return all.sort((a, b) => a.createdAt - b.createdAt);
    },
    async put(record) {
      const store = tx('readwrite');
      store.put(record);
      await done(store);
    },
    async remove(id) {
      const store = tx('readwrite');
      store.delete(id);
      await done(store);
    },
  };
}
