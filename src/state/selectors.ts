/** Derived values shared by several panels. Pure functions of the state. */
import type { EvalResult } from '../worker/protocol';
import { currentSetting } from './bridge';
import { evalKey } from './slices/evaluation-slice';
import type { AppState } from './slices/types';

export const selectCurrentEval = (s: AppState): EvalResult | undefined =>
  s.modelId ? s.evalCache[evalKey(s.modelId, currentSetting(s), s.sampleSize)] : undefined;

export const selectBaselineEval = (s: AppState): EvalResult | undefined =>
  s.modelId ? s.evalCache[evalKey(s.modelId, { kappa: 0, randomized: false, seed: s.seed }, s.sampleSize)] : undefined;

/** The newest result for this model and sample size, to keep showing while the current κ computes. */
export const selectLatestEval = (s: AppState): EvalResult | undefined => {
  const cur = selectCurrentEval(s);
  if (cur || !s.modelId) return cur;
  const prefix = `${s.modelId}|`;
  const suffix = `|${s.sampleSize}`;
  let latest: EvalResult | undefined;
  for (const [k, v] of Object.entries(s.evalCache)) if (k.startsWith(prefix) && k.endsWith(suffix)) latest = v;
  return latest;
};
