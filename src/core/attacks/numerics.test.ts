/**
 * The four numerics defects of issue 12, each checked where it bit: a sign of gradients below 2⁻²³, the
 * cross-entropy's logit gradient on confident logits (against float64), max-pool ties (first maximum on
 * every backend) and exact row writes.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import { KappaControl } from '../retrofit/kappa-control';
import { plainCandidateVjp, plainForward } from '../retrofit/plain-forward';
import { scatterRows } from './batch';
import { crossEntropySum } from './gradients';
import { ifgsm } from './ifgsm';
import { linf } from './norms';
import { runAttack } from './run-attack';
import { affineClassifier } from './test-classifiers';

/**
 * softmax(z) − onehot(y) per row in float64: the logit gradient of Σ CE. The true class's entry is
 * −Σ_{k≠y} p_k (equal to p_y − 1, which cancels catastrophically even in float64 for confident logits).
 */
function crossEntropyGradient64(z: number[][], y: number[]): number[][] {
  return z.map((row, i) => {
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    const p = e.map((v) => v / s);
    const others = p.reduce((a, v, k) => (k === y[i] ? a : a + v), 0);
    return p.map((v, k) => (k === y[i] ? -others : v));
  });
}

describe.each(NODE_BACKENDS)('attack numerics on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('the L∞ step direction is the exact sign, also of gradients below 2⁻²³', async () => {
    const before = tf.memory().numTensors;
    const w = tf.tensor1d([1e-30, -1e-30, 2 ** -24, -(2 ** -30), 0, 3, -0.5, 1e-45]);
    const dir = linf.stepDirection(w);
    expect(Array.from(await dir.data())).toEqual([1, -1, 1, -1, 0, 1, -1, 1]);
    tf.dispose([w, dir]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('IFGSM moves a confidently classified image (its whole gradient is below 2⁻²³)', async () => {
    const net = affineClassifier([3, 3, 1], 4, 5);
    const x = tf.randomUniform([1, 3, 3, 1], -1, 1, 'float32', 3) as tf.Tensor4D;
    // Scale the logits to a margin of 30: every softmax term but the top one is below e⁻³⁰ ≈ 1e-13.
    const z = Array.from(await tf.tidy(() => net.logits(x)).data());
    const sorted = [...z].sort((a, b) => b - a);
    const scale = 30 / (sorted[0] - sorted[1]);
    const scaled = { ...net, logits: (t: tf.Tensor4D) => tf.tidy(() => tf.mul(net.logits(t), scale) as tf.Tensor2D) };
    const label = [z.indexOf(sorted[0])];
    const r = await runAttack(ifgsm, scaled, x, label, { epsilon: 0.01, steps: 1, clip: 'pixel' });
    expect(r.linf[0]).toBeCloseTo(0.01, 6);
    r.adversarial.dispose();
    x.dispose();
    net.dispose();
  });

  it('the cross-entropy logit gradient on confident logits matches float64 component-wise', async () => {
    const z = [
      [40, 0, -3, 12, 5],
      [-2, 25, 1, 24.5, -30],
      [0.5, 0.1, -0.2, 0.3, 0], // not confident: the ordinary case still right
      [3, 60, 1, 2, 0], // true class 0 is far from the max
    ];
    const y = [0, 1, 2, 0];
    const before = tf.memory().numTensors;
    const logits = tf.tensor2d(z);
    const labels = tf.tensor1d(y, 'int32');
    const { value, grad } = tf.valueAndGrad((l: tf.Tensor) => crossEntropySum(labels, 5)(l as tf.Tensor2D))(logits);
    const g = (await grad.array()) as number[][];
    const ref = crossEntropyGradient64(z, y);
    for (let i = 0; i < z.length; i++) {
      for (let k = 0; k < 5; k++) {
        const tol = 1e-5 * Math.abs(ref[i][k]) + 1e-30;
        expect(Math.abs(g[i][k] - ref[i][k]), `row ${i}, class ${k}: ${g[i][k]} vs ${ref[i][k]}`).toBeLessThanOrEqual(tol);
      }
    }
    const loss64 = z.reduce((a, row, i) => {
      const m = Math.max(...row);
      return a + m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)) - row[y[i]];
    }, 0);
    expect((await value.data())[0]).toBeCloseTo(loss64, 3);
    tf.dispose([logits, labels, value, grad]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('max pooling sends a tied window\'s gradient to its first maximum (row-major), in tf.grad and in the candidate backward', async () => {
    const model = tf.sequential({ layers: [tf.layers.maxPooling2d({ inputShape: [4, 4, 1], poolSize: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 2, kernelInitializer: 'ones' })] });
    const control = new KappaControl(0);
    const forward = plainForward(model, control)!;
    const vjp = plainCandidateVjp(model, control)!;
    // Windows: all tied; tie at (0,1)/(1,1); tie at (1,0)/(1,1); a unique maximum at (1,1).
    const x = tf.tensor4d([
      [1, 1, 0, 2],
      [1, 1, 0, 2],
      [0, 0, -1, 0],
      [3, 3, -1, 4],
    ].flat(), [1, 4, 4, 1]);
    const expected = [
      [1, 0, 0, 1],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [1, 0, 0, 1],
    ].flat();
    const before = tf.memory().numTensors;
    const viaGrad = tf.grad((t: tf.Tensor) => tf.sum(forward(t)))(x);
    expect(Array.from(await viaGrad.data())).toEqual(expected.map((v) => 2 * v));
    const weights = tf.tensor2d([[1, 0], [0, 1]]);
    const { logits, gradients } = vjp(x, weights, 2);
    const g = await gradients.data();
    expect(Array.from(g.subarray(0, 16))).toEqual(expected);
    expect(Array.from(g.subarray(16))).toEqual(expected);
    tf.dispose([viaGrad, weights, logits, gradients]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
  });

  it('writes rows exactly (no full + (new − old) rounding)', async () => {
    const full = tf.tensor2d([[1e8, -3, 7], [2, 2, 2], [5e7, 1, -1e9]]);
    const updates = tf.tensor2d([[1e-8, 3.0000002, -7.1234567], [0.1, -0.3, 1e-40]]);
    const before = tf.memory().numTensors;
    const out = scatterRows(full, [2, 0], updates);
    const u = await updates.data();
    expect(Array.from(await out.data())).toEqual([...u.subarray(3), 2, 2, 2, ...u.subarray(0, 3)]);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([full, updates]);
  });
});
