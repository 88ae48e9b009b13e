/** tuner: among the κ whose validation accuracy stays within a budget of κ = 0, the one the stronger attacker (straight-through DeepFool) finds most robust. */
import { analysis, setting, type SplitInfo } from './contract';

/**
 * budget: clean-accuracy points (percentage points) a κ may lose against κ = 0 on validation; candidates:
 * how many within-budget κ the stronger attacker is run at (each costs two DeepFool runs).
 */
export interface TuneRequest { kind: 'tuner'; modelId: string; budget: number; rhoSample: number; candidates: number }

/** One κ the attackers ran at, on the evaluation sample. */
export interface TuneCandidate {
  kappa: number;
  validationAccuracy: number;
  /** Straight-through DeepFool L2, refined to the boundary: the number the ranking uses. */
  rhoStraightThrough: number;
  foolRateStraightThrough: number;
  /** DeepFool L2 with exact gradients (the paper's attacker), raw: shown beside, never alone. */
  rhoExact: number;
  clean: number;
}

export interface TuneResult {
  kind: 'tuner'; request: TuneRequest;
  /** Clean accuracy on the validation split at every κ of the card's grid, ascending κ. */
  validation: { kappa: number; accuracy: number }[];
  validationCount: number;
  baseline: number;
  /** The κ with the largest straight-through ρ among κ = 0 and the candidates (0: no κ beat κ = 0). */
  proposed: number;
  /** The largest κ within the accuracy budget (the old accuracy-only proposal). */
  largestWithinBudget: number;
  /** κ = 0 first, then the candidates, ascending κ. */
  candidates: TuneCandidate[];
  /** Mean straight-through DeepFool-L2 ρ (refined) on `rhoCount` evaluation images at κ = 0 and the proposed κ. */
  rho: { baseline: number; proposed: number };
  /** The same for exact-gradient DeepFool L2 (raw, the paper's protocol), shown beside. */
  rhoExact: { baseline: number; proposed: number };
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
  tuneCandidates: number;
}

export const tuner = analysis<TuneRequest, TuneResult, TunerSettings>()({
  kind: 'tuner',
  title: 'κ tuner',
  caption: (r) => `clean accuracy on the validation split, DeepFool L2 ρ on ${r.request.rhoSample} images; budget ${r.request.budget} points`,
  embedHeight: { open: 518, grows: 300 },
  defaults: { tuneBudget: 0.5, tuneRhoN: 100, tuneCandidates: 3 },
  metas: {
    tuneBudget: setting('budget', 'accuracy budget (points lost vs κ = 0)', 'number', 0, 100, 0.05, 'Validation accuracy the proposed κ may lose, in percentage points.'),
    tuneRhoN: setting('tun', 'images for ρ', 'integer', 10, 1000, 1, 'Evaluation images DeepFool attacks at κ = 0 and each candidate κ.'),
    tuneCandidates: setting('tuc', 'candidate κ', 'integer', 1, 20, 1, 'Within-budget κ values (evenly spread, the largest included) ranked by the straight-through DeepFool ρ.'),
  },
  fields: { budget: 'tuneBudget', rhoSample: 'tuneRhoN', candidates: 'tuneCandidates' },
  request: (app, p) => ({ kind: 'tuner', modelId: app.modelId, budget: p.tuneBudget, rhoSample: p.tuneRhoN, candidates: p.tuneCandidates }),
});
