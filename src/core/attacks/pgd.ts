/**
 * Standard PGD — Madry, Makelov, Schmidt, Tsipras, Vladu, "Towards Deep Learning Models Resistant to
 * Adversarial Attacks", arXiv:1706.06083. Distance: L∞ (`pgd`, Madry's) or L2 (`pgdL2`), one attack each
 * as in foolbox (LinfPGD / L2PGD) and torchattacks (PGD / PGDL2), so an attack's `distance` is the norm it
 * runs in and ρ is measured in that norm. Fixed-ε attack: random start in the ε-ball, `steps` ascent steps
 * of size α on the cross-entropy (signed for L∞, normalised for L2), each followed by projection onto the
 * ε-ball around x and clipping; every image runs every step (no early stop). Not the paper's "PGD",
 * which is `ifgsm`. Targeted (goal.ts): the steps descend the target class's cross-entropy instead.
 */
import * as tf from '@tensorflow/tfjs';
import { logitsAndGradient } from './gradients';
import { NORMS, type NormStrategy } from './norms';
import type { AttackContext, Distance, FixedEpsilonAttack } from './types';
import { epsilonMeta, paramSpecs, stepsMeta, type ParamMetas } from './params';
import { checkIterations, checkNonNegative } from './validate';

export interface PgdOptions {
  epsilon: number;
  stepSize: number;
  steps: number;
  randomStart: boolean;
  seed: number;
}

export const PGD_DEFAULTS = {
  /** Radius ε of the L∞ ball, normalised input units. Madry (MNIST): 0.3 in pixel units; foolbox: none. */
  epsilon: 0.3,
  /** Step size α, same units. Madry (MNIST): 0.01; foolbox: ε/30 for L∞ (rel_stepsize 0.01/0.3). */
  stepSize: 0.01,
  /** Number of steps. Madry (MNIST): 40 (100 for evaluation); foolbox: 40; torchattacks: 10. */
  steps: 40,
  /** Start from a uniform random point of the ε-ball. Madry: yes; foolbox/torchattacks: yes. */
  randomStart: true,
  /** Seed of the random start, so a run is reproducible. */
  seed: 0,
} as const satisfies PgdOptions;

export const PGD_L2_DEFAULTS = {
  /** Radius ε of the L2 ball, normalised input units. torchattacks PGDL2: 1.0; foolbox: none. */
  epsilon: 1,
  /** Step size α, same units: Madry's rule of thumb α = 2.5·ε/steps. torchattacks: 0.2; foolbox: 0.025·ε. */
  stepSize: 0.0625,
  /** Number of steps. foolbox: 50; torchattacks: 10; here as the L∞ attack: 40. */
  steps: 40,
  /** Start from a uniform random point of the ε-ball (Gaussian direction, radius ε·u^(1/d)). */
  randomStart: true,
  /** Seed of the random start, so a run is reproducible. */
  seed: 0,
} as const satisfies PgdOptions;

const PGD_METAS = {
  epsilon: epsilonMeta(3, 0.001, 'Radius of the L∞ ball, normalised units'),
  stepSize: { label: 'Step α', kind: 'number', min: 0, max: 1, step: 0.001, doc: 'Madry MNIST: 0.01' },
  steps: stepsMeta('Madry: 40 (100 for evaluation)'),
  randomStart: { label: 'Random start', kind: 'boolean', doc: 'Start from a random point of the ε-ball' },
  seed: { label: 'Seed', kind: 'integer', min: 0, max: 2 ** 31 - 1, step: 1, doc: 'Makes the random start reproducible' },
} as const satisfies ParamMetas<PgdOptions>;

export const PGD_PARAMS = paramSpecs(PGD_DEFAULTS, PGD_METAS);

/** L2 radii and steps are longer than L∞ ones: an MNIST image has ‖x‖₂ ≈ 30. */
export const PGD_L2_PARAMS = paramSpecs(PGD_L2_DEFAULTS, {
  ...PGD_METAS,
  epsilon: epsilonMeta(30, 0.01, 'Radius of the L2 ball, normalised units (an MNIST image has ‖x‖₂ ≈ 30)'),
  stepSize: { ...PGD_METAS.stepSize, max: 5, doc: 'L2 length of each step; rule of thumb 2.5·ε/steps' },
  steps: stepsMeta('foolbox: 50; torchattacks: 10'),
});

