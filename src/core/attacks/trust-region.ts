/**
 * Trust Region attack — Yao, Gholami, Xu, Keutzer, Mahoney, "Trust Region Based Adversarial Attack on
 * Neural Networks", arXiv:1812.06371 (CVPR 2019). Distance: L2 (`trustRegionL2`) or L∞
 * (`trustRegionLinf`). Minimization attack; the paper uses it as a cheap stand-in for Carlini–Wagner.
 *
 * The target class is chosen once, up front, by the DeepFool linearisation (nearest linearised
 * boundary among all other classes). Each step is a first-order move towards that class's boundary,
 * (1 + overshoot)·(margin + 1e-4)/‖∇(f_t − f_y)‖_q, capped by the trust radius (L2 step length or
 * L∞ per-pixel step). Fixed radius as in the JumpReLU paper; optionally adaptive: after a step, the ratio
 * of the actual to the predicted (linear) margin decrease grows the radius ×1.2 when > 0.9 and shrinks
 * it ÷1.2 when < 0.5. An image stops as soon as its prediction differs from its label.
 * Targeted (goal.ts): the target is the chosen class, the class to leave is the current prediction (the
 * step after the prediction changes, to a class that is not the target, only re-aims), and an image stops
 * once it is the target.
 */
import * as tf from '@tensorflow/tfjs';
import { argmaxRows, gatherRows, perImage, scatterRows, take } from './batch';
import { activeSetLoop } from './active-set';
import { nearestBoundary } from './deepfool';
import { logitDifferenceSum, logitsAndGradient } from './gradients';
import { NORMS } from './norms';
import { onBoth, overshootMeta, paramSpecs, stepsMeta } from './params';
import type { Distance, MinimizationAttack } from './types';
import { checkIterations, checkNonNegative, checkPositive } from './validate';

export interface TrustRegionOptions {
  steps: number;
  radius: number;
  overshoot: number;
  adaptiveRadius: boolean;
}

export const TRUST_REGION_DEFAULTS = {
  /** Maximum steps per image. Paper: 1000 (MNIST and CIFAR-10). */
  steps: 1000,
  /** Trust radius: L2 step length or L∞ per-pixel step, normalised input units. Paper: 0.01. */
  radius: 0.01,
  /** Overshoot (dimensionless); the linearised step is scaled by 1 + overshoot. Paper: 0.02 (×1.02). */
  overshoot: 0.02,
  /** Adapt the radius from the actual/predicted decrease ratio (>0.9: ×1.2, <0.5: ÷1.2). Paper: fixed. */
  adaptiveRadius: false,
} as const satisfies TrustRegionOptions;

export const TRUST_REGION_PARAMS = paramSpecs(TRUST_REGION_DEFAULTS, {
  steps: stepsMeta('Paper: 1000', onBoth(1000)),
  radius: { label: 'Trust radius', kind: 'number', min: 1e-6, max: 1, step: 0.001, doc: 'Paper: 0.01 (normalised units)', paper: onBoth(0.01) },
  overshoot: overshootMeta('Extra push past the boundary; paper ×1.02', onBoth(0.02)),
  adaptiveRadius: { label: 'Adaptive radius', kind: 'boolean', doc: 'Grow/shrink the radius by how well the step did; paper: fixed', paper: onBoth(false) },
});

const DISTANCE_PAD = 1e-4;
const GROW = 1.2;
const GOOD_RATIO = 0.9;
const POOR_RATIO = 0.5;

function makeTrustRegion(distance: Distance): MinimizationAttack<TrustRegionOptions> {
  const id = distance === 'l2' ? 'trust-region-l2' : 'trust-region-linf';
  return {
    id,
    name: distance === 'l2' ? 'Trust Region L2' : 'Trust Region L∞',
    kind: 'minimization',
    distance,
    summary: distance === 'l2'
      ? 'Small first-order steps (at most the trust radius) towards one target class\'s boundary.'
      : 'Trust Region with an L∞ radius: every pixel moves at most the radius per step.',
    defaults: TRUST_REGION_DEFAULTS,
    targeted: true,
    params: TRUST_REGION_PARAMS,
    async run(ctx, x, labels, { steps, radius, overshoot, adaptiveRadius }) {
      checkIterations(id, 'steps', steps);
      checkPositive(id, 'radius', radius);
      checkNonNegative(id, 'overshoot', overshoot);
      const norm = NORMS[distance];
      const numClasses = ctx.classifier.numClasses;
      const n = x.shape[0];
      const { goal } = ctx;
      // The class each image's step leaves: its label, until a targeted run's prediction moves elsewhere.
      const leave = Int32Array.from(await labels.data());
      const target = goal.targeted ? Int32Array.from({ length: n }, (_, i) => goal.target(i)) : Int32Array.from(
        await take(tf.tidy(() => nearestBoundary(ctx, x, labels, norm, numClasses - 1).target)),
      );
      const radii = new Float32Array(n).fill(radius);
      const lastMargin = new Float32Array(n);
      const lastPredicted = new Float32Array(n); // 0 = no step taken yet
      return activeSetLoop(ctx, x, steps, async (rows, xAdv) => {
        const xa = gatherRows(xAdv, rows);
        const ya = tf.tensor1d(rows.map((r) => leave[r]), 'int32');
        const ta = tf.tensor1d(rows.map((r) => target[r]), 'int32');
        const { logits, gradient } = logitsAndGradient(ctx.classifier, xa, logitDifferenceSum(ta, ya, numClasses));
        const stats = await take(
          tf.tidy(() => {
            const margin = tf.sub(tf.sum(tf.mul(logits, tf.oneHot(ya, numClasses)), 1), tf.sum(tf.mul(logits, tf.oneHot(ta, numClasses)), 1));
            return tf.stack([tf.cast(argmaxRows(logits), 'float32'), margin, norm.dualNorm(gradient)]);
          }),
        );
        ya.dispose();
        ta.dispose();
        logits.dispose();
        const a = rows.length;
        const stepSize = new Float32Array(a);
        for (let j = 0; j < a; j++) {
          const r = rows[j];
          if (goal.reached(r, stats[j])) continue; // fooled by the previous step: no further move
          if (stats[j] !== leave[r]) {
            // Targeted, now another class than the one this step's gradient leaves: re-aim, no move.
            leave[r] = stats[j];
            lastPredicted[r] = 0;
            continue;
          }
          const margin = stats[a + j];
          const dual = stats[2 * a + j];
          if (adaptiveRadius && lastPredicted[r] > 0) {
            const ratio = (lastMargin[r] - margin) / lastPredicted[r];
            if (ratio > GOOD_RATIO) radii[r] *= GROW;
            else if (ratio < POOR_RATIO) radii[r] /= GROW;
          }
          const linearised = dual > 0 ? ((1 + overshoot) * (margin + DISTANCE_PAD)) / dual : Infinity;
          stepSize[j] = Math.min(linearised, radii[r]);
          lastMargin[r] = margin;
          lastPredicted[r] = stepSize[j] * dual;
        }
        const next = tf.tidy(() => {
          const moved = ctx.clip(tf.add(xa, tf.mul(norm.stepDirection(gradient), perImage(tf.tensor1d(stepSize), 4))) as tf.Tensor4D);
          return scatterRows(xAdv, rows, moved);
        });
        xa.dispose();
        gradient.dispose();
        return { next, active: rows.filter((r, j) => !goal.reached(r, stats[j])) };
      });
    },
  };
}

export const trustRegionL2 = makeTrustRegion('l2');
export const trustRegionLinf = makeTrustRegion('linf');
