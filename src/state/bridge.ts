/**
 * The only code that talks to the worker. It watches the store for intents (a model chosen, κ moved, an
 * attack started or cancelled, a backend picked), sends the matching request, and writes results back
 * with setState. Components only call store actions.
 */
import * as Comlink from 'comlink';
import { CANCELLED, type AnalysisKind, type AnalysisResult, type AttackRequest, type BackendInfo, type BackendName, type KappaSetting, type ParamValue } from '../worker/protocol';
import { backendNotices as backendNoticeText } from '../core/backend/fallback-notice';
import { analysisRequest } from './analysis-requests';
import { quote } from './url-schema';
import { ANALYSIS_PANELS } from './panels';
import { kappaAdjustedNotice } from './kappa-notice';
import { clampKappa } from './slices/kappa-slice';
import { evalKey, FULL_SHARD } from './slices/evaluation-slice';
import type { AppState } from './slices/types';
import type { AppStore } from './store';
import type { WorkerClient } from './worker-client';

export interface BridgeOptions {
  /** The page's base URL (models/ and data/ live under it). */
  baseUrl: string;
  backend: BackendName | null;
  /** Model to open first; falls back to the first MNIST base model. */
  modelId?: string | null;
}

export function isCancellation(e: unknown): boolean {
  return e instanceof Error && (e.message === CANCELLED || e.name === 'AbortError' || /\baborted\b/i.test(e.message));
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function currentSetting(s: AppState): KappaSetting {
  return { kappa: s.kappa, randomized: s.randomized, seed: s.seed };
}

export function attackParamsFor(s: AppState, attackId: string): Record<string, ParamValue> {
  const d = s.attacks.find((a) => a.id === attackId);
  const out: Record<string, ParamValue> = {};
  for (const p of d?.params ?? []) out[p.key] = p.default;
  const paper = s.dataset ? d?.paperByDataset[s.dataset.dataset] : undefined;
  return { ...out, ...paper, ...s.attackParams[attackId] };
}

function backendNotices(store: AppStore, info: BackendInfo): void {
  const { addNotice } = store.getState();
  for (const n of backendNoticeText(info.choice)) addNotice(n, info.choice.requestedFailed ? 'error' : 'warn');
  if (info.fallbackNotice) addNotice(info.fallbackNotice, 'error');
  if (!info.selfCheck.ok) addNotice(`JumpReLU self-check failed on ${info.choice.backend}: ${info.selfCheck.detail}. Results may be wrong.`, 'error');
}

/** Connects store and worker; returns a function that disconnects (and stops listening). */
export function connectBridge(store: AppStore, client: WorkerClient, opts: BridgeOptions): () => void {
  const { api } = client;
  const set = store.setState;
  const get = store.getState;
  let requestSeq = 0;
  let loadTicket = 0;
  let evalTicket = 0;
  let attackRequestId = 0;
  let evalRequestId = 0;
  let stopped = false;

  const load = async (): Promise<void> => {
    const id = get().modelId;
    if (!id) return;
    const ticket = ++loadTicket;
    evalTicket++;
    // The worker keeps its model until the new one is ready; if the new one fails, so does the page.
    const before = get();
    const previous = before.loadStatus === 'ready' && before.card && before.card.id !== id
      ? { modelId: before.card.id, card: before.card, dataset: before.dataset, gallery: before.gallery } : null;
    set({ loadStatus: 'loading', loadProgress: { done: 0, total: 1 }, loadError: null, gallery: [], evalStatus: 'idle', evalProgress: null });
    try {
      const info = await api.loadModel(id, Comlink.proxy((p) => { if (ticket === loadTicket) set({ loadProgress: p }); }));
      if (ticket !== loadTicket || stopped) return;
      const wanted = get().pendingKappa;
      const kappa = clampKappa(wanted ?? info.card.kappa.default, info.card.kappa);
      const adjusted = wanted === null ? null : kappaAdjustedNotice(wanted, kappa, info.card.kappa);
      if (adjusted) get().addNotice(adjusted, 'warn');
      const image = get().selectedImage;
      if (image !== null && image >= info.dataset.count) {
        get().addNotice(`Image #${image} is not in the ${info.dataset.count.toLocaleString()}-image test set; no image selected.`, 'warn');
        set({ selectedImage: null });
      }
      set({ loadStatus: 'ready', card: info.card, dataset: info.dataset, gallery: info.gallery, kappa, pendingKappa: null, loadProgress: null });
    } catch (e) {
      if (ticket !== loadTicket || stopped || isCancellation(e)) return;
      if (!previous) {
        set({ loadStatus: 'error', loadError: message(e), loadProgress: null });
        return;
      }
      get().addNotice(`Could not load the model ${id} (${message(e)}); still showing ${previous.modelId}.`, 'error');
      set({ ...previous, loadStatus: 'ready', loadProgress: null, pendingKappa: null });
    }
  };

  const evaluate = async (): Promise<void> => {
    const s = get();
    if (s.loadStatus !== 'ready' || !s.modelId || !s.dataset) return;
    const modelId = s.modelId;
    const size = s.sampleSize === FULL_SHARD ? s.dataset.count : s.sampleSize;
    const current = currentSetting(s);
    const baseline: KappaSetting = { kappa: 0, randomized: false, seed: s.seed };
    // Current κ first (the gallery updates sooner), then κ = 0 for the "drop vs ReLU" figure.
    const wanted = [current, baseline].filter((k, i, all) =>
      !s.evalCache[evalKey(modelId, k, s.sampleSize)] && (i === 0 || evalKey(modelId, k, 0) !== evalKey(modelId, all[0], 0)));
    const ticket = ++evalTicket;
    if (!wanted.length) {
      // Everything needed is cached: stop whatever the worker is still computing for an older κ.
      if (evalRequestId) void api.cancel(evalRequestId);
      set({ evalStatus: 'idle', evalProgress: null, evalError: null });
      return;
    }
    set({ evalStatus: 'running', evalProgress: { done: 0, total: size }, evalError: null });
    const galleryIndices = s.gallery.map((g) => g.index);
    for (const setting of wanted) {
      const requestId = ++requestSeq;
      evalRequestId = requestId;
      try {
        const result = await api.evaluate(requestId, { ...setting, modelId, sampleSize: size, galleryIndices },
          Comlink.proxy((p) => { if (ticket === evalTicket) set({ evalProgress: p }); }));
        const key = evalKey(modelId, setting, s.sampleSize);
        set((st) => ({ evalCache: { ...st.evalCache, [key]: result } }));
      } catch (e) {
        if (ticket === evalTicket && !isCancellation(e)) set({ evalStatus: 'error', evalError: message(e), evalProgress: null });
        return;
      }
      if (ticket !== evalTicket) return;
    }
    set({ evalStatus: 'idle', evalProgress: null });
  };

  const attack = async (): Promise<void> => {
    const s = get();
    const runId = s.attackRunId;
    if (!s.modelId || s.selectedImage === null || s.loadStatus !== 'ready') {
      set({ attackStatus: 'error', attackError: 'Load a model and pick an image first.' });
      return;
    }
    const req: AttackRequest = {
      ...currentSetting(s), modelId: s.modelId, imageIndex: s.selectedImage, attackId: s.attackId,
      params: attackParamsFor(s, s.attackId), threat: s.threat,
    };
    const requestId = ++requestSeq;
    attackRequestId = requestId;
    try {
      const result = await api.attack(requestId, req,
        Comlink.proxy((p) => { if (get().attackRunId === runId) set({ attackProgress: p }); }));
      if (get().attackRunId === runId) set({ attackStatus: 'done', attackResult: result, attackProgress: null });
    } catch (e) {
      if (get().attackRunId !== runId) return;
      if (isCancellation(e)) set({ attackStatus: 'cancelled', attackProgress: null });
      else set({ attackStatus: 'error', attackError: message(e), attackProgress: null });
    }
  };

  const analysisIds: Partial<Record<AnalysisKind, number>> = {};
  const patchRun = (kind: AnalysisKind, runId: number, p: Partial<AppState['analysis'][AnalysisKind]>) => {
    if (get().analysis[kind].runId !== runId) return;
    set((st) => ({ analysis: { ...st.analysis, [kind]: { ...st.analysis[kind], ...p } } }));
  };

  const analyse = async (kind: AnalysisKind): Promise<void> => {
    const s = get();
    const runId = s.analysis[kind].runId;
    const req = analysisRequest(kind, s);
    if (!req) {
      patchRun(kind, runId, { status: 'error', error: 'Load a model first.' });
      return;
    }
    const requestId = ++requestSeq;
    analysisIds[kind] = requestId;
    try {
      const result: AnalysisResult = await api.analysis(requestId, req, Comlink.proxy((p) => patchRun(kind, runId, { progress: p })));
      patchRun(kind, runId, { status: 'done', result: result as never, progress: null });
    } catch (e) {
      if (isCancellation(e)) patchRun(kind, runId, { status: 'cancelled', progress: null });
      else patchRun(kind, runId, { status: 'error', error: message(e), progress: null });
    }
  };

  let referenceTicket = 0;
  const loadReference = async (): Promise<void> => {
    const modelId = get().modelId;
    if (!modelId) return;
    const ticket = ++referenceTicket;
    set({ reference: { modelId, status: 'loading', data: null, error: null } });
    try {
      const data = await api.reference(modelId);
      if (ticket === referenceTicket) set({ reference: { modelId, status: data ? 'ready' : 'absent', data, error: null } });
    } catch (e) {
      if (ticket === referenceTicket) set({ reference: { modelId, status: 'error', data: null, error: message(e) } });
    }
  };

  const switchBackend = async (): Promise<void> => {
    const name = get().requestedBackend;
    if (!name) return;
    loadTicket++;
    evalTicket++;
    try {
      const info = await api.switchBackend(name);
      set({ backend: info, backendStatus: 'ready', backendError: null, evalCache: {} });
      backendNotices(store, info);
      get().retryLoad();
    } catch (e) {
      set({ backendStatus: 'error', backendError: message(e) });
    }
  };

  const unsubscribe = store.subscribe((s, prev) => {
    if (stopped) return;
    if (s.backendNonce !== prev.backendNonce) void switchBackend();
    if (s.loadNonce !== prev.loadNonce) void load();
    if (s.loadStatus === 'ready' && (s.loadStatus !== prev.loadStatus || s.kappa !== prev.kappa
      || s.randomized !== prev.randomized || s.seed !== prev.seed || s.sampleSize !== prev.sampleSize)) void evaluate();
    if (s.attackRunId !== prev.attackRunId && s.attackStatus === 'running') void attack();
    if (s.attackStatus === 'cancelling' && prev.attackStatus !== 'cancelling') void api.cancel(attackRequestId);
    for (const kind of ANALYSIS_PANELS) {
      const run = s.analysis[kind];
      const was = prev.analysis[kind];
      if (run.runId !== was.runId && run.status === 'running') void analyse(kind);
      if (run.status === 'cancelling' && was.status !== 'cancelling' && analysisIds[kind]) void api.cancel(analysisIds[kind]);
    }
    // get(), not s: a set made by an action above (evaluate's 'running') has already run this check on
    // the newer state, and the stale `s` would fetch the reference a second time.
    const now = get();
    if (now.loadStatus === 'ready' && now.modelId !== now.reference.modelId && now.reference.status !== 'loading') void loadReference();
  });

  void api.start(opts.backend, opts.baseUrl).then((r) => {
    if (stopped) return;
    set({ backend: r.backend, backendStatus: 'ready', models: r.models, attacks: r.attacks, requestedBackend: opts.backend });
    backendNotices(store, r.backend);
    if (!r.attacks.some((a) => a.id === get().attackId) && r.attacks[0]) {
      get().addNotice(`Unknown attack ${quote(get().attackId)}; using ${r.attacks[0].label}.`, 'warn');
      set({ attackId: r.attacks[0].id, attackParams: {} });
    }
    const wanted = r.models.find((m) => m.id === opts.modelId);
    if (opts.modelId && !wanted) get().addNotice(`Unknown model ${quote(opts.modelId)}; opened the default model instead.`, 'warn');
    const first = wanted ?? r.models.find((m) => m.dataset === 'mnist' && m.variant === 'base') ?? r.models[0];
    if (first) get().selectModel(first.id);
    else set({ loadStatus: 'error', loadError: 'The model index lists no models.' });
  }).catch((e: unknown) => {
    if (!stopped) set({ backendStatus: 'error', backendError: message(e) });
  });

  return () => {
    stopped = true;
    unsubscribe();
  };
}
