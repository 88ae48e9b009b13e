/**
 * Connects a store to a compute worker: hands the store its worker, runs the start job and applies what
 * it returns (backend, model index, attack catalogue), then opens the first model. Everything after that
 * is a store action calling `runJob` directly.
 */
import type { JobWorker } from '../worker/client';
import type { BackendName } from '../worker/jobs';
import { backendNotices } from './slices/ui-slice';
import { quote } from './url-schema';
import type { AppStore } from './store';
import { OWN_MODEL_LINK } from './url-schema';

export interface ConnectOptions {
  /** The page's base URL (models/ and data/ live under it). */
  baseUrl: string;
  backend: BackendName | null;
  /** Model to open first; falls back to the first MNIST base model. */
  modelId?: string | null;
}

/** Returns a function that disconnects: answers that arrive later are dropped. */
export function connectWorker(store: AppStore, worker: JobWorker, opts: ConnectOptions): () => void {
  const { setState: set, getState: get } = store;
  set({ worker });
  void get().checkKeptModel();
  void get().runJob('start', { backend: opts.backend, baseUrl: opts.baseUrl }).then((r) => {
    if (!r) return;
    set({ backend: r.backend, models: r.models, attacks: r.attacks, requestedBackend: opts.backend });
    backendNotices(get(), r.backend);
    if (!r.attacks.some((a) => a.id === get().attackId) && r.attacks[0]) {
      get().addNotice(`Unknown attack ${quote(get().attackId)}; using ${r.attacks[0].label}.`, 'warn');
      set({ attackId: r.attacks[0].id, attackParams: {} });
    }
    get().applyLinkParams();
    const wanted = r.models.find((m) => m.id === opts.modelId);
    if (opts.modelId === OWN_MODEL_LINK) {
      get().addNotice('This link was made with someone\'s own model, which a link cannot carry: load the same files under "Your own model" in the model picker.', 'info');
    } else if (opts.modelId && !wanted) get().addNotice(`Unknown model ${quote(opts.modelId)}; opened the default model instead.`, 'warn');
    const first = wanted ?? r.models.find((m) => m.dataset === 'mnist' && m.variant === 'base') ?? r.models[0];
    if (first) get().selectModel(first.id);
    else void get().runLocal('load', () => Promise.reject(new Error('The model index lists no models.')));
  });
  return () => set({ worker: null });
}
