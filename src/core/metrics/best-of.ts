/**
 * Best of attacks: per image, the smallest perturbation any attack found (every attack's fooling
 * perturbation counts in both norms: an L∞ attack's δ is also an L2 perturbation). From these per-image
 * minima, robust accuracy as a function of ε — a whole curve from one run of the suite.
 */
import { foolRate } from './fool-rate';

/** What one attack contributed, per image in set order (refined norms where refinement ran). */
export interface PerImageOutcome {
  success: ArrayLike<number>;
  l2: ArrayLike<number>;
  linf: ArrayLike<number>;
  rhoL2: ArrayLike<number>;
  rhoLinf: ArrayLike<number>;
}

export interface BestOf {
  /** Per image: the smallest fooling ‖δ‖₂, ‖δ‖∞ and ρ over all attacks; Infinity where none fooled it. */
  l2: Float64Array;
  linf: Float64Array;
  rhoL2: Float64Array;
  rhoLinf: Float64Array;
  /** Mean of the per-image minimal ρ over the images some attack fooled (already-misclassified count 0). */
  meanRhoL2: number;
  meanRhoLinf: number;
  /** Share of the attacked images (not already misclassified, per `skipped`) that some attack fooled. */
  foolRate: number;
}

/** `skipped`: images already misclassified (δ = 0, ρ = 0); default none. */
export function bestOf(outcomes: PerImageOutcome[], count: number, skipped: ArrayLike<number> = new Uint8Array(count)): BestOf {
  if (outcomes.length === 0) throw new Error('best of: needs at least one attack');
  const min = () => new Float64Array(count).fill(Infinity);
  const out = { l2: min(), linf: min(), rhoL2: min(), rhoLinf: min() };
  for (const o of outcomes) {
    if (o.success.length !== count) throw new Error(`best of: an attack reported ${o.success.length} images, expected ${count}`);
    for (let i = 0; i < count; i++) {
      if (!o.success[i]) continue;
      out.l2[i] = Math.min(out.l2[i], o.l2[i]);
      out.linf[i] = Math.min(out.linf[i], o.linf[i]);
      out.rhoL2[i] = Math.min(out.rhoL2[i], o.rhoL2[i]);
      out.rhoLinf[i] = Math.min(out.rhoLinf[i], o.rhoLinf[i]);
    }
  }
  const mean = (a: Float64Array) => {
    const f = a.filter(Number.isFinite);
    return f.length ? f.reduce((s, v) => s + v, 0) / f.length : NaN;
  };
  return { ...out, meanRhoL2: mean(out.rhoL2), meanRhoLinf: mean(out.rhoLinf), foolRate: foolRate(Array.from(out.l2, Number.isFinite), skipped) };
}

export interface RobustnessCurve {
  epsilons: number[];
  /** Share of images whose smallest fooling perturbation is larger than ε (never fooled: robust at every ε). */
  accuracy: number[];
}

/**
 * Robust accuracy at each ε from per-image minimal norms: an image counts as robust at ε when no attack
 * fooled it within ε. At ε = 0 this is the clean accuracy (misclassified images have minimum 0).
 * Without `epsilons`: `points` values from 0 to the largest finite minimum.
 */
export function robustAccuracyCurve(minima: ArrayLike<number>, epsilons?: number[], points = 41): RobustnessCurve {
  const values = Array.from(minima);
  let eps = epsilons;
  if (!eps) {
    const top = Math.max(0, ...values.filter(Number.isFinite));
    eps = Array.from({ length: points }, (_, i) => (top * i) / (points - 1));
  }
  const n = values.length;
  return { epsilons: eps, accuracy: eps.map((e) => (n ? values.filter((v) => v > e).length / n : NaN)) };
}
