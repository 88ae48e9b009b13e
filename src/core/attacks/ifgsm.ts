/**
 * IFGSM as the JumpReLU paper runs it (its tables call it "PGD") — Kurakin, Goodfellow, Bengio,
 * "Adversarial examples in the physical world", arXiv:1607.02533; paper eq. (5).
 * Distance: L∞. Repeated FGSM steps of size ε, each applied only to images still classified correctly;
 * no projection onto an ε-ball and no random start, so it behaves as a minimization attack: an image
 * stops moving once it is fooled, and its iteration count says how many steps that took. Accuracy on
 * the result after t steps is therefore read off one run (see metrics/accuracy-vs-iterations).
 */
import * as tf from '@tensorflow/tfjs';
import { gatherRows, perImage, scatterRows, argmaxRows, take } from './batch';
import { crossEntropySum, logitsAndGradient } from './gradients';
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
  params: IFGSM_PARAMS,
  async run(ctx, x, labels, { epsilon, steps }) {
    checkNonNegative('ifgsm', 'epsilon', epsilon);
    checkIterations('ifgsm', 'steps', steps);
    const n = x.shape[0];
    const y = Int32Array.from(await labels.data());
    const iterations = new Int32Array(n);
    let active = Array.from({ length: n }, (_, i) => i);
    let xAdv = tf.clone(x);
    try {
      for (let t = 0; t < steps && active.length > 0; t++) {
        await ctx.tick(t, steps, active.length);
        const xa = gatherRows(xAdv, active);
        const ya = tf.tensor1d(active.map((r) => y[r]), 'int32');
        const { logits, gradient } = logitsAndGradient(ctx.classifier, xa, crossEntropySum(ya, ctx.classifier.numClasses));
        ya.dispose();
        const preds = await take(argmaxRows(logits));
        logits.dispose();
        // The gradient pass also tells which images the previous step fooled: they stop here.
        const still = active.map((r, j) => (preds[j] === y[r] ? 1 : 0));
        const next = tf.tidy(() => {
          const mask = perImage(tf.tensor1d(still, 'float32'), 4);
          const stepped = ctx.clip(tf.add(xa, tf.mul(tf.mul(tf.sign(gradient), mask), epsilon)));
          return scatterRows(xAdv, active, stepped);
        });
        xa.dispose();
        gradient.dispose();
        xAdv.dispose();
        xAdv = next;
        active = active.filter((_, j) => still[j] === 1);
        for (const r of active) iterations[r]++;
      }
    } catch (err) {
      xAdv.dispose();
      throw err;
    }
    return { adversarial: xAdv, iterations };
  },
};
