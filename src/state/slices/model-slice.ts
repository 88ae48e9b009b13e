import { clampKappa } from './kappa-slice';
import type { ModelSlice, SliceCreator } from '../app-state';

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
    set({ gallery: [] });
    const info = await get().runJob('load', { modelId: id });
    if (!info) return;
    const { addNotice, pendingKappa: wanted, selectedImage: image } = get();
    const range = info.card.kappa;
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
    if (get().jobs.reference.result?.modelId !== id) void get().runJob('reference', { modelId: id });
  },
});
