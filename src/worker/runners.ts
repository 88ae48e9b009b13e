/**
 * One body per job kind (jobs.ts): thin adapters from a request to the compute core, over the session's
 * resources. Each body gets the scheduler's AbortSignal and a progress callback, and owns the tensors
 * it creates however it ends.
 */
import { getAttack, throwIfAborted } from '../core/attacks';
import { fetchSource } from '../core/data/fetch-source';
import { loadModel, loadModelIndex } from '../core/models/load';
import { registerJumpRelu } from '../core/op/register';
import { retrofit } from '../core/retrofit/retrofit';
import * as analyses from './analysis';
import { runAttackPair } from './attack-runner';
import { attackDescriptors } from './catalogue';
import { evaluateAccuracy } from './evaluate';
import type { AnalysisJob, JobKind, JobRequest, JobResult } from './jobs';
import type { DatasetInfo, ProgressFn } from './protocol';
import { loadReference } from './reference';
import type { ComputeSession, Loaded } from './session';
import { splitFor } from './splits';

export const GALLERY_SIZE = 24;

export interface JobContext {
  signal: AbortSignal;
  onProgress: ProgressFn;
}

export type Runner<K extends JobKind> = (session: ComputeSession, request: JobRequest<K>, job: JobContext) => Promise<JobResult<K>>;
export type Runners = { readonly [K in JobKind]: Runner<K> };

/** An analysis body over the loaded model, with the shard's evaluation/validation split. */
function analysis<K extends AnalysisJob>(
  run: (ctx: analyses.AnalysisContext, req: JobRequest<K>) => Promise<JobResult<K>>): Runner<K> {
  return (s, req, { signal, onProgress }) => {
    const l = s.requireModel(req.modelId);
    onProgress({ done: 0, total: 1, label: 'starting' });
    const split = splitFor(l.shard.manifest.dataset, l.shard.manifest.count);
    return run({ net: l.net, card: l.card, shard: l.shard, split, signal, onProgress, allCards: () => s.allCards() }, req);
  };
}

export const RUNNERS: Runners = {
  async start(s, { backend, baseUrl }) {
    s.baseUrl = baseUrl;
    registerJumpRelu();
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
    onProgress({ done: 0, total: 1, label: 'model files' });
    const { card, model } = await loadModel(fetchSource, s.url('models/'), modelId,
      (f) => onProgress({ done: f * 0.8, total: 1, label: 'weights' }));
    let loaded: Loaded;
    try {
      onProgress({ done: 0.8, total: 1, label: 'test images' });
      const shard = await s.shard(card.dataset);
      // The clone shares the weight buffers (reference-counted), so the ReLU original can go.
      loaded = { id: modelId, card, net: await retrofit(model, 0), shard };
    } finally {
      model.dispose();
    }
    if (signal.aborted) {
      loaded.net.model.dispose();
      throwIfAborted(signal);
    }
    s.setLoaded(loaded);
    onProgress({ done: 1, total: 1 });
    const m = loaded.shard.manifest;
    const size = m.shape[0] * m.shape[1] * m.shape[2];
    const gallery = Array.from({ length: Math.min(GALLERY_SIZE, m.count) }, (_, index) => ({
      index, label: loaded.shard.labels[index], pixels: loaded.shard.images.slice(index * size, (index + 1) * size),
    }));
    const dataset: DatasetInfo = { dataset: m.dataset, classNames: m.classNames, shape: m.shape, count: m.count };
    return { card, dataset, gallery };
  },

  async evaluate(s, req, { signal, onProgress }) {
    const l = s.requireModel(req.modelId);
    return evaluateAccuracy(s.classifier(l, req), l.shard, req, signal, onProgress);
  },

  async attack(s, req, { signal, onProgress }) {
    const l = s.requireModel(req.modelId);
    const attack = getAttack(req.attackId);
    if (req.imageIndex < 0 || req.imageIndex >= l.shard.manifest.count) throw new Error(`image ${req.imageIndex} is not in the test shard`);
    const views = { unprotected: s.classifier(l, { kappa: 0, randomized: false, seed: req.seed }), protected: s.classifier(l, req) };
    return runAttackPair(attack, l.shard, req, views, signal, onProgress);
  },

  tradeoff: analysis<'tradeoff'>(analyses.tradeoff),
  table: analysis<'table'>(analyses.table),
  transfer: analysis<'transfer'>(analyses.transfer),
  iterations: analysis<'iterations'>(analyses.iterations),
  tuner: analysis<'tuner'>(analyses.tune),

  async reference(s, { modelId }) {
    if (!/^[a-z0-9-]+$/.test(modelId)) return { modelId, data: null };
    return { modelId, data: await loadReference(`${s.url('reference/')}/${modelId}.json`, modelId) };
  },
};
