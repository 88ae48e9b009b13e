/**
 * Red flags of a robustness evaluation (Carlini et al., "On Evaluating Adversarial Robustness",
 * arXiv:1902.06705, §5; Athalye et al., arXiv:1802.00420): signs that a measured gain comes from gradient
 * masking rather than from the model. Each flag carries its numbers and one sentence saying what it means.
 */
import * as tf from '@tensorflow/tfjs';
import { ATTACKS } from '../attacks/index';
import { take } from '../attacks/batch';
import { logitsAndGradient } from '../attacks/gradients';
import { marginSum } from '../attacks/margin';
import type { Distance } from '../attacks/types';
import type { Classifier } from '../models/classifier';
import type { RetrofittedModel } from '../retrofit/retrofit';
import type { PerImageOutcome } from './best-of';
import { preActivationTensors } from './pre-activations';

export interface RedFlag<V> {
  flagged: boolean;
  value: V;
  explanation: string;
}

/** What the flags need to know about one cell of the suite. */
export interface CellOutcome extends PerImageOutcome {
  kind: 'fixed-epsilon' | 'minimization';
  distance: Distance;
  /** null: the attack uses no gradients. */
  gradientMode: string | null;
  foolRate: number;
  /** Already misclassified (not attacked). */
  skipped: ArrayLike<number>;
}

/** Share thresholds above which the two share flags are raised (documented judgement, not a theorem). */
export const ZERO_GRADIENT_FLAG = 0.5;
export const SILENCED_FLAG = 0.1;
/** A relative improvement below this counts as a tie (float noise, bisection precision). */
const TIE = 0.01;

/**
 * A suite cell's key ("deepfool-l2+exact", "square-linf") in the words of the panel's table
 * ("DeepFool L2, exact gradients", "Square L∞ (no gradients)"): the flags name attacks as a student reads them.
 */
export function cellLabel(key: string): string {
  const [id, mode] = key.split('+');
  const name = (ATTACKS as Record<string, { name: string } | undefined>)[id]?.name ?? id;
  return mode ? `${name}, ${mode} gradients` : `${name} (no gradients)`;
}

/** An unbounded min-norm attack should fool every image: if it does not, its optimiser is stuck. */
export function unboundedNotFooled(cells: Record<string, CellOutcome>): RedFlag<Record<string, number>> {
  const stuck: Record<string, number> = {};
  for (const [key, c] of Object.entries(cells)) if (c.kind === 'minimization' && c.foolRate < 1) stuck[key] = c.foolRate;
  const keys = Object.keys(stuck);
  return {
    flagged: keys.length > 0,
    value: stuck,
    explanation: keys.length
      ? `${keys.map(cellLabel).join('; ')} fooled only ${keys.map((k) => `${(100 * stuck[k]).toFixed(1)}%`).join(', ')} of the images although nothing bounds its perturbation: it ran out of iterations or its gradients lead nowhere (gradient masking), which says nothing about robustness.`
      : 'Every unbounded minimum-norm attack fooled every image it attacked.',
  };
}

export interface BeatsExact {
  /** Per pair "<weaker-information attack> < <exact-gradient attack>": images where it found a smaller perturbation. */
  pairs: Record<string, number>;
  /** Largest share of attacked images over the pairs. */
  share: number;
}

/**
 * An attack with less information (no gradients) or a deliberately wrong backward (straight-through)
 * should never beat the exact-gradient attack if the gradients are informative. A straight-through cell
 * is compared with the same attack's exact cell; a gradient-free cell with every exact cell of its norm.
 * Per image on the (refined) norm of that distance; a fool where the exact one failed counts.
 */
export function beatsExactGradients(cells: Record<string, CellOutcome>): RedFlag<BeatsExact> {
  const pairs: Record<string, number> = {};
  let share = 0;
  const entries = Object.entries(cells);
  const attackOf = (key: string) => key.split('+')[0];
  for (const [ek, e] of entries) {
    if (e.gradientMode !== 'exact') continue;
    const norm = e.distance === 'l2' ? 'l2' : 'linf';
    for (const [ok, o] of entries) {
      const rival = (o.gradientMode === null && o.distance === e.distance) || (o.gradientMode === 'straight-through' && attackOf(ok) === attackOf(ek));
      if (!rival) continue;
      let beaten = 0;
      let attacked = 0;
      for (let i = 0; i < o.success.length; i++) {
        if (e.skipped[i]) continue;
        attacked++;
        if (o.success[i] && (!e.success[i] || o[norm][i] < e[norm][i] * (1 - TIE))) beaten++;
      }
      pairs[`${ok} < ${ek}`] = beaten;
      if (attacked) share = Math.max(share, beaten / attacked);
    }
  }
  const worst = Object.entries(pairs).sort((a, b) => b[1] - a[1])[0];
  return {
    flagged: share > 0,
    value: { pairs, share },
    explanation: share > 0 && worst
      ? `${cellLabel(worst[0].split(' < ')[0])} found a smaller perturbation than ${cellLabel(worst[0].split(' < ')[1])} on ${worst[1]} images (${(100 * share).toFixed(1)}%): when an attack with less information wins, the exact gradients are misleading the attacker.`
      : 'No gradient-free or straight-through attack beat the exact-gradient attack on any image.',
  };
}

