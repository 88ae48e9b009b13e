import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import { crossEntropySum, logitDifferenceSum, logitsAndGradient } from './gradients';
import { tinyJumpNetwork } from './test-classifiers';

describe.each(NODE_BACKENDS)('attack gradients through JumpReLU on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it.each([0, 0.4])('match central finite differences (κ = %s)', async (kappa) => {
    const net = tinyJumpNetwork([3, 3, 1], 12, 4, kappa, 21);
    const x = tf.randomUniform([3, 3, 3, 1], -1, 1, 'float32', 8) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 2, 3], 'int32');
    const objective = crossEntropySum(labels, 4);
    const { logits, gradient } = logitsAndGradient(net, x, objective);
    const grad = await gradient.data();
    const base = await x.data();
    const pattern = async (v: Float32Array) =>
      tf.tidy(() => tf.greater(net.hidden(tf.tensor4d(v, x.shape)), kappa)).data();
    const p0 = await pattern(base as Float32Array);
    const h = 1e-3;
    let checked = 0;
    for (let i = 0; i < base.length; i++) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[i] += h;
      minus[i] -= h;
      const [pp, pm] = [await pattern(plus), await pattern(minus)];
      // A probe that switches a unit across κ measures the jump, not the derivative: skip it.
      if (pp.some((v, j) => v !== p0[j]) || pm.some((v, j) => v !== p0[j])) continue;
      const loss = (v: Float32Array) => tf.tidy(() => objective(net.logits(tf.tensor4d(v, x.shape))).dataSync()[0]);
      const fd = (loss(plus) - loss(minus)) / (2 * h);
      expect(grad[i]).toBeCloseTo(fd, 2);
      checked++;
    }
    expect(checked).toBeGreaterThan(base.length / 2);
    tf.dispose([x, labels, logits, gradient]);
    net.dispose();
  });

  it('zeroes the gradient of units between 0 and κ (differs from ReLU)', async () => {
    const relu = tinyJumpNetwork([3, 3, 1], 12, 4, 0, 21);
    const jump = tinyJumpNetwork([3, 3, 1], 12, 4, 0.6, 21);
    const x = tf.randomUniform([2, 3, 3, 1], -1, 1, 'float32', 8) as tf.Tensor4D;
    const k = tf.tensor1d([1, 1], 'int32');
    const y = tf.tensor1d([0, 0], 'int32');
    const a = logitsAndGradient(relu, x, logitDifferenceSum(k, y, 4));
    const b = logitsAndGradient(jump, x, logitDifferenceSum(k, y, 4));
    const differs = await tf.tidy(() => tf.max(tf.abs(tf.sub(a.gradient, b.gradient)))).data();
    expect(differs[0]).toBeGreaterThan(1e-3);
    tf.dispose([x, k, y, a.logits, a.gradient, b.logits, b.gradient]);
    relu.dispose();
    jump.dispose();
  });
});
