import type { KappaSetting } from '../../worker/protocol';
import type { EvaluationSlice, SliceCreator } from './types';

export const SAMPLE_SIZES = [500, 1000, 'full'] as const;
export const FULL_SHARD = Number.MAX_SAFE_INTEGER;

export function evalKey(modelId: string, s: KappaSetting, sampleSize: number): string {
  return `${modelId}|${s.kappa}|${s.randomized ? `r${s.seed}` : 'f'}|${sampleSize}`;
}

export const createEvaluationSlice: SliceCreator<EvaluationSlice> = (set) => ({
  sampleSize: 1000,
  evalCache: {},
  evalStatus: 'idle',
  evalProgress: null,
  evalError: null,
  setSampleSize: (n) => set({ sampleSize: n }),
});
