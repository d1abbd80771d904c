// Kept runs in the browser's IndexedDB: one record per run (config, epochs),
// its steps beside it in chunks of STEPS_PER_CHUNK keyed by [run id, chunk],
// written as it trains, so a reload shows exactly what was on screen. A long
// run appends: each save rewrites only its last chunk and the new ones, not
// every step so far. Page side, no tfjs. `factory` is injectable for tests
// (fake-indexeddb).
import type { Checkpoint, StepMetrics } from '../protocol/messages';
import { configFromJson, type RunRecord } from '../share/runfile';

const DB_NAME = 'resnet-playground-runs';
const STORE = 'runs';
/** The latest checkpoint of each run, by run id: kept apart so that listing runs does not read weights. */
const CHECKPOINTS = 'checkpoints';
/** Each run's steps, STEPS_PER_CHUNK a value, by [run id, chunk index]. */
const STEPS = 'steps';
export const STEPS_PER_CHUNK = 500;

export interface RunsDb {
  list(): Promise<RunRecord[]>;
  /** One kept run, whole (another tab's, when it says it wrote one). */
  get(id: string): Promise<RunRecord | undefined>;
  /** Writes the whole record, every step. */
  put(record: RunRecord): Promise<void>;
  /** Writes the record's header and only its steps from index `from` on (the chunks holding them): what a save of a growing run needs. */
  putFrom(record: RunRecord, from: number): Promise<void>;
  /** Removes the run and its checkpoint. */
  remove(id: string): Promise<void>;
  putCheckpoint(id: string, checkpoint: Checkpoint): Promise<void>;
  getCheckpoint(id: string): Promise<Checkpoint | undefined>;
}

/** A record as stored: its steps live in the steps store (`stepCount` of them); absent in version-2 records, whose steps are inline. */
type StoredRecord = RunRecord & { stepCount?: number };

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * Opens (creating on first use) the runs database; rejects with a message
 * when the browser refuses storage. `onClose` hears when the browser closes
 * it under the page (site data cleared, the store evicted) or a newer
 * version in another tab asks for it.
 */
export async function openRunsDb(factory: IDBFactory = indexedDB, onClose?: (why: string) => void): Promise<RunsDb> {
  const open = factory.open(DB_NAME, 3);
  open.onupgradeneeded = () => {
    const names = open.result.objectStoreNames;
    if (!names.contains(STORE)) open.result.createObjectStore(STORE, { keyPath: 'id' });
    if (!names.contains(CHECKPOINTS)) open.result.createObjectStore(CHECKPOINTS);
    // Version 2 kept steps inside the record; such records are still read as they are.
    if (!names.contains(STEPS)) open.result.createObjectStore(STEPS);
  };
  const db = await request(open).catch((e: unknown) => {
    throw new Error(`runs cannot be kept in this browser (IndexedDB: ${e instanceof Error ? e.message : String(e)})`);
  });
  db.onclose = () => onClose?.("the browser closed this site's storage (site data cleared, or the store evicted)");
  db.onversionchange = () => {
    db.close();
    onClose?.('another tab opened a newer version of the runs store');
  };
  const tx = (mode: IDBTransactionMode, store = STORE) => db.transaction(store, mode).objectStore(store);
  const done = (store: IDBObjectStore) =>
    new Promise<void>((resolve, reject) => {
      store.transaction.oncomplete = () => resolve();
      store.transaction.onerror = () => reject(store.transaction.error ?? new Error('IndexedDB write failed'));
      store.transaction.onabort = () => reject(store.transaction.error ?? new Error('IndexedDB write aborted (storage full?)'));
    });
  /** How many chunks a stored record's steps fill (0 for a version-2 record, whose steps are inline). */
  const chunkCount = (header: StoredRecord | undefined) => Math.ceil((header?.stepCount ?? 0) / STEPS_PER_CHUNK);
  /** Deletes chunks [from, to) of a run. */
  const dropChunks = (chunks: IDBObjectStore, id: string, from: number, to: number) => {
    for (let c = from; c < to; c++) chunks.delete([id, c]);
  };
  /** One transaction: the header (steps left out, their count kept) and the chunks from `from`'s on; chunks past the end are dropped. */
  const write = async (record: RunRecord, from: number) => {
    const t = db.transaction([STORE, STEPS], 'readwrite');
    const { steps, ...rest } = record;
    const header: StoredRecord = { ...rest, steps: [], stepCount: steps.length };
    const headers = t.objectStore(STORE);
    const chunks = t.objectStore(STEPS);
    const count = Math.ceil(steps.length / STEPS_PER_CHUNK);
    const before = headers.get(record.id) as IDBRequest<StoredRecord | undefined>;
    before.onsuccess = () => {
      dropChunks(chunks, record.id, count, chunkCount(before.result));
      headers.put(header);
      for (let c = Math.floor(Math.max(0, from) / STEPS_PER_CHUNK); c < count; c++) chunks.put(steps.slice(c * STEPS_PER_CHUNK, (c + 1) * STEPS_PER_CHUNK), [record.id, c]);
    };
    await done(headers);
  };
  /** A stored header with its steps read back, in transaction `t`. */
  const whole = async (t: IDBTransaction, { stepCount, ...stored }: StoredRecord): Promise<RunRecord> => {
    // A record kept by an older build lacks the fields added since (e.g.
    // train.freeze): they take their defaults, as a run file's do.
    const header = { ...stored, config: configFromJson(stored.config).config };
    if (stepCount === undefined) return header; // version 2: steps inline
    const keys = Array.from({ length: Math.ceil(stepCount / STEPS_PER_CHUNK) }, (_, c) => [header.id, c]);
    const chunks = await Promise.all(keys.map((k) => request(t.objectStore(STEPS).get(k) as IDBRequest<StepMetrics[] | undefined>)));
    return { ...header, steps: chunks.flatMap((c) => c ?? []).slice(0, stepCount) };
  };
  return {
    async list() {
      const t = db.transaction([STORE, STEPS], 'readonly');
      const headers = await request(t.objectStore(STORE).getAll() as IDBRequest<StoredRecord[]>);
      const records = await Promise.all(headers.map((header) => whole(t, header)));
      return records.sort((a, b) => a.createdAt - b.createdAt);
    },
    async get(id) {
      const t = db.transaction([STORE, STEPS], 'readonly');
      const header = await request(t.objectStore(STORE).get(id) as IDBRequest<StoredRecord | undefined>);
      return header && whole(t, header);
    },
    put: (record) => write(record, 0),
    putFrom: (record, from) => write(record, from),
    async remove(id) {
      const t = db.transaction([STORE, CHECKPOINTS, STEPS], 'readwrite');
      const headers = t.objectStore(STORE);
      const before = headers.get(id) as IDBRequest<StoredRecord | undefined>;
      before.onsuccess = () => {
        dropChunks(t.objectStore(STEPS), id, 0, chunkCount(before.result));
        headers.delete(id);
      };
      t.objectStore(CHECKPOINTS).delete(id);
      await done(headers);
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
