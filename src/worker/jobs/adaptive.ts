/** adaptive: "Is the defence real?": the adaptive suite (core/metrics/adaptive-protocol.ts) at κ = 0 and κ. */
import type { AdaptiveSection } from '../../core/metrics/adaptive-suite';
import { analysis, setting, type SplitInfo } from './contract';

/** `sample` evaluation images; `queries` is Square's budget per image (≥ 1; 0 is refused with a message). */
export interface AdaptiveRequest { kind: 'adaptive'; modelId: string; kappa: number; sample: number; queries: number }

export interface AdaptiveResult {
  kind: 'adaptive'; request: AdaptiveRequest;
  /** κ = 0 first, then the requested κ (one section when it is 0). */
  sections: AdaptiveSection[];
  /** Square's query budget per image, as run. */
  queries: number;
  count: number; split: SplitInfo; ms: number;
}

export interface AdaptiveSettings { adaptiveN: number; adaptiveQueries: number }

export const adaptive = analysis<AdaptiveRequest, AdaptiveResult, AdaptiveSettings>()({
  kind: 'adaptive',
  title: 'Is the defence real? (adaptive attacks)',
  defaults: { adaptiveN: 50, adaptiveQueries: 1000 },
  metas: {
    adaptiveN: setting('adn', 'images', 'integer', 1, 1000, 1, 'Evaluation images every adaptive attack runs on.'),
    // 0 stays representable so the worker can say why it refuses it (Square's first query scores the start).
    adaptiveQueries: setting('adq', 'Square queries per image', 'integer', 0, 10000, 1, 'Square Attack\'s query budget per image.'),
  },
  fields: { sample: 'adaptiveN', queries: 'adaptiveQueries' },
  request: (app, p) => ({ kind: 'adaptive', modelId: app.modelId, kappa: app.kappa, sample: p.adaptiveN, queries: p.adaptiveQueries }),
});
