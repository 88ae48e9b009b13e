/**
 * detection (Table 3): the AUC of the LID detector (core/detection, Ma et al. 2018, the authors'
 * protocol) against the paper's attacks at κ = 0 and at κ, and against an attacker who knows the detector.
 */
import type { DetectionTableRow } from '../../core/detection/detection-table';
import { analysis, setting, type SplitInfo } from './contract';

export interface DetectionRequest {
  kind: 'detection'; modelId: string;
  /** The κ that crafts the adversarials and extracts the features (a fixed κ: a randomized choice uses its b). */
  kappa: number;
  /** Images used per row (correct, fooled; rounded down to whole LID minibatches). */
  sample: number;
  /** LID minibatch and split block (the authors': 100). */
  batch: number;
  /** Noise σ in normalised units; null: Ma et al.'s rule, noise L2 matched to the adversarial L2. */
  sigma: number | null;
  /** Trust Region steps; 0 skips it (paper 1000). */
  trSteps: number;
  /** LID-aware attack steps; 0 skips it and its blind control. */
  awareSteps: number;
}

/** One row of the table: an attack at one κ, or why it could not be measured. */
export type DetectionRow = DetectionTableRow;

export interface DetectionResult {
  kind: 'detection'; request: DetectionRequest; rows: DetectionRow[];
  /** Feature names (input, tapped layers, logits) and the neighbours. */
  taps: string[]; k: number;
  split: SplitInfo; ms: number;
}

export interface DetectionSettings { detN: number; detBatch: number; detSigma: number | null; detTrSteps: number; detAwareSteps: number }

export const detection = analysis<DetectionRequest, DetectionResult, DetectionSettings>()({
  kind: 'detection',
  title: 'Would a detector catch it? (Table 3)',
  caption: (r) => `LID detector (k = ${r.k}, minibatch ${r.request.batch}) against ${[...new Set(r.rows.map((x) => x.title))].join(', ')} at κ = 0${r.request.kappa ? ` and ${r.request.kappa}` : ''}; n = ${r.request.sample} per row`,
  embedHeight: { open: 692, grows: 742 },
  defaults: { detN: 200, detBatch: 100, detSigma: null, detTrSteps: 0, detAwareSteps: 10 },
  metas: {
    detN: setting('detn', 'images per attack (whole minibatches)', 'integer', 50, 2000, 50,
      'Correctly classified images whose adversarial fools the model, per attack and κ; 80 % of the minibatches train the detector, 20 % measure it.'),
    detBatch: setting('detb', 'LID minibatch (paper 100)', 'integer', 25, 100, 5, 'Images whose clean activations are the neighbours of each LID estimate; also the split block.'),
    detSigma: setting('dets', 'noise σ (empty = match the adversarial L2)', 'number', 0, 10, 0.01,
      'Gaussian noise for the negative copies, normalised units; empty: Ma et al.\'s rule, noise L2 equal to the adversarial L2.', true),
    detTrSteps: setting('dett', 'Trust Region steps (0 = skip; paper 1000, slow)', 'integer', 0, 2000, 1, 'Trust Region\'s iteration budget; 0 skips its rows.'),
    detAwareSteps: setting('deta', 'LID-aware attack steps (0 = skip)', 'integer', 0, 200, 1, 'Steps of the attack that also pulls its LID features toward the clean ones; 0 skips it and its blind control.'),
  },
  fields: { sample: 'detN', batch: 'detBatch', sigma: 'detSigma', trSteps: 'detTrSteps', awareSteps: 'detAwareSteps' },
  request: (app, p) => ({
    kind: 'detection', modelId: app.modelId, kappa: app.kappa, sample: p.detN, batch: p.detBatch, sigma: p.detSigma,
    trSteps: p.detTrSteps, awareSteps: p.detAwareSteps,
  }),
});
