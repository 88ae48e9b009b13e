/**
 * "Is the defence real?" for one κ: every cell of an adaptive protocol on the evaluation set, each
 * result refined to the boundary (both ρ reported), the best of all attacks per image with its
 * robust-accuracy curves, and the red flags.
 */
import { getAttack } from '../attacks/index';
import type { AttackDefinition, Distance } from '../attacks/types';
import { EXACT_BACKWARD } from '../op/gradient-mode';
import { bestOf, robustAccuracyCurve, type RobustnessCurve } from './best-of';
import { refineToBoundary } from './boundary-refinement';
import { classifierFromRetrofit } from './classifier-from-retrofit';
import { attackSet } from './attack-set';
import type { ExperimentOptions, ExperimentSubject } from './experiment';
import { stageTracker } from './experiment';
import { cellKey, type AdaptiveCellSpec, type AdaptiveProtocol } from './adaptive-protocol';
import { beatsExactGradients, notConverged, silencedUnits, unboundedNotFooled, zeroGradients, type CellOutcome, type RedFlag } from './red-flags';
import { relativePerturbation } from './relative-perturbation';
import { asStraightThrough, ensembleRobustAccuracy, type EnsembleSettings, type RobustAccuracyRow } from './robust-accuracy';
import type { PerImageOutcome } from './best-of';
import { attackFailureIndicators, mergeIndicators, type Indicator } from './attack-failure';
import * as tf from '@tensorflow/tfjs';

export interface AdaptiveCell {
  attack: string;
  gradientMode: string | null;
  distance: Distance;
  /** Mean ρ in the attack's norm (paper eq. 12: failures at the perturbation reached), raw and refined. */
  rho: number;
  rhoRefined: number;
  /** Share of the attacked (initially correct) images fooled. */
  foolRate: number;
  meanIterations: number;
}

export interface AdaptiveSection {
  kappa: number;
  count: number;
  cells: Record<string, AdaptiveCell>;
  bestOf: {
    rhoL2: number;
    rhoLinf: number;
    foolRate: number;
    /** Robust accuracy vs ε (normalised units) from the per-image minima. */
    robustAccuracy: { l2: RobustnessCurve; linf: RobustnessCurve };
  };
  /**
   * Robust accuracy at fixed ε (robust-accuracy.ts), one row per ε and gradient mode, with the attacks'
   * budgets as run. Absent in sections written before it existed, or when the ensemble was not run.
   */
  robustAccuracy?: { settings: EnsembleSettings; rows: RobustAccuracyRow[] };
  /**
   * Indicators of attack failure (attack-failure.ts), each naming its attack in the table's words: APGD's
   * per attack and gradient mode over the ε grid, unbounded-below-100% per minimum-norm cell, prediction
   * instability of the model under small noise. Absent in sections written before they existed.
   */
  failureIndicators?: Indicator[];
  redFlags: {
    unboundedNotFooled: RedFlag<Record<string, number>>;
    beatsExact: RedFlag<unknown>;
    notConverged: RedFlag<unknown>;
    zeroGradients: RedFlag<unknown>;
    silencedUnits: RedFlag<Record<string, number>>;
  };
}

export type RunCell = { cell: AdaptiveCell; outcome: CellOutcome };

