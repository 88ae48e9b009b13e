/**
 * The attacks of the "Is the defence real?" suite, per dataset: the paper's DeepFool under each gradient
 * mode, FMN (exact and straight-through) and the gradient-free Square Attack, so a gain that only the
 * exact gradients see shows up as a gap. Options follow the paper's protocol where it has one.
 */
import { NORMALIZATION } from '../data/normalization';
import type { AttackId } from '../attacks/index';
import type { DatasetName } from '../data/manifest';
import type { GradientMode } from '../op/gradient-mode';
import { PAPER_PROTOCOL } from './paper-protocol';
import { robustEpsilons, type EnsembleSettings, type EpsilonSpec } from './robust-accuracy';

export interface AdaptiveCellSpec {
  attack: AttackId;
  options: Record<string, unknown>;
  /** Absent for gradient-free attacks. */
  gradientMode?: GradientMode;
  smoothingTau?: number;
}

/** `<attack id>+<gradient mode>`, or the attack id alone for gradient-free attacks. */
export const cellKey = (s: Pick<AdaptiveCellSpec, 'attack' | 'gradientMode'>): string => (s.gradientMode ? `${s.attack}+${s.gradientMode}` : s.attack);

export interface AdaptiveProtocol {
  cells: AdaptiveCellSpec[];
  /** Rerun of one cell with `factor`× its `option` (iterations): the convergence red flag. */
  convergence: { cell: string; option: string; factor: number };
  /** Robust accuracy at fixed ε from the APGD-CE / APGD-T / Square ensemble (robust-accuracy.ts); absent: not run. */
  ensemble?: AdaptiveEnsemble;
}

export interface AdaptiveEnsemble {
  epsilons: EpsilonSpec[];
  /** The gradient modes the APGD attacks run under (Square needs none). */
  modes: GradientMode[];
  settings: EnsembleSettings;
}

/**
 * APGD-CE restarts from another random start on the images its first run left (robust-accuracy.ts): one is
 * enough to measure the non-converging-restarts indicator, and costs at most one more APGD-CE run.
 */
export const APGD_RESTARTS = 1;

/** Browser defaults: a few iterations per attack (AutoAttack's 100 steps × 9 targets and 5000 queries cost far more). */
export const ENSEMBLE_DEFAULTS: EnsembleSettings = { steps: 10, targetClasses: 3, queries: 100, restarts: APGD_RESTARTS };

/** The ensemble for a data set: the field's pixel grid plus the paper's ε, exact and straight-through gradients; restarts default to `APGD_RESTARTS`. */
export function ensembleFor(dataset: DatasetName, settings: EnsembleSettings = ENSEMBLE_DEFAULTS): AdaptiveEnsemble {
  return { epsilons: robustEpsilons(dataset), modes: ['exact', 'straight-through'], settings: { ...settings, restarts: settings.restarts ?? APGD_RESTARTS } };
}

/**
 * Square's L∞ radius: the usual 0.3 (MNIST) and 8/255 (CIFAR-10) pixel budgets in normalised units, through the
 * data set's own std (CIFAR-10: their mean; this constant once divided by 0.2435, a std this app does not use,
 * which made the CIFAR-10 budget ~6.6/255 pixel — reference sections written before 2026-12-06 used that).
 */
const meanStd = (d: DatasetName) => NORMALIZATION[d].std.reduce((a, b) => a + b, 0) / NORMALIZATION[d].std.length;
const SQUARE_EPSILON: Record<DatasetName, number> = { mnist: 0.3 / meanStd('mnist'), cifar10: 8 / 255 / meanStd('cifar10') };

function protocol(dataset: DatasetName): AdaptiveProtocol {
  const paper = (key: string) => PAPER_PROTOCOL[dataset].find((c) => c.key === key)!.options;
  const df2 = paper('deepfool-l2');
  const dfInf = paper('deepfool-linf');
  return {
    cells: [
      { attack: 'deepfool-l2', options: df2, gradientMode: 'exact' },
      { attack: 'deepfool-l2', options: df2, gradientMode: 'straight-through' },
      { attack: 'deepfool-l2', options: df2, gradientMode: 'smoothed' },
      { attack: 'deepfool-linf', options: dfInf, gradientMode: 'exact' },
      { attack: 'deepfool-linf', options: dfInf, gradientMode: 'straight-through' },
      { attack: 'fmn-l2', options: { steps: 100 }, gradientMode: 'exact' },
      { attack: 'fmn-l2', options: { steps: 100 }, gradientMode: 'straight-through' },
      { attack: 'square-linf', options: { epsilon: SQUARE_EPSILON[dataset], queries: 1000 } },
    ],
    convergence: { cell: 'deepfool-l2+exact', option: 'steps', factor: 5 },
  };
}

export const ADAPTIVE_PROTOCOL: Record<DatasetName, AdaptiveProtocol> = { mnist: protocol('mnist'), cifar10: protocol('cifar10') };
