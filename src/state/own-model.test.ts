/**
 * The own-model slice against a scripted worker: a loaded own model becomes the page's model (card,
 * gallery, evaluation, no reference fetch); a refusal names the problem and leaves the previous model
 * usable; a link's κ applies only to files with the link's checksum; a backend switch reloads the files.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { JobWorker } from '../worker/client';
import type { JobKind } from '../worker/jobs';
import type { LoadedModelInfo, ModelCard } from '../worker/jobs';
import { asModelCard, userModelId, type UserModelCard } from '../core/models/user-card';
import { modelReady, ownModelStatus, selectCurrentEval } from './selectors';
import { createAppStore } from './store';
import { decode } from './url-schema';
import { storeFromUrl } from './url-sync';

const SHA = 'ab'.repeat(32);
const dataset = { dataset: 'mnist' as const, classNames: [], shape: [28, 28, 1] as [number, number, number], count: 100 };
const kappa = { default: 0, paper: 1, min: 0, max: 2, step: 0.05 };
const shipped: LoadedModelInfo = { card: { id: 'm1', dataset: 'mnist', kappa: { ...kappa, default: 1 } } as ModelCard, dataset, gallery: [] };
const own = (checksum = SHA): LoadedModelInfo => ({
  card: { id: userModelId(checksum, 'paper'), dataset: 'mnist', kappa, user: { checksum, scaling: 'paper', declaredScaling: null } } as unknown as ModelCard,
  dataset, gallery: [],
});

/** Answers each job kind with `answers[kind]` (a value, or a function of the request that may throw). */
function scripted(answers: Partial<Record<JobKind, unknown>>) {
  const calls: { kind: JobKind; request: unknown }[] = [];
  const worker: JobWorker = {
    run: async (_id, kind, request) => {
      calls.push({ kind, request });
      const a = answers[kind];
      if (a === undefined) throw new Error(`unexpected ${kind} job`);
      return (typeof a === 'function' ? a(request) : a) as never;
    },
    cancel: () => {},
    memory: async () => ({ numTensors: 0, numBytes: 0, backend: 'cpu' }),
  };
  return { worker, calls };
}

const evaluate = (request: Record<string, unknown>) => ({ request, correct: 9, total: 10, accuracy: 0.9, gallery: [], ms: 1 });
const files = [{ name: 'model.json', bytes: new Uint8Array([123]) }, { name: 'weights.bin', bytes: new Uint8Array(4) }];
const flush = () => new Promise<void>((r) => setTimeout(r, 0));

async function withShipped(answers: Partial<Record<JobKind, unknown>>, initial = {}) {
  const fake = scripted({ load: shipped, evaluate, reference: { modelId: 'm1', data: null }, ...answers });
  const store = createAppStore(initial);
  store.setState({ worker: fake.worker, models: [{ id: 'm1', dataset: 'mnist', architecture: 'LeNetLike', variant: 'base', name: 'm1' }] });
  store.getState().selectModel('m1');
  await flush();
  return { store, calls: fake.calls };
}

describe('own model in the store', () => {
  it('loads through the loadOwn job and becomes the page\'s model; no reference fetch', async () => {
    const { store, calls } = await withShipped({ loadOwn: own() });
    await store.getState().openOwnFiles(files, 'my-net');
    await flush();
    const s = store.getState();
    expect(calls.find((c) => c.kind === 'loadOwn')?.request).toEqual({ files, name: 'my-net', scaling: null });
    expect(s.modelId).toBe(userModelId(SHA, 'paper'));
    expect(s.card?.user?.checksum).toBe(SHA);
    expect(ownModelStatus(s)).toEqual({ status: 'ready', error: null });
    expect(s.own.scaling).toBe('paper');
    expect(modelReady(s)).toBe(true);
    expect(calls.filter((c) => c.kind === 'reference')).toHaveLength(1); // the shipped model's only
    expect(s.jobs.reference.result).toEqual({ modelId: s.modelId, data: null });
    expect(calls.filter((c) => c.kind === 'evaluate').at(-1)?.request).toMatchObject({ modelId: s.modelId, kappa: 0 });
  });

  it('a refusal names the problem and leaves the shipped model loaded and usable', async () => {
    const { store } = await withShipped({ loadOwn: () => { throw new Error('weights file weights.bin: 4 bytes, the manifest\'s weights need 8'); } });
    await store.getState().openOwnFiles(files, 'broken');
    const s = store.getState();
    expect(ownModelStatus(s).status).toBe('error');
    expect(ownModelStatus(s).error).toContain('weights file weights.bin');
    expect(s.modelId).toBe('m1');
    expect(s.card?.id).toBe('m1');
    expect(modelReady(s)).toBe(true);
  });

  it('a link\'s κ applies to files with the link\'s checksum only', async () => {
    const link = storeFromUrl(decode(`?model=own&sha=${SHA}&kappa=0.5`).state);
    expect(link.own?.linked).toEqual({ checksum: SHA, kappa: 0.5 });
    expect(link.pendingKappa).toBeNull();
    const match = await withShipped({ loadOwn: own() }, link);
    await match.store.getState().openOwnFiles(files, 'same');
    expect(match.store.getState().kappa).toBe(0.5);
    const other = await withShipped({ loadOwn: own('cd'.repeat(32)) }, link);
    await other.store.getState().openOwnFiles(files, 'other');
    expect(other.store.getState().kappa).toBe(0);
  });

  it('another scaling re-measures the same files; a backend switch reloads them', async () => {
    const { store, calls } = await withShipped({ loadOwn: own(), backend: { choice: { backend: 'cpu', failed: [] }, selfCheck: { ok: true }, fallbackNotice: null } });
    await store.getState().openOwnFiles(files, 'my-net');
    await store.getState().setOwnScaling('unit');
    expect(calls.filter((c) => c.kind === 'loadOwn').at(-1)?.request).toEqual({ files, name: 'my-net', scaling: 'unit' });
    await store.getState().requestBackend('cpu');
    expect(calls.filter((c) => c.kind === 'loadOwn')).toHaveLength(3);
    expect(calls.filter((c) => c.kind === 'load')).toHaveLength(1);
  });
});

