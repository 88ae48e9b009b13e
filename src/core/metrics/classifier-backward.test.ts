import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import { repeatRows } from '../attacks/batch';
import { candidateGradients, candidateWeights, logitDifferenceSum, logitsAndGradient } from '../attacks/gradients';
import type { Classifier } from '../models/classifier';
import { TEST_NORMALIZATION } from '../attacks/test-classifiers';
import { jumpReluBackward } from '../op/gradient-mode';
import { retrofit } from '../retrofit/retrofit';
import { classifierFromRetrofit, type KappaSetting } from './classifier-from-retrofit';

/** The reference for the candidate pass: one tf.grad pass over x tiled K times (logits and gradients of that pass). */
function tiledGradients(clf: Classifier, x: tf.Tensor4D, labels: tf.Tensor1D, targets: tf.Tensor2D) {
  const [n, k] = targets.shape;
  return tf.tidy(() => {
    const weights = candidateWeights(labels, targets, clf.numClasses);
    const { logits, gradient } = logitsAndGradient(clf, repeatRows(x, k), (l) => tf.sum(tf.mul(l, weights)));
    const first = tf.gather(logits, tf.range(0, n * k, k, 'int32')) as tf.Tensor2D;
    logits.dispose(); // logitsAndGradient keeps it past any tidy
    return { logits: first, gradients: gradient };
  });
}

/** Dense → ReLU → dense → ReLU → dense, retrofitted: two JumpReLU layers. */
async function smallRetrofit(hiddenLayers: number) {
  const init = (seed: number) => ({ kernelInitializer: tf.initializers.glorotNormal({ seed }), biasInitializer: tf.initializers.randomNormal({ seed: seed + 9, stddev: 0.5 }) });
  const layers: tf.layers.Layer[] = [tf.layers.flatten({ inputShape: [4, 4, 1] })];
  for (let i = 0; i < hiddenLayers; i++) layers.push(tf.layers.dense({ units: 24, activation: 'relu', ...init(i + 1) }));
  layers.push(tf.layers.dense({ units: 5, ...init(7) }));
  const model = tf.sequential({ layers });
  return { model, r: await retrofit(model, 0) };
}

describe.each(NODE_BACKENDS)('retrofitted classifier under each gradient mode on %s', (backend) => {
  beforeAll(() => useBackend(backend));
  const x = () => tf.randomUniform([6, 4, 4, 1], -2, 2, 'float32', 3) as tf.Tensor4D;

  it('straight-through gradients at κ equal the base network\'s gradients (one hidden layer), exact ones do not', async () => {
    const { model, r } = await smallRetrofit(1);
    const xs = x();
    const labels = tf.tensor1d([0, 1, 2, 3, 4, 0], 'int32');
    const target = tf.tensor1d([1, 2, 3, 4, 0, 2], 'int32');
    const grad = (k: KappaSetting, mode: 'exact' | 'straight-through') => {
      const clf = classifierFromRetrofit(r, TEST_NORMALIZATION, k, jumpReluBackward(mode));
      const { logits, gradient } = logitsAndGradient(clf, xs, logitDifferenceSum(target, labels, 5));
      logits.dispose();
      return gradient;
    };
    const base = grad(0, 'exact');
    const st = grad(0.8, 'straight-through');
    const exact = grad(0.8, 'exact');
    expect(Array.from(st.dataSync())).toEqual(Array.from(base.dataSync()));
    expect(Array.from(exact.dataSync())).not.toEqual(Array.from(base.dataSync()));
    tf.dispose([xs, labels, target, base, st, exact]);
    model.dispose();
    r.model.dispose();
  });

  it.each([0.6, { randomized: { b: 0.8, seed: 4 } }] as KappaSetting[])('κ = %j: same logits in every mode; the hand-written backward equals tf.grad in every mode', async (kappa) => {
    const { model, r } = await smallRetrofit(2);
    const xs = x();
    const labels = tf.tensor1d([0, 1, 2, 3, 4, 0], 'int32');
    const targets = tf.tensor2d([1, 2, 2, 3, 3, 4, 4, 0, 0, 1, 1, 2], [6, 2], 'int32');
    const before = tf.memory().numTensors;
    const logitsOf = (mode: 'exact' | 'straight-through' | 'smoothed') => {
      // Two views: a randomized view's first pass draws the same κs in each, so both paths see one network.
      const view = () => classifierFromRetrofit(r, TEST_NORMALIZATION, kappa, jumpReluBackward(mode, 0.2));
      const fast = candidateGradients(view(), xs, labels, targets);
      // tf.grad over the batch tiled per candidate, in one pass of its own (so a randomized view's first draw).
      const slow = tiledGradients(view(), xs, labels, targets);
      const err = tf.tidy(() => tf.max(tf.abs(tf.sub(fast.gradients, slow.gradients))).dataSync()[0]);
      expect(err, mode).toBeLessThan(1e-5);
      const out = Array.from(fast.logits.dataSync());
      tf.dispose([fast.logits, fast.gradients, slow.logits, slow.gradients]);
      return out;
    };
    const exact = logitsOf('exact');
    expect(logitsOf('straight-through')).toEqual(exact);
    expect(logitsOf('smoothed')).toEqual(exact);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xs, labels, targets]);
    model.dispose();
    r.model.dispose();
  });
});