/** One cell on the whole set, in batches: raw and refined ρ (the trade-off chart's stronger-attacker line uses it alone). */
export async function runCell(subject: ExperimentSubject, kappa: number, spec: AdaptiveCellSpec, options: ExperimentOptions & { onProgress?: (p: { done: number; total: number }) => void }): Promise<RunCell> {
  const { set } = subject;
  const attack = getAttack(spec.attack);
  const classifier = classifierFromRetrofit(subject.retrofitted, subject.normalization, kappa);
  const n = set.labels.length;
  const per = () => new Float32Array(n);
  const refined = { l2: per(), linf: per(), rhoL2: per(), rhoLinf: per() };
  const r = await attackSet(attack as AttackDefinition<object>, {
    ...spec.options,
    ...(spec.gradientMode ? { gradientMode: spec.gradientMode, smoothingTau: spec.smoothingTau ?? EXACT_BACKWARD.tau } : {}),
  }, classifier, set, {
    batchSize: options.batchSize, clip: options.clip, signal: options.signal,
    onProgress: options.onProgress,
    eachBatch: async ({ x, labels, result, start }) => {
      const ref = await refineToBoundary(classifier, x, result.adversarial, labels, result.success, { signal: options.signal });
      ref.adversarial.dispose();
      for (const k of ['l2', 'linf', 'rhoL2', 'rhoLinf'] as const) refined[k].set(ref[k], start);
    },
  });
  const raw = { rhoL2: r.rhoL2, rhoLinf: r.rhoLinf };
  const { success, skipped, foolRate } = r;
  const iterations = r.iterations.reduce((a, v) => a + v, 0);
  const l2 = attack.distance === 'l2';
  return {
    cell: {
      attack: attack.id,
      gradientMode: spec.gradientMode ?? null,
      distance: attack.distance,
      rho: relativePerturbation(l2 ? raw.rhoL2 : raw.rhoLinf),
      rhoRefined: relativePerturbation(l2 ? refined.rhoL2 : refined.rhoLinf),
      foolRate,
      meanIterations: iterations / Math.max(1, n),
    },
    outcome: { kind: attack.kind, distance: attack.distance, gradientMode: spec.gradientMode ?? null, foolRate, success, skipped, ...refined },
  };
}

type EnsembleRun = Awaited<ReturnType<typeof ensembleRobustAccuracy>>;

export async function adaptiveSuite(subject: ExperimentSubject, kappa: number, protocol: AdaptiveProtocol, options: ExperimentOptions = {}): Promise<AdaptiveSection> {
  const { set } = subject;
  const n = set.labels.length;
  const ens = protocol.ensemble;
  const ensembleStages = ens ? ens.epsilons.length * ens.modes.length : 0;
  const track = stageTracker(protocol.cells.length + 1 + ensembleStages, options);
  const cells: Record<string, AdaptiveCell> = {};
  const outcomes: Record<string, CellOutcome> = {};
  for (const spec of protocol.cells) {
    const key = cellKey(spec);
    if (key in cells) throw new Error(`adaptive protocol: cell "${key}" listed twice`);
    const { cell, outcome } = await runCell(subject, kappa, spec, track.batch(`adaptive κ=${kappa}: ${key}`));
    cells[key] = cell;
    outcomes[key] = outcome;
  }
  const conv = protocol.convergence;
  const base = protocol.cells.find((s) => cellKey(s) === conv.cell);
  if (!base) throw new Error(`adaptive protocol: convergence cell "${conv.cell}" is not in the suite`);
  const steps = base.options[conv.option];
  if (typeof steps !== 'number') throw new Error(`adaptive protocol: cell "${conv.cell}" has no numeric option "${conv.option}"`);
  const longer = await runCell(subject, kappa, { ...base, options: { ...base.options, [conv.option]: steps * conv.factor } }, track.batch(`adaptive κ=${kappa}: ${conv.cell} ×${conv.factor}`));

  const classifier = classifierFromRetrofit(subject.retrofitted, subject.normalization, kappa);
  // The ensemble's fooling points are upper bounds on each image's smallest perturbation: best-of takes them too.
  const fixedEps: PerImageOutcome[] = [];
  const rows: RobustAccuracyRow[] = [];
  if (ens) {
    for (const eps of ens.epsilons) {
      let exact: EnsembleRun | null = null;
      for (const mode of ens.modes) {
        const stage = track.batch(`adaptive κ=${kappa}: robust accuracy at ε ${eps.label} (${mode})`);
        stage.onProgress({ done: 0, total: n });
        // At κ = 0 the straight-through run would repeat the exact one bit for bit: reused (asStraightThrough).
        const r: EnsembleRun = kappa === 0 && mode === 'straight-through' && exact
          ? { row: asStraightThrough(exact.row), outcome: exact.outcome }
          : await ensembleRobustAccuracy(classifier, set, eps, mode, ens.settings, { batchSize: options.batchSize, signal: options.signal });
        if (mode === 'exact') exact = r;
        stage.onProgress({ done: n, total: n });
        rows.push(r.row);
        fixedEps.push(r.outcome);
      }
    }
  }
  const failureIndicators = [
    ...ensembleIndicators(rows),
    ...Object.entries(outcomes).filter(([, o]) => o.kind === 'minimization' && Array.from(o.skipped).some((v) => !v))
      .map(([key, o]) => unboundedIndicator(cellName(key), o)),
    await unstablePredictions(classifier, set.x, subject.normalization.std),
  ];
  const best = bestOf([...Object.values(outcomes), ...fixedEps], n, Object.values(outcomes)[0].skipped);
  return {
    kappa,
    count: n,
    cells,
    bestOf: {
      rhoL2: best.meanRhoL2,
      rhoLinf: best.meanRhoLinf,
      foolRate: best.foolRate,
      robustAccuracy: { l2: robustAccuracyCurve(best.l2), linf: robustAccuracyCurve(best.linf) },
    },
    ...(ens ? { robustAccuracy: { settings: ens.settings, rows } } : {}),
    failureIndicators,
    redFlags: {
      unboundedNotFooled: unboundedNotFooled(outcomes),
      beatsExact: beatsExactGradients(outcomes),
      notConverged: notConverged({
        attack: conv.cell, factor: conv.factor, rho: cells[conv.cell].rhoRefined, rhoLonger: longer.cell.rhoRefined,
        foolRate: cells[conv.cell].foolRate, foolRateLonger: longer.cell.foolRate,
      }),
      zeroGradients: await zeroGradients(classifier, set.x, set.labels),
      silencedUnits: await silencedUnits(subject.retrofitted, kappa, set.x),
    },
  };
}

