/**
 * DeepFool — Moosavi-Dezfooli, Fawzi, Frossard, "DeepFool: a simple and accurate method to fool deep
 * neural networks", arXiv:1511.04599. Distance: L2 (`deepFoolL2`) or L∞ (`deepFoolLinf`), chosen by a
 * norm strategy. Minimization attack.
 *
 * Each step linearises the classifier at the current point and moves to the nearest linearised boundary
 * between the true class y and a candidate k: distance max(0, f_y − f_k) / ‖∇f_k − ∇f_y‖_q, q the dual
 * norm (2 for L2, 1 for L∞), along the normalised gradient difference (L2) or its sign (L∞).
 * Candidates are the other classes ordered by the current logits, re-sorted every step.
 * Batched: one gradient of the summed per-image logit difference per candidate rank; an image leaves
 * the active set as soon as its prediction differs from its label.
 *
 * Overshoot — two rules, selectable because they give different ρ:
 *  - 'paper' (the JumpReLU authors' code): every step is scaled by (1 + overshoot) from the current
 *    point: x ← x + (1 + overshoot)·(d + 1e-4)·dir.
 *  - 'library' (foolbox): steps accumulate into p ← p + (d + 1e-4)·dir, and the overshoot is applied to
 *    the whole perturbation: x ← x₀ + (1 + overshoot)·p.
 * On an affine classifier both reach the boundary in one step at (1 + overshoot)·(d + 1e-4).
 */
import * as tf from '@tensorflow/tfjs';
import { argmaxRows, gatherRows, perImage, scatterRows, take } from './batch';
import { logitDifferenceSum, logitsAndGradient } from './gradients';
import { NORMS } from './norms';
import type { NormStrategy } from './norms';
import type { AttackContext, Distance, MinimizationAttack } from './types';
import { checkIterations, checkNonNegative } from './validate';

export interface DeepFoolOptions {
  steps: number;
  overshoot: number;
  stepRule: 'paper' | 'library';
  candidates: number | null;
}

export const DEEPFOOL_DEFAULTS = {
  /** Maximum steps per image. Paper: 40 (MNIST), 7 (CIFAR-10). Library (foolbox): 50. */
  steps: 40,
  /** Overshoot (dimensionless); steps are scaled by 1 + overshoot. Paper: 0.02 (×1.02). Library: 0.02. */
  overshoot: 0.02,
  /** Where the overshoot applies (see file header). Paper: 'paper'. Library (foolbox): 'library'. */
  stepRule: 'paper',
  /** How many of the top other classes are candidates; null = all. Paper: all. Library (foolbox): 10. */
  candidates: null,
} as const satisfies DeepFoolOptions;

/** Added to every linearised distance so a step lands past the boundary, not on it (paper and foolbox). */
const DISTANCE_PAD = 1e-4;

/**
 * Per image, the candidate class whose linearised boundary is nearest: its distance and the gradient
 * difference ∇f_k − ∇f_y. Shared with the Trust Region attack (which picks its target this way).
 */
export function nearestBoundary(
  ctx: AttackContext,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  logits: tf.Tensor2D,
  norm: NormStrategy,
  candidates: number,
): { distance: tf.Tensor1D; direction: tf.Tensor4D; target: tf.Tensor1D } {
  return tf.tidy(() => {
    const numClasses = ctx.classifier.numClasses;
    const isLabel = tf.oneHot(labels, numClasses).toBool();
    const others = tf.where(isLabel, tf.fill(logits.shape, -Infinity), logits) as tf.Tensor2D;
    const order = tf.topk(others, candidates).indices; // [n, K], by current logits
    const labelLogit = tf.sum(tf.mul(logits, tf.oneHot(labels, numClasses)), 1);
    let best: { distance: tf.Tensor1D; direction: tf.Tensor4D; target: tf.Tensor1D } | null = null;
    for (let r = 0; r < candidates; r++) {
      const k = tf.reshape(tf.slice(order, [0, r], [-1, 1]), [-1]) as tf.Tensor1D;
      const { logits: l, gradient: w } = logitsAndGradient(ctx.classifier, x, logitDifferenceSum(k, labels, numClasses));
      l.dispose();
      const gap = tf.relu(tf.sub(labelLogit, tf.sum(tf.mul(logits, tf.oneHot(k, numClasses)), 1)));
      const distance = tf.div(gap, tf.add(norm.dualNorm(w), 1e-12)) as tf.Tensor1D;
      if (best === null) {
        best = { distance, direction: w, target: k };
      } else {
        const closer: tf.Tensor1D = tf.less(distance, best.distance);
        const pick = perImage(tf.cast(closer, 'float32') as tf.Tensor1D, 4);
        best = {
          distance: tf.where(closer, distance, best.distance),
          direction: tf.add(tf.mul(w, pick), tf.mul(best.direction, tf.sub(1, pick))) as tf.Tensor4D,
          target: tf.where(closer, k, best.target),
        };
      }
    }
    if (best === null) throw new Error('deepfool: needs at least one candidate class');
    return best;
  });
}

