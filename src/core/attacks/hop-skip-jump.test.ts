import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import { hopSkipJump } from './hop-skip-jump';
import { predict, runAttack } from './run-attack';
import { affineClassifier, closedForm } from './test-classifiers';

describe.each(NODE_BACKENDS)('HopSkipJump on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('reaches the closed-form minimal L2 distance of a two-class affine classifier from labels alone', async () => {
    const clf = affineClassifier([4, 4, 1], 2, 7);
    const x = tf.randomUniform([6, 4, 4, 1], -0.5, 0.5, 'float32', 3) as tf.Tensor4D;
    const labels = await predict(clf, x);
    const exact = await closedForm(clf.weights, clf.bias, x, 2);
    const before = tf.memory().numTensors;
    const r = await runAttack(hopSkipJump, clf, x, labels, { clip: 'pixel', steps: 15 });
    r.adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < 6; i++) {
      expect(r.success[i], `image ${i}`).toBe(1);
      expect(r.l2[i]).toBeGreaterThanOrEqual(exact[i] * (1 - 1e-4));
      expect(r.l2[i], `image ${i}`).toBeLessThanOrEqual(exact[i] * 1.05);
    }
    x.dispose();
    clf.dispose();
  });

  it('uses labels only (refuses a gradient mode); rejects zero queries', async () => {
    const clf = affineClassifier([2, 2, 1], 3, 1);
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const label = Array.from(await predict(clf, x));
    await expect(runAttack(hopSkipJump, clf, x, label, { gradientMode: 'smoothed' })).rejects.toThrow(/reads labels only/);
    await expect(runAttack(hopSkipJump, clf, x, label, { initialEvals: 0 })).rejects.toThrow(/hop-skip-jump: initialEvals = 0 is outside 1–10000/);
    x.dispose();
    clf.dispose();
  });
});
