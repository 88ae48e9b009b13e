/**
 * One body per job kind (jobs.ts): thin adapters from a request to the compute core, over the session's
 * resources. Each body gets the scheduler's AbortSignal and a progress callback, and owns the tensors
 * it creates however it ends.
 */
import { getAttack, throwIfAborted } from '../core/attacks';
import { fetchSource } from '../core/data/fetch-source';
import { NORMALIZATION, normalizePixels } from '../core/data/normalization';
import type { Shard } from '../core/data/shard';
import { ownImagePixels, topClasses } from '../core/input/own-image';
import { fromRgba } from '../core/input/rgba';
import { preActivationStats } from '../core/metrics/pre-activations';
import { loadModel, loadModelIndex } from '../core/models/load';
import { registerKernels } from '../core/op/register';
import { retrofit } from '../core/retrofit/retrofit';
import * as analyses from './analysis';
import { runAttackPair } from './attack-runner';
import { attackDescriptors } from './catalogue';
import { detection } from './detection';
import { evaluateAccuracy } from './evaluate';
import { CONTRACT, type AnalysisJob, type DatasetInfo, type LoadedModelInfo, type ProgressFn, type JobKind, type JobRequest, type JobResult } from './jobs';
import { checkAnalysisRequest } from './jobs/contract';
import { loadOwnModel } from './own-model';
import { loadReference } from '../core/metrics/reference-file';
import type { ComputeSession, Loaded } from './session';
import { splitFor } from './splits';

export const GALLERY_SIZE = 24;

export interface JobContext {
  signal: AbortSignal;
  onProgress: ProgressFn;
}

export type Runner<K extends JobKind> = (session: ComputeSession, request: JobRequest<K>, job: JobContext) => Promise<JobResult<K>>;
export type Runners = { readonly [K in JobKind]: Runner<K> };

/**
 * An analysis body over the loaded model, with the shard's evaluation/validation split. The request's
 * settings are checked against the contract's specs first: a value out of range is refused by name.
 */
function analysis<K extends AnalysisJob>(kind: K,
  run: (ctx: analyses.AnalysisContext, req: JobRequest<K>) => Promise<JobResult<K>>): Runner<K> {
  return async (s, req, { signal, onProgress }) => {
    checkAnalysisRequest(CONTRACT[kind], req);
    const l = s.requireModel(req.modelId);
    onProgress({ done: 0, total: 1, label: 'starting' });
    const split = splitFor(l.shard.manifest.dataset, l.shard.manifest.count);
    return run({ net: l.net, card: l.card, normalization: l.normalization, shard: l.shard, split, signal, onProgress, allCards: () => s.allCards() }, req);
  };
}

async function loadShipped(s: ComputeSession, modelId: string, onProgress: ProgressFn): Promise<Loaded> {
  onProgress({ done: 0, total: 1, label: 'model files' });
  const { card, model } = await loadModel(fetchSource, s.url('models/'), modelId,
    (f) => onProgress({ done: f * 0.8, total: 1, label: 'weights' }));
  try {
    onProgress({ done: 0.8, total: 1, label: 'test images' });
    const shard = await s.shard(card.dataset);
    // The clone shares the weight buffers (reference-counted), so the ReLU original can go.
    return { id: modelId, card, normalization: NORMALIZATION[card.dataset], net: await retrofit(model, 0), shard };
  } finally {
    model.dispose();
  }
}

/** Makes a newly loaded model the session's (unless superseded meanwhile) and describes it for the page. */
function swapIn(s: ComputeSession, loaded: Loaded, signal: AbortSignal, onProgress: ProgressFn): LoadedModelInfo {
  if (signal.aborted) {
    loaded.net.model.dispose();
    throwIfAborted(signal);
  }
  s.setLoaded(loaded);
  onProgress({ done: 1, total: 1 });
  const m = loaded.shard.manifest;
  const gallery = Array.from({ length: Math.min(GALLERY_SIZE, m.count) }, (_, index) => ({
    index, label: loaded.shard.labels[index], pixels: testImage(loaded.shard, index).slice(),
  }));
  const dataset: DatasetInfo = { dataset: m.dataset, classNames: m.classNames, shape: m.shape, count: m.count };
  return { card: loaded.card, dataset, gallery };
}

