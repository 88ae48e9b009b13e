import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import { predict, runAttack } from './run-attack';
import { squareFraction, squareL2, squareLinf } from './square';
import { affineClassifier, closedForm } from './test-classifiers';

describe.each(NODE_BACKENDS)('Square Attack on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  // The minimal distance d* of an affine classifier is where Square's success must switch on: below it
  // nothing can fool (‖δ‖ ≤ ε holds), a little above it the random search finds the boundary.
  it.each([
    ['L∞', squareLinf, 1, 'linf', 1.1],
    ['L2', squareL2, 2, 'l2', 1.5],
  ] as const)('%s: fools nobody at ε = 0.98·d*, nearly everyone at ε slightly above d* (affine classifier)', async (_name, attack, q, key, above) => {
    const clf = affineClassifier([4, 4, 1], 10, 7);
    const x = tf.randomUniform([8, 4, 4, 1], -0.5, 0.5, 'float32', 3) as tf.Tensor4D;
    const labels = await predict(clf, x);
    const exact = await closedForm(clf.weights, clf.bias, x, q);
    let fooledAbove = 0;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 8; i++) {
      const xi = tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]);
      const below = await runAttack(attack, clf, xi, [labels[i]], { clip: 'pixel', epsilon: 0.98 * exact[i], queries: 300 });
      expect(below.success[0], `image ${i}`).toBe(0);
      expect(below[key][0]).toBeLessThanOrEqual(0.98 * exact[i] * (1 + 1e-5));
      const r = await runAttack(attack, clf, xi, [labels[i]], { clip: 'pixel', epsilon: above * exact[i], queries: 300 });
      fooledAbove += r.success[0];
      if (r.success[0]) expect(r.iterations[0]).toBeLessThan(300); // stops once fooled
      expect(r[key][0]).toBeLessThanOrEqual(above * exact[i] * (1 + 1e-5));
      tf.dispose([xi, below.adversarial, r.adversarial]);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(fooledAbove).toBeGreaterThanOrEqual(7);
    x.dispose();
    clf.dispose();
  });

  it('uses no gradients: refuses a gradient mode; rejects zero queries with a clear message', async () => {
    const clf = affineClassifier([2, 2, 1], 3, 1);
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const label = Array.from(await predict(clf, x));
    await expect(runAttack(squareLinf, clf, x, label, { gradientMode: 'straight-through' })).rejects.toThrow(/uses no gradients/);
    await expect(runAttack(squareLinf, clf, x, label, { queries: 0 })).rejects.toThrow(/square-linf: queries = 0 is outside 1–10000/);
    await expect(runAttack(squareL2, clf, x, label, { pInit: 2 })).rejects.toThrow(/square-l2: pInit = 2 is outside/);
    x.dispose();
    clf.dispose();
  });
});

describe('Square schedule', () => {
  it('halves p at the paper\'s fractions of the budget', () => {
    expect(squareFraction(0.8, 0, 1000)).toBe(0.8);
    expect(squareFraction(0.8, 2, 1000)).toBe(0.4); // 20 of 10,000 > 10
    expect(squareFraction(0.8, 999, 1000)).toBeCloseTo(0.8 / 512, 10);
  });
});
