/**
 * APGD-CE — Croce & Hein, "Reliable evaluation of adversarial robustness with an ensemble of diverse
 * parameter-free attacks", ICML 2020, arXiv:2003.01690: the first attack of AutoAttack. Distance: L∞
 * (`apgdCeLinf`) or L2 (`apgdCeL2`). Fixed-ε attack; gradient-based, so it runs under every gradient mode;
 * `eotSamples` > 1 averages each gradient over that many passes (EOT, for randomized κ).
 *
 * PGD on the cross-entropy without a step size to tune: η starts at 2ε and halves at the paper's
 * checkpoints when progress stalls (the iterate then restarts from the best point), with momentum 0.75.
 * The loop is in apgd-core.ts. Targeted (goal.ts): the steps ascend −CE of the target class.
 */
import { runApgd, type ApgdOptions } from './apgd-core';
import { epsilonMeta, paramSpecs, stepsMeta, type ParamMeta, type ParamMetas } from './params';
import type { Distance, FixedEpsilonAttack } from './types';

export type { ApgdOptions } from './apgd-core';

export const APGD_LINF_DEFAULTS = {
  /** Radius ε of the L∞ ball, normalised input units (as Madry PGD's default here). AutoAttack: 8/255 (CIFAR-10), 0.3 (MNIST) in pixels. */
  epsilon: 0.3,
  /** Iterations per run. Paper and AutoAttack: 100. */
  steps: 100,
  /** ρ: a checkpoint halves η when fewer than this share of the steps since the last one raised the loss. Paper: 0.75. */
  rho: 0.75,
  /** α of the momentum step x + α(z − x) + (1 − α)(x − x_prev). Paper: 0.75. */
  momentum: 0.75,
  /** Start from a random point on the ε-sphere (the reference's start). */
  randomStart: true,
  /** Seed of the random start. */
  seed: 0,
  /** Passes averaged per gradient (EOT); 1 for a deterministic model. The reference's eot_iter: 1 (20 for randomized defences). */
  eotSamples: 1,
} as const satisfies ApgdOptions;

export const APGD_L2_DEFAULTS = {
  ...APGD_LINF_DEFAULTS,
  /** Radius ε of the L2 ball, normalised input units (as Madry PGD L2's default here). AutoAttack: 0.5 (CIFAR-10, pixels). */
  epsilon: 1,
} as const satisfies ApgdOptions;

/** The option boxes of both APGD attacks; `epsilon` per norm. */
export function apgdMetas(distance: Distance): ParamMetas<ApgdOptions> {
  const epsilon: ParamMeta = distance === 'linf'
    ? epsilonMeta(3, 0.001, 'Radius of the L∞ ball, normalised units (MNIST 0.3 px = 0.974)')
    : epsilonMeta(30, 0.01, 'Radius of the L2 ball, normalised units (an MNIST image has ‖x‖₂ ≈ 30)');
  return {
    epsilon,
    steps: stepsMeta('Paper and AutoAttack: 100'),
    rho: { label: 'Checkpoint share ρ', kind: 'number', min: 0, max: 1, step: 0.05, doc: 'η halves when fewer than this share of recent steps raised the loss; paper: 0.75' },
    momentum: { label: 'Momentum α', kind: 'number', min: 0.01, max: 1, step: 0.05, doc: 'Weight of the new step against the last move; paper: 0.75 (1 = no momentum)' },
    randomStart: { label: 'Random start', kind: 'boolean', doc: 'Start from a random point on the ε-sphere (reference code)' },
    seed: { label: 'Seed', kind: 'integer', min: 0, max: 2 ** 31 - 1, step: 1, doc: 'Makes the random start reproducible' },
    eotSamples: { label: 'EOT draws per step', kind: 'integer', min: 1, max: 100, step: 1, doc: 'Passes (κ draws) averaged per gradient against randomized κ; 1 otherwise' },
  };
}

export const APGD_CE_LINF_PARAMS = paramSpecs(APGD_LINF_DEFAULTS, apgdMetas('linf'));
export const APGD_CE_L2_PARAMS = paramSpecs(APGD_L2_DEFAULTS, apgdMetas('l2'));

function makeApgdCe(distance: Distance): FixedEpsilonAttack<ApgdOptions> {
  const id = distance === 'linf' ? 'apgd-ce-linf' : 'apgd-ce-l2';
  return {
    id,
    name: distance === 'linf' ? 'APGD-CE L∞' : 'APGD-CE L2',
    kind: 'fixed-epsilon',
    distance,
    summary: 'AutoAttack\'s PGD on the cross-entropy: no step size to tune — it halves when progress stalls and restarts from the best point; momentum 0.75.',
    defaults: distance === 'linf' ? APGD_LINF_DEFAULTS : APGD_L2_DEFAULTS,
    targeted: true,
    params: distance === 'linf' ? APGD_CE_LINF_PARAMS : APGD_CE_L2_PARAMS,
    async run(ctx, x, labels, options) {
      const { adversarial, ...record } = await runApgd(ctx, id, distance, x, labels, options, 'ce');
      return { adversarial, iterations: record.iterations, record };
    },
  };
}

export const apgdCeLinf = makeApgdCe('linf');
export const apgdCeL2 = makeApgdCe('l2');
