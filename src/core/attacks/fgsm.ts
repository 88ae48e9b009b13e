/**
 * FGSM — Goodfellow, Shlens, Szegedy, "Explaining and Harnessing Adversarial Examples", arXiv:1412.6572.
 * Paper eq. (4): x̃ = clip(x + ε·sign(∇x L(F(x), y))). Distance: L∞ (‖Δ‖∞ ≤ ε). Fixed-ε attack.
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropySum, logitsAndGradient } from './gradients';
import { epsilonMeta, paramSpecs } from './params';
import { checkNonNegative } from './validate';
import type { FixedEpsilonAttack } from './types';

export interface FgsmOptions {
  epsilon: number;
}

export const FGSM_DEFAULTS = {
  /**
   * Step size ε, L∞, normalised input units. Paper: 0.3 (MNIST) / 0.03 (CIFAR-10) for FGSM adversarial
   * training. Library (torchattacks): 8/255 in pixel units.
   */
  epsilon: 0.3,
} as const satisfies FgsmOptions;

export const FGSM_PARAMS = paramSpecs(FGSM_DEFAULTS, {
  epsilon: epsilonMeta(3, 0.001, 'Size of the one signed step, L∞, normalised units'),
});

export const fgsm: FixedEpsilonAttack<FgsmOptions> = {
  id: 'fgsm',
  name: 'FGSM',
  kind: 'fixed-epsilon',
  distance: 'linf',
  summary: 'One step of size ε along the sign of the loss gradient.',
  defaults: FGSM_DEFAULTS,
  params: FGSM_PARAMS,
  async run(ctx, x, labels, { epsilon }) {
    checkNonNegative('fgsm', 'epsilon', epsilon);
    await ctx.tick(0, 1, x.shape[0]);
    const { logits, gradient } = logitsAndGradient(ctx.classifier, x, crossEntropySum(labels, ctx.classifier.numClasses));
    logits.dispose();
    const adversarial = tf.tidy(() => ctx.clip(tf.add(x, tf.mul(tf.sign(gradient), epsilon))));
    gradient.dispose();
    return { adversarial, iterations: new Int32Array(x.shape[0]).fill(1) };
  },
};
