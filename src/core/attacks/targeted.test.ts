import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import type { Classifier } from '../models/classifier';
import { deepFoolL2, deepFoolLinf } from './deepfool';
import { fgsm } from './fgsm';
import { ATTACKS } from './index';
import { ifgsm } from './ifgsm';
import { pgd } from './pgd';
import { predict, runAttack } from './run-attack';
import { affineClassifier, TEST_NORMALIZATION } from './test-classifiers';
import { trustRegionL2 } from './trust-region';

/**
 * Three classes on 2×2 inputs with known geometry: f₀ = 0, f₁ = 2·x₁ − 1, f₂ = 2·x₂ − 3 (x₁, x₂ the first
 * two pixels). At x = 0 the class is 0; leaving it is cheapest towards class 1 (x₁ > 0.5, distance 0.5),
 * while becoming class 2 needs x₂ > 1.5 (distance 1.5 along x₂, in L2 and L∞ alike) — and that alone.
 */
function threeClasses(): Classifier & { dispose(): void } {
  const w = tf.tensor2d([[0, 2, 0], [0, 0, 2], [0, 0, 0], [0, 0, 0]]);
  const b = tf.tensor1d([0, -1, -3]);
  return {
    numClasses: 3,
    inputShape: [2, 2, 1],
    normalization: TEST_NORMALIZATION,
    logits: (x) => tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0], 4]), w), b) as tf.Tensor2D),
    dispose: () => tf.dispose([w, b]),
  };
}

const origin = () => tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
const pixels = async (t: tf.Tensor) => Array.from(await t.data());

describe.each(NODE_BACKENDS)('targeted attacks on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([['L2', deepFoolL2], ['L∞', deepFoolLinf]] as const)('DeepFool %s goes straight to the target\'s boundary: 1.5·(1 + overshoot) along x₂', async (_n, attack) => {
    const clf = threeClasses();
    const x = origin();
    const before = tf.memory().numTensors;
    const untargeted = await runAttack(attack, clf, x, [0], { clip: 'pixel' });
    const targeted = await runAttack(attack, clf, x, [0], { clip: 'pixel', targets: [2] });
    expect(Array.from(untargeted.predictions)).toEqual([1]);
    expect(Array.from(targeted.predictions)).toEqual([2]);
    expect(Array.from(targeted.success)).toEqual([1]);
    const expected = 1.02 * (1.5 + 1e-4);
    const adv = await pixels(targeted.adversarial);
    expect(adv[0]).toBeCloseTo(0, 6);
    expect(adv[1]).toBeCloseTo(expected, 4);
    expect(targeted.l2[0]).toBeCloseTo(expected, 4);
    expect(targeted.iterations[0]).toBe(1);
    tf.dispose([untargeted.adversarial, targeted.adversarial]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    clf.dispose();
  });

  it('FGSM steps down the target\'s cross-entropy: x₂ up, x₁ down, the zero-weight pixels unmoved', async () => {
    const clf = threeClasses();
    const x = origin();
    const r = await runAttack(fgsm, clf, x, [0], { clip: 'pixel', epsilon: 0.2, targets: [2] });
    expect(await pixels(r.adversarial)).toEqual([expect.closeTo(-0.2, 6), expect.closeTo(0.2, 6), 0, 0]);
    expect(r.success[0]).toBe(0); // one step of 0.2 does not reach x₂ > 1.5: the result says so
    const far = await runAttack(fgsm, clf, x, [0], { clip: 'pixel', epsilon: 1.6, targets: [2] });
    expect(Array.from(far.predictions)).toEqual([2]);
    tf.dispose([x, r.adversarial, far.adversarial]);
    clf.dispose();
  });

  it('IFGSM stops on the step that reaches the target: ⌈1.5 / 0.04⌉ = 38 (untargeted: ⌈0.5 / 0.04⌉ = 13 to class 1)', async () => {
    const clf = threeClasses();
    const x = origin();
    const t = await runAttack(ifgsm, clf, x, [0], { clip: 'pixel', epsilon: 0.04, steps: 100, targets: [2] });
    const u = await runAttack(ifgsm, clf, x, [0], { clip: 'pixel', epsilon: 0.04, steps: 100 });
    expect([t.iterations[0], t.predictions[0]]).toEqual([38, 2]);
    expect([u.iterations[0], u.predictions[0]]).toEqual([13, 1]);
    tf.dispose([x, t.adversarial, u.adversarial]);
    clf.dispose();
  });

  it('PGD (Madry) and Trust Region reach the target; Trust Region along x₂ only, at the boundary', async () => {
    const clf = threeClasses();
    const x = origin();
    const p = await runAttack(pgd, clf, x, [0], { clip: 'pixel', epsilon: 1.8, stepSize: 0.1, steps: 30, randomStart: false, targets: [2] });
    expect(Array.from(p.predictions)).toEqual([2]);
    const tr = await runAttack(trustRegionL2, clf, x, [0], { clip: 'pixel', radius: 0.1, steps: 100, targets: [2] });
    expect(Array.from(tr.predictions)).toEqual([2]);
    const adv = await pixels(tr.adversarial);
    expect(adv[0]).toBeCloseTo(0, 6);
    expect(adv[1]).toBeGreaterThan(1.5);
    expect(adv[1]).toBeLessThan(1.51);
    tf.dispose([x, p.adversarial, tr.adversarial]);
    clf.dispose();
  });

  it('on a random 10-class affine classifier every targeted DeepFool/Trust Region run reaches its target, never closer than the y–t boundary', async () => {
    const clf = affineClassifier([4, 4, 1], 10, 11);
    const x = tf.randomUniform([6, 4, 4, 1], -0.5, 0.5, 'float32', 5) as tf.Tensor4D;
    const labels = await predict(clf, x);
    const targets = Array.from(labels, (y, i) => (y + 1 + i) % 10);
    const W = await clf.weights.array();
    const logits = clf.logits(x);
    const f = await logits.array();
    logits.dispose();
    const before = tf.memory().numTensors;
    const runs = [
      () => runAttack(deepFoolL2, clf, x, labels, { clip: 'pixel', targets }),
      () => runAttack(trustRegionL2, clf, x, labels, { clip: 'pixel', targets, radius: 0.05, steps: 400 }),
    ];
    for (const run of runs) {
      const r = await run();
      expect(Array.from(r.predictions)).toEqual(targets);
      expect(Array.from(r.success)).toEqual(targets.map(() => 1));
      targets.forEach((t, i) => {
        const y = labels[i];
        const bound = (f[i][y] - f[i][t]) / Math.hypot(...W.map((row) => row[t] - row[y]));
        expect(r.l2[i]).toBeGreaterThanOrEqual(bound * (1 - 1e-4));
      });
      r.adversarial.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    clf.dispose();
  });
});

