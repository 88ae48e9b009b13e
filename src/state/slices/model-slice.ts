import type { LoadedModelInfo } from '../../worker/jobs';
import { kappaAdjustedNotice } from '../kappa-notice';
import { clampKappa } from './kappa-slice';
import type { AppState, ModelSlice, SliceCreator } from '../app-state';

type Set = Parameters<SliceCreator<ModelSlice>>[0];

/** Makes a loaded model the page's: κ from a link or the card, the gallery, then its accuracy and reference results. */
export function applyLoaded(get: () => AppState, set: Set, info: LoadedModelInfo): void {
  const { addNotice, pendingKappa: wanted, selectedImage: image } = get();
  const { id, kappa: range, user } = info.card;
  const kappa = clampKappa(wanted ?? range.default, range);
  const adjusted = wanted === null ? null : kappaAdjustedNotice(wanted, kappa, range);
  if (adjusted) addNotice(adjusted, 'warn');
  if (image !== null && image >= info.dataset.count) {
    addNotice(`Image #${image} is not in the ${info.dataset.count.toLocaleString()}-image test set; no image selected.`, 'warn');
    set({ selectedImage: null });
  }
  set({ card: info.card, dataset: info.dataset, gallery: info.gallery, kappa, pendingKappa: null });
  void get().evaluate();
  get().refreshClassroom();
  // A user's own model has no reproduction results (public/reference holds the shipped models' only).
  if (user) void get().runLocal('reference', async () => ({ modelId: id, data: null }));
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
    // The worker keeps its model until the new one is ready (runners.ts `load`); if the new one fails, the
    // page goes back to the one that still works instead of showing an error in its place.
    const before = get();
    const previous = before.jobs.load.status === 'done' && before.card && before.dataset && before.card.id !== id
      ? { modelId: before.card.id, card: before.card, dataset: before.dataset, gallery: before.gallery } : null;
    set({ gallery: [] });
    const info = await get().runJob('load', { modelId: id });
    if (!info) {
      const { jobs, modelId } = get();
      // Only our own failure: a superseded or cancelled load leaves the newer state alone.
      if (!previous || jobs.load.status !== 'error' || modelId !== id) return;
      get().addNotice(`Could not load the model ${id} (${jobs.load.error}); still showing ${previous.modelId}.`, 'error');
      set({ ...previous, pendingKappa: null });
      // The worker still holds it (it swaps only a model that loaded): the load job ends with it, answered here.
      const { card, dataset, gallery } = previous;
      void get().runLocal('load', async () => ({ card, dataset, gallery }));
      return;
    }
    applyLoaded(get, set, info);
  },
});
