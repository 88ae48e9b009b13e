import type { SliceCreator, UiSlice } from './types';

export const createUiSlice: SliceCreator<UiSlice> = (set) => ({
  backend: null,
  backendStatus: 'starting',
  backendError: null,
  requestedBackend: null,
  backendNonce: 0,
  notices: [],
  requestBackend: (name) => set((s) => ({ requestedBackend: name, backendNonce: s.backendNonce + 1, backendStatus: 'switching' })),
  addNotice: (text, tone = 'info') => set((s) => ({
    notices: [...s.notices, { id: (s.notices.at(-1)?.id ?? 0) + 1, text, tone }],
  })),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
});
