import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import type { Classifier } from '../models/classifier';
import { GRADIENT_MODES } from '../op/gradient-mode';
import { apgdCeL2, apgdCeLinf } from './apgd-ce';
import {
  apgdCheckpointFractions, apgdCheckpoints, apgdLossValue, apgdRun, apgdStep, runApgd, shouldHalve, type ApgdOptions,
} from './apgd-core';
import { apgdTL2, apgdTLinf } from './apgd-t';
import { applyClip } from './clip-range';
import { makeGoal } from './goal';
import { l2, linf } from './norms';
import { predict, runAttack } from './run-attack';
import { affineClassifier, closedForm, TEST_NORMALIZATION, tinyJumpNetwork } from './test-classifiers';
import type { AttackContext } from './types';

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

/** The run context `runAttack` would build, for the core functions (no skipping: every row is attacked). */
function context(classifier: Classifier, labels: Int32Array, targets: Int32Array | null = null): AttackContext {
  return {
    classifier,
    goal: makeGoal(labels, targets),
    clip: (t) => applyClip(t, { lo: [-2], hi: [2] }),
    tick: async () => undefined,
  };
}

describe('APGD schedule and rules (pure)', () => {
  it('checkpoints: the paper\'s fractions p_j and the reference\'s iterations (22, 41, …, 99 for N = 100)', () => {
    const p = apgdCheckpointFractions();
    const paper = [0, 0.22, 0.41, 0.57, 0.7, 0.8, 0.87, 0.93, 0.99];
    expect(p).toHaveLength(paper.length);
    p.forEach((v, j) => expect(v).toBeCloseTo(paper[j], 10));
    expect(apgdCheckpoints(100)).toEqual([22, 41, 57, 70, 80, 87, 93, 99]);
    expect(apgdCheckpoints(100)).toEqual(p.slice(1).map((v) => Math.ceil(v * 100 - 1e-9)));
    // Short runs: every period at least one iteration, never past the last.
    expect(apgdCheckpoints(10)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(apgdCheckpoints(1)).toEqual([1]);
    expect(apgdCheckpoints(0)).toEqual([]);
  });

  it('halves η on condition 1 (too few loss increases) or condition 2 (η kept last time and no new best)', () => {
    const base = { period: 20, rho: 0.75, halvedLast: true, bestLoss: 2, bestLossAtLastCheckpoint: 1 };
    expect(shouldHalve({ ...base, increases: 14 })).toBe(true); // 14 < 15
    expect(shouldHalve({ ...base, increases: 15 })).toBe(false); // paper: strictly fewer
    expect(shouldHalve({ ...base, increases: 20, halvedLast: false, bestLoss: 1 })).toBe(true); // condition 2
    expect(shouldHalve({ ...base, increases: 20, halvedLast: true, bestLoss: 1 })).toBe(false); // halved last time
    expect(shouldHalve({ ...base, increases: 20, halvedLast: false, bestLoss: 1.5 })).toBe(false); // improved
  });

  it('losses: CE, DLR and targeted DLR on known logits', () => {
    const z = [3, 1, 2, 0, -1]; // π = 0, 2, 1, 3, 4
    expect(apgdLossValue('ce', z, 0, 5, 1)).toBeCloseTo(Math.log(z.reduce((s, v) => s + Math.exp(v), 0)) - 1, 12);
    expect(apgdLossValue('ce-targeted', z, 0, 5, 0, 2)).toBeCloseTo(-(Math.log(z.reduce((s, v) => s + Math.exp(v), 0)) - 2), 12);
    expect(apgdLossValue('dlr', z, 0, 5, 0)).toBeCloseTo(-(3 - 2) / (3 - 1), 10); // label on top: the runner-up
    expect(apgdLossValue('dlr', z, 0, 5, 3)).toBeCloseTo(-(0 - 3) / (3 - 1), 10);
    expect(apgdLossValue('dlr-targeted', z, 0, 5, 0, 4)).toBeCloseTo(-(3 - -1) / (3 - (1 + 0) / 2), 10);
    // Scale and shift invariance of DLR (its point).
    // Three classes: z_π3 stands in for z_π4.
    expect(apgdLossValue('dlr-targeted', [3, 1, 2], 0, 3, 0, 2)).toBeCloseTo(-(3 - 2) / (3 - 1), 10);
    const scaled = z.map((v) => 7 * v + 3);
    expect(apgdLossValue('dlr-targeted', scaled, 0, 5, 0, 4)).toBeCloseTo(apgdLossValue('dlr-targeted', z, 0, 5, 0, 4), 8);
  });
});

describe.each(NODE_BACKENDS)('APGD on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('one step is x + α(z − x) + (1 − α)(x − x_prev), z = P(x + η·dir g) (hand-computed, L∞ and L2)', async () => {
    const t = (a: number[]) => tf.tensor4d(a, [1, 1, 2, 1]);
    const [x0, xk, xPrev, g] = [t([0, 0]), t([0.1, -0.1]), t([0.05, 0]), t([2, -3])];
    const clip = (v: tf.Tensor4D) => applyClip(v, { lo: [-2], hi: [2] });
    const before = tf.memory().numTensors;
    // L∞: z = clip([0.3, −0.3], ±0.25) = [0.25, −0.25]; x¹ = xk + 0.75·(z − xk) + 0.25·(xk − xPrev).
    const a = apgdStep(linf, x0, xk, xPrev, g, [0.2], 0.75, 0.25, clip);
    const got = Array.from(await a.data());
    expect(got[0]).toBeCloseTo(0.1 + 0.75 * 0.15 + 0.25 * 0.05, 6);
    expect(got[1]).toBeCloseTo(-0.1 - 0.75 * 0.15 - 0.25 * 0.1, 6);
    // L2, ε large enough not to bind: z = xk + η·g/‖g‖.
    const b = apgdStep(l2, x0, xk, xPrev, g, [0.2], 0.75, 10, clip);
    const n = Math.hypot(2, 3);
    const z = [0.1 + 0.2 * 2 / n, -0.1 - 0.2 * 3 / n];
    const want = [0.1 + 0.75 * (z[0] - 0.1) + 0.25 * 0.05, -0.1 + 0.75 * (z[1] + 0.1) + 0.25 * -0.1];
    Array.from(await b.data()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    // L2 projection onto the ball of radius 0.1 around x0.
    const c = apgdStep(l2, x0, xk, xPrev, g, [0.2], 1, 0.1, clip);
    expect(Math.hypot(...(await c.data()))).toBeCloseTo(0.1, 6);
    tf.dispose([a, b, c]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x0, xk, xPrev, g]);
  });

  // Two classes: CE rises exactly as the margin falls, so its maximiser in the ball is the minimal-margin
  // point and APGD-CE must fool every image whose closed-form distance d* is inside the ball.
  it.each([
    ['L∞', apgdCeLinf, 1, 'linf'],
    ['L2', apgdCeL2, 2, 'l2'],
  ] as const)('APGD-CE %s on a binary affine classifier: fools every image at ε = 1.02·d*, none at 0.98·d*', async (_n, attack, q, key) => {
    const clf = affineClassifier([4, 4, 1], 2, 11);
    const x = tf.randomUniform([8, 4, 4, 1], -0.5, 0.5, 'float32', 3) as tf.Tensor4D;
    const labels = await predict(clf, x);
    const exact = await closedForm(clf.weights, clf.bias, x, q);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 8; i++) {
      const xi = tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]);
      for (const [factor, fooled] of [[1.02, 1], [0.98, 0]] as const) {
        const r = await runAttack(attack, clf, xi, [labels[i]], { clip: 'pixel', epsilon: factor * exact[i] });
        expect(r.success[0], `image ${i}, ε = ${factor}·d*`).toBe(fooled);
        expect(r[key][0]).toBeLessThanOrEqual(factor * exact[i] * (1 + 1e-5));
        expect(r.iterations[0]).toBe(100);
        r.adversarial.dispose();
      }
      xi.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    clf.dispose();
  });

  // Ten classes: the nearest boundary may be any class; APGD-T's nine runs try every other class.
  it.each([
    ['L∞', apgdTLinf, 1, 'linf'],
    ['L2', apgdTL2, 2, 'l2'],
  ] as const)('APGD-T %s on a 10-class affine classifier: fools every image at ε = 1.05·d*, none at 0.98·d*', async (_n, attack, q, key) => {
    const clf = affineClassifier([4, 4, 1], 10, 7);
    const x = tf.randomUniform([8, 4, 4, 1], -0.5, 0.5, 'float32', 3) as tf.Tensor4D;
    const labels = await predict(clf, x);
    const exact = await closedForm(clf.weights, clf.bias, x, q);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 8; i++) {
      const xi = tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]);
      for (const [factor, fooled] of [[1.05, 1], [0.98, 0]] as const) {
        const r = await runAttack(attack, clf, xi, [labels[i]], { clip: 'pixel', epsilon: factor * exact[i] });
        expect(r.success[0], `image ${i}, ε = ${factor}·d*`).toBe(fooled);
        expect(r[key][0]).toBeLessThanOrEqual(factor * exact[i] * (1 + 1e-5));
        if (!fooled) expect(r.iterations[0]).toBe(900); // nine target runs of 100
        r.adversarial.dispose();
      }
      xi.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    clf.dispose();
  });

  /**
   * f₀ = 0, f₁ = 2x₁ − 1, f₂ = 2x₂ − 3, f₃ = 2x₃ − 5 on 2×2 inputs: at x = 0 the class is 0; class 2 needs
   * x₂ > 1.5 (and x₁ kept below x₂ − 1): reachable at ε = 1.6 in L∞ and L2, impossible at ε = 1.4.
   */
  const fourClasses = (): Classifier & { dispose(): void } => {
    const w = tf.tensor2d([[0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 2], [0, 0, 0, 0]]);
    const b = tf.tensor1d([0, -1, -3, -5]);
    return {
      numClasses: 4, inputShape: [2, 2, 1], normalization: TEST_NORMALIZATION,
      logits: (x) => tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0], 4]), w), b) as tf.Tensor2D),
      dispose: () => tf.dispose([w, b]),
    };
  };

  it.each([
    ['APGD-CE L∞', apgdCeLinf], ['APGD-CE L2', apgdCeL2], ['APGD-T L∞', apgdTLinf], ['APGD-T L2', apgdTL2],
  ] as const)('%s targeted: turns class 0 into class 2 at ε = 1.6, never at ε = 1.4', async (_n, attack) => {
    const clf = fourClasses();
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const r = await runAttack(attack, clf, x, [0], { clip: 'pixel', epsilon: 1.6, targets: [2] });
    expect(Array.from(r.predictions)).toEqual([2]);
    expect(Array.from(r.success)).toEqual([1]);
    const below = await runAttack(attack, clf, x, [0], { clip: 'pixel', epsilon: 1.4, targets: [2] });
    expect(Array.from(below.success)).toEqual([0]);
    tf.dispose([r.adversarial, below.adversarial]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    clf.dispose();
  });

  it('halves η at every checkpoint once stuck at the optimum, and reports what it saw (no silent success)', async () => {
    // Binary affine, L∞, ε below d*: the first step reaches the loss-maximising corner and every later
    // iterate stays on it, so the loss never rises again: condition 1 holds at all 8 checkpoints.
    const clf = affineClassifier([4, 4, 1], 2, 11);
    const x = tf.randomUniform([4, 4, 4, 1], -0.5, 0.5, 'float32', 3) as tf.Tensor4D;
    const labels = await predict(clf, x);
    const exact = await closedForm(clf.weights, clf.bias, x, 1);
    const epsilon = 0.5 * Math.min(...exact);
    const opts: ApgdOptions = { epsilon, steps: 100, rho: 0.75, momentum: 0.75, randomStart: true, seed: 1, eotSamples: 1 };
    const y = tf.tensor1d(labels, 'int32');
    const before = tf.memory().numTensors;
    const out = await runApgd(context(clf, labels), 'apgd-ce-linf', 'linf', x, y, opts, 'ce');
    const { run } = out.runs[0];
    expect(Array.from(run.halvings)).toEqual([8, 8, 8, 8]);
    run.finalStepSize.forEach((v) => expect(v).toBeCloseTo((2 * epsilon) / 256, 12));
    expect(run.trace).toHaveLength(101);
    expect(Array.from(out.everAdversarial)).toEqual([0, 0, 0, 0]);
    out.adversarial.dispose();
    // Above d*: every image fooled, seen, and returned adversarial.
    const big = await runApgd(context(clf, labels), 'apgd-ce-linf', 'linf', x, y, { ...opts, epsilon: 1.05 * Math.max(...exact) }, 'ce');
    expect(Array.from(big.everAdversarial)).toEqual([1, 1, 1, 1]);
    const p = await predict(clf, big.adversarial);
    p.forEach((v, i) => expect(v).not.toBe(labels[i]));
    big.adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    clf.dispose();
  });

  it('EOT: the loss and the gradient are averaged over the draws (two alternating networks, R = 2)', async () => {
    const [a, b] = [affineClassifier([4, 4, 1], 5, 3), affineClassifier([4, 4, 1], 5, 4)];
    let passes = 0;
    const alternating: Classifier = { numClasses: 5, inputShape: [4, 4, 1], normalization: TEST_NORMALIZATION, logits: (t) => (passes++ % 2 === 0 ? a : b).logits(t) };
    const x = tf.randomUniform([3, 4, 4, 1], -0.5, 0.5, 'float32', 5) as tf.Tensor4D;
    const labels = await predict(a, x);
    const ce = async (clf: Classifier, at: tf.Tensor4D) => {
      const z = await clf.logits(at).data();
      return Array.from(labels, (yy, i) => apgdLossValue('ce', z, i, 5, yy));
    };
    const before = tf.memory().numTensors;
    const run = await apgdRun(context(alternating, labels), x, labels, {
      distance: 'linf', epsilon: 0.1, steps: 1, rho: 0.75, momentum: 0.75, randomStart: false, seed: 0, eotSamples: 2,
      loss: 'ce', isAdversarial: () => false,
    });
    run.adversarial.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // x¹ = x + ε·sign(∇CE_a + ∇CE_b) (the first step's η = 2ε is cut back to the ball).
    const gradient = (clf: Classifier) => tf.grad((t: tf.Tensor) => {
      const z = clf.logits(t as tf.Tensor4D);
      return tf.sum(tf.mul(tf.sub(tf.logSumExp(z, 1, true), z), tf.oneHot(tf.tensor1d(labels, 'int32'), 5)));
    })(x);
    const x1 = tf.tidy(() => tf.add(x, tf.mul(tf.sign(tf.add(gradient(a), gradient(b))), 0.1)) as tf.Tensor4D);
    const [a0, b0, a1, b1] = [await ce(a, x), await ce(b, x), await ce(a, x1), await ce(b, x1)];
    for (let i = 0; i < 3; i++) {
      expect(run.trace[0][i]).toBeCloseTo((a0[i] + b0[i]) / 2, 4);
      expect(run.trace[1][i]).toBeCloseTo((a1[i] + b1[i]) / 2, 4);
    }
    tf.dispose([x, x1]);
    a.dispose();
    b.dispose();
  });

  it.each(GRADIENT_MODES)('runs under the %s gradient mode on a JumpReLU network (CE and T), leaking nothing', async (mode) => {
    const net = tinyJumpNetwork([4, 4, 1], 16, 5, 0.5, 61);
    const x = tf.randomUniform([6, 4, 4, 1], -1.5, 1.5, 'float32', 12) as tf.Tensor4D;
    const labels = await predict(net, x);
    const before = tf.memory().numTensors;
    for (const attack of [apgdCeLinf, apgdTL2]) {
      const r = await runAttack(attack, net, x, labels, { clip: 'pixel', epsilon: 1, steps: 20, gradientMode: mode, smoothingTau: 0.1 });
      r.adversarial.dispose();
      expect(sum(r.success), attack.id).toBeGreaterThanOrEqual(3);
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  });

  it('refuses what it cannot run, with a clear message', async () => {
    const clf = affineClassifier([2, 2, 1], 2, 1);
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const label = Array.from(await predict(clf, x));
    const before = tf.memory().numTensors;
    await expect(runAttack(apgdTLinf, clf, x, label, {})).rejects.toThrow(/apgd-t-linf: the dlr-targeted loss needs at least 3 classes/);
    await expect(runAttack(apgdCeLinf, clf, x, label, { eotSamples: 0 })).rejects.toThrow(/apgd-ce-linf: eotSamples = 0 is outside 1–100/);
    await expect(runAttack(apgdCeL2, clf, x, label, { rho: 2 })).rejects.toThrow(/apgd-ce-l2: rho = 2 is outside 0–1/);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    clf.dispose();
  });
});
