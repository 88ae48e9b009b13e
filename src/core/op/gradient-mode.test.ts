import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import { GRADIENT_MODES, jumpReluBackward } from './gradient-mode';
import { jumpRelu, jumpReluGrad } from './jump-relu';
import { parityCases, runGradientCheck, runGradKernelCase } from './parity';

describe.each(NODE_BACKENDS)('JumpReLU gradient modes on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  describe.each(GRADIENT_MODES)('%s', (mode) => {
    it.each(parityCases({ large: false }).map((c) => [c.name, c] as const))('gradient kernel, %s, matches the JS reference', async (_name, c) => {
      const before = tf.memory().numTensors;
      const r = await runGradKernelCase(c, mode);
      expect(r.mismatch).toBeUndefined();
      expect(r.ok).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('tf.grad equals finite differences of the mode\'s surrogate (J, ReLU or z·σ((z − κ)/τ))', async () => {
      for (const kappa of [0.4, 1]) {
        const r = await runGradientCheck(5, 257, kappa, 1e-2, mode);
        expect(r.maxAbsError, `κ = ${kappa}`).toBeLessThan(2e-3);
      }
    });

    it('leaves the forward output unchanged', async () => {
      const x = tf.randomNormal([500], 0.5, 1.5, 'float32', 4);
      const exact = await jumpRelu(x, 0.7).data();
      const other = await jumpRelu(x, 0.7, jumpReluBackward(mode, 0.2)).data();
      expect(Array.from(other)).toEqual(Array.from(exact));
      x.dispose();
    });
  });

  it('straight-through is ReLU\'s gradient bit for bit, at any κ', async () => {
    const x = tf.randomNormal([1000], 0.3, 1, 'float32', 8);
    const w = tf.randomNormal([1000], 0, 1, 'float32', 9);
    const st = jumpReluBackward('straight-through');
    const ours = await tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, jumpRelu(t, 0.9, st))))(x).data();
    const relu = await tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, tf.relu(t))))(x).data();
    expect(Array.from(ours).map((v) => v + 0)).toEqual(Array.from(relu).map((v) => v + 0));
    // … and differs from the exact gradient, which silences 0 < z ≤ κ.
    const exact = await tf.grad((t: tf.Tensor) => tf.sum(tf.mul(w, jumpRelu(t, 0.9))))(x).data();
    expect(Array.from(exact)).not.toEqual(Array.from(ours));
    tf.dispose([x, w]);
  });

  it('the smoothed derivative carries the jump: it integrates to J(b) − J(a) across κ, the exact one does not', async () => {
    // ∫ s′ over [κ − 1, κ + 1] with τ = 0.05 ≈ s(κ + 1) − s(κ − 1) ≈ κ + 1; ∫ 1[z > κ] is only 1.
    const kappa = 1;
    const n = 20001;
    const z = tf.linspace(kappa - 1, kappa + 1, n);
    const ones = tf.onesLike(z);
    const integral = async (mode: 'exact' | 'smoothed') => {
      const g = jumpReluGrad(ones, z, kappa, jumpReluBackward(mode, 0.05));
      const v = (await tf.sum(g).data())[0] * (2 / (n - 1));
      g.dispose();
      return v;
    };
    expect(await integral('smoothed')).toBeCloseTo(kappa + 1, 2);
    expect(await integral('exact')).toBeCloseTo(1, 2);
    tf.dispose([z, ones]);
  });
});

describe('gradient mode input checks', () => {
  it('rejects τ ≤ 0 and unknown modes with a clear message', () => {
    expect(() => jumpReluBackward('smoothed', 0)).toThrow(/τ must be a finite number > 0, got 0/);
    expect(() => jumpReluBackward('smoothed', -1)).toThrow(/τ/);
    expect(() => jumpReluBackward('smoothed', NaN)).toThrow(/τ/);
    // @ts-expect-error: not a gradient mode
    expect(() => jumpReluBackward('bpda')).toThrow(/gradient mode must be one of exact, straight-through, smoothed/);
    expect(() => jumpRelu(tf.tensor1d([1]), 0, { mode: 'smoothed', tau: 0 })).toThrow(/τ/);
  });
});
