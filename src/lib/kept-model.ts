/**
 * The user's own model kept in this browser's IndexedDB for the next visit, only when they ask, until
 * they press "forget". One model at a time; nothing leaves the machine.
 */
const DB = 'jumprelu-lab';
const STORE = 'own-model';
const KEY = 'current';

export interface KeptModel {
  /** What the user called it (the model.json's folder or URL). */
  name: string;
  files: { name: string; bytes: Uint8Array }[];
  checksum: string;
  scaling: string;
  savedAt: string;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`IndexedDB unavailable: ${req.error?.message ?? 'unknown error'}`));
  });
}

async function run<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = body(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(new Error(`IndexedDB: ${tx.error?.message ?? 'transaction failed'}`));
    });
  } finally {
    db.close();
  }
}

export async function keepModel(model: KeptModel): Promise<void> {
  await run('readwrite', (s) => s.put(model, KEY));
}

export async function keptModel(): Promise<KeptModel | null> {
  if (typeof indexedDB === 'undefined') return null;
  return ((await run('readonly', (s) => s.get(KEY))) as KeptModel | undefined) ?? null;
}

export async function forgetModel(): Promise<void> {
  await run('readwrite', (s) => s.delete(KEY));
}
