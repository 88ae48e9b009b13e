/**
 * Robust accuracy at fixed ε from an AutoAttack-style ensemble (Croce & Hein, ICML 2020,
 * arXiv:2003.01690): APGD-CE, then APGD-T (targeted DLR), then Square, each on the images no earlier
 * attack broke; an image counts as broken if any of them fooled it, and robust accuracy is the share of
 * all images (already-misclassified ones count as broken, as AutoAttack reports it).
 *
 * The field states ε in pixel units [0, 1] (MNIST 0.3, CIFAR-10 8/255). Our classifiers take normalised
 * inputs (x − mean_c)/std_c, so a pixel ε is a different normalised radius per channel; rather than one
 * scalar that is right for no channel, the attacks run on a pixel-space view of the classifier
 * (`pixelSpaceClassifier`: normalises inside the forward pass) with ε in pixels and clipping to [0, 1].
 * The paper's own budget (IFGSM: steps × step size, normalised units) runs in normalised units on the
 * classifier as it is. Every fooling perturbation is also measured in normalised units (‖δ‖, ρ), so the
 * adaptive suite's best-of ρ can include APGD's and Square's adversarials.
 */
import * as tf from '@tensorflow/tfjs';
import { getAttack } from '../attacks/index';
import { gatherRows, scatterRows } from '../attacks/batch';
import { perturbationNorms } from '../attacks/perturbation-norms';
import type { AttackDefinition } from '../attacks/types';
import type { DatasetName } from '../data/manifest';
import type { Normalization } from '../data/normalization';
import type { Classifier } from '../models/classifier';
import type { GradientMode } from '../op/gradient-mode';
import type { JumpReluBackward } from '../op/gradient-mode';
import { apgdRunData, attackFailureIndicators, mergeIndicators, type Indicator } from './attack-failure';
import { attackSet } from './attack-set';
import type { PerImageOutcome } from './best-of';
import type { EvalSet } from './eval-set';
import { paperOptions } from './paper-protocol';

/** One budget of the grid: `epsilon` in `units`, and how the table writes it. */
export interface EpsilonSpec {
  epsilon: number;
  units: 'pixel' | 'normalised';
  label: string;
}

export interface EnsembleSettings {
  /** APGD iterations per run (AutoAttack: 100). */
  steps: number;
  /** APGD-T target classes (AutoAttack: 9). */
  targetClasses: number;
  /** Square's queries per image (AutoAttack: 5000). */
  queries: number;
  /**
   * APGD-CE restarts from other random starts (seeds 1, 2, …) on the images its first run (seed 0) did not
   * break; what they break counts as broken (AutoAttack's n_restarts), and they give the non-converging-
   * restarts indicator. Absent or 0: none (sections written before 2026-12-06 have none).
   */
  restarts?: number;
}

/** The field's L∞ grid per data set, pixel units (AutoAttack's MNIST 0.3 and CIFAR-10 8/255 the largest). */
const PIXEL_GRID: Record<DatasetName, { epsilon: number; label: string }[]> = {
  mnist: [{ epsilon: 0.1, label: '0.1' }, { epsilon: 0.2, label: '0.2' }, { epsilon: 0.3, label: '0.3' }],
  cifar10: [{ epsilon: 2 / 255, label: '2/255' }, { epsilon: 4 / 255, label: '4/255' }, { epsilon: 8 / 255, label: '8/255' }],
};

/** The grid, then the paper's budget: IFGSM's steps × step size (the farthest its "PGD" can move), normalised units. */
export function robustEpsilons(dataset: DatasetName): EpsilonSpec[] {
  const { epsilon, steps } = paperOptions('ifgsm', dataset) as { epsilon: number; steps: number };
  const reach = epsilon * steps;
  return [
    ...PIXEL_GRID[dataset].map((e) => ({ ...e, units: 'pixel' as const })),
    { epsilon: reach, units: 'normalised', label: `paper: ${steps} × ${epsilon} = ${+reach.toFixed(4)} normalised` },
  ];
}

