import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { retrofit } from '../retrofit/retrofit';
import { preActivationProbe, preActivationStats } from './pre-activations';

/**
 * Two ReLU layers with hand-set weights: layer 1 is the identity on 6 inputs, so z₁ = x; layer 2 sums
 * J(z₁) with biases −5.5 and −4.9. On x = (−1, 0, 0.2, 0.5, 2, 3): at κ = 0, ΣJ = 5.7 → z₂ = (0.2, 0.8);
 * at κ = 0.5 the jump also drops 0.2 and 0.5, ΣJ = 5 → z₂ = (−0.5, 0.1).
 */
function tinyModel(): tf.Sequential {
  const m = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [6], units: 6, activation: 'relu', name: 'd1' }),
      tf.layers.dense({ units: 2, activation: 'relu', name: 'd2' }),
      tf.layers.dense({ units: 2, name: 'out' }),
    ],
  });
  m.getLayer('d1').setWeights([tf.eye(6), tf.zeros([6])]);
  m.getLayer('d2').setWeights([tf.ones([6, 2]), tf.tensor1d([-5.5, -4.9])]);
  m.getLayer('out').setWeights([tf.eye(2), tf.zeros([2])]);
  return m;
}

const X = [-1, 0, 0.2, 0.5, 2, 3];
const close = (a: ArrayLike<number>, b: number[]) => b.forEach((v, i) => expect(a[i]).toBeCloseTo(v, 5));

describe.each(['cpu', 'wasm'])('pre-activation probe on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('reads each JumpReLU layer\'s input, and later layers move with κ', async () => {
    const model = tinyModel();
    const r = await retrofit(model, 0);
    const probe = preActivationProbe(r);
    const x = tf.tensor2d([X]);
    const before = tf.memory().numTensors;
    const at0 = await probe(x, 0);
    const at05 = await probe(x, 0.5);
    expect(tf.memory().numTensors).toBe(before);
    expect(at0.map((l) => l.layer)).toEqual(['d1_jump', 'd2_jump']);
    close(at0[0].z, X);
    close(at05[0].z, X);
    close(at0[1].z, [0.2, 0.8]);
    close(at05[1].z, [-0.5, 0.1]);
    const s = preActivationStats('d1_jump', at05[0].z, 0.5);
    expect([s.relu, s.jump]).toEqual([2 / 6, 2 / 6]); // −1 and 0 by ReLU; 0.2 and 0.5 (= κ: strict >) by the jump
    const s2 = preActivationStats('d2_jump', at05[1].z, 0.5);
    expect([s2.relu, s2.jump]).toEqual([0.5, 0.5]);
    tf.dispose(x);
    model.dispose();
    r.model.dispose();
  });

  it('owns its κ: the model\'s shared control is never set, and the layers keep running at the model\'s own κ', async () => {
    const model = tinyModel();
    const r = await retrofit(model, 0.3);
    const probe = preActivationProbe(r);
    const x = tf.tensor2d([X]);
    const at05 = await probe(x, 0.5);
    close(at05[1].z, [-0.5, 0.1]);
    expect(r.control.kappa).toBe(0.3);
    // The layers still run at the model's κ = 0.3 (ΣJ = 5.5, z₂ = (0, 0.6)), not at the probe's 0.5.
    const y = r.model.predict(x) as tf.Tensor;
    close(await y.data(), [0, 0.6]);
    y.dispose();
    tf.dispose(x);
    model.dispose();
    r.model.dispose();
  });
});

describe('pre-activation statistics', () => {
  const z = Float32Array.from(X);

  it('bins values, end bins take what lies outside the range', () => {
    const s = preActivationStats('l', z, 0.5, { bins: 4, range: [-1, 3] });
    expect(s.counts).toEqual([1, 3, 0, 2]); // [−1,0) | [0,1): 0, 0.2, 0.5 | [1,2) | [2,3]: 2, 3
    expect(preActivationStats('l', z, 0.5, { bins: 2, range: [0, 1] }).counts).toEqual([3, 3]);
  });

  it('its default range holds 0 and κ even when every z lies elsewhere', () => {
    const s = preActivationStats('l', Float32Array.from([2, 3, 4]), 6, { tail: 0 });
    expect(s.lo).toBe(0);
    expect(s.hi).toBe(6);
    expect(s.jump).toBe(1);
    expect(s.counts.reduce((a, b) => a + b)).toBe(3);
    const flat = preActivationStats('l', Float32Array.from([0, 0]), 0, { tail: 0 });
    expect(flat.hi).toBeGreaterThan(flat.lo);
  });

  it('compares with κ in float32, as the kernel does', () => {
    const k = 0.1; // fround(0.1) > 0.1: a float32 z equal to it is silenced
    expect(preActivationStats('l', Float32Array.from([k]), k).jump).toBe(1);
  });

  it('refuses an empty layer or a bad bin count', () => {
    expect(() => preActivationStats('l', new Float32Array(0), 0)).toThrow(/no units/);
    expect(() => preActivationStats('l', z, 0, { bins: 0 })).toThrow(/bins/);
  });
});
