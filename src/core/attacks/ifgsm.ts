/**
 * IFGSM as the JumpReLU paper runs it (its tables call it "PGD") — Kurakin, Goodfellow, Bengio,
 * "Adversarial examples in the physical world", arXiv:1607.02533; paper eq. (5).
 * Distance: L∞. Repeated FGSM steps of size ε, each applied only to images still classified correctly;
 * no projection onto an ε-ball and no random start, so it behaves as a minimization attack: an image
 * stops moving once it is fooled, and its iteration count says how many steps that took. Accuracy on
 * the result after t steps is therefore read off one run (see metrics/accuracy-vs-iterations).
 * Targeted (goal.ts): steps descend the target's cross-entropy, and an image stops once it is the target.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherRows, perImage, scatterRows, argmaxRows, take } from './batch';
import { activeSetLoop } from './active-set';
import { logitsAndGradient } from './gradients';
import { exactSign } from './norms';
import type { MinimizationAttack } from './types';
import { epsilonMeta, onBoth, paramSpecs, stepsMeta } from './params';
import { checkIterations, checkNonNegative } from './validate';

export interface IfgsmOptions {
  epsilon: number;
  steps: number;
}

export const IFGSM_DEFAULTS = {
  /** Size of each step, L∞, normalised input units. Paper: 0.01 (MNIST and CIFAR-10). */
  epsilon: 0.01,
  /** Maximum number of steps. Paper: 40 (MNIST), 7 (CIFAR-10). Library (BIM): 10. */
  steps: 40,
} as const satisfies IfgsmOptions;

export const IFGSM_PARAMS = paramSpecs(IFGSM_DEFAULTS, {
  epsilon: epsilonMeta(3, 0.001, 'Size of each signed step, L∞, normalised units; paper 0.01', onBoth(0.01)),
  steps: stepsMeta('Paper: 40 (MNIST), 7 (CIFAR-10)', { mnist: 40, cifar10: 7 }),
});

export const ifgsm: MinimizationAttack<IfgsmOptions> = {
  id: 'ifgsm',
  name: 'IFGSM (paper "PGD")',
  kind: 'minimization',
  distance: 'linf',
  summary: 'FGSM steps of size ε, repeated only while the image is still classified correctly (the paper\'s "PGD").',
  defaults: IFGSM_DEFAULTS,
  targeted: true,
  params: IFGSM_PARAMS,
  async run(ctx, x, _labels, { epsilon, steps }) {
    checkNonNegative('ifgsm', 'epsilon', epsilon);
    checkIterations('ifgsm', 'steps', steps);
    return activeSetLoop(ctx, x, steps, async (active, xAdv) => {
      const xa = gatherRows(xAdv, active);
      const { logits, gradient } = logitsAndGradient(ctx.classifier, xa, ctx.goal.objective(active, ctx.classifier.numClasses));
      const preds = await take(argmaxRows(logits));
      logits.dispose();
      // The gradient pass also tells which images the previous step fooled: they stop here.
      const still = active.map((r, j) => (ctx.goal.reached(r, preds[j]) ? 0 : 1));
      const next = tf.tidy(() => {
        const mask = perImage(tf.tensor1d(still, 'float32'), 4);
        const stepped = ctx.clip(tf.add(xa, tf.mul(tf.mul(exactSign(gradient), mask), epsilon)));
        return scatterRows(xAdv, active, stepped);
      });
      xa.dispose();
      gradient.dispose();
      return { next, active: active.filter((_, j) => still[j] === 1) };
    });
  },
};