/** The ensemble's attacks in run order (L∞): ids and the table's names. */
export const ENSEMBLE_ATTACKS = [
  { id: 'apgd-ce-linf', name: 'APGD-CE', gradient: true },
  { id: 'apgd-t-linf', name: 'APGD-T (DLR)', gradient: true },
  { id: 'square-linf', name: 'Square', gradient: false },
] as const;

export interface RobustAccuracyRow {
  epsilon: number;
  units: 'pixel' | 'normalised';
  label: string;
  gradientMode: GradientMode;
  /** Share of all images classified correctly after every attack of the ensemble. */
  robustAccuracy: number;
  cleanAccuracy: number;
  count: number;
  /** Per attack (table name): images it broke that no earlier attack had. */
  brokenBy: Record<string, number>;
  /** The attacks with their budgets, in the table's words. */
  attacks: string;
  /**
   * Randomized classifiers only: accuracy of the final points (each image's fooling point, else the clean
   * image) on each of several fresh κ draws; `robustAccuracy` is then their mean.
   */
  drawAccuracies?: number[];
  /** The attack-failure indicators of each APGD attack of this row (keyed by its name in `brokenBy`). */
  indicators?: Record<string, Indicator[]>;
}

/**
 * An exact-gradient row in the straight-through ensemble's words. At κ = 0 JumpReLU's straight-through backward
 * is its exact one bit for bit (op/gradient-mode.test.ts), so the straight-through ensemble would repeat the
 * exact run: the suite reuses it under this name instead (robust-accuracy.test.ts checks the result against a
 * real straight-through run where the two modes cannot differ).
 */
export function asStraightThrough(row: RobustAccuracyRow): RobustAccuracyRow {
  if (row.gradientMode !== 'exact') throw new Error(`asStraightThrough: a ${row.gradientMode} row, not an exact one`);
  const words = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replaceAll(', exact gradients', ', straight-through gradients').replaceAll(', exact)', ', straight-through)');
    if (Array.isArray(v)) return v.map(words);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, words(x)]));
    return v;
  };
  return { ...(words(row) as RobustAccuracyRow), gradientMode: 'straight-through' };
}

/** The classifier seen on pixel inputs [0, 1]: normalises inside the forward pass (differentiable). */
export function pixelSpaceClassifier(c: Classifier): Classifier {
  const { mean, std } = c.normalization;
  if (mean.length !== c.inputShape[2] || std.length !== c.inputShape[2]) {
    throw new Error(`pixel-space view: the normalisation has ${mean.length} channel(s), the classifier ${c.inputShape[2]}`);
  }
  const identity: Normalization = { mean: mean.map(() => 0), std: std.map(() => 1) };
  // tidy: callers dispose only the logits (Square scores without a scope); tf.grad still sees the ops.
  return {
    numClasses: c.numClasses,
    inputShape: c.inputShape,
    normalization: identity,
    logits: (x) => tf.tidy(() => c.logits(tf.div(tf.sub(x, mean), std) as tf.Tensor4D)),
    ...(c.withBackward ? { withBackward: (b: JumpReluBackward) => pixelSpaceClassifier(c.withBackward!(b)) } : {}),
  };
}

export interface RobustAccuracyResult {
  row: RobustAccuracyRow;
  /** Every image some attack fooled, with its perturbation in normalised units (for best-of). */
  outcome: PerImageOutcome;
}

/**
 * One (ε, gradient mode) cell of the table on the whole set. `classifier` works on normalised inputs
 * (set.x); the ensemble's attacks are refused with their own range rule's words if a setting is bad.
 */
