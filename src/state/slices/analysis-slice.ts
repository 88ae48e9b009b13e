import { analysisRequest } from '../analysis-requests';
import { ANALYSIS_DEFAULTS, ANALYSIS_PANELS } from '../panels';
import { modelReady } from '../selectors';
import type { AnalysisSlice, SliceCreator } from '../app-state';
import { defaultUrlState } from '../url-schema';

export const createAnalysisSlice: SliceCreator<AnalysisSlice> = (set, get) => ({
  openPanels: defaultUrlState().panels,
  embed: defaultUrlState().embed,
  analysisParams: { ...ANALYSIS_DEFAULTS },
  runAnalysis: (kind) => {
    const s = get();
    const req = modelReady(s) ? analysisRequest(kind, s) : null;
    if (req) void s.runJob(kind, req as never);
  },
  cancelAnalysis: (kind) => get().cancelJob(kind),
  setAnalysisParam: (key, value) => set((s) => ({ analysisParams: { ...s.analysisParams, [key]: value } })),
  togglePanel: (id, open) => set((s) => {
    const isOpen = s.openPanels.includes(id);
    const want = open ?? !isOpen;
    if (want === isOpen) return {};
    // Canonical order keeps links stable whatever order the panels were opened in.
    return { openPanels: ANALYSIS_PANELS.filter((p) => (p === id ? want : s.openPanels.includes(p))) };
  }),
});
