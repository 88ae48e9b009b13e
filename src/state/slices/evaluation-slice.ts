import type { KappaChoice } from '../../worker/jobs';
import { currentSetting, evalKey, modelReady } from '../selectors';
import { FULL_SHARD, type EvaluationSlice, type SliceCreator } from '../app-state';
import { defaultUrlState } from '../url-schema';

export const createEvaluationSlice: SliceCreator<EvaluationSlice> = (set, get) => ({
  sampleSize: defaultUrlState().sampleSize,
  evalCache: {},
  evalRunning: null,
  evalFirstBatch: null,
  setSampleSize: (n) => {
    set({ sampleSize: n });
    void get().evaluate();
  },
  evaluate: async () => {
    const s = get();
    if (!modelReady(s) || !s.dataset || !s.modelId) return;
    const modelId = s.modelId;
    const size = s.sampleSize === FULL_SHARD ? s.dataset.count : s.sampleSize;
    const current = currentSetting(s);
    const baseline: KappaChoice = { kappa: 0, randomized: false, seed: s.seed };
    // Current κ first (the gallery updates sooner), then κ = 0 for the "drop vs ReLU" figure.
    const wanted = [current, baseline].filter((k, i, all) =>
      !s.evalCache[evalKey(modelId, k, s.sampleSize)] && (i === 0 || evalKey(modelId, k, 0) !== evalKey(modelId, all[0], 0)));
    // Everything needed is cached: stop whatever the worker is still computing for an older κ.
    if (!wanted.length) return get().cancelJob('evaluate');
    const galleryIndices = s.gallery.map((g) => g.index);
    for (const setting of wanted) {
      const key = evalKey(modelId, setting, s.sampleSize);
      set({ evalRunning: { key, kappa: setting.kappa, randomized: setting.randomized } });
      const firstBatch = get().evalFirstBatch;
      const result = await get().runJob('evaluate', { ...setting, modelId, sampleSize: size, galleryIndices, ...(firstBatch ? { firstBatch } : {}) });
      // A newer sweep may have started meanwhile: it owns evalRunning now.
      if (get().evalRunning?.key === key) set({ evalRunning: null });
      if (!result) return; // superseded, cancelled or failed: jobs.evaluate says which
      set((st) => ({ evalCache: { ...st.evalCache, [key]: result } }));
    }
  },
});