/** A cell in the table's words: "DeepFool L2, straight-through gradients", "Square L∞ (no gradients)". */
export function cellName(key: string): string {
  const [id, mode] = key.split('+');
  const name = getAttack(id).name;
  return mode ? `${name}, ${mode} gradients` : `${name} (no gradients)`;
}

/** APGD's indicators per attack and gradient mode, summed over the ε grid (each image at each ε counts once). */
function ensembleIndicators(rows: RobustAccuracyRow[]): Indicator[] {
  const out: Indicator[] = [];
  const modes = [...new Set(rows.map((r) => r.gradientMode))];
  const attacks = [...new Set(rows.flatMap((r) => Object.keys(r.indicators ?? {})))];
  for (const attack of attacks) {
    for (const mode of modes) {
      const lists = rows.filter((r) => r.gradientMode === mode && r.indicators?.[attack]).map((r) => r.indicators![attack]);
      if (lists.length) out.push(...mergeIndicators(`${attack} L∞, ${mode} gradients (${lists.length} ε, image × ε counted)`, lists));
    }
  }
  return out;
}

/** Unbounded attack below 100%: a minimum-norm cell's success on the images it attacked. */
function unboundedIndicator(attack: string, o: CellOutcome): Indicator {
  const attacked = Array.from(o.success).filter((_, i) => !o.skipped[i]);
  const all = attackFailureIndicators({ attack, success: attacked, unboundedSuccess: attacked });
  return all.find((x) => x.id === 'unbounded-below-100')!;
}

/** Draws of uniform noise of ±1/255 pixel (per channel in normalised units) whose predictions are compared with the clean ones. */
export const NOISE_DRAWS = 4;
const NOISE_PIXELS = 1 / 255;

async function unstablePredictions(classifier: { logits(x: tf.Tensor4D): tf.Tensor2D }, x: tf.Tensor4D, std: number[]): Promise<Indicator> {
  const predict = async (noise: number | null) => {
    const t = tf.tidy(() => {
      const input = noise === null ? x : tf.add(x, tf.div(tf.randomUniform(x.shape, -NOISE_PIXELS, NOISE_PIXELS, 'float32', noise), std));
      return tf.argMax(classifier.logits(input as tf.Tensor4D), 1);
    });
    const p = Int32Array.from(await t.data());
    t.dispose();
    return p;
  };
  const clean = await predict(null);
  const noisy: Int32Array[] = [];
  for (let k = 0; k < NOISE_DRAWS; k++) noisy.push(await predict(1000 + k));
  const attack = `the model under ${NOISE_DRAWS} draws of ±1/255-pixel uniform noise`;
  const all = attackFailureIndicators({ attack, success: new Uint8Array(clean.length), noisyPredictions: { clean, noisy } });
  return all.find((i) => i.id === 'unstable-predictions')!;
}
