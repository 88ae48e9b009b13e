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
  selectModel: (id) => {
    if (id === get().modelId && get().loadStatus !== 'error') return;
    set((s) => ({ modelId: id, loadNonce: s.loadNonce + 1, selectedImage: null, attackResult: null, attackStatus: 'idle' }));
  },
  retryLoad: () => set((s) => ({ loadNonce: s.loadNonce + 1 })),
});
