/** adaptive: "Is the defence real?": the adaptive suite (core/metrics/adaptive-protocol.ts) at κ = 0 and κ. */
import type { AdaptiveSection } from '../../core/metrics/adaptive-suite';
import type { RandomizedEnsemble } from '../../core/metrics/randomized-ensemble';
import { analysis, setting, type SplitInfo } from './contract';

/**
 * `sample` evaluation images; `queries` is Square's budget per image (≥ 1; 0 is refused with a message).
 * The fixed-ε ensemble (APGD-CE, APGD-T, Square: core/metrics/robust-accuracy.ts): `apgdSteps` per APGD
 * run (0: the ensemble is not run), `apgdTargets` APGD-T target classes, `ensembleQueries` Square queries.
 */
export interface AdaptiveRequest {
  kind: 'adaptive'; modelId: string; kappa: number; sample: number; queries: number;
  apgdSteps: number; apgdTargets: number; ensembleQueries: number;
  /** The page's randomized κ (κ ~ U[0.6b, b], b = kappa): the ensemble then also attacks it with EOT. */
  randomized?: boolean; seed?: number;
}

/** The randomized model's robust accuracy at fixed ε: EOT-APGD and Square, judged over several κ draws. */
export type { RandomizedEnsemble } from '../../core/metrics/randomized-ensemble';

export interface AdaptiveResult {
  kind: 'adaptive'; request: AdaptiveRequest;
  /** κ = 0 first, then the requested κ (one section when it is 0). */
  sections: AdaptiveSection[];
  /** Present when the request was randomized (and the ensemble on). */
  randomized?: RandomizedEnsemble;
  /** Square's query budget per image, as run. */
  queries: number;
  count: number; split: SplitInfo; ms: number;
}

export interface AdaptiveSettings {
  adaptiveN: number; adaptiveQueries: number; adaptiveApgdSteps: number; adaptiveApgdTargets: number; adaptiveEnsembleQueries: number;
}

export const adaptive = analysis<AdaptiveRequest, AdaptiveResult, AdaptiveSettings>()({
  kind: 'adaptive',
  title: 'Is the defence real? (adaptive attacks)',
  caption: (r) => `adaptive suite (DeepFool × gradient modes, FMN, Square ${r.queries} queries) at κ = 0 and ${r.request.kappa}; n = ${r.count}`,
  embedHeight: { open: 648, grows: 520 },
  // The ensemble's defaults are a browser's budget, far below AutoAttack's 100 steps × 9 targets and 5000 queries.
  defaults: { adaptiveN: 50, adaptiveQueries: 1000, adaptiveApgdSteps: 10, adaptiveApgdTargets: 3, adaptiveEnsembleQueries: 100 },
  metas: {
    adaptiveN: setting('adn', 'images', 'integer', 1, 1000, 1, 'Evaluation images every adaptive attack runs on.'),
    // 0 stays representable so the worker can say why it refuses it (Square's first query scores the start).
    adaptiveQueries: setting('adq', 'Square queries per image', 'integer', 0, 10000, 1, 'Square Attack\'s query budget per image.'),
    adaptiveApgdSteps: setting('adas', 'APGD steps (fixed ε; 0 = off)', 'integer', 0, 100, 1, 'Iterations of APGD-CE and of each APGD-T target in the robust-accuracy ensemble; AutoAttack: 100. 0 skips the ensemble.'),
    adaptiveApgdTargets: setting('adat', 'APGD-T targets', 'integer', 1, 9, 1, 'Target classes APGD-T tries per image, the most likely first; AutoAttack: 9.'),
    adaptiveEnsembleQueries: setting('adeq', 'Square queries (fixed ε)', 'integer', 1, 5000, 1, 'Square Attack\'s queries per image in the robust-accuracy ensemble; AutoAttack: 5000.'),
  },
  fields: { sample: 'adaptiveN', queries: 'adaptiveQueries', apgdSteps: 'adaptiveApgdSteps', apgdTargets: 'adaptiveApgdTargets', ensembleQueries: 'adaptiveEnsembleQueries' },
  request: (app, p) => ({
    kind: 'adaptive', modelId: app.modelId, kappa: app.kappa, sample: p.adaptiveN, queries: p.adaptiveQueries,
    apgdSteps: p.adaptiveApgdSteps, apgdTargets: p.adaptiveApgdTargets, ensembleQueries: p.adaptiveEnsembleQueries,
    randomized: app.randomized, seed: app.seed,
  }),
});
