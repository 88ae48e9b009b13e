import type { KappaSlice, SliceCreator } from '../app-state';
import { defaultUrlState } from '../url-schema';

/** κ is kept within the loaded card's range and rounded to its step, so cache keys stay few and stable. */
export function clampKappa(kappa: number, range: { min: number; max: number; step: number } | undefined): number {
  if (!Number.isFinite(kappa)) return range?.min ?? 0;
  if (!range) return Math.max(0, kappa);
  const k = Math.min(range.max, Math.max(range.min, kappa));
  const steps = Math.round((k - range.min) / range.step);
  return Number((range.min + steps * range.step).toFixed(6));
}

/** Each κ change asks for its accuracy in one line: `evaluate` serves it from the cache or the worker. */
export const createKappaSlice: SliceCreator<KappaSlice> = (set, get) => ({
  kappa: 0,
  randomized: defaultUrlState().randomized,
  seed: defaultUrlState().seed,
  setKappa: (kappa) => {
    set({ kappa: clampKappa(kappa, get().card?.kappa) });
    void get().evaluate();
  },
  setRandomized: (on) => {
    set({ randomized: on });
    void get().evaluate();
  },
  setSeed: (seed) => {
    set({ seed: Number.isInteger(seed) ? seed >>> 0 : 1 });
    void get().evaluate();
  },
});