describe('targeted runs are checked', () => {
  it('refuse a target equal to the label, outside the classes, the wrong count, or an attack without a targeted mode', async () => {
    await useBackend('cpu');
    const clf = threeClasses();
    const x = origin();
    await expect(runAttack(deepFoolL2, clf, x, [0], { targets: [0] })).rejects.toThrow(/its own class 0/);
    await expect(runAttack(deepFoolL2, clf, x, [0], { targets: [3] })).rejects.toThrow(/not a class \(0–2\)/);
    await expect(runAttack(deepFoolL2, clf, x, [0], { targets: [1.5] })).rejects.toThrow(/not a class/);
    await expect(runAttack(deepFoolL2, clf, x, [0], { targets: [1, 2] })).rejects.toThrow(/expected 1, got 2/);
    const untargetable = { ...deepFoolL2, targeted: undefined };
    await expect(runAttack(untargetable, clf, x, [0], { targets: [2] })).rejects.toThrow(/no targeted mode/);
    // An image already classified as its target is skipped: zero perturbation, success.
    const done = await runAttack(deepFoolL2, clf, tf.tensor4d([0, 2, 0, 0], [1, 2, 2, 1]), [0], { targets: [2] });
    expect([done.skipped[0], done.success[0], done.l2[0]]).toEqual([1, 1, 0]);
    done.adversarial.dispose();
    // Misclassified but not as the target: attacked, and "fooled" is not "reached".
    const wrong = tf.tensor4d([0.6, 0, 0, 0], [1, 2, 2, 1]); // class 1, labelled 0
    const moved = await runAttack(deepFoolL2, clf, wrong, [0], { clip: 'pixel', targets: [2] });
    expect([moved.skipped[0], moved.predictions[0], moved.success[0]]).toEqual([0, 2, 1]);
    const aimed = await runAttack(trustRegionL2, clf, wrong, [0], { clip: 'pixel', steps: 1, targets: [2] });
    expect([aimed.predictions[0], aimed.success[0]]).toEqual([1, 0]);
    tf.dispose([wrong, moved.adversarial, aimed.adversarial]);
    x.dispose();
    clf.dispose();
  });

  it('every registered attack says whether it has a targeted mode', () => {
    const modes = Object.fromEntries(Object.entries(ATTACKS).map(([id, a]) => [id, Boolean((a as { targeted?: boolean }).targeted)]));
    expect(modes).toMatchObject({ fgsm: true, ifgsm: true, pgd: true, 'pgd-l2': true, 'deepfool-l2': true, 'deepfool-linf': true, 'trust-region-l2': true, 'trust-region-linf': true });
  });
});
