// Kept runs in the browser's IndexedDB: one record per run (config, metrics),
// written as it trains, so a reload shows exactly what was on screen. Page
// side, no tfjs. `factory` is injectable for tests (fake-indexeddb).
import type { Checkpoint } from '../protocol/messages';
import type { RunRecord } from '../share/runfile';

const DB_NAME = 'resnet-playground-runs';
const STORE = 'runs';
/** The latest checkpoint of each run, by run id: kept apart so that listing runs does not read weights. */
const CHECKPOINTS = 'checkpoints';

export interface RunsDb {
  list(): Promise<RunRecord[]>;
  put(record: RunRecord): Promise<void>;
  /** Removes the run and its checkpoint. */
  remove(id: string): Promise<void>;
  putCheckpoint(id: string, checkpoint: Checkpoint): Promise<void>;
  getCheckpoint(id: string): Promise<Checkpoint | undefined>;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** Opens (creating on first use) the runs database; rejects with a message when the browser refuses storage. */
export async function openRunsDb(factory: IDBFactory = indexedDB): Promise<RunsDb> {
  const open = factory.open(DB_NAME, 2);
  open.onupgradeneeded = () => {
    const names = open.result.objectStoreNames;
    if (!names.contains(STORE)) open.result.createObjectStore(STORE, { keyPath: 'id' });
    if (!names.contains(CHECKPOINTS)) open.result.createObjectStore(CHECKPOINTS);
  };
  const db = await request(open).catch((e: unknown) => {
    throw new Error(`runs cannot be kept in this browser (IndexedDB: ${e instanceof Error ? e.message : String(e)})`);
  });
  const tx = (mode: IDBTransactionMode, store = STORE) => db.transaction(store, mode).objectStore(store);
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
      const t = db.transaction([STORE, CHECKPOINTS], 'readwrite');
      t.objectStore(STORE).delete(id);
      t.objectStore(CHECKPOINTS).delete(id);
      await done(t.objectStore(STORE));
    },
    async putCheckpoint(id, checkpoint) {
      const store = tx('readwrite', CHECKPOINTS);
      store.put(checkpoint, id);
      await done(store);
    },
    async getCheckpoint(id) {
      return (await request(tx('readonly', CHECKPOINTS).get(id))) as Checkpoint | undefined;
    },
  };
}