export interface Convergence {
  attack: string;
  factor: number;
  rho: number;
  rhoLonger: number;
  foolRate: number;
  foolRateLonger: number;
}

/** The same attack with `factor`× the iterations: if ρ keeps falling (or more images fall), the first run had not converged. */
export function notConverged(c: Convergence): RedFlag<Convergence> {
  const lower = c.rhoLonger < c.rho * (1 - TIE);
  const more = c.foolRateLonger > c.foolRate + 1e-9;
  return {
    flagged: lower || more,
    value: c,
    explanation: lower || more
      ? `${cellLabel(c.attack)} with ${c.factor}× the iterations reached ρ ${c.rhoLonger.toFixed(4)} instead of ${c.rho.toFixed(4)} and fooled ${(100 * c.foolRateLonger).toFixed(1)}% instead of ${(100 * c.foolRate).toFixed(1)}%: the reported number is an attack budget, not the model's robustness.`
      : `${cellLabel(c.attack)} with ${c.factor}× the iterations gave the same ρ and fool rate: the attack had converged.`,
  };
}

export interface ZeroGradients {
  /** Share of all input-gradient entries (images × pixels) that are exactly 0. */
  entries: number;
  /** Share of images whose whole input gradient is exactly 0. */
  images: number;
}

/** Input gradients of the margin f_y − max_{j≠y} f_j on the clean images, with the classifier's exact backward. */
export async function zeroGradients(classifier: Classifier, x: tf.Tensor4D, labels: ArrayLike<number>): Promise<RedFlag<ZeroGradients>> {
  const y = tf.tensor1d(Array.from(labels), 'int32');
  const { logits, gradient } = logitsAndGradient(classifier, x, marginSum(y));
  const n = x.shape[0];
  const zero = await take(tf.tidy(() => tf.cast(tf.equal(tf.reshape(gradient, [n, -1]), 0), 'float32')));
  tf.dispose([y, logits, gradient]);
  const d = zero.length / Math.max(1, n);
  let entries = 0;
  let images = 0;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) z += zero[i * d + j];
    entries += z;
    if (z === d) images++;
  }
  const value = { entries: n ? entries / (n * d) : NaN, images: n ? images / n : NaN };
  const flagged = value.images > 0 || value.entries > ZERO_GRADIENT_FLAG;
  return {
    flagged,
    value,
    explanation: `${(100 * value.entries).toFixed(1)}% of the input-gradient entries and ${(100 * value.images).toFixed(1)}% of the images' whole gradients are exactly zero${flagged ? ': a gradient attack gets no direction there, which hides the boundary instead of moving it' : ': the gradients carry a direction almost everywhere'}.`,
  };
}

/**
 * Per JumpReLU layer, the share of units with 0 < z ≤ κ on the images: active under ReLU, silenced by
 * the jump. Their gradient is zeroed too, which is what a straight-through attacker restores.
 */
export async function silencedUnits(r: RetrofittedModel, kappa: number, x: tf.Tensor4D): Promise<RedFlag<Record<string, number>>> {
  const value: Record<string, number> = {};
  if (r.jumpLayers.length === 0) return { flagged: false, value, explanation: 'The model has no JumpReLU layers.' };
  // The layers' inputs at this κ from a pass with its own κ: the model's shared control is never set.
  const zs = preActivationTensors(r, x, kappa);
  try {
    const shares = tf.tidy(() => zs.map(({ z }) => tf.mean(tf.cast(tf.logicalAnd(tf.greater(z, 0), tf.lessEqual(z, kappa)), 'float32'))));
    const numbers = await Promise.all(shares.map(async (s) => (await take(s))[0]));
    r.jumpLayers.forEach((name, i) => (value[name] = numbers[i]));
  } finally {
    tf.dispose(zs.map(({ z }) => z));
  }
  const worst = Object.entries(value).sort((a, b) => b[1] - a[1])[0];
  const flagged = worst[1] > SILENCED_FLAG;
  return {
    flagged,
    value,
    explanation: `Up to ${(100 * worst[1]).toFixed(1)}% of the units of a layer (${worst[0]}) have 0 < z ≤ κ on these images: ReLU would pass them, the jump zeroes them and their gradient${flagged ? ', so much of the exact gradient is missing by construction' : ''}.`,
  };
}
