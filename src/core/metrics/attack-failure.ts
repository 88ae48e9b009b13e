/**
 * Indicators of attack failure — Pintor, Demetrio, Sotgiu, Manca, Demontis, Carlini, Biggio, Roli,
 * "Indicators of Attack Failure: Debugging and Improving Optimization of Adversarial Examples", NeurIPS
 * 2022, arXiv:2106.09947. An attack that fails on an image may have failed because the model is robust
 * there, or because the attack went wrong; each indicator looks for one way of going wrong in data the
 * run already has. Computed per attack run (one attack, one κ, one gradient mode), over its images.
 *
 * Pure arithmetic, no TF.js: the caller (suite, worker) hands over per-image arrays. An indicator whose
 * data a run does not expose is reported as not measured (never as passed).
 *
 * The six indicators and the data each reads (per image unless said otherwise):
 *  - silent success: `everAdversarial` against `success` (an adversarial point seen, a non-adversarial
 *    one returned; Pintor et al.'s I1);
 *  - incomplete optimisation: `lossTrace`, the attacker's loss along the path (the best loss still rising
 *    over the last iterations; their I2, read as in their break-point test: the curve has not flattened);
 *  - unbounded attack below 100%: `unboundedSuccess`, success of the same attack without a budget
 *    (ε = ∞ or a minimization attack); anything short of 100% is a bug or masking, not robustness;
 *  - non-converging restarts: `restartSuccess`, success of the same attack rerun from other random starts;
 *    an image is flagged when the reported run failed on it and some restart fooled it (the outcome hangs
 *    on the starting point). The rule is their code's first release, `bad_init_indicator` in
 *    src/indicators/indicators.py of github.com/pralab/IndicatorsOfAttackFailure (commit 2123240): "the
 *    attack failed and at least one restart from a random point in the ε-ball succeeded"; written from
 *    that description, no code copied;
 *  - unstable predictions: `noisyPredictions`, the model's predictions at the image under a few small random
 *    perturbations (the prediction flips: randomness or shattered gradients; their I5);
 *  - zero gradients: `zeroGradientSteps` of `gradientSteps` (their I4, "unavailable gradients").
 * Thresholds are ours (the paper tunes its own per indicator) and are arguments with the defaults below.
 */
import type { ApgdOutcome } from '../attacks/apgd-core';

export type IndicatorId =
  | 'silent-success'
  | 'incomplete-optimisation'
  | 'unbounded-below-100'
  | 'non-converging-restarts'
  | 'unstable-predictions'
  | 'zero-gradients';

/** What one attack run exposes. Arrays are per image, in the same order; optional ones enable an indicator. */
export interface AttackRunData {
  /** The attack in the table's words, e.g. "APGD-CE L∞ (straight-through)". */
  attack: string;
  /** The returned point fools the model (targeted: reaches the target). */
  success: ArrayLike<number | boolean>;
  /** An adversarial point was seen at some step. */
  everAdversarial?: ArrayLike<number | boolean>;
  /** The attacker's loss at each iterate (start included), oriented by `lossDirection`. */
  lossTrace?: readonly ArrayLike<number>[];
  /** 'ascend' (default: CE, DLR) or 'descend' (a margin the attack pushes down). */
  lossDirection?: 'ascend' | 'descend';
  /** Success of the same attack run without a budget. */
  unboundedSuccess?: ArrayLike<number | boolean>;
  /**
   * Success of each restart, restartSuccess[r][i]: the same attack from another random start, beside the
   * reported run (`success`). Entries of images the reported run fooled are not read (a restart may skip them).
   */
  restartSuccess?: readonly ArrayLike<number | boolean>[];
  /** The clean prediction and the predictions under small random noise: noisy[k][i]. */
  noisyPredictions?: { clean: ArrayLike<number>; noisy: readonly ArrayLike<number>[] };
  /** Steps whose input gradient was exactly zero, and the steps taken. */
  zeroGradientSteps?: ArrayLike<number>;
  gradientSteps?: ArrayLike<number>;
}

export interface IndicatorThresholds {
  /** Last share of the iterations looked at for incomplete optimisation. */
  lastShare: number;
  /** Flag when the best loss rose by more than this share of its whole rise in that window. */
  stillRising: number;
  /** Flag an image when more than this share of its steps had a zero gradient. */
  zeroGradientShare: number;
}

export const DEFAULT_THRESHOLDS: IndicatorThresholds = { lastShare: 0.1, stillRising: 0.05, zeroGradientShare: 0.1 };

export interface Indicator {
  id: IndicatorId;
  /** The indicator's name as the table shows it. */
  name: string;
  attack: string;
  /** false: the run does not expose the data (never read as "passed"). */
  measured: boolean;
  triggered: boolean;
  /** Images flagged, and the images the indicator looks at. */
  images: number;
  of: number;
  /** One sentence for a student: what the indicator means. */
  meaning: string;
  /** One sentence naming the attack and the count, or why it was not measured. */
  message: string;
}

