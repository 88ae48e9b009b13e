import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { affineClassifier, closedForm, type AffineClassifier } from '../attacks/test-classifiers';
import { apgdCeLinf } from '../attacks/apgd-ce';
import { runAttack } from '../attacks/run-attack';
import { squareLinf } from '../attacks/square';
import type { EvalSet } from './eval-set';
import { asStraightThrough, ensembleRobustAccuracy, pixelSpaceClassifier, robustEpsilons } from './robust-accuracy';

// TEST_NORMALIZATION: mean 0.5, std 0.25 — a pixel ε is 4× as large in normalised units.
const STD = 0.25;
const SETTINGS = { steps: 30, targetClasses: 2, queries: 50 };

describe('robust accuracy from the APGD-CE / APGD-T / Square ensemble (affine classifier: known answers)', () => {
  let model: AffineClassifier;
  let set: EvalSet;
  let minimal: Float64Array; // the exact smallest L∞ perturbation per image, pixel units
  let predicted: Int32Array;
  beforeAll(async () => {
    await useBackend('cpu');
    model = affineClassifier([4, 4, 1], 3, 11);
    // Normalised values in [−1, 1]: pixels in [0.25, 0.75], so no clip binds for ε ≤ 0.25 px.
    const x = tf.randomUniform([24, 4, 4, 1], -1, 1, 'float32', 5) as tf.Tensor4D;
    predicted = Int32Array.from(await tf.tidy(() => tf.argMax(model.logits(x), 1)).data());
    const labels = Int32Array.from(predicted);
    labels[0] = (labels[0] + 1) % 3; // two images misclassified from the start
    labels[1] = (labels[1] + 1) % 3;
    set = { x, labels, indices: Int32Array.from({ length: 24 }, (_, i) => i) };
    minimal = (await closedForm(model.weights, model.bias, x, 1)).map((d) => d * STD);
  });
  afterAll(() => {
    set.x.dispose();
    model.dispose();
  });

  it('the pixel-space view gives the same logits on pixels as the classifier on normalised inputs', async () => {
    const view = pixelSpaceClassifier(model);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(view.logits(tf.add(tf.mul(set.x, STD), 0.5) as tf.Tensor4D), model.logits(set.x)))));
    expect((await diff.data())[0]).toBeLessThan(1e-5);
    diff.dispose();
    expect(view.normalization).toEqual({ mean: [0], std: [1] });
  });

  it('breaks exactly the images whose smallest L∞ perturbation is below ε (pixel ε = normalised ε / std), no leaks', async () => {
    const correct = Array.from(minimal).map((_, i) => i).filter((i) => i > 1);
    const sorted = correct.map((i) => minimal[i]).sort((a, b) => a - b);
    const eps = sorted[Math.floor(sorted.length / 2)];
    expect(eps).toBeLessThan(0.25);
    const before = tf.memory().numTensors;
    const px = await ensembleRobustAccuracy(model, set, { epsilon: eps, units: 'pixel', label: 'px' }, 'exact', SETTINGS);
    const nm = await ensembleRobustAccuracy(model, set, { epsilon: eps / STD, units: 'normalised', label: 'norm' }, 'exact', SETTINGS);
    expect(tf.memory().numTensors).toBe(before);
    for (const { row, outcome } of [px, nm]) {
      expect(row.cleanAccuracy).toBeCloseTo(22 / 24, 10);
      // Below ε (with a margin for the attack's float steps): broken; above: no attack can break it.
      const shouldBreak = correct.filter((i) => minimal[i] < 0.97 * eps);
      const cannot = correct.filter((i) => minimal[i] > 1.001 * eps);
      shouldBreak.forEach((i) => expect(outcome.success[i]).toBe(1));
      cannot.forEach((i) => expect(outcome.success[i]).toBe(0));
      const robust = 24 - 2 - Array.from(outcome.success).reduce((a, v) => a + v, 0);
      expect(row.robustAccuracy).toBeCloseTo(robust / 24, 10);
      expect(row.robustAccuracy).toBeGreaterThanOrEqual(cannot.length / 24 - 1e-12);
      expect(row.robustAccuracy).toBeLessThanOrEqual((correct.length - shouldBreak.length) / 24 + 1e-12);
      expect(shouldBreak.length).toBeGreaterThan(3);
      expect(cannot.length).toBeGreaterThan(3);
      // Norms in normalised units: inside the ball, never below the exact minimum.
      correct.forEach((i) => {
        if (!outcome.success[i]) return;
        expect(outcome.linf[i]).toBeLessThanOrEqual((eps / STD) * (1 + 1e-4));
        expect(outcome.linf[i]).toBeGreaterThanOrEqual((minimal[i] / STD) * (1 - 1e-3));
      });
      expect(Object.values(row.brokenBy).reduce((a, v) => a + v, 0)).toBe(Array.from(outcome.success).reduce((a, v) => a + v, 0));
      expect(row.attacks).toContain('APGD-CE');
      expect(row.attacks).toContain('Square');
    }
  });

  it('the grid: pixel budgets per data set and the paper\'s IFGSM reach in normalised units', () => {
    const mnist = robustEpsilons('mnist');
    expect(mnist.filter((e) => e.units === 'pixel').map((e) => e.epsilon)).toEqual([0.1, 0.2, 0.3]);
    expect(mnist.find((e) => e.units === 'normalised')?.epsilon).toBeCloseTo(0.4, 10); // 40 × 0.01
    const cifar = robustEpsilons('cifar10');
    expect(cifar.filter((e) => e.units === 'pixel').map((e) => e.epsilon)).toEqual([2 / 255, 4 / 255, 8 / 255]);
    expect(cifar.find((e) => e.units === 'normalised')?.epsilon).toBeCloseTo(0.07, 10); // 7 × 0.01
  });

  it('APGD hands its record through runAttack, row j of it being the j-th attacked image; Square has none', async () => {
    const r = await runAttack(apgdCeLinf, model, set.x, set.labels, { epsilon: 0.5, steps: 10 });
    try {
      expect(r.record!.rows).toEqual(Array.from({ length: 22 }, (_, i) => i + 2)); // images 0 and 1 start misclassified
      expect(r.record!.data.everAdversarial).toHaveLength(22);
      r.record!.rows.forEach((i, j) => { if (r.success[i]) expect(r.record!.data.everAdversarial[j]).toBe(1); });
      expect(r.record!.data.runs[0].run.trace).toHaveLength(11);
    } finally {
      r.adversarial.dispose();
    }
    const sq = await runAttack(squareLinf, model, set.x, set.labels, { epsilon: 0.5, queries: 3 });
    expect(sq.record).toBeUndefined();
    sq.adversarial.dispose();
  });

  it('randomized: the final points are judged on several fresh draws (mean reported, each kept); EOT named; no leak', async () => {
    const eps = { epsilon: 0.05, units: 'pixel' as const, label: '0.05' };
    const before = tf.memory().numTensors;
    // Deterministic model: every draw agrees with the attacks' own verdict.
    const fixed = await ensembleRobustAccuracy(model, set, eps, 'exact', SETTINGS, { draws: 3 });
    const broken = 2 + Array.from(fixed.outcome.success).reduce((a, v) => a + v, 0);
    expect(fixed.row.drawAccuracies).toEqual([1, 1, 1].map(() => (24 - broken) / 24));
    // A model whose logits get fresh noise on every pass (a stand-in for κ ~ U[0.6b, b]).
    let pass = 0;
    const noisy = { ...model, logits: (x: tf.Tensor4D) => tf.tidy(() => tf.add(model.logits(x), tf.randomNormal([x.shape[0], 3], 0, 3, 'float32', 100 + pass++))) as tf.Tensor2D };
    const r = await ensembleRobustAccuracy(noisy, set, eps, 'exact', SETTINGS, { draws: 4, eotSamples: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.row.drawAccuracies).toHaveLength(4);
    const mean = r.row.drawAccuracies!.reduce((a, v) => a + v, 0) / 4;
    expect(r.row.robustAccuracy).toBeCloseTo(mean, 12);
    expect(new Set(r.row.drawAccuracies).size).toBeGreaterThan(1); // the draws disagree: one draw is not a measurement
    expect(r.row.attacks).toContain('EOT 2');
    await expect(ensembleRobustAccuracy(model, set, eps, 'exact', SETTINGS, { draws: 0 })).rejects.toThrow(/draws must be a whole number ≥ 1/);
  });

  it('APGD-CE restarts: none flagged on the affine model (APGD\'s first run already finds every reachable image)', async () => {
    const correct = Array.from(minimal).map((_, i) => i).filter((i) => i > 1);
    const eps = correct.map((i) => minimal[i]).sort((a, b) => a - b)[Math.floor(correct.length / 2)];
    const before = tf.memory().numTensors;
    const once = await ensembleRobustAccuracy(model, set, { epsilon: eps, units: 'pixel', label: 'px' }, 'exact', SETTINGS);
    const twice = await ensembleRobustAccuracy(model, set, { epsilon: eps, units: 'pixel', label: 'px' }, 'exact', { ...SETTINGS, restarts: 2 });
    expect(tf.memory().numTensors).toBe(before);
    const restart = (r: typeof once) => r.row.indicators!['APGD-CE'].find((i) => i.id === 'non-converging-restarts')!;
    expect(restart(once).measured).toBe(false);
    expect(restart(twice)).toMatchObject({ measured: true, triggered: false, images: 0, of: 22 - once.row.brokenBy['APGD-CE'] });
    expect(twice.row.brokenBy['APGD-CE']).toBe(once.row.brokenBy['APGD-CE']);
    expect(twice.row.attacks).toMatch(/APGD-CE \(30 steps, 2 restarts, exact\)/);
    await expect(ensembleRobustAccuracy(model, set, { epsilon: eps, units: 'pixel', label: 'px' }, 'exact', { ...SETTINGS, restarts: 0.5 })).rejects.toThrow(/restarts must be a whole number ≥ 0/);
  });

  it('APGD-CE restarts: flagged where only the random start decides (a flat loss: the attack never moves from its start)', async () => {
    // Class 1 wins exactly when the image's mean rises above 0; its gradient is zero everywhere (sign), so APGD-CE
    // stays where its random start put it and fools about half the images; another start fools about half the rest.
    const flat = {
      ...model,
      logits: (x: tf.Tensor4D) => tf.tidy(() => {
        const up = tf.sub(tf.mul(tf.sign(tf.mean(x, [1, 2, 3])), 10), 1);
        return tf.stack([tf.zerosLike(up), up, tf.fill(up.shape, -5)], 1) as tf.Tensor2D;
      }),
    };
    const zeros: EvalSet = { x: tf.zeros([24, 4, 4, 1]) as tf.Tensor4D, labels: new Int32Array(24), indices: Int32Array.from({ length: 24 }, (_, i) => i) };
    const eps = { epsilon: 0.5, units: 'normalised' as const, label: '0.5' };
    const before = tf.memory().numTensors;
    try {
      const once = await ensembleRobustAccuracy(flat, zeros, eps, 'exact', { ...SETTINGS, steps: 5 });
      const twice = await ensembleRobustAccuracy(flat, zeros, eps, 'exact', { ...SETTINGS, steps: 5, restarts: 1 });
      expect(tf.memory().numTensors).toBe(before);
      const first = once.row.brokenBy['APGD-CE'];
      const restart = twice.row.indicators!['APGD-CE'].find((i) => i.id === 'non-converging-restarts')!;
      expect(first).toBeGreaterThan(3);
      expect(first).toBeLessThan(21);
      // The first run is the same (seed 0): the restart looks at what it left, and what it breaks is counted as broken.
      expect(restart).toMatchObject({ measured: true, triggered: true, of: 24 - first });
      expect(restart.images).toBeGreaterThan(0);
      expect(twice.row.brokenBy['APGD-CE']).toBe(first + restart.images);
      expect(restart.message).toMatch(/^APGD-CE L∞, exact gradients, ε 0\.5: non-converging restarts on \d+ of \d+ images \(fooled by one more random start after the first run failed\)\.$/);
    } finally {
      zeros.x.dispose();
    }
  });

  it('an exact row in the straight-through words equals a real straight-through run where the modes cannot differ', async () => {
    // An affine model has no ReLU: both backwards are the same, so the two runs differ only in their words,
    // as the κ = 0 runs of a JumpReLU network do (adaptive-suite.ts reuses the exact run there).
    const eps = { epsilon: 0.05, units: 'pixel' as const, label: 'px' };
    const exact = await ensembleRobustAccuracy(model, set, eps, 'exact', { ...SETTINGS, restarts: 1 });
    const st = await ensembleRobustAccuracy(model, set, eps, 'straight-through', { ...SETTINGS, restarts: 1 });
    expect(JSON.stringify(st.row)).toContain('straight-through');
    expect(asStraightThrough(exact.row)).toEqual(st.row);
    expect(() => asStraightThrough(st.row)).toThrow(/a straight-through row, not an exact one/);
    expect(st.outcome).toEqual(exact.outcome);
  });

  it('refuses a bad ε by name', async () => {
    await expect(ensembleRobustAccuracy(model, set, { epsilon: 0, units: 'pixel', label: '0' }, 'exact', SETTINGS)).rejects.toThrow(/ε must be a positive number/);
  });
});
