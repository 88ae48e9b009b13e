import { describe, expect, it } from 'vitest';
import type { ModelCard } from '../core/models/card';
import { encodeDrawing } from '../core/input/drawing-code';
import type { JobWorker } from '../worker/client';
import type { LoadedModelInfo } from '../worker/jobs';
import { createAppStore } from './store';
import { decode, quotePair } from './url-schema';
import { connectUrlSync, storeFromUrl, type UrlTarget } from './url-sync';

/** A history with Back: popstate moves to the previous entry. */
function fakeWindow(search: string) {
  const entries = [search];
  let at = 0;
  const listeners: (() => void)[] = [];
  const target: UrlTarget = {
    location: { get search() { return entries[at]; }, pathname: '/', hash: '' },
    history: {
      pushState: (_d, _t, url) => { entries.splice(++at, Infinity, new URL(String(url), 'http://x').search); },
      replaceState: (_d, _t, url) => { entries[at] = new URL(String(url), 'http://x').search; },
    },
    addEventListener: (_t, fn) => listeners.push(fn),
    removeEventListener: () => undefined,
  };
  return { target, entries, back: () => { at--; for (const l of listeners) l(); } };
}

const card = (id: string) => ({ id, kappa: { min: 0, max: 2, step: 0.05, default: 1, paper: 1 } }) as unknown as ModelCard;

describe('url sync', () => {
  it('Back across a model change brings back the image the link names, and leaves that entry as it was', async () => {
    const w = fakeWindow('?v=1&model=a&kappa=1&img=5');
    const store = createAppStore({ modelId: 'a', card: card('a'), selectedImage: 5, kappa: 1 });
    const stop = connectUrlSync(store, w.target, 0);
    store.getState().selectModel('b'); // a new test set: the image is cleared
    store.setState({ card: card('b') });
    await new Promise((r) => setTimeout(r, 5));
    expect(w.entries).toEqual(['?v=1&model=a&kappa=1&img=5', '?v=1&model=b&kappa=1']);
    w.back();
    expect(store.getState()).toMatchObject({ modelId: 'a', selectedImage: 5 });
    store.setState({ card: card('a') }); // the model has loaded again
    await new Promise((r) => setTimeout(r, 5));
    expect(w.entries[0]).toBe('?v=1&model=a&kappa=1&img=5');
    stop();
  });
});

const SHA = 'ab'.repeat(32);
const kappaRange = { default: 0, paper: 1, min: 0, max: 2, step: 0.05 };
const mnist = { dataset: 'mnist' as const, classNames: [], shape: [28, 28, 1] as [number, number, number], count: 100 };
const cifar = { dataset: 'cifar10' as const, classNames: [], shape: [32, 32, 3] as [number, number, number], count: 100 };
const shippedInfo = (id: string, dataset: LoadedModelInfo['dataset'] = mnist): LoadedModelInfo =>
  ({ card: { id, dataset: dataset.dataset, kappa: { ...kappaRange, default: 1 } } as ModelCard, dataset, gallery: [] });
const ownInfo = (checksum: string): LoadedModelInfo => ({
  card: { id: `user-${checksum.slice(0, 12)}`, dataset: 'mnist', kappa: kappaRange, user: { checksum, scaling: 'paper', declaredScaling: null } } as unknown as ModelCard,
  dataset: mnist, gallery: [],
});
const flush = () => new Promise<void>((r) => setTimeout(r, 5));

/** A store as the app makes it from a link, with a worker that answers every job at once. */
function appFromLink(search: string, loads: Record<string, LoadedModelInfo>, own?: LoadedModelInfo) {
  const worker: JobWorker = {
    run: async (_id, kind, request) => {
      const r = request as { modelId?: string };
      if (kind === 'load') return loads[r.modelId!] as never;
      if (kind === 'loadOwn') return own as never;
      if (kind === 'evaluate') return { request, correct: 9, total: 10, accuracy: 0.9, gallery: [], ms: 1 } as never;
      if (kind === 'reference') return { modelId: r.modelId, data: null } as never;
      throw new Error(`unexpected ${kind} job`);
    },
    cancel: () => {},
    memory: async () => ({ numTensors: 0, numBytes: 0, backend: 'cpu' }),
  };
  const link = decode(search);
  const store = createAppStore(storeFromUrl(link.state));
  store.setState({ worker, models: Object.keys(loads).map((id) => ({ id, dataset: loads[id].dataset.dataset, architecture: 'LeNetLike', variant: 'base', name: id })) });
  return { store, link };
}

