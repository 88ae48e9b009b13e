import { ANALYSIS_DEFAULTS, ANALYSIS_PANELS } from '../panels';
import type { AnalysisKind } from '../../worker/protocol';
import type { AnalysisRun, AnalysisRuns, AnalysisSlice, SliceCreator } from './types';

const idleRun = (): AnalysisRun => ({ status: 'idle', runId: 0, progress: null, result: null, error: null });

export function initialRuns(): AnalysisRuns {
  return Object.fromEntries(ANALYSIS_PANELS.map((k) => [k, idleRun()])) as AnalysisRuns;
}

export const createAnalysisSlice: SliceCreator<AnalysisSlice> = (set, get) => {
  const patch = (kind: AnalysisKind, p: Partial<AnalysisRun>) =>
    set((s) => ({ analysis: { ...s.analysis, [kind]: { ...s.analysis[kind], ...p } } }));
  return {
    analysis: initialRuns(),
    openPanels: [],
    embed: null,
    analysisParams: { ...ANALYSIS_DEFAULTS },
    reference: { modelId: null, status: 'idle', data: null, error: null },
    runAnalysis: (kind) => {
      if (get().loadStatus !== 'ready') return;
      patch(kind, { status: 'running', runId: get().analysis[kind].runId + 1, progress: null, error: null });
    },
    cancelAnalysis: (kind) => {
      if (get().analysis[kind].status === 'running') patch(kind, { status: 'cancelling' });
    },
    setAnalysisParam: (key, value) => set((s) => ({ analysisParams: { ...s.analysisParams, [key]: value } })),
    togglePanel: (id, open) => set((s) => {
      const isOpen = s.openPanels.includes(id);
      const want = open ?? !isOpen;
      if (want === isOpen) return {};
      // Canonical order keeps links stable whatever order the panels were opened in.
      return { openPanels: ANALYSIS_PANELS.filter((p) => (p === id ? want : s.openPanels.includes(p))) };
    }),
  };
};
