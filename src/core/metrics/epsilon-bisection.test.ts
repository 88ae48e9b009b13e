import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { apgdCeLinf } from '../attacks/apgd-ce';
import { apgdTLinf } from '../attacks/apgd-t';
import { deepFoolLinf } from '../attacks/deepfool';
import { predict, runAnyAttack } from '../attacks/run-attack';
import { closedForm, TEST_NORMALIZATION, tinyJumpNetwork } from '../attacks/test-classifiers';
import type { Classifier } from '../models/classifier';
import { useBackend } from '../../testing/backends';
import { epsilonBisection } from './epsilon-bisection';

/**
 * An affine classifier whose minimal L∞ distance is |margin|/‖w_y − w_o‖₁ and which APGD reaches in one
 * step: classes 0 and 1 compete; class 2 (weights 0, bias −10⁴) is never near, so the CE gradient's sign
 * is sign(w_o − w_y) and the targeted DLR's denominator is all but constant (APGD-T needs 3 classes).
 * Inputs in [−0.5, 0.5], ε ≤ 0.8: the pixel box [−2, 2] never binds.
 */
function twoWayAffine(seed: number): Classifier & { w: tf.Tensor2D; b: tf.Tensor1D } {
  const d = 16;
  const w = tf.tidy(() => tf.concat([tf.randomNormal([d, 2], 0, 1, 'float32', seed), tf.zeros([d, 1])], 1) as tf.Tensor2D);
  const b = tf.tensor1d([0.3, -0.2, -1e4]);
  return {
    w, b, numClasses: 3, inputShape: [4, 4, 1], normalization: TEST_NORMALIZATION,
    logits: (x) => tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0], d]), w), b) as tf.Tensor2D),
  };
}

const STEPS = 10;