export async function ensembleRobustAccuracy(classifier: Classifier, set: EvalSet, eps: EpsilonSpec, gradientMode: GradientMode, s: EnsembleSettings,
  options: { batchSize?: number; signal?: AbortSignal; smoothingTau?: number; eotSamples?: number; draws?: number } = {}): Promise<RobustAccuracyResult> {
  const draws = options.draws ?? 1;
  const eot = options.eotSamples ?? 1;
  const restarts = s.restarts ?? 0;
  if (!Number.isInteger(draws) || draws < 1) throw new Error(`robust accuracy: draws must be a whole number ≥ 1, got ${draws}`);
  if (!Number.isInteger(restarts) || restarts < 0) throw new Error(`robust accuracy: APGD-CE restarts must be a whole number ≥ 0, got ${restarts}`);
  if (!(eps.epsilon > 0) || !Number.isFinite(eps.epsilon)) throw new Error(`robust accuracy: ε must be a positive number, got ${eps.epsilon}`);
  const n = set.labels.length;
  const { mean, std } = classifier.normalization;
  const pixel = eps.units === 'pixel';
  const attacked = pixel ? pixelSpaceClassifier(classifier) : classifier;
  const toAttackSpace = (x: tf.Tensor4D) => (pixel ? (tf.tidy(() => tf.add(tf.mul(x, std), mean)) as tf.Tensor4D) : tf.clone(x));
  const toNormalised = (x: tf.Tensor4D) => (pixel ? (tf.tidy(() => tf.div(tf.sub(x, mean), std)) as tf.Tensor4D) : tf.clone(x));

  const per = () => new Float32Array(n);
  const outcome = { success: new Uint8Array(n), l2: per(), linf: per(), rhoL2: per(), rhoLinf: per() };
  const broken = new Uint8Array(n);
  // Clean predictions on the classifier as given (the views agree up to float rounding).
  const logits = tf.tidy(() => tf.argMax(classifier.logits(set.x), 1));
  const clean = await logits.data();
  logits.dispose();
  for (let i = 0; i < n; i++) if (clean[i] !== set.labels[i]) broken[i] = 1;
  const cleanAccuracy = n ? 1 - broken.reduce((a, v) => a + v, 0) / n : NaN;

  // Each image's final point (its fooling point once broken), for the evaluation over several κ draws.
  let final: tf.Tensor4D | null = draws > 1 ? tf.clone(set.x) : null;
  const brokenBy: Record<string, number> = {};
  const indicators: Record<string, Indicator[]> = {};
  const words: string[] = [];
  /**
   * One run of `attack` (the table's `name`) on the images `rows` (set order): broken ones are recorded (norms,
   * final points, brokenBy), `each(j, success)` per attacked row, and APGD's indicator data per batch into `perBatch`.
   */
  const attackRows = async (attack: AttackDefinition<object>, name: string, runName: string, rows: number[], attackOptions: Record<string, unknown>,
    each: (j: number, success: number) => void, perBatch: Indicator[][] | null): Promise<void> => {
    const xNorm = gatherRows(set.x, rows);
    const xAttack = toAttackSpace(xNorm);
    try {
      const sub: EvalSet = { x: xAttack, labels: Int32Array.from(rows, (i) => set.labels[i]), indices: Int32Array.from(rows, (i) => set.indices[i]) };
      await attackSet(attack, attackOptions, attacked, sub, {
        batchSize: options.batchSize, clip: 'pixel', signal: options.signal,
        eachBatch: async ({ result, start }) => {
          const size = result.success.length;
          for (let j = 0; j < size; j++) each(start + j, result.success[j]);
          // APGD records what it saw per attacked row: silent success, the loss trace, zero gradients.
          if (perBatch && result.record && result.record.rows.length) {
            const { rows: attackedRows, data } = result.record;
            perBatch.push(attackFailureIndicators(apgdRunData(runName, data, attackedRows.map((j) => result.success[j]))));
          }
          const x0 = tf.slice(xNorm, [start, 0, 0, 0], [size, -1, -1, -1]);
          const adv = toNormalised(result.adversarial);
          try {
            const norms = await perturbationNorms(x0, adv);
            if (final) {
              const hit = Array.from({ length: size }, (_, j) => j).filter((j) => result.success[j]);
              if (hit.length) {
                const picked = gatherRows(adv, hit);
                const next = scatterRows(final, hit.map((j) => rows[start + j]), picked);
                tf.dispose([picked, final]);
                final = next;
              }
            }
            for (let j = 0; j < size; j++) {
              if (!result.success[j]) continue;
              const i = rows[start + j];
              broken[i] = 1;
              brokenBy[name]++;
              outcome.success[i] = 1;
              outcome.l2[i] = norms.l2[j];
              outcome.linf[i] = norms.linf[j];
              outcome.rhoL2[i] = norms.rhoL2[j];
              outcome.rhoLinf[i] = norms.rhoLinf[j];
            }
          } finally {
            tf.dispose([x0, adv]);
          }
        },
      });
    } finally {
      tf.dispose([xNorm, xAttack]);
    }
  };
  for (const a of ENSEMBLE_ATTACKS) {
    const attack = getAttack(a.id) as AttackDefinition<object>;
    const attackOptions: Record<string, unknown> = a.id === 'square-linf'
      ? { epsilon: eps.epsilon, queries: s.queries }
      : { epsilon: eps.epsilon, steps: s.steps, ...(a.id === 'apgd-t-linf' ? { targetClasses: s.targetClasses } : {}),
        gradientMode, ...(options.smoothingTau !== undefined ? { smoothingTau: options.smoothingTau } : {}), ...(eot > 1 ? { eotSamples: eot } : {}) };
    const eotWords = eot > 1 ? `, EOT ${eot}` : '';
    const restartWords = restarts > 0 ? `, ${restarts} restart${restarts > 1 ? 's' : ''}` : '';
    words.push(a.id === 'square-linf' ? `Square (${s.queries} queries)` : a.id === 'apgd-t-linf' ? `APGD-T (${s.steps} steps × ${s.targetClasses} targets, ${gradientMode}${eotWords})` : `APGD-CE (${s.steps} steps${restartWords}, ${gradientMode}${eotWords})`);
    brokenBy[a.name] = 0;
    const rows = Array.from({ length: n }, (_, i) => i).filter((i) => !broken[i]);
    if (rows.length === 0) continue;
    const runName = `${a.name} L∞, ${gradientMode} gradients, ε ${eps.label}`;
    // APGD-CE's first run, then its restarts on what that run left: per image of `rows`, each run's success.
    const runs = a.id === 'apgd-ce-linf' ? 1 + restarts : 1;
    const runSuccess: Uint8Array[] = [];
    const perBatch: Indicator[][] = [];
    for (let r = 0; r < runs; r++) {
      const ok = new Uint8Array(rows.length);
      runSuccess.push(ok);
      const left = rows.map((_, k) => k).filter((k) => !broken[rows[k]]);
      if (left.length === 0) continue;
      await attackRows(attack, a.name, runName, left.map((k) => rows[k]), r === 0 ? attackOptions : { ...attackOptions, seed: r }, (j, success) => { ok[left[j]] = success; }, r === 0 ? perBatch : null);
    }
    if (perBatch.length) {
      const merged = mergeIndicators(runName, perBatch);
      if (runs > 1) {
        // Non-converging restarts over every image the first run attacked (attack-failure.ts: Pintor et al.).
        const restart = attackFailureIndicators({ attack: runName, success: runSuccess[0], restartSuccess: runSuccess.slice(1) })
          .find((x) => x.id === 'non-converging-restarts')!;
        indicators[a.name] = merged.map((x) => (x.id === restart.id ? restart : x));
      } else indicators[a.name] = merged;
    }
  }
  let robust = n ? 1 - broken.reduce((a, v) => a + v, 0) / n : NaN;
  let drawAccuracies: number[] | undefined;
  if (final) {
    // A randomized defence judged on one draw looks stronger than it is: the final points on fresh draws.
    try {
      drawAccuracies = [];
      for (let d = 0; d < draws; d++) {
        const p = tf.tidy(() => tf.argMax(classifier.logits(final!), 1));
        const pred = Int32Array.from(await p.data());
        p.dispose();
        drawAccuracies.push(pred.reduce((a, v, i) => a + (v === set.labels[i] ? 1 : 0), 0) / n);
      }
      robust = drawAccuracies.reduce((a, v) => a + v, 0) / draws;
    } finally {
      final.dispose();
    }
  }
  return {
    row: { epsilon: eps.epsilon, units: eps.units, label: eps.label, gradientMode, robustAccuracy: robust, cleanAccuracy, count: n, brokenBy, attacks: words.join(' → '), indicators, ...(drawAccuracies ? { drawAccuracies } : {}) },
    outcome,
  };
}
