/**
 * The model kept in this browser (IndexedDB, here an in-memory stand-in shared by several stores as tabs
 * of one browser share it): a damaged or foreign record is ignored with a notice and can be cleared;
 * "Load it" loads only the record it names; "Forget" deletes only the record this tab shows; a keep or
 * forget in one tab updates the others (BroadcastChannel).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { memoryIndexedDB } from '../testing/memory-indexeddb';
import type { JobWorker } from '../worker/client';
import type { LoadedModelInfo, ModelCard } from '../worker/jobs';
import { createAppStore } from './store';

const X = 'ab'.repeat(32);
const Y = 'cd'.repeat(32);
const filesX = [{ name: 'model.json', bytes: new Uint8Array([1]) }, { name: 'w.bin', bytes: new Uint8Array(4) }];
const filesY = [{ name: 'model.json', bytes: new Uint8Array([2]) }, { name: 'w.bin', bytes: new Uint8Array(4) }];
const dataset = { dataset: 'mnist' as const, classNames: [], shape: [28, 28, 1] as [number, number, number], count: 100 };
const own = (checksum: string, name: string): LoadedModelInfo => ({
  card: {
    id: `user-${checksum.slice(0, 12)}`, dataset: 'mnist', kappa: { default: 0, paper: 1, min: 0, max: 2, step: 0.05 },
    user: { checksum, name, scaling: 'paper', declaredScaling: null },
  } as unknown as ModelCard,
  dataset, gallery: [],
});

let idb: ReturnType<typeof memoryIndexedDB>;
beforeEach(() => {
  idb = memoryIndexedDB();
  vi.stubGlobal('indexedDB', idb.indexedDB);
});
afterEach(() => { vi.unstubAllGlobals(); });

/** A tab: a store whose worker checks any files (checksum X for filesX's bytes, else Y). */
function tab() {
  const loaded: { name: string; first: number }[] = [];
  const worker: JobWorker = {
    run: async (_id, kind, request) => {
      if (kind === 'loadOwn') {
        const r = request as { files: typeof filesX; name: string };
        loaded.push({ name: r.name, first: r.files[0].bytes[0] });
        return own(r.files[0].bytes[0] === 1 ? X : Y, r.name) as never;
      }
      if (kind === 'evaluate') return { request, correct: 9, total: 10, accuracy: 0.9, gallery: [], ms: 1 } as never;
      throw new Error(`unexpected ${kind} job`);
    },
    cancel: () => {},
    memory: async () => ({ numTensors: 0, numBytes: 0, backend: 'cpu' }),
  };
  const store = createAppStore();
  store.setState({ worker });
  return { store, loaded, notices: () => store.getState().notices.map((n) => n.text) };
}

/** What another tab (or an older version of the app, or anything else on this origin) wrote. */
const stored = () => idb.data.get('jumprelu-lab')?.get('own-model')?.get('current') as { checksum?: unknown } | undefined;
function write(record: unknown) {
  idb.data.set('jumprelu-lab', new Map([['own-model', new Map([['current', record]])]]));
}
const record = (checksum: string, name: string, files = checksum === X ? filesX : filesY) =>
  ({ version: 1, name, files, checksum, scaling: 'paper', savedAt: '2025-01-01T00:00:00.000Z' });

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok()).toBe(true);
};

describe('a damaged or foreign kept record', () => {
  it.each([
    ['fields of the wrong type', { name: 5, files: 'x', checksum: 7, scaling: 'paper', savedAt: 'now' }],
    ['files that are not bytes', { ...record(X, 'net'), files: [{ name: 'model.json', bytes: [1, 2] }] }],
    ['a checksum that is not SHA-256 hex', { ...record(X, 'net'), checksum: 'zz' }],
    ['an unknown scaling', { ...record(X, 'net'), scaling: 'bogus' }],
    ['not an object at all', 'hello'],
  ])('%s: ignored with a notice, and the app can clear it', async (_what, bad) => {
    write(bad);
    const { store, notices } = tab();
    await store.getState().checkKeptModel();
    expect(store.getState().own.keptEarlier).toBeNull();
    expect(store.getState().own.keptUnreadable).toMatch(/./);
    expect(notices().join('\n')).toMatch(/could not be read.*Clear the kept model/);
    await store.getState().clearKeptModel();
    expect(stored()).toBeUndefined();
    expect(store.getState().own.keptUnreadable).toBeNull();
  });

  it('a record of an unknown version is ignored with a notice naming it; a record without a version is version 1', async () => {
    write({ ...record(X, 'net'), version: 7 });
    const a = tab();
    await a.store.getState().checkKeptModel();
    expect(a.store.getState().own.keptEarlier).toBeNull();
    expect(a.notices().join('\n')).toContain('version 7');

    const { version: _, ...unversioned } = record(X, 'net');
    write(unversioned);
    const b = tab();
    await b.store.getState().checkKeptModel();
    expect(b.store.getState().own.keptEarlier).toEqual({ name: 'net', checksum: X });
    expect(b.notices()).toEqual([]);
  });

  it('the kept name is shown cleaned and shortened', async () => {
    write(record(X, `\u202Eevil${'a'.repeat(20_000)}`));
    const { store } = tab();
    await store.getState().checkKeptModel();
    const name = store.getState().own.keptEarlier!.name;
    expect(name).not.toMatch(/\p{Cf}/u);
    expect([...name].length).toBeLessThanOrEqual(41);
    expect(name.endsWith('…')).toBe(true);
  });
});

describe('the kept model across tabs', () => {
  it('"Load it" loads only the record it names: another tab\'s model is offered instead, not loaded', async () => {
    write(record(X, 'net-x'));
    const { store, loaded, notices } = tab();
    await store.getState().checkKeptModel();
    expect(store.getState().own.keptEarlier).toEqual({ name: 'net-x', checksum: X });
    write(record(Y, 'net-y')); // another tab, unheard (an older version of the app broadcasts nothing)
    await store.getState().openKeptModel();
    expect(loaded).toEqual([]);
    expect(notices().join('\n')).toContain('The kept model changed in another tab: now `net-y`');
    expect(store.getState().own.keptEarlier).toEqual({ name: 'net-y', checksum: Y });
  });

  it('"Forget" deletes only the record this tab shows', async () => {
    const { store, notices } = tab();
    await store.getState().openOwnFiles(filesX, 'net-x');
    await store.getState().keepOwnModel();
    expect(store.getState().own.kept).toBe(true);
    write(record(Y, 'net-y'));
    await store.getState().forgetOwnModel();
    expect(stored()?.checksum).toBe(Y);
    expect(store.getState().own).toMatchObject({ kept: false, keptEarlier: { name: 'net-y', checksum: Y } });
    expect(notices().join('\n')).toContain('The kept model changed in another tab: now `net-y`');
  });

  it('a keep or a forget in one tab updates the others', async () => {
    const a = tab();
    const b = tab();
    await a.store.getState().checkKeptModel();
    await b.store.getState().checkKeptModel();
    await a.store.getState().openOwnFiles(filesX, 'net-x');
    await a.store.getState().keepOwnModel();
    await until(() => b.store.getState().own.keptEarlier?.checksum === X);

    await b.store.getState().openOwnFiles(filesY, 'net-y');
    await b.store.getState().keepOwnModel();
    await until(() => a.store.getState().own.keptEarlier?.checksum === Y);
    expect(a.store.getState().own.kept).toBe(false); // its model is no longer the kept one

    await b.store.getState().forgetOwnModel();
    await until(() => a.store.getState().own.keptEarlier === null);
    expect(stored()).toBeUndefined();
  });
});