function makeDeepFool(distance: Distance): MinimizationAttack<DeepFoolOptions> {
  const id = distance === 'l2' ? 'deepfool-l2' : 'deepfool-linf';
  return {
    id,
    name: distance === 'l2' ? 'DeepFool L2' : 'DeepFool L∞',
    kind: 'minimization',
    distance,
    defaults: DEEPFOOL_DEFAULTS,
    async run(ctx, x, labels, { steps, overshoot, stepRule, candidates }) {
      checkIterations(id, 'steps', steps);
      checkNonNegative(id, 'overshoot', overshoot);
      if (stepRule !== 'paper' && stepRule !== 'library') throw new Error(`${id}: unknown stepRule "${String(stepRule)}"`);
      const numClasses = ctx.classifier.numClasses;
      const k = candidates === null ? numClasses - 1 : Math.min(candidates, numClasses - 1);
      if (!Number.isInteger(k) || k < 1) throw new Error(`${id}: candidates must be an integer ≥ 1 or null`);
      const norm = NORMS[distance];
      const n = x.shape[0];
      const y = Int32Array.from(await labels.data());
      const iterations = new Int32Array(n);
      let active = Array.from({ length: n }, (_, i) => i);
      let xAdv = tf.clone(x);
      // Accumulated perturbation, only needed by the library rule.
      let total: tf.Tensor4D | null = stepRule === 'library' ? tf.zerosLike(x) : null;
      try {
        for (let t = 0; t < steps && active.length > 0; t++) {
          await ctx.tick(t, steps, active.length);
          const preds = await take(tf.tidy(() => argmaxRows(ctx.classifier.logits(gatherRows(xAdv, active)))));
          active = active.filter((r, j) => preds[j] === y[r]);
          if (active.length === 0) break;
          const rows = active;
          const [nextX, nextTotal] = tf.tidy((): tf.Tensor4D[] => {
            const xa = gatherRows(xAdv, rows);
            const ya = tf.tensor1d(rows.map((r) => y[r]), 'int32');
            const best = nearestBoundary(ctx, xa, ya, ctx.classifier.logits(xa), norm, k);
            const step = tf.mul(norm.stepDirection(best.direction), perImage(tf.add(best.distance, DISTANCE_PAD), 4));
            if (total === null) {
              const moved = ctx.clip(tf.add(xa, tf.mul(step, 1 + overshoot)) as tf.Tensor4D);
              return [scatterRows(xAdv, rows, moved)];
            }
            const p = tf.add(gatherRows(total, rows), step);
            const moved = ctx.clip(tf.add(gatherRows(x, rows), tf.mul(p, 1 + overshoot)) as tf.Tensor4D);
            return [scatterRows(xAdv, rows, moved), scatterRows(total, rows, p)];
          });
          xAdv.dispose();
          xAdv = nextX;
          if (total !== null && nextTotal !== undefined) {
            total.dispose();
            total = nextTotal;
          }
          for (const r of rows) iterations[r]++;
        }
      } catch (err) {
        xAdv.dispose();
        throw err;
      } finally {
        total?.dispose();
      }
      return { adversarial: xAdv, iterations };
    },
  };
}

export const deepFoolL2 = makeDeepFool('l2');
export const deepFoolLinf = makeDeepFool('linf');
