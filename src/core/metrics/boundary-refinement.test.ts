import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import { deepFoolL2 } from '../attacks/deepfool';
import { predict, runAttack } from '../attacks/run-attack';
import { affineClassifier, closedForm } from '../attacks/test-classifiers';
import { refineToBoundary } from './boundary-refinement';

describe.each(NODE_BACKENDS)('boundary refinement on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('shrinks an overshooting DeepFool step on an affine classifier to the exact minimal L2 distance', async () => {
    const clf = affineClassifier([4, 4, 1], 10, 7);
    const x = tf.randomUniform([8, 4, 4, 1], -0.5, 0.5, 'float32', 3) as tf.Tensor4D;
    const labels = await predict(clf, x);
    const exact = await closedForm(clf.weights, clf.bias, x, 2);
    // Overshoot 0.5: the raw result is 1.5× the minimal distance; its direction is the optimal one.
    const raw = await runAttack(deepFoolL2, clf, x, labels, { clip: 'pixel', overshoot: 0.5 });
    const before = tf.memory().numTensors;
    const refined = await refineToBoundary(clf, x, raw.adversarial, labels, raw.success);
    expect(await predict(clf, refined.adversarial)).not.toEqual(labels);
    refined.adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (let i = 0; i < 8; i++) {
      expect(raw.l2[i]).toBeGreaterThan(1.45 * exact[i]);
      expect(refined.l2[i]).toBeGreaterThanOrEqual(exact[i] * (1 - 1e-5));
      expect(refined.l2[i]).toBeLessThanOrEqual(exact[i] * (1 + 1e-3));
      expect(refined.scale[i]).toBeCloseTo(exact[i] / raw.l2[i], 3);
    }
    tf.dispose([x, raw.adversarial]);
    clf.dispose();
  });

  it('targeted: refines toward the target (the exact first scale where the target wins), never stopping at another wrong class', async () => {
    const clf = affineClassifier([4, 4, 1], 10, 21);
    const x = tf.randomUniform([8, 4, 4, 1], -0.5, 0.5, 'float32', 4) as tf.Tensor4D;
    const labels = await predict(clf, x);
    const targets = Array.from(labels, (y) => (y + 5) % 10);
    const raw = await runAttack(deepFoolL2, clf, x, labels, { clip: 'pixel', overshoot: 0.5, targets });
    expect(Array.from(raw.success)).toEqual(new Array(8).fill(1));
    const toward = await refineToBoundary(clf, x, raw.adversarial, labels, raw.success, { targets });
    const anyWrong = await refineToBoundary(clf, x, raw.adversarial, labels, raw.success);
    expect(Array.from(await predict(clf, toward.adversarial))).toEqual(targets);
    // Logits are affine along the ray: z(s) = z0 + s (z1 − z0); the target wins from s* = max_k crossing(t, k).
    const z0 = await tf.tidy(() => clf.logits(x)).array();
    const z1 = await tf.tidy(() => clf.logits(raw.adversarial)).array();
    let strictlyLater = 0;
    for (let i = 0; i < 8; i++) {
      const t = targets[i];
      let star = 0;
      for (let k = 0; k < 10; k++) {
        if (k === t) continue;
        const a = z0[i][t] - z0[i][k];
        const b = (z1[i][t] - z1[i][k]) - a;
        if (a < 0 && b > 0) star = Math.max(star, -a / b);
      }
      expect(toward.scale[i]).toBeGreaterThanOrEqual(star - 1e-6);
      expect(toward.scale[i]).toBeLessThanOrEqual(star + 1e-3);
      expect(anyWrong.scale[i]).toBeLessThanOrEqual(toward.scale[i] + 1e-6);
      if (toward.scale[i] > anyWrong.scale[i] + 1e-3) strictlyLater++;
    }
    expect(strictlyLater).toBeGreaterThan(0); // some ray crosses another class before the target
    await expect(refineToBoundary(clf, x, raw.adversarial, labels, raw.success, { targets: [1] })).rejects.toThrow(/1 targets for 8 images/);
    tf.dispose([x, raw.adversarial, toward.adversarial, anyWrong.adversarial]);
    clf.dispose();
  });

  it('leaves images the attack did not fool, and skipped ones (δ = 0), as they were', async () => {
    const clf = affineClassifier([4, 4, 1], 5, 9);
    const x = tf.randomUniform([4, 4, 4, 1], -0.5, 0.5, 'float32', 5) as tf.Tensor4D;
    const pred = await predict(clf, x);
    const labels = Array.from(pred, (p, i) => (i === 0 ? (p + 1) % 5 : p)); // image 0 already wrong
    // A tiny perturbation that fools nobody on images 1–3; none on image 0 (skipped by an attack).
    const mask = tf.tensor4d([0, 1, 1, 1], [4, 1, 1, 1]);
    const adversarial = tf.tidy(() => tf.add(x, tf.mul(mask, tf.randomUniform(x.shape, -1e-4, 1e-4, 'float32', 8)))) as tf.Tensor4D;
    const refined = await refineToBoundary(clf, x, adversarial, labels, [1, 0, 0, 0]);
    expect(Array.from(refined.scale)).toEqual([0, 1, 1, 1]);
    const d = tf.tidy(() => tf.sum(tf.abs(tf.sub(refined.adversarial, adversarial))).dataSync()[0]);
    expect(d).toBe(0);
    tf.dispose([x, mask, adversarial, refined.adversarial]);
    clf.dispose();
  });

  it('stops on an aborted signal without leaking', async () => {
    const clf = affineClassifier([2, 2, 1], 3, 1);
    const x = tf.randomUniform([2, 2, 2, 1], -0.5, 0.5, 'float32', 2) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    await expect(refineToBoundary(clf, x, x, [0, 0], [1, 1], { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(before);
    await expect(refineToBoundary(clf, x, x, [0, 0], [1, 1], { gridPoints: 0 })).rejects.toThrow(/gridPoints must be ≥ 1/);
    x.dispose();
    clf.dispose();
  });
});
