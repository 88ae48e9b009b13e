/** Options and progress shared by the multi-run experiments (tables, sweeps, matrices). */
import type { ClipMode } from '../attacks/types';
import type { Normalization } from '../data/normalization';
import type { RetrofittedModel } from '../retrofit/retrofit';
import type { EvalSet } from './eval-set';

export interface ExperimentProgress {
  /** What is running, e.g. "white-box κ=1: deepfool-l2". */
  stage: string;
  /** Images done in this stage, out of total. */
  done: number;
  total: number;
  /** Stages finished so far, out of all stages. */
  stageIndex: number;
  stages: number;
}

export interface ExperimentOptions {
  batchSize?: number;
  /** Default 'paper'. */
  clip?: ClipMode;
  signal?: AbortSignal;
  onProgress?: (p: ExperimentProgress) => void;
}

/** The model under test: a retrofitted network, its input normalisation and the images. */
export interface ExperimentSubject {
  retrofitted: RetrofittedModel;
  normalization: Normalization;
  set: EvalSet;
}

/** Counts stages and turns per-batch progress into ExperimentProgress. */
export function stageTracker(stages: number, options: ExperimentOptions) {
  let index = 0;
  return {
    batch(stage: string) {
      const current = index++;
      return {
        batchSize: options.batchSize,
        signal: options.signal,
        clip: options.clip,
        onProgress: (p: { done: number; total: number }) =>
          options.onProgress?.({ stage, done: p.done, total: p.total, stageIndex: current, stages }),
      };
    },
  };
}
