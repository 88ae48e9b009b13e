/**
 * Standard PGD — Madry, Makelov, Schmidt, Tsipras, Vladu, "Towards Deep Learning Models Resistant to
 * Adversarial Attacks", arXiv:1706.06083. Distance: L∞ (L2 selectable). Fixed-ε attack: random start in
 * the ε-ball, `steps` ascent steps of size α on the cross-entropy, each followed by projection onto the
 * ε-ball around x and clipping; every image runs every step (no early stop). Not the paper's "PGD",
 * which is `ifgsm`.
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropySum, logitsAndGradient } from './gradients';
import { NORMS } from './norms';
import type { Distance, FixedEpsilonAttack } from './types';
import { checkIterations, checkNonNegative } from './validate';

export interface PgdOptions {
  epsilon: number;
  stepSize: number;
  steps: number;
  randomStart: boolean;
  seed: number;
  norm: Distance;
}

export const PGD_DEFAULTS = {
  /** Radius ε of the ball, normalised input units. Madry (MNIST): 0.3 in pixel units; foolbox: none. */
  epsilon: 0.3,
  /** Step size α, same units. Madry (MNIST): 0.01; foolbox: ε/30 for L∞ (rel_stepsize 0.01/0.3). */
  stepSize: 0.01,
  /** Number of steps. Madry (MNIST): 40 (100 for evaluation); foolbox: 40; torchattacks: 10. */
  steps: 40,
  /** Start from a uniform random point of the ε-ball. Madry: yes; foolbox/torchattacks: yes. */
  randomStart: true,
  /** Seed of the random start, so a run is reproducible. */
  seed: 0,
  /** 'linf' (Madry) or 'l2'. */
  norm: 'linf',
} as const satisfies PgdOptions;

export const pgd: FixedEpsilonAttack<PgdOptions> = {
  id: 'pgd',
  name: 'PGD (Madry)',
  kind: 'fixed-epsilon',
  distance: 'linf',
  defaults: PGD_DEFAULTS,
  async run(ctx, x, labels, options) {
    const { epsilon, stepSize, steps, randomStart, seed } = options;
    checkNonNegative('pgd', 'epsilon', epsilon);
    checkNonNegative('pgd', 'stepSize', stepSize);
    checkIterations('pgd', 'steps', steps);
    const norm = NORMS[options.norm];
    if (!norm) throw new Error(`pgd: unknown norm "${String(options.norm)}"`);
    const objective = crossEntropySum(labels, ctx.classifier.numClasses);
    const towards = (p: tf.Tensor4D) => tf.tidy(() => ctx.clip(tf.add(x, norm.project(tf.sub(p, x), epsilon)) as tf.Tensor4D));
    let xAdv = randomStart ? tf.tidy(() => towards(tf.add(x, norm.randomInBall(x.shape, epsilon, seed)) as tf.Tensor4D)) : tf.clone(x);
    try {
      for (let t = 0; t < steps; t++) {
        await ctx.tick(t, steps, x.shape[0]);
        const { logits, gradient } = logitsAndGradient(ctx.classifier, xAdv, objective);
        const next = tf.tidy(() => towards(tf.add(xAdv, tf.mul(norm.stepDirection(gradient), stepSize)) as tf.Tensor4D));
        logits.dispose();
        gradient.dispose();
        xAdv.dispose();
        xAdv = next;
      }
    } catch (err) {
      xAdv.dispose();
      throw err;
    }
    return { adversarial: xAdv, iterations: new Int32Array(x.shape[0]).fill(steps) };
  },
};
