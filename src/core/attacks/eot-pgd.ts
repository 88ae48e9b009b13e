/**
 * EOT-PGD — Expectation over Transformation (Athalye, Engstrom, Ilyas, Kwok, "Synthesizing Robust
 * Adversarial Examples", arXiv:1707.07397; used against randomized defences in Athalye, Carlini, Wagner,
 * arXiv:1802.00420) on Madry's L∞ PGD. Distance: L∞. Fixed-ε attack.
 *
 * Against randomized JumpReLU (κ ~ U[0.6b, b] per layer and pass) one gradient is the gradient of one
 * random network; EOT ascends the expected loss instead: each step averages the cross-entropy gradient
 * over `samples` forward/backward passes, each drawing fresh κs. On a deterministic classifier it is
 * PGD with `samples` times the cost. Gradient-based: runs under every gradient mode.
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropySum, logitsAndGradient } from './gradients';
import { linf } from './norms';
import type { FixedEpsilonAttack } from './types';
import { epsilonMeta, paramSpecs, stepsMeta, type ParamMetas } from './params';
import { runPgd } from './pgd';

export interface EotPgdOptions {
  epsilon: number;
  stepSize: number;
  steps: number;
  samples: number;
  randomStart: boolean;
  seed: number;
}

export const EOT_PGD_DEFAULTS = {
  /** L∞ radius ε, normalised input units (as Madry PGD's default). */
  epsilon: 0.3,
  /** Step size α of each signed step, same units. Madry (MNIST): 0.01. */
  stepSize: 0.01,
  /** Number of steps. Madry (MNIST): 40. */
  steps: 40,
  /** R: forward/backward passes (κ draws) averaged per step. Athalye et al.: 10–30 for randomized defences. */
  samples: 10,
  /** Start from a uniform random point of the ε-ball. */
  randomStart: true,
  /** Seed of the random start. */
  seed: 0,
} as const satisfies EotPgdOptions;

export const EOT_PGD_PARAMS = paramSpecs(EOT_PGD_DEFAULTS, {
  epsilon: epsilonMeta(3, 0.001, 'Radius of the L∞ ball, normalised units'),
  stepSize: { label: 'Step α', kind: 'number', min: 0, max: 1, step: 0.001, doc: 'Madry MNIST: 0.01' },
  steps: stepsMeta('Madry: 40'),
  samples: { label: 'Draws R per step', kind: 'integer', min: 1, max: 100, step: 1, doc: 'Passes (κ draws) averaged per gradient; Athalye et al.: 10–30' },
  randomStart: { label: 'Random start', kind: 'boolean', doc: 'Start from a random point of the ε-ball' },
  seed: { label: 'Seed', kind: 'integer', min: 0, max: 2 ** 31 - 1, step: 1, doc: 'Makes the random start reproducible' },
} satisfies ParamMetas<EotPgdOptions>);

export const eotPgd: FixedEpsilonAttack<EotPgdOptions> = {
  id: 'eot-pgd',
  name: 'EOT-PGD (L∞)',
  kind: 'fixed-epsilon',
  distance: 'linf',
  summary: 'PGD against randomized κ: every step follows the gradient averaged over R random draws of the network.',
  defaults: EOT_PGD_DEFAULTS,
  params: EOT_PGD_PARAMS,
  /** PGD by override: the same loop (pgd.ts `runPgd`), each step's gradient the sum of R draws (its sign is the mean's). */
  run: (ctx, x, labels, options) => runPgd(ctx, x, labels, options, {
    id: 'eot-pgd',
    norm: linf,
    check: () => {
      if (!Number.isInteger(options.samples) || options.samples < 1) throw new Error(`eot-pgd: samples (R) must be an integer ≥ 1, got ${String(options.samples)}`);
    },
    objective: () => crossEntropySum(labels, ctx.classifier.numClasses),
    gradient: (c, xAdv, objective) => {
      let sum: tf.Tensor4D | null = null;
      for (let r = 0; r < options.samples; r++) {
        const { logits, gradient } = logitsAndGradient(c.classifier, xAdv, objective);
        logits.dispose();
        const next: tf.Tensor4D = sum === null ? gradient : tf.add(sum, gradient);
        if (sum !== null) tf.dispose([sum, gradient]);
        sum = next;
      }
      return sum!;
    },
  }),
};
