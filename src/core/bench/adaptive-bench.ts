/**
 * Benchmark of the adaptive suite's attacks (`npm run bench -- --adaptive-only`, and in the full bench):
 * DeepFool L2 with straight-through gradients, FMN L2 and Square L∞ (1,000 queries), each followed by
 * boundary refinement, and the fixed-ε ensemble's APGD-CE and APGD-T (DLR, 9 targets) L∞ at AutoAttack's
 * 100 steps and the data set's largest pixel ε (MNIST 0.3, CIFAR-10 8/255), on the pixel-space view as
 * robust-accuracy.ts runs them (no refinement: the ensemble does not refine), on the same images of one
 * model at its card κ. Each time is also given as a ratio to the paper-protocol DeepFool L2 (exact
 * gradients, no refinement) measured in the same run.
 * Timed runs are not profiled (tf.profile times every kernel); the peak tensor memory comes from a second,
 * profiled run of the same attack on the same images. No DOM, no Node.
 */
import * as tf from '@tensorflow/tfjs';
import { getAttack } from '../attacks/index';
import { runAnyAttack } from '../attacks/run-attack';
import type { Shard } from '../data/shard';
import type { LoadedModel } from '../models/load';
import { shardBatch } from '../data/shard-batch';
import { ADAPTIVE_PROTOCOL } from '../metrics/adaptive-protocol';
import { refineToBoundary } from '../metrics/boundary-refinement';
import { classifierFromRetrofit } from '../metrics/classifier-from-retrofit';
import { PAPER_PROTOCOL } from '../metrics/paper-protocol';
import { pixelSpaceClassifier, robustEpsilons } from '../metrics/robust-accuracy';
import { retrofit } from '../retrofit/retrofit';
import { NORMALIZATION } from '../data/normalization';
import type { AttackId } from '../attacks/index';
import type { GradientMode } from '../op/gradient-mode';
import { foolRate } from '../metrics/fool-rate';

export interface AdaptiveBenchRow {
  backend: string;
  model: string;
  kappa: number;
  images: number;
  attack: string;
  seconds: number;
  /** seconds / the paper-protocol DeepFool L2's seconds in the same run. */
  ratio: number;
  foolRate: number;
  peakMB: number;
}

const MB = 1024 * 1024;

export async function benchAdaptive(loaded: LoadedModel, shard: Shard, images: number): Promise<{ rows: AdaptiveBenchRow[]; suiteSeconds: number; ensembleSeconds: number }> {
  const { card, model } = loaded;
  const normalization = NORMALIZATION[card.dataset];
  const kappa = card.kappa.default;
  const r = await retrofit(model, kappa);
  const clf = classifierFromRetrofit(r, normalization, kappa);
  const x = shardBatch(shard, 0, images, normalization);
  const labels = shard.labels.subarray(0, images);
  const df2 = PAPER_PROTOCOL[card.dataset].find((c) => c.key === 'deepfool-l2')!.options;
  const square = ADAPTIVE_PROTOCOL[card.dataset].cells.find((c) => c.attack === 'square-linf')!.options;
  // The ensemble's largest pixel ε; its attacks see pixels [0, 1] (normalisation inside the forward pass).
  const pixelEps = robustEpsilons(card.dataset).filter((e) => e.units === 'pixel').at(-1)!;
  const pixelClf = pixelSpaceClassifier(clf);
  const xPixel = tf.tidy(() => tf.add(tf.mul(x, normalization.std), normalization.mean)) as tf.Tensor4D;
  const runs: { label: string; attack: AttackId; options: Record<string, unknown>; mode?: GradientMode; refine: boolean; pixel?: boolean }[] = [
    { label: 'deepfool-l2 (paper protocol, baseline)', attack: 'deepfool-l2', options: df2, refine: false },
    { label: 'deepfool-l2+straight-through, refined', attack: 'deepfool-l2', options: df2, mode: 'straight-through', refine: true },
    { label: 'fmn-l2+exact (100 steps), refined', attack: 'fmn-l2', options: { steps: 100 }, mode: 'exact', refine: true },
    { label: 'square-linf (1,000 queries), refined', attack: 'square-linf', options: { ...square, queries: 1000 }, refine: true },
    { label: `apgd-ce-linf+exact (100 steps, ε ${pixelEps.label} px)`, attack: 'apgd-ce-linf', options: { epsilon: pixelEps.epsilon, steps: 100 }, mode: 'exact', refine: false, pixel: true },
    { label: `apgd-t-linf+exact (100 steps × 9 targets, ε ${pixelEps.label} px)`, attack: 'apgd-t-linf', options: { epsilon: pixelEps.epsilon, steps: 100, targetClasses: 9 }, mode: 'exact', refine: false, pixel: true },
  ];
  const rows: AdaptiveBenchRow[] = [];
  try {
    for (const run of runs) {
      const once = async () => {
        const res = run.pixel
          ? await runAnyAttack(getAttack(run.attack), pixelClf, xPixel, labels, { ...run.options, gradientMode: run.mode, clip: 'pixel' })
          : await runAnyAttack(getAttack(run.attack), clf, x, labels, { ...run.options, ...(run.mode ? { gradientMode: run.mode } : {}) });
        if (run.refine) (await refineToBoundary(clf, x, res.adversarial, labels, res.success)).adversarial.dispose();
        res.adversarial.dispose();
        return res;
      };
      const t0 = performance.now();
      const res = await once();
      const seconds = (performance.now() - t0) / 1000;
      const peak = (await tf.profile(async () => { await once(); })).peakBytes;
      rows.push({ backend: tf.getBackend(), model: card.id, kappa, images, attack: run.label, seconds, ratio: NaN, foolRate: foolRate(res.success, res.skipped), peakMB: peak / MB });
    }
  } finally {
    tf.dispose([x, xPixel]);
    r.model.dispose();
  }
  for (const row of rows) row.ratio = row.seconds / rows[0].seconds;
  // The minimum-norm suite's three attacks (the bench's 60 s target), and the ensemble's two APGD runs apart.
  const sum = (rs: AdaptiveBenchRow[]) => rs.reduce((a, row) => a + row.seconds, 0);
  return { rows, suiteSeconds: sum(rows.slice(1, 4)), ensembleSeconds: sum(rows.slice(4)) };
}
