/** tuner: the largest κ whose validation accuracy stays within a budget of κ = 0, and its ρ on evaluation images. */
import { analysis, setting, type SplitInfo } from './contract';

/** budget: clean-accuracy points (percentage points) the proposed κ may lose against κ = 0 on validation. */
export interface TuneRequest { kind: 'tuner'; modelId: string; budget: number; rhoSample: number }

export interface TuneResult {
  kind: 'tuner'; request: TuneRequest;
  /** Clean accuracy on the validation split at every κ of the card's grid, ascending κ. */
  validation: { kappa: number; accuracy: number }[];
  validationCount: number;
  baseline: number;
  proposed: number;
  /** Mean DeepFool-L2 ρ on `rhoCount` evaluation images at κ = 0 and at the proposed κ. */
  rho: { baseline: number; proposed: number };
  /** Clean accuracy on the evaluation sample used for ρ, at κ = 0 and the proposed κ. */
  clean: { baseline: number; proposed: number };
  rhoCount: number;
  /** The same rule applied to every shipped model's card (accuracyByKappa, full test set): κ differs per model. */
  byModel: { id: string; name: string; proposed: number | null; grid: number[] }[];
  split: SplitInfo;
  ms: number;
}

export interface TunerSettings {
  /** Clean-accuracy loss allowed vs κ = 0, in percentage points. */
  tuneBudget: number;
  tuneRhoN: number;
}

export const tuner = analysis<TuneRequest, TuneResult, TunerSettings>()({
  kind: 'tuner',
  title: 'κ tuner',
  defaults: { tuneBudget: 0.5, tuneRhoN: 100 },
  metas: {
    tuneBudget: setting('budget', 'accuracy budget (points lost vs κ = 0)', 'number', 0, 100, 0.05, 'Validation accuracy the proposed κ may lose, in percentage points.'),
    tuneRhoN: setting('tun', 'images for ρ', 'integer', 10, 1000, 1, 'Evaluation images DeepFool attacks at κ = 0 and the proposed κ.'),
  },
  fields: { budget: 'tuneBudget', rhoSample: 'tuneRhoN' },
  request: (app, p) => ({ kind: 'tuner', modelId: app.modelId, budget: p.tuneBudget, rhoSample: p.tuneRhoN }),
});
