import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import { deepFoolL2, deepFoolLinf } from './deepfool';
import { predict, runAttack } from './run-attack';
import { affineClassifier } from './test-classifiers';

/** Closed-form minimal distance to misclassification of an affine classifier: min_k gap_k / ‖w_k − w_y‖_q. */
async function closedForm(w: tf.Tensor2D, b: tf.Tensor1D, x: tf.Tensor4D, q: 1 | 2): Promise<Float64Array> {
  const [d, c] = w.shape;
  const W = await w.data();
  const f = await tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0], d]), w), b)).data();
  const out = new Float64Array(x.shape[0]);
  for (let i = 0; i < x.shape[0]; i++) {
    let y = 0;
    for (let k = 1; k < c; k++) if (f[i * c + k] > f[i * c + y]) y = k;
    let best = Infinity;
    for (let k = 0; k < c; k++) {
      if (k === y) continue;
      let norm = 0;
      for (let j = 0; j < d; j++) {
        const diff = W[j * c + k] - W[j * c + y];
        norm += q === 2 ? diff * diff : Math.abs(diff);
      }
      best = Math.min(best, (f[i * c + y] - f[i * c + k]) / (q === 2 ? Math.sqrt(norm) : norm));
    }
    out[i] = best;
  }
  return out;
}

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
