// One IndexedDB database of a few object stores, opened per transaction and
// closed after: what the data and weights caches share. Every failure is
// an Error that names the cache (`what`), with the quota named when that is
// the cause. Pure TS over the IndexedDB API (fake-indexeddb in tests).

export interface Db {
  name: string;
  version: number;
  stores: readonly string[];
  /** Named in messages, e.g. 'the data cache'. */
  what: string;
}

function open(idb: IDBFactory, db: Db): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = idb.open(db.name, db.version);
    req.onupgradeneeded = () => {
      for (const store of db.stores) if (!req.result.objectStoreNames.contains(store)) req.result.createObjectStore(store);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`${db.what} (IndexedDB) could not open: ${req.error?.message ?? 'unknown error'}`));
    req.onblocked = () => reject(new Error(`${db.what} (IndexedDB) is blocked by another tab; close it and try again`));
  });
}

/** Runs `body` in one transaction over every store and resolves when it has committed (rejects if it aborted). */
export async function transact<T>(idb: IDBFactory, db: Db, mode: IDBTransactionMode, body: (tx: IDBTransaction) => IDBRequest<T> | void): Promise<T | undefined> {
  const opened = await open(idb, db);
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = opened.transaction([...db.stores], mode);
      const req = body(tx);
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onabort = tx.onerror = () => reject(new Error(`${db.what} (IndexedDB) failed: ${tx.error?.message ?? 'transaction aborted'}${tx.error?.name === 'QuotaExceededError' ? ' (out of storage space)' : ''}`));
    });
  } finally {
    opened.close();
  }
}