describe('url sync: a link made with an own model', () => {
  const LINK = `?v=1&model=own&sha=${SHA}&kappa=0.5`;

  it('keeps model=own, sha and κ in the address bar while a shipped model stands in, until the user picks a model', async () => {
    const w = fakeWindow(LINK);
    const { store } = appFromLink(LINK, { m1: shippedInfo('m1'), c1: shippedInfo('c1', cifar) }, ownInfo(SHA));
    const stop = connectUrlSync(store, w.target, 0);
    store.getState().selectModel('m1'); // what connectWorker opens in its place
    await flush();
    expect(store.getState().card?.id).toBe('m1');
    expect(w.entries).toEqual([LINK]); // a reload reads the same link
    expect(decode(w.entries[0]).state).toMatchObject({ model: 'own', ownChecksum: SHA, kappa: 0.5 });

    // Other settings still follow the page, under the link's own-model fields.
    store.setState({ selectedImage: 3 });
    await flush();
    expect(w.entries.at(-1)).toBe(`${LINK}&img=3`);

    // The user's files with the link's checksum: the link's κ applies, and the link says so.
    await store.getState().openOwnFiles([{ name: 'model.json', bytes: new Uint8Array([1]) }], 'same');
    await flush();
    expect(store.getState().kappa).toBe(0.5);
    expect(decode(w.entries.at(-1)!).state).toMatchObject({ model: 'own', ownChecksum: SHA, kappa: 0.5 });

    // A shipped model picked by the user is what the link then says.
    store.getState().selectModel('c1');
    await flush();
    expect(decode(w.entries.at(-1)!).state).toMatchObject({ model: 'c1', ownChecksum: null, kappa: 1 });
    stop();
  });

  it('a shipped model picked while the link waits for files replaces it; Back to the link keeps the model shown', async () => {
    const w = fakeWindow(LINK);
    const { store } = appFromLink(LINK, { m1: shippedInfo('m1'), c1: shippedInfo('c1', cifar) });
    const stop = connectUrlSync(store, w.target, 0);
    store.getState().selectModel('m1');
    await flush();
    store.getState().selectModel('c1');
    await flush();
    expect(w.entries).toEqual([LINK, '?v=1&model=c1&kappa=1']);
    w.back();
    await flush();
    const s = store.getState();
    // Not a model called "own" (there is none to load): the page keeps what it shows, the entry keeps the link.
    expect(s.modelId).toBe('c1');
    expect(s.notices.filter((n) => n.tone === 'error')).toEqual([]);
    expect(s.own.linked).toEqual({ checksum: SHA, kappa: 0.5 });
    expect(w.entries[0]).toBe(LINK);
    stop();
  });
});

describe('url sync: a drawing in a link', () => {
  it('draw= with a CIFAR-10 model is set aside with a warning naming it (drawings are MNIST digits)', async () => {
    const code = encodeDrawing(new Uint8Array(784).fill(34));
    const { store } = appFromLink(`?model=c1&draw=${code}`, { c1: shippedInfo('c1', cifar) });
    expect(store.getState().ownImage).not.toBeNull();
    store.getState().selectModel('c1');
    await flush();
    const s = store.getState();
    expect(s.ownImage).toBeNull();
    const warnings = s.notices.filter((n) => n.tone === 'warn').map((n) => n.text);
    expect(warnings).toEqual([expect.stringContaining(quotePair('draw', code))]);
    expect(warnings[0]).toMatch(/^Set aside the link's drawing `draw=[Ii]+…`: drawings are MNIST digits \(28×28\), and c1 takes CIFAR-10 images \(32×32 colour\)\.$/);
  });

  it('draw= with an MNIST model is kept, with no notice', async () => {
    const code = encodeDrawing(new Uint8Array(784).fill(34));
    const { store } = appFromLink(`?model=m1&draw=${code}`, { m1: shippedInfo('m1') });
    store.getState().selectModel('m1');
    await flush();
    expect(store.getState().ownImage).not.toBeNull();
    expect(store.getState().notices).toEqual([]);
  });
});
