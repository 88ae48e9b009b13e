/** One store from typed slices (zustand slices pattern); created per app instance, never at module level. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { createAnalysisSlice } from './slices/analysis-slice';
import { createAttackSlice } from './slices/attack-slice';
import { createEvaluationSlice } from './slices/evaluation-slice';
import { createJobsSlice } from './slices/jobs-slice';
import { createKappaSlice } from './slices/kappa-slice';
import { createModelSlice } from './slices/model-slice';
import type { AppState } from './app-state';
import { createUiSlice } from './slices/ui-slice';

export type { AppState };
export type AppStore = StoreApi<AppState>;

export function createAppStore(initial: Partial<AppState> = {}): AppStore {
  return createStore<AppState>()((...a) => ({
    ...createJobsSlice(...a),
    ...createModelSlice(...a),
    ...createKappaSlice(...a),
    ...createEvaluationSlice(...a),
    ...createAttackSlice(...a),
    ...createUiSlice(...a),
    ...createAnalysisSlice(...a),
    ...initial,
  }));
}
