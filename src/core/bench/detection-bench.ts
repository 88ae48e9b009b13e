/**
 * Benchmark of the Table 3 panel's computation (`npm run bench -- --detection-only`): core/detection/
 * detection-table.ts with the panel's default settings (200 images per row in minibatches of 100, noise σ
 * matched to the adversarial L2, Trust Region off, the LID-aware attack with 10 steps and its blind control)
 * at κ = 0 and the card's κ, on the first test images of one model. Wall seconds per row and in all, the AUC
 * each row measured (so a timing is never read without what it computed), and the tensors left behind.
 * No DOM, no Node.
 */
import * as tf from '@tensorflow/tfjs';
import type { Shard } from '../data/shard';
import { NORMALIZATION } from '../data/normalization';
import { detectionTable } from '../detection/detection-table';
import type { LoadedModel } from '../models/load';
import { makeEvalSet } from '../metrics/eval-set';
import { retrofit } from '../retrofit/retrofit';

export interface DetectionBenchRow { backend: string; model: string; attack: string; kappa: number; used: number; auc: number; seconds: number; error?: string }

/** The panel's defaults (worker/jobs/detection.ts) and its body's pool of 8 attacked images per needed one. */
export const DETECTION_BENCH = { sample: 200, batch: 100, awareSteps: 10, headroom: 8 } as const;

export async function benchDetection(loaded: LoadedModel, shard: Shard, sample: number = DETECTION_BENCH.sample): Promise<{ rows: DetectionBenchRow[]; totalSeconds: number; leaked: number }> {
  const { card, model } = loaded;
  const normalization = NORMALIZATION[card.dataset];
  const r = await retrofit(model, 0);
  const before = tf.memory().numTensors;
  const set = makeEvalSet({ images: shard.images, labels: shard.labels, shape: shard.manifest.shape }, normalization,
    Math.min(shard.manifest.count, DETECTION_BENCH.headroom * sample), 0);
  const t0 = performance.now();
  try {
    const t = await detectionTable(r, normalization, card.dataset, set, [0, card.kappa.default], {
      sample, batch: DETECTION_BENCH.batch, sigma: 'match-l2', trSteps: 0, awareSteps: DETECTION_BENCH.awareSteps,
    });
    const totalSeconds = (performance.now() - t0) / 1000;
    set.x.dispose();
    return {
      rows: t.rows.map((row) => ({ backend: tf.getBackend(), model: card.id, attack: row.title, kappa: row.kappa, used: row.used, auc: row.auc, seconds: row.seconds, ...(row.error ? { error: row.error } : {}) })),
      totalSeconds, leaked: tf.memory().numTensors - before,
    };
  } finally {
    if (!set.x.isDisposed) set.x.dispose();
    r.model.dispose();
  }
}