/** The name and the one-sentence meaning of each indicator, for the table and its legend. */
export const INDICATORS: Record<IndicatorId, { name: string; meaning: string }> = {
  'silent-success': {
    name: 'Silent success',
    meaning: 'The attack passed through an adversarial image but handed back one that is not: the model only looks robust because the attack kept the wrong point.',
  },
  'incomplete-optimisation': {
    name: 'Incomplete optimisation',
    meaning: 'The attack\'s loss was still climbing when it stopped: more iterations would likely have fooled more images.',
  },
  'unbounded-below-100': {
    name: 'Unbounded attack below 100%',
    meaning: 'With no limit on the perturbation every image can be turned into any class, so an attack that still fails is broken or blinded by the model, not beaten by robustness.',
  },
  'non-converging-restarts': {
    name: 'Non-converging restarts',
    meaning: 'The same attack started again from another random point fooled an image its first run had left alone: the result depends on where the attack starts, so one run is not a measurement.',
  },
  'unstable-predictions': {
    name: 'Unstable predictions',
    meaning: 'Tiny random noise changes the model\'s answer: its gradients describe a surface that jumps, so gradient attacks are steering blind.',
  },
  'zero-gradients': {
    name: 'Zero gradients',
    meaning: 'The gradient the attack follows was exactly zero on many steps, so it had no direction to move in: the model is hiding its slope, not resisting.',
  },
};

const truthy = (v: number | boolean | undefined) => v === true || (typeof v === 'number' && v !== 0);

function indicator(id: IndicatorId, attack: string, images: number | null, of: number, detail = ''): Indicator {
  const { name, meaning } = INDICATORS[id];
  if (images === null) {
    return { id, name, attack, measured: false, triggered: false, images: 0, of, meaning, message: `${attack}: ${name.toLowerCase()} not measured (the run does not record ${detail}).` };
  }
  const triggered = images > 0;
  const message = triggered
    ? `${attack}: ${name.toLowerCase()} on ${images} of ${of} images${detail ? ` (${detail})` : ''}.`
    : `${attack}: no ${name.toLowerCase()} (${of} images checked).`;
  return { id, name, attack, measured: true, triggered, images, of, meaning, message };
}

function checkLength(what: string, a: ArrayLike<unknown>, n: number): void {
  if (a.length !== n) throw new Error(`attack-failure: ${what} has ${a.length} entries, expected ${n} (one per image)`);
}

/**
 * Whether one image's loss curve is still rising at the end: the best loss so far gained more than
 * `stillRising` of its whole gain (start to end) over the last `lastShare` of the iterations. A flat
 * curve (no gain at all) is not rising.
 */
export function stillRising(trace: ArrayLike<number>, direction: 'ascend' | 'descend' = 'ascend', t: IndicatorThresholds = DEFAULT_THRESHOLDS): boolean {
  const steps = trace.length - 1;
  if (steps < 2) return false;
  const sign = direction === 'ascend' ? 1 : -1;
  const best: number[] = [];
  for (let k = 0; k <= steps; k++) {
    const v = sign * trace[k];
    if (!Number.isFinite(v)) throw new Error(`attack-failure: loss trace value ${trace[k]} at step ${k} is not finite`);
    best.push(k === 0 ? v : Math.max(best[k - 1], v));
  }
  const window = Math.max(1, Math.ceil(t.lastShare * steps));
  const total = best[steps] - best[0];
  const late = best[steps] - best[steps - window];
  return total > 0 && late > t.stillRising * total;
}

