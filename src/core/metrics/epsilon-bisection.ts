/**
 * The smallest budget at which a fixed-ε attack (APGD, PGD) fools each image, by bisection on ε: how a
 * fixed-budget attack gets a per-image ε to set beside a minimum-norm attack's or the exact minimal
 * perturbation (metrics/exact-gap.ts). The attack runs unchanged through `runAnyAttack` (its own defaults,
 * gradient mode, clip); only `epsilon` varies.
 *
 * Per image, bracket [0, upper]: one run at `upper` (if it fails, one at `expand`·upper; if that fails too
 * the image is not fooled: ε = Infinity), then `steps` halvings of the bracket, each one run at its middle.
 * The result `epsilon` is the smallest budget seen to fool and `lower` the largest below it seen not to,
 * so epsilon − lower ≤ (upper or expand·upper)/2^steps: the resolution. An attack with a random start need
 * not be monotone in ε; bisection then lands on one of the budgets where fooling starts, still a budget at
 * which the attack fooled.
 *
 * One image per run: the attacks take a single ε per call, and every image has its own bracket.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfAborted } from '../attacks/abort';
import { gatherRows, scatterRows } from '../attacks/batch';
import { runAnyAttack } from '../attacks/run-attack';
import type { AttackDefinition, RunOptions } from '../attacks/types';
import type { Classifier } from '../models/classifier';

export interface EpsilonBisectionOptions {
  /** Per image, the bracket's upper end in normalised units (e.g. the best minimum-norm attack's ‖δ‖∞); > 0. */
  upper: ArrayLike<number>;
  /** Halvings of the bracket after its ends are probed. */
  steps: number;
  /** The bracket's upper end becomes expand·upper when the attack fails at `upper` (≥ 1; 1: no second try). */
  expand: number;
  /** The attack's own options (not `epsilon`) and the run options (clip, gradientMode, signal). */
  attackOptions?: Record<string, unknown> & RunOptions;
}

export interface EpsilonBisection {
  /** Per image: the smallest budget seen to fool (normalised units); 0: already misclassified; Infinity: never fooled. */
  epsilon: Float64Array;
  /** Per image: the largest budget seen not to fool, below `epsilon` (0 if none was probed). */
  lower: Float64Array;
  /** The attack's output at `epsilon` per image (x itself where never fooled); the caller disposes it. */
  adversarial: tf.Tensor4D;
  /** 1 where the attack fooled the image at some probed budget (or it was misclassified already). */
  success: Uint8Array;
  /** Attack runs made (one image each). */
  runs: number;
}

export async function epsilonBisection(
  attack: AttackDefinition<object>,
  classifier: Classifier,
  x: tf.Tensor4D,
  labels: ArrayLike<number>,
  options: EpsilonBisectionOptions,
): Promise<EpsilonBisection> {
  const n = x.shape[0];
  const { upper, steps, expand } = options;
  const own = { ...(options.attackOptions ?? {}) };
  if (attack.kind !== 'fixed-epsilon') throw new Error(`ε bisection: ${attack.id} is a ${attack.kind} attack; only a fixed-ε attack has a budget to bisect`);
  if ('epsilon' in own) throw new Error('ε bisection: attackOptions must not set epsilon (the bisection sets it)');
  if (labels.length !== n) throw new Error(`ε bisection: ${labels.length} labels for ${n} images`);
  if (upper.length !== n) throw new Error(`ε bisection: ${upper.length} upper ends for ${n} images`);
  for (let i = 0; i < n; i++) {
    if (!(Number.isFinite(upper[i]) && upper[i] > 0)) throw new Error(`ε bisection: the upper end of image ${i} must be a finite number > 0, got ${String(upper[i])}`);
  }
  if (!(Number.isInteger(steps) && steps >= 0 && steps <= 40)) throw new Error(`ε bisection: steps must be an integer in [0, 40], got ${String(steps)}`);
  if (!(Number.isFinite(expand) && expand >= 1)) throw new Error(`ε bisection: expand must be a finite number ≥ 1, got ${String(expand)}`);

  const epsilon = new Float64Array(n).fill(Infinity);
  const lower = new Float64Array(n);
  const success = new Uint8Array(n);
  let runs = 0;
  let result = tf.clone(x);
  try {
    for (let i = 0; i < n; i++) {
      const xi = gatherRows(x, [i]);
      // The output of the smallest fooling run so far.
      const kept: { t: tf.Tensor4D | null } = { t: null };
      try {
        let skipped = false;
        // One run at budget e; keeps its output when it fools.
        const fools = async (e: number): Promise<boolean> => {
          throwIfAborted(own.signal);
          runs++;
          const r = await runAnyAttack(attack, classifier, xi, [labels[i]], { ...own, epsilon: e });
          skipped = r.skipped[0] === 1;
          if (r.success[0] !== 1 || skipped) {
            r.adversarial.dispose();
            return skipped;
          }
          kept.t?.dispose();
          kept.t = r.adversarial;
          return true;
        };
        let lo = 0;
        let hi = upper[i];
        if (!(await fools(hi))) {
          lo = hi;
          hi = expand > 1 && (await fools(expand * upper[i])) ? expand * upper[i] : Infinity;
          if (hi === Infinity) lo = expand * upper[i];
        }
        // Misclassified before any perturbation: the driver did not attack it; its ε is 0, as runAttack reports.
        if (skipped) hi = 0;
        else if (hi < Infinity) {
          for (let s = 0; s < steps; s++) {
            const mid = (lo + hi) / 2;
            if (await fools(mid)) hi = mid;
            else lo = mid;
          }
        }
        epsilon[i] = hi;
        lower[i] = lo;
        if (hi < Infinity) success[i] = 1;
        if (kept.t !== null) {
          const next = scatterRows(result, [i], kept.t);
          result.dispose();
          result = next;
        }
      } finally {
        xi.dispose();
        kept.t?.dispose();
      }
    }
  } catch (err) {
    result.dispose();
    throw err;
  }
  return { epsilon, lower, adversarial: result, success, runs };
}
