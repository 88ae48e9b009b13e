import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import { NORMALIZATION } from '../data/normalization';
import { loadShardNode } from '../data/shard-node';
import { classifierFromRetrofit } from '../metrics/classifier-from-retrofit';
import type { Classifier } from '../models/classifier';
import { loadModelNode } from '../models/load-node';
import { shardBatch } from '../data/shard-batch';
import { retrofit } from '../retrofit/retrofit';
import { deepFoolL2, deepFoolLinf, nearestBoundary } from './deepfool';
import { makeGoal } from './goal';
import { logitDifferenceSum, logitsAndGradient } from './gradients';
import { l2 } from './norms';
import { predict, runAttack } from './run-attack';
import { affineClassifier, closedForm, tinyJumpNetwork } from './test-classifiers';
import type { AttackContext } from './types';

describe.each(NODE_BACKENDS)('DeepFool on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  describe.each([
    ['L2', deepFoolL2, 2, 'l2'],
    ['L∞', deepFoolLinf, 1, 'linf'],
  ] as const)('%s', (_name, attack, q, normKey) => {
    it.each(['paper', 'library'] as const)('reaches the closed-form minimal distance on an affine classifier (%s rule)', async (stepRule) => {
      const clf = affineClassifier([4, 4, 1], 10, 7);
      const x = tf.randomUniform([8, 4, 4, 1], -0.5, 0.5, 'float32', 3) as tf.Tensor4D;
      const labels = await predict(clf, x); // every image starts correctly classified
      const expected = await closedForm(clf.weights, clf.bias, x, q);
      const before = tf.memory().numTensors;
      const result = await runAttack(attack, clf, x, labels, { clip: 'pixel', stepRule });
      result.adversarial.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const overshoot = 1 + attack.defaults.overshoot;
      for (let i = 0; i < 8; i++) {
        const got = normKey === 'l2' ? result.l2[i] : result.linf[i];
        expect(result.success[i]).toBe(1);
        expect(result.skipped[i]).toBe(0);
        // Linear model: the first step lands exactly (1 + overshoot)·(d + 1e-4) away, past the boundary.
        expect(result.iterations[i]).toBe(1);
        expect(got).toBeGreaterThanOrEqual(expected[i] * (1 - 1e-4));
        expect(got).toBeLessThanOrEqual(overshoot * (expected[i] + 1e-4) * (1 + 1e-4) + 1e-6);
      }
      tf.dispose([x]);
      clf.dispose();
    });
  });

  it('skips images that are already misclassified, with zero perturbation', async () => {
    const clf = affineClassifier([4, 4, 1], 5, 11);
    const x = tf.randomUniform([6, 4, 4, 1], -0.5, 0.5, 'float32', 5) as tf.Tensor4D;
    const pred = await predict(clf, x);
    const labels = Array.from(pred, (p, i) => (i % 2 === 0 ? (p + 1) % 5 : p));
    const result = await runAttack(deepFoolL2, clf, x, labels, { clip: 'pixel' });
    for (let i = 0; i < 6; i++) {
      expect(result.skipped[i]).toBe(i % 2 === 0 ? 1 : 0);
      expect(result.success[i]).toBe(1);
      if (i % 2 === 0) {
        expect(result.l2[i]).toBe(0);
        expect(result.rhoLinf[i]).toBe(0);
        expect(result.iterations[i]).toBe(0);
      } else {
        expect(result.l2[i]).toBeGreaterThan(0);
      }
    }
    tf.dispose([x, result.adversarial]);
    clf.dispose();
  });

  it('limits candidates and steps as asked', async () => {
    const clf = affineClassifier([4, 4, 1], 10, 13);
    const x = tf.randomUniform([4, 4, 4, 1], -0.5, 0.5, 'float32', 9) as tf.Tensor4D;
    const labels = await predict(clf, x);
    const none = await runAttack(deepFoolLinf, clf, x, labels, { clip: 'pixel', steps: 0 });
    expect(Array.from(none.iterations)).toEqual([0, 0, 0, 0]);
    expect(Array.from(none.success)).toEqual([0, 0, 0, 0]);
    const one = await runAttack(deepFoolLinf, clf, x, labels, { clip: 'pixel', candidates: 1 });
    expect(Array.from(one.success)).toEqual([1, 1, 1, 1]);
    tf.dispose([x, none.adversarial, one.adversarial]);
    clf.dispose();
  });
});

