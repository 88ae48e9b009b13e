import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { deepFoolL2, deepFoolLinf } from './deepfool';
import { predict, runAttack } from './run-attack';
import { affineClassifier, tinyJumpNetwork } from './test-classifiers';
import { trustRegionL2, trustRegionLinf } from './trust-region';

describe('Trust Region', () => {
  beforeAll(() => useBackend('cpu'));

  it.each([
    ['L2', trustRegionL2, 'l2'],
    ['L∞', trustRegionLinf, 'linf'],
  ] as const)('%s: on an affine classifier, radius-capped steps reach DeepFool\'s minimal distance', async (_n, attack, key) => {
    const clf = affineClassifier([4, 4, 1], 6, 17);
    const x = tf.randomUniform([6, 4, 4, 1], -0.5, 0.5, 'float32', 2) as tf.Tensor4D;
    const labels = await predict(clf, x);
    // DeepFool's single step on a linear model is (1.02)·(d + 1e-4): d follows from it.
    const df = await runAttack(deepFoolL2, clf, x, labels, { clip: 'pixel' });
    const dfLinf = await runAttack(deepFoolLinf, clf, x, labels, { clip: 'pixel' });
    const reference = key === 'l2' ? df.l2 : dfLinf.linf;
    const radius = key === 'l2' ? 0.02 : 0.002;
    const before = tf.memory().numTensors;
    const tr = await runAttack(attack, clf, x, labels, { clip: 'pixel', radius });
    const adaptive = await runAttack(attack, clf, x, labels, { clip: 'pixel', radius, adaptiveRadius: true });
    for (let i = 0; i < 6; i++) {
      const d = reference[i] / 1.02 - 1e-4;
      const got = key === 'l2' ? tr.l2[i] : tr.linf[i];
      expect(tr.success[i]).toBe(1);
      expect(got).toBeGreaterThanOrEqual(d * (1 - 1e-3));
      expect(got).toBeLessThanOrEqual(reference[i] * (1 + 1e-3) + 1e-5);
      // Every step but the last is exactly one radius long.
      expect(tr.iterations[i]).toBe(Math.max(1, Math.ceil((d * (1 - 1e-4)) / radius)));
      // A linear model predicts its own decrease exactly (ratio 1), so the adaptive radius only grows.
      expect(adaptive.iterations[i]).toBeLessThanOrEqual(tr.iterations[i]);
      expect(adaptive.success[i]).toBe(1);
    }
    expect(adaptive.iterations.reduce((a, b) => a + b, 0)).toBeLessThan(tr.iterations.reduce((a, b) => a + b, 0));
    tf.dispose([tr.adversarial, adaptive.adversarial]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, df.adversarial, dfLinf.adversarial]);
    clf.dispose();
  });

  it('fools a small JumpReLU network with a perturbation no larger than DeepFool\'s (within 10%)', async () => {
    const net = tinyJumpNetwork([4, 4, 1], 16, 5, 0.3, 41);
    const x = tf.randomUniform([8, 4, 4, 1], -1, 1, 'float32', 6) as tf.Tensor4D;
    const labels = await predict(net, x);
    const tr = await runAttack(trustRegionL2, net, x, labels, { clip: 'pixel', radius: 0.01 });
    const df = await runAttack(deepFoolL2, net, x, labels, { clip: 'pixel' });
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(tr.success.every((v) => v === 1)).toBe(true);
    expect(mean(tr.l2)).toBeLessThanOrEqual(mean(df.l2) * 1.1);
    tf.dispose([x, tr.adversarial, df.adversarial]);
    net.dispose();
  });
});