describe('ε bisection of a fixed-budget attack', () => {
  beforeAll(() => useBackend('cpu'));

  it.each([['APGD-CE L∞', apgdCeLinf], ['APGD-T L∞', apgdTLinf]] as const)(
    '%s on an affine classifier: the smallest fooling budget lies within the resolution above the exact minimal L∞ distance',
    async (_, attack) => {
      const clf = twoWayAffine(5);
      const x = tf.randomUniform([4, 4, 4, 1], -0.5, 0.5, 'float32', 9) as tf.Tensor4D;
      const labels = await predict(clf, x);
      const exact = await closedForm(clf.w, clf.b, x, 1);
      const before = tf.memory().numTensors;
      // Brackets: above the truth; below it (the expanded end brackets it); far below (not fooled within 2×);
      // image 3 carries a wrong label, so it is misclassified already: ε 0.
      const upper = [1.5 * exact[0], 0.8 * exact[1], 0.3 * exact[2], exact[3]];
      const given = Int32Array.from(labels);
      given[3] = 2;
      const r = await epsilonBisection(attack, clf, x, given, { upper, steps: STEPS, expand: 2, attackOptions: { clip: 'pixel' } });
      expect(tf.memory().numTensors).toBe(before + 1);
      for (const i of [0, 1]) {
        expect(exact[i], `image ${i}`).toBeGreaterThan(0.005);
        const resolution = (i === 0 ? upper[0] : 2 * upper[1]) / 2 ** STEPS;
        // The truth is bracketed: the budget below it did not fool, the one found did, and they are `resolution` apart.
        expect(r.lower[i]).toBeLessThanOrEqual(exact[i] * (1 + 1e-4));
        expect(r.epsilon[i]).toBeGreaterThanOrEqual(exact[i] * (1 - 1e-4));
        expect(r.epsilon[i] - r.lower[i]).toBeLessThanOrEqual(resolution * (1 + 1e-9));
        expect(r.epsilon[i] - exact[i]).toBeLessThanOrEqual(resolution * (1 + 1e-3));
        expect(r.success[i]).toBe(1);
      }
      expect(r.epsilon[2]).toBe(Infinity);
      expect(r.lower[2]).toBeCloseTo(0.6 * exact[2], 6);
      expect(r.success[2]).toBe(0);
      expect(r.epsilon[3]).toBe(0);
      expect(r.success[3]).toBe(1);
      // The returned images: fooling ones within their budget; the unfooled and the skipped image unchanged.
      const pred = await predict(clf, r.adversarial);
      const dist = await tf.tidy(() => tf.max(tf.abs(tf.sub(r.adversarial, x)), [1, 2, 3])).data();
      for (const i of [0, 1]) {
        expect(pred[i]).not.toBe(labels[i]);
        expect(dist[i]).toBeLessThanOrEqual(r.epsilon[i] * (1 + 1e-5));
      }
      expect(dist[2]).toBe(0);
      expect(dist[3]).toBe(0);
      // Ends probed, then 10 halvings, per fooled image; the skipped one took one run, the unfooled two.
      expect(r.runs).toBe((1 + STEPS) + (2 + STEPS) + 2 + 1);
      tf.dispose([r.adversarial, x, clf.w, clf.b]);
    },
  );

  it('straight-through gradients on a JumpReLU network: fooled at the found budget, not at the one below (same seed)', async () => {
    const net = tinyJumpNetwork([4, 4, 1], 12, 4, 0.2, 3);
    const x = tf.randomUniform([2, 4, 4, 1], -1, 1, 'float32', 7) as tf.Tensor4D;
    const labels = await predict(net, x);
    const attackOptions = { clip: 'pixel' as const, gradientMode: 'straight-through' as const, steps: 20 };
    const before = tf.memory().numTensors;
    const r = await epsilonBisection(apgdCeLinf, net, x, labels, { upper: [1, 1], steps: 6, expand: 2, attackOptions });
    for (let i = 0; i < 2; i++) {
      expect(r.success[i]).toBe(1);
      expect(r.epsilon[i] - r.lower[i]).toBeLessThanOrEqual((r.lower[i] >= 1 ? 2 : 1) / 2 ** 6 + 1e-12);
      const xi = tf.slice(x, [i], [1]);
      const at = await runAnyAttack(apgdCeLinf, net, xi, [labels[i]], { ...attackOptions, epsilon: r.epsilon[i] });
      const below = await runAnyAttack(apgdCeLinf, net, xi, [labels[i]], { ...attackOptions, epsilon: r.lower[i] });
      expect(at.success[0]).toBe(1);
      expect(below.success[0]).toBe(0);
      tf.dispose([xi, at.adversarial, below.adversarial]);
    }
    r.adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  });

  it('refuses what it cannot bisect, with a clear message', async () => {
    const clf = twoWayAffine(1);
    const x = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
    const ok = { upper: [0.1, 0.1], steps: 3, expand: 2 };
    await expect(epsilonBisection(deepFoolLinf, clf, x, [0, 0], ok)).rejects.toThrow(/only a fixed-ε attack/);
    await expect(epsilonBisection(apgdCeLinf, clf, x, [0, 0], { ...ok, attackOptions: { epsilon: 0.1 } })).rejects.toThrow(/must not set epsilon/);
    await expect(epsilonBisection(apgdCeLinf, clf, x, [0, 0], { ...ok, upper: [0.1] })).rejects.toThrow(/1 upper ends for 2 images/);
    await expect(epsilonBisection(apgdCeLinf, clf, x, [0, 0], { ...ok, upper: [0.1, 0] })).rejects.toThrow(/image 1 must be a finite number > 0/);
    await expect(epsilonBisection(apgdCeLinf, clf, x, [0, 0], { ...ok, steps: 1.5 })).rejects.toThrow(/steps must be an integer/);
    await expect(epsilonBisection(apgdCeLinf, clf, x, [0, 0], { ...ok, expand: 0.5 })).rejects.toThrow(/expand must be/);
    tf.dispose([x, clf.w, clf.b]);
  });
});
