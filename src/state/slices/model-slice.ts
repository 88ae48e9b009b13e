import type { ModelSlice, SliceCreator } from './types';

export const createModelSlice: SliceCreator<ModelSlice> = (set, get) => ({
  models: [],
  modelId: null,
  loadStatus: 'idle',
  loadProgress: null,
  loadError: null,
  loadNonce: 0,
  card: null,
  dataset: null,
  gallery: [],
  pendingKappa: null,
  selectModel: (id) => {
    if (id === get().modelId && get().loadStatus !== 'error') return;
    // The first selection keeps an image chosen by a link; switching models clears it (other test set).
    const first = get().modelId === null;
    set((s) => ({
      modelId: id, loadNonce: s.loadNonce + 1, attackResult: null, attackStatus: 'idle',
      ...(first ? {} : { selectedImage: null }),
    }));
  },
  retryLoad: () => set((s) => ({ loadNonce: s.loadNonce + 1 })),
});