describe.each(NODE_BACKENDS)('DeepFool batching on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  /** The per-candidate definition, one gradient pass per candidate: what the tiled pass must equal. */
  function perCandidate(clf: Classifier, x: tf.Tensor4D, labels: tf.Tensor1D, k: number) {
    tf.engine().startScope();
    try {
      const n = x.shape[0];
      const logits = clf.logits(x);
      const others = tf.where(tf.oneHot(labels, clf.numClasses).toBool(), tf.fill(logits.shape, -Infinity), logits);
      const order = tf.topk(others, k).indices.arraySync() as number[][];
      const f = logits.arraySync() as number[][];
      const y = labels.arraySync() as number[];
      const out = { distance: new Float64Array(n), target: new Int32Array(n), direction: [] as number[][] };
      for (let i = 0; i < n; i++) {
        let best = Infinity;
        for (const cls of order[i]) {
          const { logits: l, gradient } = logitsAndGradient(clf, tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]),
            logitDifferenceSum(tf.tensor1d([cls], 'int32'), tf.tensor1d([y[i]], 'int32'), clf.numClasses));
          l.dispose();
          const w = Array.from(gradient.dataSync());
          const d = Math.max(0, f[i][y[i]] - f[i][cls]) / (Math.hypot(...w) + 1e-12);
          if (d < best) { best = d; out.target[i] = cls; out.direction[i] = w; }
        }
        out.distance[i] = best;
      }
      return out;
    } finally {
      tf.engine().endScope();
    }
  }

  it('nearestBoundary (one tiled pass, any chunking) equals one gradient pass per candidate', () => {
    const clf = tinyJumpNetwork([4, 4, 1], 12, 10, 0.2, 21);
    const x = tf.randomUniform([7, 4, 4, 1], -1, 1, 'float32', 4) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 3, 9, 1, 5, 5, 2], 'int32');
    const ref = perCandidate(clf, x, labels, 9);
    const ctx: AttackContext = { classifier: clf, goal: makeGoal(new Int32Array(0), null), clip: (t) => t, tick: async () => {} };
    // 16 input elements × 9 candidates per image: a budget of 2·16·9 splits 7 images into chunks 2, 2, 2, 1.
    for (const budget of [undefined, 2 * 16 * 9]) {
      const got = nearestBoundary(ctx, x, labels, l2, 9, budget);
      expect(Array.from(got.target.dataSync())).toEqual(Array.from(ref.target));
      const dist = got.distance.dataSync();
      const dir = got.direction.arraySync() as number[][][][];
      for (let i = 0; i < 7; i++) {
        expect(dist[i]).toBeCloseTo(ref.distance[i], 5);
        dir[i].flat(2).forEach((v, j) => expect(v).toBeCloseTo(ref.direction[i][j], 5));
      }
      tf.dispose([got.distance, got.direction, got.target]);
    }
    tf.dispose([x, labels]);
    clf.dispose();
  });

  it('a batch gives each image the attack it gets alone (shipped MNIST model at κ = 1: same steps, same adversarial)', async () => {
    const { card, model } = await loadModelNode('mnist-lenetlike-base');
    const shard = await loadShardNode('mnist');
    const norm = NORMALIZATION.mnist;
    const r = await retrofit(model, card.kappa.default);
    const clf = classifierFromRetrofit(r, norm, card.kappa.default);
    const n = 12;
    const x = shardBatch(shard, 0, n, norm);
    const labels = shard.labels.subarray(0, n);
    const before = tf.memory().numTensors;
    const batched = await runAttack(deepFoolL2, clf, x, labels, { steps: 40 });
    const adv = batched.adversarial.arraySync();
    for (let i = 0; i < n; i++) {
      const xi = tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]);
      const alone = await runAttack(deepFoolL2, clf, xi, [labels[i]], { steps: 40 });
      expect(alone.iterations[0], `image ${i}`).toBe(batched.iterations[i]);
      expect(alone.success[0]).toBe(batched.success[i]);
      const a = (alone.adversarial.arraySync() as number[][][][])[0].flat(2);
      // Equal up to float rounding, which can flip a JumpReLU mask or a max-pool tie at a kink and so move
      // a stray pixel (seen: 2 of 784 on one image); the perturbation sizes agree to 1e-3.
      const moved = adv[i].flat(2).filter((v, j) => Math.abs(v - a[j]) > 1e-4).length;
      expect(moved, `image ${i}`).toBeLessThanOrEqual(8);
      expect(Math.abs(alone.l2[0] - batched.l2[i]), `image ${i}`).toBeLessThan(1e-3 * batched.l2[i]);
      tf.dispose([xi, alone.adversarial]);
    }
    batched.adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // Several images need more than one step: the comparison covers the active set shrinking mid-batch.
    expect(Array.from(batched.iterations).filter((t) => t > 1).length).toBeGreaterThan(1);
    tf.dispose([x]);
    model.dispose();
    r.model.dispose();
  });
});
