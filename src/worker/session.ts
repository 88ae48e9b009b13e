/**
 * Everything the worker holds between calls: the backend, the shards, the loaded (retrofitted) model and
 * the in-flight requests. One instance per worker, created by server.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../core/backend/select';
import { fetchSource } from '../core/data/fetch-source';
import { NORMALIZATION } from '../core/data/normalization';
import { loadShard, SHARD_NAMES, type Shard } from '../core/data/shard';
import { loadModel, loadModelIndex } from '../core/models/load';
import { classifierFromRetrofit } from '../core/metrics/classifier-from-retrofit';
import type { ModelCard } from '../core/models/card';
import { runParity } from '../core/op/parity';
import { registerJumpRelu } from '../core/op/register';
import { retrofit, type RetrofittedModel } from '../core/retrofit/retrofit';
import { WASM_PATHS } from '../lib/wasm-assets';
import { runAnalysis } from './analysis';
import { attackImpls, type AttackImpl } from './attack-registry';
import { runAttackPair } from './attack-runner';
import { evaluateAccuracy } from './evaluate';
import { loadReference } from './reference';
import {
  CANCELLED, type AnalysisRequest, type AnalysisResult, type ReferenceResults, type AttackRequest, type AttackResult, type BackendInfo, type DatasetInfo, type EvalRequest,
  type EvalResult, type KappaSetting, type LoadedModelInfo, type MemoryInfo, type ProgressFn, type SelfCheck,
  type StartResult, type WorkerApi,
} from './protocol';

export const GALLERY_SIZE = 24;

interface Loaded {
  id: string;
  card: ModelCard;
  net: RetrofittedModel;
  shard: Shard;
}

async function selfCheck(): Promise<SelfCheck> {
  const t0 = performance.now();
  try {
    const report = await runParity({ large: false });
    const bad = report.cases.find((c) => !c.ok);
    const detail = report.ok
      ? `${report.cases.length} kernel cases bit-exact vs the JS reference; gradient max error ${report.gradient.maxAbsError.toExponential(1)}`
      : bad
        ? `case "${bad.name}" differs${bad.mismatch ? ` at ${bad.mismatch.index}: got ${bad.mismatch.got}, expected ${bad.mismatch.want}` : ''}`
        : `gradient check failed (max error ${report.gradient.maxAbsError})`;
    return { ok: report.ok, detail, ms: performance.now() - t0 };
  } catch (e) {
    return { ok: false, detail: `self-check threw: ${(e as Error).message}`, ms: performance.now() - t0 };
  }
}

type TrackedKind = 'eval' | 'attack' | `analysis-${string}`;

export class ComputeSession implements WorkerApi {
  private baseUrl = '';
  private loaded: Loaded | null = null;
  private readonly shards = new Map<string, Promise<Shard>>();
  private readonly controllers = new Map<number, { kind: TrackedKind; ctl: AbortController }>();
  private evalChain: Promise<unknown> = Promise.resolve();
  private attackChain: Promise<unknown> = Promise.resolve();
  private analysisChain: Promise<unknown> = Promise.resolve();
  private loadChain: Promise<unknown> = Promise.resolve();
  private loadToken = 0;
  private impls: AttackImpl[] = [];

  private url(path: string): string {
    return new URL(path, this.baseUrl).href.replace(/\/$/, '');
  }

  async start(backend: BackendName | null, baseUrl: string): Promise<StartResult> {
    this.baseUrl = baseUrl;
    registerJumpRelu();
    const info = await this.chooseBackend(backend);
    const index = await loadModelIndex(fetchSource, this.url('models/')).catch((e: unknown) => {
      throw new Error(`Could not read the list of models, ${(e as Error).message}`);
    });
    this.impls = attackImpls();
    return { backend: info, models: index.models, attacks: this.impls.map((a) => a.descriptor) };
  }

  private async chooseBackend(prefer: BackendName | null): Promise<BackendInfo> {
    const choice = await selectBackend({ prefer, wasmPaths: WASM_PATHS });
    const check = await selfCheck();
    if (check.ok || choice.backend === 'cpu') return { choice, selfCheck: check, fallbackNotice: null };
    // A backend whose JumpReLU disagrees with the reference would give silently wrong numbers: refuse it.
    const fallback: BackendName = choice.backend === 'wasm' ? 'cpu' : 'wasm';
    const second = await selectBackend({ prefer: fallback, wasmPaths: WASM_PATHS });
    const check2 = await selfCheck();
    return {
      choice: second, selfCheck: check2,
      fallbackNotice: `JumpReLU self-check failed on ${choice.backend} (${check.detail}); switched to ${second.backend}.`,
    };
  }

  async switchBackend(backend: BackendName): Promise<BackendInfo> {
    this.abortAll();
    this.loadToken++;
    await Promise.allSettled([this.evalChain, this.attackChain, this.analysisChain, this.loadChain]);
    this.unload();
    return this.chooseBackend(backend);
  }

  private unload(): void {
    if (this.loaded) this.loaded.net.model.dispose();
    this.loaded = null;
  }

  private shard(dataset: ModelCard['dataset']): Promise<Shard> {
    let s = this.shards.get(dataset);
    if (!s) {
      s = loadShard(fetchSource, this.url('data/'), SHARD_NAMES[dataset]);
      s.catch(() => this.shards.delete(dataset));
      this.shards.set(dataset, s);
    }
    return s;
  }

  /** Loads run one at a time; a load superseded by a newer one discards its model and reports cancelled. */
  loadModel(id: string, onProgress: ProgressFn): Promise<LoadedModelInfo> {
    const token = ++this.loadToken;
    this.abortAll();
    const run = this.loadChain.catch(() => undefined).then(() => this.doLoad(id, token, onProgress));
    this.loadChain = run;
    return run;
  }

  private async doLoad(id: string, token: number, onProgress: ProgressFn): Promise<LoadedModelInfo> {
    const superseded = () => token !== this.loadToken;
    if (superseded()) throw new Error(CANCELLED);
    await Promise.allSettled([this.evalChain, this.attackChain, this.analysisChain]);
    // The loaded model stays until the new one is ready: a load that fails (offline, a damaged file)
    // leaves the lab working on the model it had.
    onProgress({ done: 0, total: 1, label: 'model files' });
    const { card, model } = await loadModel(fetchSource, this.url('models/'), id,
      (f) => onProgress({ done: f * 0.8, total: 1, label: 'weights' }));
    onProgress({ done: 0.8, total: 1, label: 'test images' });
    const shard = await this.shard(card.dataset).catch((e: unknown) => { model.dispose(); throw e; });
    const net = await retrofit(model, 0);
    // The clone shares the weight buffers (reference-counted), so the ReLU original can go.
    model.dispose();
    if (superseded()) {
      net.model.dispose();
      throw new Error(CANCELLED);
    }
    this.unload();
    this.loaded = { id, card, net, shard };
    onProgress({ done: 1, total: 1 });
    const m = shard.manifest;
    const size = m.shape[0] * m.shape[1] * m.shape[2];
    const gallery = Array.from({ length: Math.min(GALLERY_SIZE, m.count) }, (_, index) => ({
      index, label: shard.labels[index], pixels: shard.images.slice(index * size, (index + 1) * size),
    }));
    const dataset: DatasetInfo = { dataset: m.dataset, classNames: m.classNames, shape: m.shape, count: m.count };
    return { card, dataset, gallery };
  }

  private requireModel(id: string): Loaded {
    if (!this.loaded || this.loaded.id !== id) throw new Error(`model ${id} is not loaded`);
    return this.loaded;
  }

  /** The protocol's κ setting as the core's: randomized mode draws κ ~ U[0.6κ, κ] from `seed`. */
  private classifier(l: Loaded, setting: KappaSetting) {
    const kappa = setting.randomized && setting.kappa > 0 ? { randomized: { b: setting.kappa, seed: setting.seed } } : setting.kappa;
    return classifierFromRetrofit(l.net, NORMALIZATION[l.shard.manifest.dataset], kappa);
  }

  private track(requestId: number, kind: TrackedKind): AbortController {
    const ctl = new AbortController();
    this.controllers.set(requestId, { kind, ctl });
    return ctl;
  }

  /**
   * The mechanism every long request shares: a new request of a kind aborts the earlier ones of that kind,
   * runs after whatever is queued on its chain (they share the model's κ control and the CPU), and
   * unregisters its controller however it ends.
   */
  private exclusive<T>(requestId: number, kind: TrackedKind, chain: 'evalChain' | 'attackChain' | 'analysisChain',
    body: (signal: AbortSignal) => Promise<T>): Promise<T> {
    for (const [, c] of this.controllers) if (c.kind === kind) c.ctl.abort();
    const ctl = this.track(requestId, kind);
    const run = this[chain].catch(() => undefined).then(async () => {
      if (ctl.signal.aborted) throw new Error(CANCELLED);
      return body(ctl.signal);
    }).finally(() => this.controllers.delete(requestId));
    this[chain] = run;
    return run;
  }

  /** A new evaluation supersedes every earlier one: the slider has moved on. */
  evaluate(requestId: number, req: EvalRequest, onProgress: ProgressFn): Promise<EvalResult> {
    return this.exclusive(requestId, 'eval', 'evalChain', (signal) => {
      const l = this.requireModel(req.modelId);
      return evaluateAccuracy(this.classifier(l, req), l.shard, req, signal, onProgress);
    });
  }

  attack(requestId: number, req: AttackRequest, onProgress: ProgressFn): Promise<AttackResult> {
    return this.exclusive(requestId, 'attack', 'attackChain', async (signal) => {
      const l = this.requireModel(req.modelId);
      const impl = this.impls.find((a) => a.descriptor.id === req.attackId);
      if (!impl) throw new Error(`unknown attack "${req.attackId}"`);
      if (req.imageIndex < 0 || req.imageIndex >= l.shard.manifest.count) throw new Error(`image ${req.imageIndex} is not in the test shard`);
      const unprotected = this.classifier(l, { kappa: 0, randomized: false, seed: req.seed });
      const prot = this.classifier(l, req);
      return runAttackPair(impl, l.shard, req, { unprotected, protected: prot }, signal, onProgress);
    });
  }

  /** Analyses run one after another; a new request of one kind supersedes a queued or running one of it. */
  analysis(requestId: number, req: AnalysisRequest, onProgress: ProgressFn): Promise<AnalysisResult> {
    return this.exclusive(requestId, `analysis-${req.kind}`, 'analysisChain', async (signal) => {
      const l = this.requireModel(req.modelId);
      onProgress({ done: 0, total: 1, label: 'starting' });
      return runAnalysis({
        net: l.net, card: l.card, shard: l.shard, signal, onProgress,
        allCards: () => this.allCards(),
      }, req);
    });
  }

  private async allCards(): Promise<ModelCard[]> {
    const dir = this.url('models/');
    const index = await loadModelIndex(fetchSource, dir);
    const cards = await Promise.all(index.models.map(async (m) => {
      try {
        return JSON.parse(new TextDecoder().decode(await fetchSource(`${dir}/${m.id}/card.json`))) as ModelCard;
      } catch {
        return null;
      }
    }));
    return cards.filter((c): c is ModelCard => c !== null);
  }

  reference(modelId: string): Promise<ReferenceResults | null> {
    if (!/^[a-z0-9-]+$/.test(modelId)) return Promise.resolve(null);
    return loadReference(`${this.url('reference/')}/${modelId}.json`, modelId);
  }

  cancel(requestId: number): void {
    this.controllers.get(requestId)?.ctl.abort();
  }

  private abortAll(): void {
    for (const [, c] of this.controllers) c.ctl.abort();
  }

  memory(): MemoryInfo {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend() };
  }
}
