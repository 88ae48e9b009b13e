import { backendNotices as choiceNotices } from '../../core/backend/fallback-notice';
import type { BackendInfo } from '../../worker/jobs';
import type { AppState, SliceCreator, UiSlice } from '../app-state';

/**
 * What the user must know about the backend the worker chose, in the visible notice bar: a backend that
 * could not start (asked for or automatic) and a software WebGPU adapter, with their cost; a bad self-check.
 */
export function backendNotices(s: Pick<AppState, 'addNotice'>, info: BackendInfo): void {
  for (const n of choiceNotices(info.choice)) s.addNotice(n, info.choice.requestedFailed ? 'error' : 'warn');
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
