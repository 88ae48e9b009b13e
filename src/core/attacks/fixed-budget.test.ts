import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { pixelRange } from '../data/normalization';
import { NODE_BACKENDS, useBackend } from '../../testing/backends';
import { fgsm } from './fgsm';
import { ifgsm } from './ifgsm';
import { pgd, pgdL2 } from './pgd';
import { predict, runAttack } from './run-attack';
import { TEST_NORMALIZATION, tinyJumpNetwork } from './test-classifiers';

/** FGSM, the paper's IFGSM and Madry PGD: perturbation bounds and clip ranges. */
describe.each(NODE_BACKENDS)('bounded attacks on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  // Inputs reach the edges of the pixel range so clipping is exercised.
  const setup = async () => {
    const net = tinyJumpNetwork([4, 4, 1], 16, 5, 0.2, 31);
    const x = tf.randomUniform([10, 4, 4, 1], -2, 2, 'float32', 4) as tf.Tensor4D;
    const labels = await predict(net, x);
    return { net, x, labels };
  };

  const stats = async (x: tf.Tensor4D, adv: tf.Tensor4D) => {
    const t = tf.tidy(() => tf.stack([tf.min(adv), tf.max(adv), tf.min(x), tf.max(x)]));
    const [lo, hi, xlo, xhi] = await t.data();
    t.dispose();
    return { lo, hi, xlo, xhi };
  };

  it('FGSM moves every pixel by at most ε and stays in the clip range (paper and pixel)', async () => {
    const { net, x, labels } = await setup();
    for (const clip of ['paper', 'pixel'] as const) {
      const r = await runAttack(fgsm, net, x, labels, { epsilon: 0.25, clip });
      const s = await stats(x, r.adversarial);
      const range = clip === 'paper' ? { lo: s.xlo, hi: s.xhi } : { lo: pixelRange(TEST_NORMALIZATION).lo[0], hi: pixelRange(TEST_NORMALIZATION).hi[0] };
      expect(s.lo).toBeGreaterThanOrEqual(range.lo - 1e-6);
      expect(s.hi).toBeLessThanOrEqual(range.hi + 1e-6);
      r.linf.forEach((v, i) => expect(v).toBeLessThanOrEqual(r.skipped[i] ? 0 : 0.25 + 1e-6));
      // Unclipped pixels move by exactly ε: the largest move equals ε.
      expect(Math.max(...r.linf)).toBeCloseTo(0.25, 5);
      r.adversarial.dispose();
    }
    x.dispose();
    net.dispose();
  });

  it('IFGSM moves by at most ε per step, stops once fooled, respects the clip range', async () => {
    const { net, x, labels } = await setup();
    const r = await runAttack(ifgsm, net, x, labels, { epsilon: 0.05, steps: 12, clip: 'paper' });
    const s = await stats(x, r.adversarial);
    expect(s.lo).toBeGreaterThanOrEqual(s.xlo - 1e-6);
    expect(s.hi).toBeLessThanOrEqual(s.xhi + 1e-6);
    for (let i = 0; i < 10; i++) {
      expect(r.iterations[i]).toBeLessThanOrEqual(12);
      expect(r.linf[i]).toBeLessThanOrEqual(0.05 * r.iterations[i] + 1e-5);
      // An image that used fewer than all steps was fooled (it stopped because it was).
      if (r.iterations[i] < 12 && !r.skipped[i]) expect(r.success[i]).toBe(1);
    }
    expect(r.success.some((v) => v === 1)).toBe(true);
    r.adversarial.dispose();
    x.dispose();
    net.dispose();
  });

  it.each(['linf', 'l2'] as const)('Madry PGD (%s) never leaves the ε-ball and is reproducible for a seed', async (norm) => {
    const { net, x, labels } = await setup();
    const eps = norm === 'linf' ? 0.1 : 0.4;
    const opts = { epsilon: eps, stepSize: eps / 4, steps: 6, seed: 3, clip: 'pixel' as const };
    const attack = norm === 'linf' ? pgd : pgdL2;
    expect(attack.distance).toBe(norm); // ρ and the reported distance use the norm the attack runs in
    const before = tf.memory().numTensors;
    const r = await runAttack(attack, net, x, labels, opts);
    const again = await runAttack(attack, net, x, labels, opts);
    const size = norm === 'linf' ? r.linf : r.l2;
    size.forEach((v) => expect(v).toBeLessThanOrEqual(eps * (1 + 1e-5)));
    const s = await stats(x, r.adversarial);
    expect(s.lo).toBeGreaterThanOrEqual(-2 - 1e-6);
    expect(s.hi).toBeLessThanOrEqual(2 + 1e-6);
    expect(Array.from(again.l2)).toEqual(Array.from(r.l2));
    tf.dispose([r.adversarial, again.adversarial]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  });

  it('PGD is stronger than FGSM at the same ε on a nonlinear model', async () => {
    const { net, x, labels } = await setup();
    const a = await runAttack(fgsm, net, x, labels, { epsilon: 0.3, clip: 'pixel' });
    const b = await runAttack(pgd, net, x, labels, { epsilon: 0.3, stepSize: 0.05, steps: 20, clip: 'pixel' });
    const fooled = (s: Uint8Array) => s.reduce((acc, v) => acc + v, 0);
    expect(fooled(b.success)).toBeGreaterThanOrEqual(fooled(a.success));
    tf.dispose([a.adversarial, b.adversarial, x]);
    net.dispose();
  });
});