export const RUNNERS: Runners = {
  async start(s, { backend, baseUrl }) {
    s.baseUrl = baseUrl;
    registerKernels();
    const info = await s.chooseBackend(backend);
    const index = await loadModelIndex(fetchSource, s.url('models/')).catch((e: unknown) => {
      throw new Error(`Could not read the list of models, ${(e as Error).message}`);
    });
    return { backend: info, models: index.models, attacks: attackDescriptors() };
  },

  backend(s, { backend }) {
    // The jobs it superseded have settled (scheduler): nothing reads the model any more.
    s.setLoaded(null);
    return s.chooseBackend(backend);
  },

  /** The previous model stays loaded until the new one is ready. */
  async load(s, { modelId }, { signal, onProgress }) {
    return swapIn(s, await loadShipped(s, modelId, onProgress), signal, onProgress);
  },

  async loadOwn(s, req, { signal, onProgress }) {
    const own = await loadOwnModel(req, (d) => s.shard(d), onProgress, signal);
    return swapIn(s, { id: own.card.id, ...own }, signal, onProgress);
  },

  async evaluate(s, req, { signal, onProgress }) {
    const l = s.requireModel(req.modelId);
    return evaluateAccuracy(s.classifier(l, req), l.shard, req, signal, onProgress);
  },

  async attack(s, req, { signal, onProgress }) {
    const l = s.requireModel(req.modelId);
    const attack = getAttack(req.attackId);
    if (!req.ownPixels) testImage(l.shard, req.imageIndex);
    const views = { unprotected: s.classifier(l, { kappa: 0, randomized: false, seed: req.seed }), protected: s.classifier(l, req) };
    return runAttackPair(attack, l.shard, req, views, signal, onProgress);
  },

  async own(s, req) {
    const t0 = performance.now();
    const l = s.requireModel(req.modelId);
    const m = l.shard.manifest;
    const pixels = 'pixels' in req.image ? checkedPixels(req.image.pixels, m.shape)
      : ownImagePixels(m.dataset, fromRgba(req.image.rgba, req.image.width, req.image.height, m.shape[2] === 1 ? 1 : 3));
    const x = normalizePixels(pixels, [1, ...m.shape], l.normalization);
    try {
      const unprotected = await topClasses(s.classifier(l, { ...req, kappa: 0, randomized: false }), x);
      return { pixels, unprotected, protected: await topClasses(s.classifier(l, req), x), ms: performance.now() - t0 };
    } finally {
      x.dispose();
    }
  },

  async histogram(s, req) {
    const t0 = performance.now();
    const l = s.requireModel(req.modelId);
    const m = l.shard.manifest;
    const pixels = 'pixels' in req.image ? checkedPixels(req.image.pixels, m.shape) : testImage(l.shard, req.image.index);
    const x = normalizePixels(pixels, [1, ...m.shape], l.normalization);
    try {
      const layers = await s.probe(l)(x, req.kappa);
      return { request: req, layers: layers.map((z) => preActivationStats(z.layer, z.z, req.kappa)), ms: performance.now() - t0 };
    } finally {
      x.dispose();
    }
  },

  tradeoff: analysis('tradeoff', analyses.tradeoff),
  table: analysis('table', analyses.table),
  transfer: analysis('transfer', analyses.transfer),
  iterations: analysis('iterations', analyses.iterations),
  tuner: analysis('tuner', analyses.tune),
  adaptive: analysis('adaptive', analyses.adaptive),
  detection: analysis('detection', detection),

  async reference(s, { modelId }) {
    if (!/^[a-z0-9-]+$/.test(modelId)) return { modelId, data: null };
    return { modelId, data: await loadReference(`${s.url('reference/')}/${modelId}.json`, modelId) };
  },
};

/** Test image `index` of the shard (a view, uint8 HWC); an index outside the shard is refused by name. */
function testImage(shard: Shard, index: number): Uint8Array {
  const [h, w, c] = shard.manifest.shape;
  if (!(Number.isInteger(index) && index >= 0 && index < shard.manifest.count)) throw new Error(`image ${index} is not in the test shard`);
  return shard.images.subarray(index * h * w * c, (index + 1) * h * w * c);
}

/** Pixels from the page (a restored drawing) must have the data set's shape. */
function checkedPixels(pixels: Uint8Array, [h, w, c]: [number, number, number]): Uint8Array {
  if (!(pixels instanceof Uint8Array) || pixels.length !== h * w * c) throw new Error(`an image for this model is ${h}×${w}×${c} pixels, got ${pixels?.length}`);
  return pixels;
}
