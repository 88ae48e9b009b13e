import type { LoadedModelInfo } from '../../worker/protocol';
import { clampKappa } from './kappa-slice';
import type { AppState, ModelSlice, SliceCreator } from '../app-state';

type Set = Parameters<SliceCreator<ModelSlice>>[0];

/** Makes a loaded model the page's: κ from a link or the card, the gallery, then its accuracy and reference results. */
export function applyLoaded(get: () => AppState, set: Set, info: LoadedModelInfo): void {
  const { addNotice, pendingKappa: wanted, selectedImage: image } = get();
  const { id, kappa: range, user } = info.card;
  const kappa = clampKappa(wanted ?? range.default, range);
  if (wanted !== null && Math.abs(wanted - kappa) > 1e-9) {
    addNotice(`κ = ${wanted} is outside this model's range ${range.min}–${range.max} (step ${range.step}); using κ = ${kappa}.`, 'warn');
  }
  if (image !== null && image >= info.dataset.count) {
    addNotice(`Image #${image} is not in the ${info.dataset.count.toLocaleString()}-image test set; no image selected.`, 'warn');
    set({ selectedImage: null });
  }
  set({ card: info.card, dataset: info.dataset, gallery: info.gallery, kappa, pendingKappa: null });
  void get().evaluate();
  get().refreshClassroom();
  // A user's own model has no reproduction results (public/reference holds the shipped models' only).
  if (user) set((s) => ({ jobs: { ...s.jobs, reference: { id: 0, status: 'done', progress: null, error: null, result: { modelId: id, data: null } } } }));
  else if (get().jobs.reference.result?.modelId !== id) void get().runJob('reference', { modelId: id });
}

export const createModelSlice: SliceCreator<ModelSlice> = (set, get) => ({
  models: [],
  modelId: null,
  card: null,
  dataset: null,
  gallery: [],
  pendingKappa: null,
  selectModel: (id) => {
    if (id === get().modelId && get().jobs.load.status !== 'error') return;
    // The first selection keeps an image chosen by a link; switching models clears it (other test set).
    const first = get().modelId === null;
    set({ modelId: id, ...(first ? {} : { selectedImage: null }) });
    get().resetJob('attack');
    void get().loadModel();
  },
  loadModel: async () => {
    const id = get().modelId;
    if (!id) return;
    // The user's own model is not in the index: it reloads from the files the page holds.
    if (get().card?.user && get().card?.id === id) return get().reloadOwnModel();
    set({ gallery: [] });
    const info = await get().runJob('load', { modelId: id });
    if (!info) return;
    applyLoaded(get, set, info);
  },
});
