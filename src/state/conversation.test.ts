/**
 * The whole store ↔ worker conversation without a browser: the real store, the real worker scheduler and
 * API (serveJobs), and fake job bodies whose answers, progress and failures each test controls.
 */
import { describe, expect, it } from 'vitest';
import { AttackAbortedError } from '../core/attacks/abort';
import { attackDescriptors } from '../worker/catalogue';
import { inProcess, isCancelled } from '../worker/client';
import { SUPERSEDES, type JobKind } from '../worker/jobs';
import type { BackendInfo, LoadedModelInfo, ModelCard, ProgressFn } from '../worker/jobs';
import type { JobContext, Runners } from '../worker/runners';
import { serveJobs } from '../worker/serve';
import type { ComputeSession } from '../worker/session';
import { connectWorker } from './connect';
import { selectCurrentEval, selectCurrentPartial } from './selectors';
import { createAppStore } from './store';

interface Call {
  kind: JobKind;
  request: Record<string, unknown>;
  signal: AbortSignal;
  onProgress: ProgressFn;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/** Job bodies that wait for the test; `honourAbort: false` makes one that finishes even when aborted. */
function fakeWorker(honourAbort = true) {
  const calls: Call[] = [];
  const body = (kind: JobKind) => (_s: ComputeSession, request: unknown, job: JobContext) => new Promise((resolve, reject) => {
    calls.push({ kind, request: request as Record<string, unknown>, ...job, resolve, reject });
    if (honourAbort) job.signal.addEventListener('abort', () => reject(new AttackAbortedError()));
  });
  const runners = Object.fromEntries(Object.keys(SUPERSEDES).map((k) => [k, body(k as JobKind)])) as unknown as Runners;
  const worker = inProcess(serveJobs({} as ComputeSession, runners));
  const pending = (kind: JobKind) => calls.filter((c) => c.kind === kind && !c.signal.aborted);
  const next = async (kind: JobKind): Promise<Call> => {
    for (let i = 0; i < 50; i++) {
      const c = calls.find((x) => x.kind === kind && !(x as { taken?: boolean }).taken);
      if (c) {
        (c as { taken?: boolean }).taken = true;
        return c;
      }
      await flush();
    }
    throw new Error(`no ${kind} job arrived (calls: ${calls.map((c) => c.kind).join(', ')})`);
  };
  return { worker, calls, pending, next };
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

const card = { id: 'm1', dataset: 'mnist', kappa: { default: 1, paper: 1, min: 0, max: 2, step: 0.05 } } as ModelCard;
const loaded: LoadedModelInfo = {
  card, dataset: { dataset: 'mnist', classNames: [], shape: [28, 28, 1], count: 100 },
  gallery: [{ index: 0, label: 7, pixels: new Uint8Array(0) }, { index: 1, label: 2, pixels: new Uint8Array(0) }],
};
const backend = (name: 'wasm' | 'cpu'): BackendInfo => ({
  choice: { backend: name, reasons: [], adapter: null, requested: null, requestedFailed: false, failed: [], wasm: null },
  selfCheck: { ok: true, detail: '', ms: 0 }, fallbackNotice: null,
});
const evalResult = (request: Record<string, unknown>, accuracy: number) => ({ request, correct: accuracy * 10, total: 10, accuracy, gallery: [], ms: 1 });

/** A store connected to a fake worker, with the model loaded and its two evaluations answered. */
async function loadedStore(honourAbort = true) {
  const fake = fakeWorker(honourAbort);
  const store = createAppStore();
  connectWorker(store, fake.worker, { baseUrl: 'http://x/', backend: null });
  (await fake.next('start')).resolve({ backend: backend('wasm'), models: [{ id: 'm1', dataset: 'mnist', variant: 'base' }], attacks: attackDescriptors() });
  const load = await fake.next('load');
  expect(load.request).toEqual({ modelId: 'm1' });
  expect(store.getState().jobs.load.status).toBe('running');
  load.resolve(loaded);
  const first = await fake.next('evaluate');
  first.resolve(evalResult(first.request, 0.9));
  const second = await fake.next('evaluate');
  second.resolve(evalResult(second.request, 0.95));
  await flush();
  return { store, fake, first, second };
}

describe('store ↔ worker conversation', () => {
  it('start → load → evaluate at the card κ, then at κ = 0, each cached; reference fetched once', async () => {
    const { store, fake, first, second } = await loadedStore();
    expect(first.request).toMatchObject({ modelId: 'm1', kappa: 1, randomized: false, sampleSize: 1000, galleryIndices: [0, 1] });
    expect(second.request).toMatchObject({ kappa: 0 });
    const s = store.getState();
    expect(s.kappa).toBe(1);
    expect(s.jobs.evaluate.status).toBe('done');
    expect(Object.keys(s.evalCache)).toEqual(['m1|1|f|1000', 'm1|0|f|1000']);
    expect(fake.calls.filter((c) => c.kind === 'reference').map((c) => c.request)).toEqual([{ modelId: 'm1' }]);
  });

  it('a κ change asks for one evaluation; a cached κ asks for none', async () => {
    const { store, fake } = await loadedStore();
    store.getState().setKappa(0.5);
    const job = await fake.next('evaluate');
    expect(job.request).toMatchObject({ kappa: 0.5 });
    job.resolve(evalResult(job.request, 0.8));
    await flush();
    const before = fake.calls.length;
    store.getState().setKappa(1);
    await flush();
    expect(fake.calls.length).toBe(before);
    expect(store.getState().jobs.evaluate.status).toBe('done');
  });

  it('streams progress, and a newer job of a kind supersedes the older: aborted in the worker, ignored in the store', async () => {
    const { store, fake } = await loadedStore(false);
    store.getState().setKappa(0.25);
    const older = await fake.next('evaluate');
    older.onProgress({ done: 3, total: 10 });
    expect(store.getState().jobs.evaluate.progress).toEqual({ done: 3, total: 10 });
    store.getState().setKappa(0.75);
    await flush();
    expect(older.signal.aborted).toBe(true);
    // The superseded body ignores its signal and answers late; the queue holds the newer one back until then.
    expect(fake.calls.filter((c) => c.kind === 'evaluate' && c.request.kappa === 0.75)).toHaveLength(0);
    older.onProgress({ done: 9, total: 10 });
    older.resolve(evalResult(older.request, 0.1));
    const newer = await fake.next('evaluate');
    expect(newer.request).toMatchObject({ kappa: 0.75 });
    const s = store.getState();
    expect(s.jobs.evaluate).toMatchObject({ status: 'running', progress: null });
    expect(s.evalCache['m1|0.25|f|1000']).toBeUndefined();
    newer.resolve(evalResult(newer.request, 0.7));
    await flush();
    expect(store.getState().jobs.evaluate.result?.accuracy).toBe(0.7);
  });

  it('cancel: the status says cancelling, the body sees its signal, the job ends as cancelled', async () => {
    const { store, fake } = await loadedStore();
    store.getState().selectImage(1);
    store.getState().startAttack();
    const job = await fake.next('attack');
    expect(job.request).toMatchObject({ modelId: 'm1', imageIndex: 1, attackId: 'deepfool-l2', kappa: 1, threat: 'white-box' });
    expect(job.request.params).toMatchObject({ steps: 40, overshoot: 0.02, clip: 'paper' }); // paper values on MNIST
    store.getState().cancelAttack();
    expect(store.getState().jobs.attack.status).toBe('cancelling');
    expect(job.signal.aborted).toBe(true);
    await flush();
    expect(store.getState().jobs.attack).toMatchObject({ status: 'cancelled', error: null, result: null });
  });

  it('a failing job reports its message; the next job of the kind runs normally', async () => {
    const { store, fake } = await loadedStore();
    store.getState().runAnalysis('table');
    const job = await fake.next('table');
    expect(job.request).toMatchObject({ kind: 'table', modelId: 'm1', kappa: 1, sample: 100, trSteps: 0 });
    job.reject(new Error('out of memory on wasm'));
    await flush();
    expect(store.getState().jobs.table).toMatchObject({ status: 'error', error: 'out of memory on wasm' });
    store.getState().runAnalysis('table');
    const again = await fake.next('table');
    again.resolve({ kind: 'table', request: again.request, count: 1, whiteBox: [], grayBox: [], columns: [], split: {}, ms: 1 });
    await flush();
    expect(store.getState().jobs.table).toMatchObject({ status: 'done', error: null });
  });

  it('a model load supersedes the jobs on the old model and starts only after they have settled', async () => {
    const { store, fake } = await loadedStore(false);
    store.getState().selectImage(0);
    store.getState().startAttack();
    const attack = await fake.next('attack');
    store.getState().selectModel('m2');
    await flush();
    expect(attack.signal.aborted).toBe(true);
    expect(fake.calls.some((c) => c.kind === 'load' && c.request.modelId === 'm2')).toBe(false);
    attack.resolve({});
    const load = await fake.next('load');
    expect(load.request).toEqual({ modelId: 'm2' });
    expect(store.getState().jobs.attack).toMatchObject({ status: 'idle', result: null });
  });

  it('a model that fails to load keeps the working one: card, gallery and accuracy stay, with a notice', async () => {
    const { store, fake } = await loadedStore();
    store.getState().selectModel('m2');
    expect(store.getState().gallery).toEqual([]);
    (await fake.next('load')).reject(new Error('models/m2/card.json: Failed to fetch'));
    await flush();
    const s = store.getState();
    expect(s).toMatchObject({ modelId: 'm1', card: { id: 'm1' }, gallery: loaded.gallery, kappa: 1, jobs: { load: { status: 'done', error: null } } });
    expect(s.notices.map((n) => n.text)).toEqual(['Could not load the model m2 (models/m2/card.json: Failed to fetch); still showing m1.']);
    // The very first model has nothing to fall back on: its failure is the load error.
    const fresh = fakeWorker();
    const store2 = createAppStore();
    connectWorker(store2, fresh.worker, { baseUrl: 'http://x/', backend: null });
    (await fresh.next('start')).resolve({ backend: backend('wasm'), models: [{ id: 'm1', dataset: 'mnist', variant: 'base' }], attacks: attackDescriptors() });
    (await fresh.next('load')).reject(new Error('offline'));
    await flush();
    expect(store2.getState()).toMatchObject({ modelId: 'm1', jobs: { load: { status: 'error', error: 'offline' } }, notices: [] });
  });

  it('a backend switch supersedes everything, then reloads the model on the new backend', async () => {
    const { store, fake } = await loadedStore();
    store.getState().setKappa(0.5);
    const evaluation = await fake.next('evaluate');
    void store.getState().requestBackend('cpu');
    expect(evaluation.signal.aborted).toBe(true);
    const job = await fake.next('backend');
    expect(store.getState().jobs.backend.status).toBe('running');
    job.resolve(backend('cpu'));
    const reload = await fake.next('load');
    expect(reload.request).toEqual({ modelId: 'm1' });
    expect(store.getState()).toMatchObject({ backend: { choice: { backend: 'cpu' } }, evalCache: {} });
  });

  it('a link\'s attack parameters go through the range rule once the catalogue arrives', async () => {
    const fake = fakeWorker();
    const store = createAppStore({ attackId: 'ifgsm', attackParams: { ifgsm: { steps: 1e9, constructor: 1 } } });
    connectWorker(store, fake.worker, { baseUrl: 'http://x/', backend: null });
    (await fake.next('start')).resolve({ backend: backend('wasm'), models: [], attacks: attackDescriptors() });
    await flush();
    const s = store.getState();
    expect(s.attackParams).toEqual({ ifgsm: { steps: 2000 } });
    expect(s.notices.map((n) => n.text)).toEqual([expect.stringMatching(/steps = 1000000000 is outside 0–2000/), expect.stringMatching(/unknown parameter "constructor"/)]);
    expect(s.jobs.load).toMatchObject({ status: 'error', error: 'The model index lists no models.' });
  });

  it('one cancellation error crosses the boundary, whatever the body threw', async () => {
    const fake = fakeWorker();
    const done = fake.worker.run(1, 'reference', { modelId: 'a' }, () => undefined);
    const call = await fake.next('reference');
    fake.worker.cancel(1);
    expect(call.signal.aborted).toBe(true);
    const err = await done.catch((e: unknown) => e);
    expect(isCancelled(err)).toBe(true);
    expect((err as Error).message).toBe('reference cancelled');
    const failed = fake.worker.run(2, 'reference', { modelId: 'b' }, () => undefined);
    (await fake.next('reference')).reject(new Error('HTTP 500'));
    const e2 = await failed.catch((e: unknown) => e);
    expect(isCancelled(e2)).toBe(false);
  });
});

describe('the κ slider\'s interim estimate', () => {
  it('shows the running sweep\'s count only for the κ it measures, with its Wilson interval; a newer κ drops it', async () => {
    const { store, fake } = await loadedStore();
    store.getState().setKappa(0.5);
    const job = await fake.next('evaluate');
    job.onProgress({ done: 20, total: 1000, correct: 18 });
    await flush();
    const p = selectCurrentPartial(store.getState());
    expect(p).toMatchObject({ correct: 18, done: 20, total: 1000 });
    expect(p!.lo).toBeLessThan(0.9);
    expect(p!.hi).toBeGreaterThan(0.9);
    expect(selectCurrentEval(store.getState())).toBeUndefined();
    // The slider moves on: the older sweep's count is not the new κ's, even before the new sweep reports.
    store.getState().setKappa(0.75);
    await flush();
    expect(selectCurrentPartial(store.getState())).toBeUndefined();
    const newer = await fake.next('evaluate');
    expect(newer.request).toMatchObject({ kappa: 0.75 });
    newer.onProgress({ done: 20, total: 1000, correct: 15 });
    await flush();
    expect(selectCurrentPartial(store.getState())).toMatchObject({ correct: 15, done: 20 });
    newer.resolve(evalResult(newer.request, 0.7));
    await flush();
    expect(selectCurrentPartial(store.getState())).toBeUndefined();
    expect(selectCurrentEval(store.getState())?.accuracy).toBe(0.7);
  });

  it('the baseline sweep at κ = 0 never lends its count to the current κ', async () => {
    const { store, fake } = await loadedStore();
    store.setState({ evalCache: {} });
    store.getState().setKappa(0.5);
    const current = await fake.next('evaluate');
    current.resolve(evalResult(current.request, 0.8));
    const baseline = await fake.next('evaluate');
    expect(baseline.request).toMatchObject({ kappa: 0 });
    baseline.onProgress({ done: 20, total: 1000, correct: 20 });
    await flush();
    expect(store.getState().evalRunning).toMatchObject({ kappa: 0 });
    expect(selectCurrentPartial(store.getState())).toBeUndefined();
    expect(selectCurrentEval(store.getState())?.accuracy).toBe(0.8);
  });
});
