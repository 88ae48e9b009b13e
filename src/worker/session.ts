/**
 * What the worker holds between jobs, and nothing else: the base URL, the backend (with its self-check),
 * the test shards and the loaded (retrofitted) model. One instance per worker, created by server.ts; the
 * jobs that use it are in runners.ts, their scheduling in scheduler.ts.
 */
import { selectBackend, type BackendName } from '../core/backend/select';
import { appWasmThreads, requestWasmThreads } from '../core/backend/wasm-threads';
import { fetchSource } from '../core/data/fetch-source';
import type { Normalization } from '../core/data/normalization';
import { loadShard, SHARD_NAMES, type Shard } from '../core/data/shard';
import { classifierFromRetrofit, type RetrofitClassifier } from '../core/metrics/classifier-from-retrofit';
import { preActivationProbe } from '../core/metrics/pre-activations';
import type { ModelCard } from '../core/models/card';
import { loadModelIndex } from '../core/models/load';
import { runParity } from '../core/op/parity';
import type { RetrofittedModel } from '../core/retrofit/retrofit';
import { kappaSetting } from '../core/retrofit/kappa';
import { WASM_PATHS } from '../lib/wasm-assets';
import type { BackendInfo, KappaChoice, SelfCheck } from './jobs';

export interface Loaded {
  id: string;
  card: ModelCard;
  /** The paper's normalisation for a shipped model; the user's chosen input scaling for their own. */
  normalization: Normalization;
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


export class ComputeSession {
  baseUrl = '';
  private loaded: Loaded | null = null;
  private readonly shards = new Map<string, Promise<Shard>>();
  private readonly probes = new WeakMap<Loaded, ReturnType<typeof preActivationProbe>>();

  url(path: string): string {
    return new URL(path, this.baseUrl).href.replace(/\/$/, '');
  }

  async chooseBackend(prefer: BackendName | null): Promise<BackendInfo> {
    // Before wasm starts (its pool is sized once): 2 threads on a 2-core machine, where TF.js would take 1.
    requestWasmThreads(appWasmThreads(globalThis.navigator?.hardwareConcurrency ?? 1));
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

  shard(dataset: ModelCard['dataset']): Promise<Shard> {
    let s = this.shards.get(dataset);
    if (!s) {
      s = loadShard(fetchSource, this.url('data/'), SHARD_NAMES[dataset]);
      s.catch(() => this.shards.delete(dataset));
      this.shards.set(dataset, s);
    }
    return s;
  }

  /** Takes ownership of a newly loaded model (the previous one is disposed). */
  setLoaded(l: Loaded | null): void {
    if (this.loaded && this.loaded !== l) this.loaded.net.model.dispose();
    this.loaded = l;
  }

  requireModel(id: string): Loaded {
    if (!this.loaded || this.loaded.id !== id) throw new Error(`model ${id} is not loaded`);
    return this.loaded;
  }

  /** A classifier view of the loaded model at one κ choice: it carries its own κ into every pass. */
  classifier(l: Loaded, k: KappaChoice): RetrofitClassifier {
    return classifierFromRetrofit(l.net, l.normalization, kappaSetting(k));
  }

  /** The loaded model's pre-activation probe (built once per model). */
  probe(l: Loaded): ReturnType<typeof preActivationProbe> {
    let p = this.probes.get(l);
    if (!p) this.probes.set(l, (p = preActivationProbe(l.net)));
    return p;
  }

  /** Every shipped model's card (for the tuner's per-model comparison); unreadable cards are left out. */
  async allCards(): Promise<ModelCard[]> {
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
}