describe('own model from a URL: the fetch is the loadOwn job\'s first part', () => {
  afterEach(() => { vi.unstubAllGlobals(); });

  it('shows "fetching" while the files download, then loads them under the URL\'s name', async () => {
    const { store, calls } = await withShipped({ loadOwn: own() });
    let answer!: (r: Response) => void;
    vi.stubGlobal('fetch', () => new Promise<Response>((r) => { answer = r; }));
    const done = store.getState().openOwnUrl('https://example.org/net/model.json');
    await flush();
    expect(ownModelStatus(store.getState()).status).toBe('fetching');
    answer(new Response('{"weightsManifest":[]}', { status: 200 }));
    await done;
    await flush();
    const s = store.getState();
    expect(calls.find((c) => c.kind === 'loadOwn')?.request).toMatchObject({ name: s.own.name, scaling: null, files: [{ name: 'model.json' }] });
    expect(s.own.name).toContain('example.org');
    expect(ownModelStatus(s)).toEqual({ status: 'ready', error: null });
  });

  it('a failed fetch is the job\'s error; nothing reaches the worker and the shipped model stays usable', async () => {
    const { store, calls } = await withShipped({ loadOwn: own() });
    await store.getState().openOwnUrl('not a url');
    const s = store.getState();
    expect(ownModelStatus(s).status).toBe('error');
    expect(ownModelStatus(s).error).toMatch(/is not a URL/);
    expect(calls.some((c) => c.kind === 'loadOwn')).toBe(false);
    expect(s.own.files).toBeNull();
    expect(modelReady(s)).toBe(true);
  });
});

describe('cached results follow the own model\'s input scaling', () => {
  it('another scaling never shows the accuracy measured at the previous one (ids come from asModelCard)', async () => {
    // The card as the worker makes it: the id is asModelCard's, so this fails if the id ignores the scaling.
    const cardAt = (scaling: 'paper' | 'unit'): LoadedModelInfo => {
      const user = { checksum: SHA, scaling, declaredScaling: null, name: 'net', dataset: 'mnist', layers: [], parameters: 1, softmaxRemoved: false,
        files: {}, warning: null, scalingLabel: scaling, evaluation: { count: 10, accuracyByKappa: [{ kappa: 0, accuracy: 0.5 }] } };
      return { card: asModelCard(user as unknown as UserModelCard, 'cpu', 'mnist-test'), dataset, gallery: [] };
    };
    const byScaling = { paper: 0.99, unit: 0.94 };
    let loaded: 'paper' | 'unit' = 'paper'; // what the worker holds now
    const { store } = await withShipped({
      loadOwn: (r: { scaling: 'paper' | 'unit' | null }) => cardAt((loaded = r.scaling ?? 'paper')),
      evaluate: (r: Record<string, unknown>) => ({ request: r, correct: byScaling[loaded] * 100, total: 100, accuracy: byScaling[loaded], gallery: [], ms: 1 }),
    });
    await store.getState().openOwnFiles(files, 'net');
    await flush();
    expect(selectCurrentEval(store.getState())?.accuracy).toBe(0.99);
    await store.getState().setOwnScaling('unit');
    await flush();
    const s = store.getState();
    expect(selectCurrentEval(s)?.accuracy).toBe(0.94);
    await store.getState().setOwnScaling('paper');
    await flush();
    expect(selectCurrentEval(store.getState())?.accuracy).toBe(0.99);
  });
});