/** Every indicator for one attack run; the ones whose data is missing come back `measured: false`. */
export function attackFailureIndicators(run: AttackRunData, thresholds: IndicatorThresholds = DEFAULT_THRESHOLDS): Indicator[] {
  const n = run.success.length;
  if (n === 0) throw new Error(`attack-failure: ${run.attack} has no images`);
  const failed = Array.from({ length: n }, (_, i) => i).filter((i) => !truthy(run.success[i]));
  const out: Indicator[] = [];

  // Silent success: among all images (a returned failure after a seen success).
  if (run.everAdversarial) {
    checkLength('everAdversarial', run.everAdversarial, n);
    const silent = failed.filter((i) => truthy(run.everAdversarial![i])).length;
    out.push(indicator('silent-success', run.attack, silent, n));
  } else out.push(indicator('silent-success', run.attack, null, n, 'whether it ever saw an adversarial point'));

  // Incomplete optimisation: among the images the attack failed on.
  if (run.lossTrace) {
    checkLength('lossTrace', run.lossTrace, n);
    const rising = failed.filter((i) => stillRising(run.lossTrace![i], run.lossDirection, thresholds)).length;
    out.push(indicator('incomplete-optimisation', run.attack, rising, failed.length, 'loss still rising over the last iterations'));
  } else out.push(indicator('incomplete-optimisation', run.attack, null, failed.length, 'its loss along the path'));

  if (run.unboundedSuccess) {
    checkLength('unboundedSuccess', run.unboundedSuccess, n);
    const short = Array.from(run.unboundedSuccess).filter((v) => !truthy(v)).length;
    out.push(indicator('unbounded-below-100', run.attack, short, n, short ? `${(100 * (n - short) / n).toFixed(1)}% success without a budget` : ''));
  } else out.push(indicator('unbounded-below-100', run.attack, null, n, 'a run without a budget'));

  // Non-converging restarts: among the images the reported run failed on, those some restart fooled.
  if (run.restartSuccess && run.restartSuccess.length >= 1) {
    const restarts = run.restartSuccess;
    restarts.forEach((r, k) => checkLength(`restartSuccess[${k}]`, r, n));
    const lost = failed.filter((i) => restarts.some((r) => truthy(r[i]))).length;
    const words = restarts.length === 1 ? 'one more random start' : `${restarts.length} more random starts`;
    out.push(indicator('non-converging-restarts', run.attack, lost, failed.length, `fooled by ${words} after the first run failed`));
  } else out.push(indicator('non-converging-restarts', run.attack, null, failed.length, 'a restart from another random start'));

  if (run.noisyPredictions && run.noisyPredictions.noisy.length > 0) {
    const { clean, noisy } = run.noisyPredictions;
    checkLength('noisyPredictions.clean', clean, n);
    noisy.forEach((p, k) => checkLength(`noisyPredictions.noisy[${k}]`, p, n));
    const unstable = Array.from({ length: n }, (_, i) => i).filter((i) => noisy.some((p) => p[i] !== clean[i])).length;
    out.push(indicator('unstable-predictions', run.attack, unstable, n, `prediction changed under ${noisy.length} small noise draws`));
  } else out.push(indicator('unstable-predictions', run.attack, null, n, 'predictions under small noise'));

  if (run.zeroGradientSteps && run.gradientSteps) {
    checkLength('zeroGradientSteps', run.zeroGradientSteps, n);
    checkLength('gradientSteps', run.gradientSteps, n);
    const zero = failed.filter((i) => run.gradientSteps![i] > 0 && run.zeroGradientSteps![i] / run.gradientSteps![i] > thresholds.zeroGradientShare).length;
    out.push(indicator('zero-gradients', run.attack, zero, failed.length, `over ${Math.round(100 * thresholds.zeroGradientShare)}% of steps with a zero gradient`));
  } else out.push(indicator('zero-gradients', run.attack, null, failed.length, 'its gradients'));

  return out;
}

/**
 * The indicator data an APGD outcome (apgd-core.ts `runApgd`) holds, for the images it attacked, with
 * `success` as the caller measured it on the returned points. Loss trace: the image's last run (APGD-T:
 * its last target); zero gradients: over all its runs (each run evaluates steps + 1 gradients). APGD-T's
 * target runs are not restarts (each aims elsewhere), so `restartSuccess` is left to the caller.
 */
export function apgdRunData(attack: string, outcome: Omit<ApgdOutcome, 'adversarial'>, success: ArrayLike<number | boolean>): AttackRunData {
  const n = outcome.everAdversarial.length;
  checkLength('success', success, n);
  const lossTrace: number[][] = Array.from({ length: n }, () => []);
  const zeroGradientSteps = new Array<number>(n).fill(0);
  const gradientSteps = new Array<number>(n).fill(0);
  for (const { rows, run } of outcome.runs) {
    rows.forEach((i, j) => {
      lossTrace[i] = run.trace.map((step) => step[j]);
      zeroGradientSteps[i] += run.zeroGradients[j];
      gradientSteps[i] += run.trace.length;
    });
  }
  return { attack, success, everAdversarial: outcome.everAdversarial, lossTrace, lossDirection: 'ascend', zeroGradientSteps, gradientSteps };
}

/**
 * One indicator list from several runs of the same attack (batches, or the ε of a grid): flagged images
 * and images looked at add up; an indicator is measured only if every run measured it.
 */
export function mergeIndicators(attack: string, lists: readonly Indicator[][]): Indicator[] {
  if (lists.length === 0) return [];
  const ids = lists[0].map((x) => x.id);
  return ids.map((id) => {
    const all = lists.map((l) => {
      const found = l.find((x) => x.id === id);
      if (!found) throw new Error(`attack-failure: indicator ${id} missing from a run of ${attack}`);
      return found;
    });
    const of = all.reduce((a, x) => a + x.of, 0);
    if (all.some((x) => !x.measured)) return indicator(id, attack, null, of, 'it in every run');
    return indicator(id, attack, all.reduce((a, x) => a + x.images, 0), of);
  });
}
