/**
 * Figure 8: accuracy under the paper's "PGD" (our IFGSM) as a function of the number of steps, per κ.
 * IFGSM stops moving an image once it is fooled, so one run of T steps gives the whole curve: after t
 * steps, an image is fooled iff the run fooled it within t steps (skipped images: from step 0).
 */
import { ifgsm, IFGSM_DEFAULTS } from '../attacks/ifgsm';
import type { IfgsmOptions } from '../attacks/ifgsm';
import { attackSet } from './attack-set';
import { classifierFromRetrofit, kappaLabel } from './classifier-from-retrofit';
import type { KappaSetting } from './classifier-from-retrofit';
import type { ExperimentOptions, ExperimentSubject } from './experiment';
import { stageTracker } from './experiment';

export interface IterationCurve {
  kappa: KappaSetting;
  /** accuracy[t] = accuracy after t steps, t = 0 … steps (accuracy[0] is clean accuracy). */
  accuracy: number[];
}

/** Accuracy after t = 0 … steps from one minimization run's per-image success and iteration counts. */
export function accuracyCurve(success: ArrayLike<number>, iterations: ArrayLike<number>, steps: number): number[] {
  const n = success.length;
  const fooledAt = new Array<number>(steps + 1).fill(0);
  for (let i = 0; i < n; i++) if (success[i]) fooledAt[Math.min(iterations[i], steps)]++;
  const curve: number[] = [];
  let fooled = 0;
  for (let t = 0; t <= steps; t++) {
    fooled += fooledAt[t];
    curve.push(n ? 1 - fooled / n : NaN);
  }
  return curve;
}

export async function accuracyVsIterations(
  subject: ExperimentSubject,
  kappas: KappaSetting[],
  attackOptions: IfgsmOptions = IFGSM_DEFAULTS,
  options: ExperimentOptions = {},
): Promise<IterationCurve[]> {
  const track = stageTracker(kappas.length, options);
  const curves: IterationCurve[] = [];
  for (const kappa of kappas) {
    const view = classifierFromRetrofit(subject.retrofitted, subject.normalization, kappa);
    const r = await attackSet(ifgsm, { ...attackOptions }, view, subject.set, track.batch(`IFGSM κ=${kappaLabel(kappa)}`));
    curves.push({ kappa, accuracy: accuracyCurve(r.success, r.iterations, attackOptions.steps) });
  }
  return curves;
}
