/**
 * Norm strategies shared by DeepFool, Trust Region and Madry PGD (foolbox's "variants by override",
 * done as data): the attack code is written once and takes `l2` or `linf`.
 *
 * Per-image operations: a batch [n, …] gives [n] norms; ε and distances are per image.
 */
import * as tf from '@tensorflow/tfjs';
import { perImage } from './batch';
import type { Distance } from './types';

export interface NormStrategy {
  readonly id: Distance;
  /** ‖t_i‖ per image. */
  norm(t: tf.Tensor): tf.Tensor1D;
  /** The dual norm per image (ℓ2 → ℓ2, ℓ∞ → ℓ1): distance to a linear boundary is |f| / dual(∇f). */
  dualNorm(t: tf.Tensor): tf.Tensor1D;
  /**
   * Direction of unit norm that increases a linear function with gradient w fastest: a step s·dir
   * changes it by s·dualNorm(w). ℓ2: w/‖w‖₂; ℓ∞: sign(w).
   */
  stepDirection(w: tf.Tensor): tf.Tensor;
  /** Projects perturbations δ onto the ε-ball (ε per image or one scalar). */
  project(delta: tf.Tensor, epsilon: number | tf.Tensor1D): tf.Tensor;
  /** A seeded random point inside the ε-ball, shaped like `shape`. */
  randomInBall(shape: number[], epsilon: number, seed: number): tf.Tensor;
}

const TINY = 1e-12;

/**
 * sign(w) that is exact for every float32, built from comparisons: wasm's Sign kernel returns 0 for
 * |w| < 2⁻²³, and a confident image's whole cross-entropy gradient is that small, so FGSM-type steps
 * built on tf.sign never move it. The one sign every L∞ step uses (FGSM, IFGSM, DeepFool/PGD/TR L∞).
 */
export function exactSign(w: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.cast(tf.greater(w, 0), 'float32'), tf.cast(tf.less(w, 0), 'float32')));
}

function flatten(t: tf.Tensor): tf.Tensor2D {
  return tf.reshape(t, [t.shape[0], -1]);
}

function asPerImage(e: number | tf.Tensor1D, rank: number): number | tf.Tensor {
  return typeof e === 'number' ? e : perImage(e, rank);
}

/** √Σt² per image (tf.norm goes through Pow and ran 10× slower on wasm). */
const euclidean = (t: tf.Tensor): tf.Tensor1D => tf.tidy(() => tf.sqrt(tf.sum(tf.square(flatten(t)), 1)) as tf.Tensor1D);

export const l2: NormStrategy = {
  id: 'l2',
  norm: euclidean,
  dualNorm: euclidean,
  stepDirection: (w) => tf.tidy(() => tf.div(w, perImage(tf.add(l2.norm(w), TINY), w.rank))),
  project: (delta, epsilon) =>
    tf.tidy(() => {
      const n = perImage(l2.norm(delta), delta.rank);
      const factor = tf.minimum(1, tf.div(asPerImage(epsilon, delta.rank), tf.add(n, TINY)));
      return tf.mul(delta, factor);
    }),
  randomInBall: (shape, epsilon, seed) =>
    tf.tidy(() => {
      // Uniform in the ball: Gaussian direction, radius ε·u^(1/d).
      const d = shape.slice(1).reduce((a, b) => a * b, 1);
      const g = tf.randomNormal(shape, 0, 1, 'float32', seed);
      const u = tf.randomUniform([shape[0]], 0, 1, 'float32', seed + 1);
      const radius = tf.mul(tf.pow(u, 1 / d), epsilon) as tf.Tensor1D;
      return tf.mul(l2.stepDirection(g), perImage(radius, shape.length));
    }),
};

export const linf: NormStrategy = {
  id: 'linf',
  norm: (t) => tf.tidy(() => tf.max(tf.abs(flatten(t)), 1) as tf.Tensor1D),
  dualNorm: (t) => tf.tidy(() => tf.sum(tf.abs(flatten(t)), 1) as tf.Tensor1D),
  stepDirection: exactSign,
  project: (delta, epsilon) =>
    tf.tidy(() => {
      // A number ε: ClipByValue (wasm's Maximum/Minimum are scalar loops, several times slower).
      if (typeof epsilon === 'number') return tf.clipByValue(delta, -epsilon, epsilon);
      const e = perImage(epsilon, delta.rank);
      return tf.minimum(tf.maximum(delta, tf.neg(e)), e);
    }),
  randomInBall: (shape, epsilon, seed) => tf.randomUniform(shape, -epsilon, epsilon, 'float32', seed),
};

export const NORMS: Record<Distance, NormStrategy> = { l2, linf };
