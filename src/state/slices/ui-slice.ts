import type { BackendInfo } from '../../worker/protocol';
import type { AppState, SliceCreator, UiSlice } from '../app-state';

/** What the user must know about the backend the worker chose: a failed request, a fallback, a bad self-check. */
export function backendNotices(s: Pick<AppState, 'addNotice'>, info: BackendInfo): void {
  if (info.choice.requestedFailed) {
    s.addNotice(`The requested backend "${info.choice.requested}" could not start; running on ${info.choice.backend} instead.`, 'error');
  }
  if (info.fallbackNotice) s.addNotice(info.fallbackNotice, 'error');
  if (!info.selfCheck.ok) s.addNotice(`JumpReLU self-check failed on ${info.choice.backend}: ${info.selfCheck.detail}. Results may be wrong.`, 'error');
}

export const createUiSlice: SliceCreator<UiSlice> = (set, get) => ({
  backend: null,
  requestedBackend: null,
  notices: [],
  requestBackend: async (name) => {
    set({ requestedBackend: name });
    const info = await get().runJob('backend', { backend: name });
    if (!info) return;
    // The model is reloaded on the new backend and its accuracies measured there.
    set({ backend: info, evalCache: {} });
    backendNotices(get(), info);
    await get().loadModel();
  },
  addNotice: (text, tone = 'info') => set((s) => ({
    notices: [...s.notices, { id: (s.notices.at(-1)?.id ?? 0) + 1, text, tone }],
  })),
  dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
});
