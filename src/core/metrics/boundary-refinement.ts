/**
 * Boundary refinement: an attack's perturbation δ is often longer than it needs to be (DeepFool
 * overshoots where a step pushes JumpReLU units across κ). Along each image's own δ, find the smallest
 * scale t ∈ (0, 1] at which x + t·δ is still misclassified: first a grid of `gridPoints` scales (the
 * smallest fooling one), then `bisections` halvings of the interval below it. Batched: one forward
 * pass over all images per probe. Only fooling perturbations are refined; the result is reported beside
 * the raw one, never instead of it.
 *
 * x + t·δ stays inside the clip box for t ∈ [0, 1] (the box is convex and holds x and x + δ), so no clip.
 * The found scale fools; a smaller fooling scale can exist between grid points (the fooling set along a
 * ray need not be an interval), so this is an upper bound on the distance along δ, like the raw result.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfAborted } from '../attacks/abort';
import { perImage } from '../attacks/batch';
import { predict } from '../attacks/run-attack';
import { perturbationNorms, type PerturbationNorms } from '../attacks/perturbation-norms';
import { checkIterations } from '../attacks/validate';
import type { Classifier } from '../models/classifier';

export interface RefinementOptions {
  gridPoints: number;
  bisections: number;
}

export const REFINEMENT_DEFAULTS = {
  /** Scales 1/G, 2/G, …, 1 probed first; G forward passes. */
  gridPoints: 10,
  /** Halvings of the grid interval below the first fooling scale: precision 1/(G·2^B) of ‖δ‖. */
  bisections: 12,
} as const satisfies RefinementOptions;

export interface RefinedPerturbation extends PerturbationNorms {
  /** x + scale·δ; the caller disposes it. */
  adversarial: tf.Tensor4D;
  /** Per image: the scale kept (1 for images not fooled: left as they were; 0 where δ = 0). */
  scale: Float32Array;
}

/**
 * `adversarial` must be what an attack returned for `x` (clipped); `fooled` marks the images it fooled
 * (already-misclassified images have δ = 0 and stay at 0). With `targets` (a targeted run), "fooled" means
 * classified as the image's target, and `fooled` must mark the images that reached it.
 */
export async function refineToBoundary(
  classifier: Classifier,
  x: tf.Tensor4D,
  adversarial: tf.Tensor4D,
  labels: ArrayLike<number>,
  fooled: ArrayLike<number>,
  options: Partial<RefinementOptions> & { signal?: AbortSignal; targets?: ArrayLike<number> } = {},
): Promise<RefinedPerturbation> {
  const { gridPoints, bisections } = { ...REFINEMENT_DEFAULTS, ...options };
  checkIterations('refinement', 'gridPoints', gridPoints);
  checkIterations('refinement', 'bisections', bisections);
  if (gridPoints < 1) throw new Error('refinement: gridPoints must be ≥ 1');
  const n = x.shape[0];
  const { targets } = options;
  if (targets && targets.length !== n) throw new Error(`refinement: ${targets.length} targets for ${n} images`);
  const delta = tf.sub(adversarial, x) as tf.Tensor4D;
  try {
    const at = (t: Float32Array) => tf.tidy(() => tf.add(x, tf.mul(delta, perImage(tf.tensor1d(t), 4))) as tf.Tensor4D);
    const fools = async (t: Float32Array): Promise<boolean[]> => {
      throwIfAborted(options.signal);
      const probe = at(t);
      try {
        const pred = await predict(classifier, probe);
        // Targeted runs: a scale counts only if it still reaches the target (goal-aware), not any wrong class.
        return Array.from(pred, (p, i) => (targets ? p === targets[i] : p !== labels[i]));
      } finally {
        probe.dispose();
      }
    };
    // hi: a scale known to fool; lo: the probe below it that did not (0: the clean image, correct).
    const hi = new Float32Array(n).fill(1);
    const lo = new Float32Array(n);
    const open = Array.from({ length: n }, (_, i) => Boolean(fooled[i]));
    const found = new Array<boolean>(n).fill(false);
    for (let g = 1; g < gridPoints; g++) {
      const t = Float32Array.from({ length: n }, (_, i) => (open[i] && !found[i] ? g / gridPoints : hi[i]));
      const f = await fools(t);
      for (let i = 0; i < n; i++) {
        if (!open[i] || found[i]) continue;
        if (f[i]) {
          hi[i] = g / gridPoints;
          found[i] = true;
        } else {
          lo[i] = g / gridPoints;
        }
      }
    }
    for (let b = 0; b < bisections; b++) {
      const mid = Float32Array.from({ length: n }, (_, i) => (open[i] ? (lo[i] + hi[i]) / 2 : hi[i]));
      const f = await fools(mid);
      for (let i = 0; i < n; i++) {
        if (!open[i]) continue;
        if (f[i]) hi[i] = mid[i];
        else lo[i] = mid[i];
      }
    }
    const refined = at(hi);
    try {
      const norms = await perturbationNorms(x, refined);
      const scale = Float32Array.from(hi, (h, i) => (norms.l2[i] === 0 ? 0 : h));
      return { adversarial: refined, scale, ...norms };
    } catch (err) {
      refined.dispose();
      throw err;
    }
  } finally {
    delta.dispose();
  }
}
