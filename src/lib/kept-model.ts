/**
 * The user's own model kept in this browser's IndexedDB for the next visit, only when they ask, until
 * they press "forget". One model at a time; nothing leaves the machine.
 *
 * The record is read as untrusted: it may be damaged, written by another version of the app, or put there
 * by anything else running on this origin. `parseKept` checks its shape (version, name, files as named
 * byte arrays, a SHA-256 checksum, a known input scaling, a date); anything else is "unreadable" with a
 * reason, which the app shows and offers to clear (`clearUnreadable`), never loads. Records carry
 * `version: 1`; those written before the field existed have the same shape and read as version 1.
 *
 * Across tabs. Every tab of the origin shares the one record, and each shows what it last saw of it (an
 * offer, "Kept"). Two rules keep a tab from acting on a record it does not show:
 * - reads and deletes are keyed by checksum: "Load it" loads the record only if its checksum is the one
 *   offered, and `forgetKept(checksum)` deletes it only if the stored checksum is the one shown, checked
 *   and deleted in one readwrite transaction; otherwise the caller gets what is stored now, to show it;
 * - every write is announced on the BroadcastChannel `jumprelu-lab-kept-model` ({ type: 'kept' |
 *   'forgotten', checksum }); a tab hearing it reads the record again and updates its offer and its
 *   "Kept" mark. The message is only a prompt: the record read back is the truth, so a late or foreign
 *   message cannot make a tab show something that is not stored, and a tab without BroadcastChannel (or of
 *   an older version) is still covered by the first rule.
 */
import { INPUT_SCALING_LABELS, type InputScaling } from '../core/models/user-model-input';

const DB = 'jumprelu-lab';
const STORE = 'own-model';
const KEY = 'current';
export const KEPT_VERSION = 1;
export const KEPT_CHANNEL = 'jumprelu-lab-kept-model';

export interface KeptModel {
  version: typeof KEPT_VERSION;
  /** What the user called it (the model.json's folder or URL), as the page shows it. */
  name: string;
  files: { name: string; bytes: Uint8Array }[];
  checksum: string;
  scaling: InputScaling;
  savedAt: string;
}

export type KeptRead =
  | { state: 'none' }
  | { state: 'kept'; model: KeptModel }
  | { state: 'unreadable'; reason: string };

export interface KeptMessage { type: 'kept' | 'forgotten'; checksum: string | null }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a stored value is: nothing, a kept model, or a record that cannot be used (and why). */
export function parseKept(raw: unknown): KeptRead {
  if (raw === undefined) return { state: 'none' };
  const bad = (reason: string): KeptRead => ({ state: 'unreadable', reason });
  if (!isObject(raw)) return bad('it is not a record');
  const version = raw.version ?? KEPT_VERSION;
  if (version !== KEPT_VERSION) {
    return bad(`it is a version ${typeof version === 'number' ? version : '?'} record (this app reads version ${KEPT_VERSION})`);
  }
  const { name, files, checksum, scaling, savedAt } = raw;
  if (typeof name !== 'string') return bad('its name is not text');
  if (!Array.isArray(files) || !files.length || !files.every((f) => isObject(f) && typeof f.name === 'string' && f.bytes instanceof Uint8Array)) {
    return bad('its files are not a list of named byte arrays');
  }
  if (typeof checksum !== 'string' || !/^[0-9a-f]{64}$/.test(checksum)) return bad('its checksum is not a SHA-256');
  if (typeof scaling !== 'string' || !Object.hasOwn(INPUT_SCALING_LABELS, scaling)) return bad('its input scaling is not one this app knows');
  if (typeof savedAt !== 'string' || Number.isNaN(Date.parse(savedAt))) return bad('its date is not a date');
  return { state: 'kept', model: { version: KEPT_VERSION, name, files: files as KeptModel['files'], checksum, scaling: scaling as InputScaling, savedAt } };
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`IndexedDB unavailable: ${req.error?.message ?? 'unknown error'}`));
  });
}

/** Runs `body` in one transaction; resolves with what it passed to `done` once the transaction has committed. */
async function transact<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore, done: (v: T) => void) => void): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      let result: T;
      body(tx.objectStore(STORE), (v) => { result = v; });
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(new Error(`IndexedDB: ${tx.error?.message ?? 'transaction failed'}`));
      tx.onabort = () => reject(new Error(`IndexedDB: ${tx.error?.message ?? 'transaction aborted'}`));
    });
  } finally {
    db.close();
  }
}

function announce(message: KeptMessage): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(KEPT_CHANNEL);
  channel.postMessage(message);
  channel.close();
}

/** Keeps `model` in place of whatever was kept, and tells the other tabs. */
export async function keepModel(model: Omit<KeptModel, 'version'>): Promise<void> {
  const record: KeptModel = { ...model, version: KEPT_VERSION };
  await transact<void>('readwrite', (s) => { s.put(record, KEY); });
  announce({ type: 'kept', checksum: model.checksum });
}

/** What is kept now ({ state: 'none' } where there is no IndexedDB: private mode, file://). */
export async function readKept(): Promise<KeptRead> {
  if (typeof indexedDB === 'undefined') return { state: 'none' };
  return transact<KeptRead>('readonly', (s, done) => {
    const req = s.get(KEY);
    req.onsuccess = () => done(parseKept(req.result));
  });
}

/**
 * Deletes the kept model if it is the one with `checksum`; else leaves the record and returns what is kept
 * now, so the caller can show it.
 */
export async function forgetKept(checksum: string): Promise<{ forgotten: true } | { forgotten: false; now: KeptRead }> {
  const result = await transact<{ forgotten: true } | { forgotten: false; now: KeptRead }>('readwrite', (s, done) => {
    const req = s.get(KEY);
    req.onsuccess = () => {
      const now = parseKept(req.result);
      if (now.state === 'kept' && now.model.checksum === checksum) {
        s.delete(KEY);
        done({ forgotten: true });
      } else done({ forgotten: false, now });
    };
  });
  if (result.forgotten) announce({ type: 'forgotten', checksum });
  return result;
}

/** Deletes the record if it is (still) unreadable; returns what is kept afterwards. */
export async function clearUnreadable(): Promise<KeptRead> {
  const now = await transact<KeptRead>('readwrite', (s, done) => {
    const req = s.get(KEY);
    req.onsuccess = () => {
      const read = parseKept(req.result);
      if (read.state === 'unreadable') {
        s.delete(KEY);
        done({ state: 'none' });
      } else done(read);
    };
  });
  announce({ type: 'forgotten', checksum: null });
  return now;
}

/** Calls `listener` when another tab keeps or forgets a model; returns a function that stops listening. */
export function watchKept(listener: (message: KeptMessage) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const channel = new BroadcastChannel(KEPT_CHANNEL);
  channel.onmessage = (e: MessageEvent) => {
    const m: unknown = e.data;
    if (isObject(m) && (m.type === 'kept' || m.type === 'forgotten')) {
      listener({ type: m.type, checksum: typeof m.checksum === 'string' ? m.checksum : null });
    }
  };
  // Node (tests): a listening channel would keep the process alive.
  (channel as unknown as { unref?: () => void }).unref?.();
  return () => channel.close();
}