type Objective = (logits: tf.Tensor2D) => tf.Scalar;

/**
 * A PGD variant by override (as Foolbox's attacks specialise its base): PGD's one loop (random start,
 * ascent steps, projection, clipping) with the variant's objective and, if given, its step gradient.
 */
export interface PgdVariant {
  id: string;
  norm: NormStrategy;
  objective(): Objective;
  /** The gradient one step ascends at xAdv; default: the objective's gradient through the classifier. The caller disposes it. */
  gradient?(ctx: AttackContext, xAdv: tf.Tensor4D, objective: Objective): tf.Tensor4D;
  /** Checks the variant's own options (after ε, α and the steps). */
  check?(): void;
}

function plainGradient(ctx: AttackContext, xAdv: tf.Tensor4D, objective: Objective): tf.Tensor4D {
  const { logits, gradient } = logitsAndGradient(ctx.classifier, xAdv, objective);
  logits.dispose();
  return gradient;
}

/** PGD's loop: every image runs every step (no early stop). */
export async function runPgd(ctx: AttackContext, x: tf.Tensor4D, _labels: tf.Tensor1D, { epsilon, stepSize, steps, randomStart, seed }: Readonly<PgdOptions>,
  v: PgdVariant): Promise<{ adversarial: tf.Tensor4D; iterations: Int32Array }> {
  const { id, norm } = v;
  checkNonNegative(id, 'epsilon', epsilon);
  checkNonNegative(id, 'stepSize', stepSize);
  checkIterations(id, 'steps', steps);
  v.check?.();
  const objective = v.objective();
  const gradientAt = v.gradient ?? plainGradient;
  const towards = (p: tf.Tensor4D) => tf.tidy(() => ctx.clip(tf.add(x, norm.project(tf.sub(p, x), epsilon)) as tf.Tensor4D));
  let xAdv = randomStart ? tf.tidy(() => towards(tf.add(x, norm.randomInBall(x.shape, epsilon, seed)) as tf.Tensor4D)) : tf.clone(x);
  try {
    for (let t = 0; t < steps; t++) {
      await ctx.tick(t, steps, x.shape[0]);
      const gradient = gradientAt(ctx, xAdv, objective);
      const next = tf.tidy(() => towards(tf.add(xAdv, tf.mul(norm.stepDirection(gradient), stepSize)) as tf.Tensor4D));
      gradient.dispose();
      xAdv.dispose();
      xAdv = next;
    }
  } catch (err) {
    xAdv.dispose();
    throw err;
  }
  return { adversarial: xAdv, iterations: new Int32Array(x.shape[0]).fill(steps) };
}

function makePgd(distance: Distance): FixedEpsilonAttack<PgdOptions> {
  const id = distance === 'linf' ? 'pgd' : 'pgd-l2';
  const norm = NORMS[distance];
  return {
    id,
    name: distance === 'linf' ? 'PGD (Madry)' : 'PGD L2 (Madry)',
    kind: 'fixed-epsilon',
    distance,
    summary: distance === 'linf'
      ? 'Madry PGD: random start in the ε-ball, signed steps of size α, projected back onto the ball.'
      : 'Madry PGD in L2: random start in the ε-ball, gradient steps of L2 length α, projected back onto the ball.',
    defaults: distance === 'linf' ? PGD_DEFAULTS : PGD_L2_DEFAULTS,
    targeted: true,
    params: distance === 'linf' ? PGD_PARAMS : PGD_L2_PARAMS,
    run: (ctx, x, labels, options) => runPgd(ctx, x, labels, options, { id, norm, objective: () => ctx.goal.objective(null, ctx.classifier.numClasses) }),
  };
}

export const pgd = makePgd('linf');
export const pgdL2 = makePgd('l2');
