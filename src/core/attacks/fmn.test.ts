import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import { GRADIENT_MODES } from '../op/gradient-mode';
import { fmnL2, fmnLinf } from './fmn';
import { predict, runAttack } from './run-attack';
import type { Classifier } from '../models/classifier';
import { affineClassifier, closedForm, TEST_NORMALIZATION, tinyJumpNetwork } from './test-classifiers';

describe.each(NODE_BACKENDS)('FMN on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([
    ['L2', fmnL2, 2, 'l2'],
    ['L∞', fmnLinf, 1, 'linf'],
  ] as const)('%s: converges to the closed-form minimal distance on an affine classifier', async (_name, attack, q, key) => {
    // FMN follows the margin to the strongest other class, so the closed form (nearest boundary over all
    // classes) is its answer when there is one other class; with ten it is a lower bound.
    for (const classes of [2, 10]) {
      const clf = affineClassifier([4, 4, 1], classes, 7);
      const x = tf.randomUniform([8, 4, 4, 1], -0.5, 0.5, 'float32', 3) as tf.Tensor4D;
      const labels = await predict(clf, x);
      const exact = await closedForm(clf.weights, clf.bias, x, q);
      const before = tf.memory().numTensors;
      const r = await runAttack(attack, clf, x, labels, { clip: 'pixel', steps: 200 });
      r.adversarial.dispose();
      expect(tf.memory().numTensors).toBe(before);
      // The best iterate lies on the boundary to float precision: writing it back into the batch can
      // round it onto the label's side, so a few images may count as not fooled at the minimal norm.
      expect(r.success.reduce((a, v) => a + v, 0)).toBeGreaterThanOrEqual(6);
      for (let i = 0; i < 8; i++) {
        expect(r[key][i], `${classes} classes, image ${i}`).toBeGreaterThanOrEqual(exact[i] * (1 - 1e-3));
        if (classes === 2) expect(r[key][i], `image ${i}`).toBeLessThanOrEqual(exact[i] * 1.01);
        expect(r.iterations[i]).toBe(200);
      }
      x.dispose();
      clf.dispose();
    }
  });

  it.each([
    ['L2', fmnL2, 'l2'],
    ['L∞', fmnLinf, 'linf'],
  ] as const)('%s: reaches the boundary when part of the gradient points out of the input box', async (_name, attack, key) => {
    // margin f₀ − f₁ = x₀ + x₁ + 2.4 at x = (−2, 0): x₀ sits on the box's lower face (pixel range [−2, 2]),
    // so only x₁ can move and the minimal distance is 0.4 in both norms. With the raw gradient (1, 1) the
    // L2 budget's linear estimate counts x₀ too and FMN only creeps towards the boundary (margin ~1e-4
    // after 100 steps, as on 7% of MNIST test images); L∞'s per-pixel projection gets there either way.
    const w = tf.tensor2d([[1, 0], [1, 0]]);
    const b = tf.tensor1d([2.4, 0]);
    const clf: Classifier = {
      numClasses: 2, inputShape: [1, 2, 1], normalization: TEST_NORMALIZATION,
      logits: (t) => tf.tidy(() => tf.add(tf.matMul(tf.reshape(t, [t.shape[0], 2]), w), b) as tf.Tensor2D),
    };
    const x = tf.tensor4d([-2, 0], [1, 1, 2, 1]);
    const before = tf.memory().numTensors;
    const r = await runAttack(attack, clf, x, [0], { clip: 'pixel', steps: 100 });
    const out = clf.logits(r.adversarial);
    const [f0, f1] = await out.data();
    tf.dispose([out, r.adversarial]);
    expect(tf.memory().numTensors).toBe(before);
    // The linear estimate is exact here, so FMN lands on the boundary itself (a tie keeps the label).
    expect(Math.abs(f0 - f1)).toBeLessThan(1e-5);
    expect(r[key][0]).toBeGreaterThanOrEqual(0.4 * (1 - 1e-3));
    expect(r[key][0]).toBeLessThanOrEqual(0.4 * 1.01);
    tf.dispose([w, b, x]);
  });

  it.each(GRADIENT_MODES)('runs under the %s gradient mode on a JumpReLU network and fools it', async (mode) => {
    const net = tinyJumpNetwork([4, 4, 1], 16, 5, 0.5, 61);
    const x = tf.randomUniform([8, 4, 4, 1], -1.5, 1.5, 'float32', 12) as tf.Tensor4D;
    const labels = await predict(net, x);
    const before = tf.memory().numTensors;
    const r = await runAttack(fmnL2, net, x, labels, { clip: 'pixel', steps: 50, gradientMode: mode, smoothingTau: 0.1 });
    r.adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(r.success.reduce((a, v) => a + v, 0)).toBeGreaterThanOrEqual(7);
    x.dispose();
    net.dispose();
  });

  it('rejects bad options with a clear message', async () => {
    const clf = affineClassifier([2, 2, 1], 3, 1);
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const label = Array.from(await predict(clf, x));
    await expect(runAttack(fmnL2, clf, x, label, { gammaInit: 1 })).rejects.toThrow(/fmn-l2: gammaInit = 1 is outside/);
    await expect(runAttack(fmnL2, clf, x, label, { alphaInit: 0 })).rejects.toThrow(/fmn-l2: alphaInit = 0 is outside/);
    await expect(runAttack(fmnL2, clf, x, label, { gradientMode: 'smoothed', smoothingTau: -1 })).rejects.toThrow(/τ must be a finite number > 0/);
    x.dispose();
    clf.dispose();
  });
});
