/** iterations (Figure 8): accuracy after t IFGSM steps, at κ = 0 and κ. */
import { analysis, setting, type SplitInfo } from './contract';

export interface IterationsRequest { kind: 'iterations'; modelId: string; kappas: number[]; sample: number; steps: number }

export interface IterationsResult {
  kind: 'iterations'; request: IterationsRequest;
  /** accuracy[t] after t IFGSM steps, t = 0 … steps. */
  curves: { kappa: number; accuracy: number[] }[]; count: number; split: SplitInfo; ms: number;
}

export interface IterationsSettings { iterN: number; iterSteps: number }

export const iterations = analysis<IterationsRequest, IterationsResult, IterationsSettings>()({
  kind: 'iterations',
  title: 'Accuracy vs IFGSM iterations (Figure 8)',
  caption: (r) => `IFGSM, ${r.request.steps} steps, at κ = ${r.curves.map((c) => c.kappa).join(', ')}; n = ${r.count}`,
  embedHeight: { open: 279, grows: 320 },
  defaults: { iterN: 100, iterSteps: 100 },
  metas: {
    iterN: setting('itn', 'images', 'integer', 10, 1000, 1, 'Evaluation images attacked.'),
    iterSteps: setting('its', 'steps', 'integer', 1, 1000, 1, 'IFGSM iterations; accuracy is read after each.'),
  },
  fields: { sample: 'iterN', steps: 'iterSteps' },
  request: (app, p) => ({ kind: 'iterations', modelId: app.modelId, kappas: app.kappa === 0 ? [0] : [0, app.kappa], sample: p.iterN, steps: p.iterSteps }),
});
