/**
 * Table 3 as rows: the LID detector's held-out AUC (experiment.ts) against the paper's attacks
 * (paper-protocol.ts, Trust Region optional) and, optionally, the LID-aware attacker (lid-aware.ts) beside
 * the same attack blind to the detector (λ = 0), at each κ. One `lidDetection` per row on the same set; a
 * row that cannot be measured (too few fooled images for whole minibatches, a degenerate layer) says why and
 * the others still run. The analysis panel's body and `npm run reproduce --detection` both run this.
 */
import type * as tf from '@tensorflow/tfjs';
import type { DatasetName } from '../data/manifest';
import type { Normalization } from '../data/normalization';
import { PAPER_PROTOCOL } from '../metrics/paper-protocol';
import type { RetrofittedModel } from '../retrofit/retrofit';
import type { RocPoint } from './roc';
import { craftWithAttack, lidDetection, type Craft } from './experiment';
import { lidAwareCraft, lidAwareDefaults } from './lid-aware';

export interface DetectionTableOptions {
  /** Images used per row (correct and fooled; rounded down to whole minibatches). */
  sample: number;
  /** LID minibatch and split block (the authors': 100). */
  batch: number;
  /** Noise σ in normalised units, or Ma et al.'s rule (noise L2 matched to the adversarial L2). */
  sigma: number | 'match-l2';
  /** Trust Region steps; 0 skips it (paper 1000). */
  trSteps: number;
  /** LID-aware attack steps (2ε/steps each); 0 skips it and its blind control. */
  awareSteps: number;
  seed?: number;
  signal?: AbortSignal;
  /** Row i of `total` is `fraction` done. */
  onProgress?: (p: { row: number; total: number; fraction: number; label: string }) => void;
}

/** One row: an attack at one κ, or why it could not be measured. */
export interface DetectionTableRow {
  /** A paper column key, 'lid-aware' or 'lid-aware-blind'. */
  attack: string;
  title: string;
  kappa: number;
  /** Held-out AUC (fraction); NaN with `error`. */
  auc: number;
  roc: { fpr: number; tpr: number }[];
  attacked: number; correct: number; fooled: number; used: number;
  /** Images per set (clean, noisy, adversarial) in the held-out part. */
  testPerSet: number;
  sigma: number; meanAdversarialL2: number; meanNoiseL2: number;
  seconds: number;
  error?: string;
}

export interface DetectionTable { rows: DetectionTableRow[]; taps: string[]; k: number }

/** Points kept of each ROC curve (the held-out part has up to 3 × n/5 scores). */
const ROC_POINTS = 101;

/** At most `max` points of the curve, both ends kept, evenly spaced along it. */
export function thinRoc(roc: readonly Pick<RocPoint, 'fpr' | 'tpr'>[], max = ROC_POINTS): { fpr: number; tpr: number }[] {
  if (roc.length <= max) return roc.map(({ fpr, tpr }) => ({ fpr, tpr }));
  return Array.from({ length: max }, (_, i) => roc[Math.round((i * (roc.length - 1)) / (max - 1))]).map(({ fpr, tpr }) => ({ fpr, tpr }));
}

interface Run { attack: string; title: string; kappa: number; craft: () => Craft }

export async function detectionTable(r: RetrofittedModel, normalization: Normalization, dataset: DatasetName,
  set: { x: tf.Tensor4D; labels: Int32Array }, kappas: readonly number[], o: DetectionTableOptions): Promise<DetectionTable> {
  const protocol = PAPER_PROTOCOL[dataset]
    .filter((c) => c.key !== 'trust-region' || o.trSteps > 0)
    .map((c) => (c.key === 'trust-region' ? { ...c, options: { ...c.options, steps: o.trSteps } } : c));
  const runs: Run[] = kappas.flatMap((kappa) => [
    ...protocol.map((c) => ({ attack: c.key as string, title: c.title, kappa, craft: () => craftWithAttack(c.attack, c.options) })),
    ...(o.awareSteps > 0 ? [1, 0].map((lambda) => {
      const d = lidAwareDefaults(dataset);
      // Steps of 2ε/steps (as scripts/detection.ts --aware-steps): half of them reach the ball's edge.
      const options = { ...d, lambda, steps: o.awareSteps, stepSize: (2 * d.epsilon) / o.awareSteps };
      return { attack: lambda ? 'lid-aware' : 'lid-aware-blind', title: lambda ? 'LID-aware PGD' : 'same PGD, λ = 0 (blind)', kappa,
        craft: () => lidAwareCraft(r, normalization, kappa, options) };
    }) : []),
  ]);
  const rows: DetectionTableRow[] = [];
  let taps: string[] = [];
  let k = 0;
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i];
    const t0 = performance.now();
    const label = `${run.title} at κ = ${run.kappa}`;
    o.onProgress?.({ row: i, total: runs.length, fraction: 0, label });
    try {
      const res = await lidDetection(r, normalization, set, {
        kappa: run.kappa, craft: run.craft(), sigma: o.sigma, batch: o.batch, maxImages: o.sample, seed: o.seed ?? 0,
        ...(o.signal ? { signal: o.signal } : {}),
        // Attacking is most of a row's time; the features and the fit the rest.
        onProgress: (p) => o.onProgress?.({
          row: i, total: runs.length, fraction: p.stage === 'attack' ? 0.8 * (p.done / Math.max(1, p.total)) : 0.8 + 0.2 * (p.done / Math.max(1, p.total)),
          label: `${label}: ${p.stage === 'attack' ? 'attacking' : 'LID features'} (${p.done} / ${p.total})`,
        }),
      });
      taps = res.taps;
      k = res.k;
      rows.push({
        attack: run.attack, title: run.title, kappa: run.kappa, auc: res.detector.auc, roc: thinRoc(res.detector.roc),
        attacked: res.attacked, correct: res.correct, fooled: res.fooled, used: res.used, testPerSet: res.detector.testPerSet,
        sigma: res.sigma, meanAdversarialL2: res.meanAdversarialL2, meanNoiseL2: res.meanNoiseL2, seconds: (performance.now() - t0) / 1000,
      });
    } catch (e) {
      if (o.signal?.aborted) throw e;
      rows.push({
        attack: run.attack, title: run.title, kappa: run.kappa, auc: NaN, roc: [], attacked: 0, correct: 0, fooled: 0, used: 0,
        testPerSet: 0, sigma: NaN, meanAdversarialL2: NaN, meanNoiseL2: NaN, seconds: (performance.now() - t0) / 1000, error: (e as Error).message,
      });
    }
  }
  return { rows, taps, k };
}
