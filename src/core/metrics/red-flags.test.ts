import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../testing/backends';
import { predict } from '../attacks/run-attack';
import { tinyJumpNetwork } from '../attacks/test-classifiers';
import { beatsExactGradients, cellLabel, notConverged, unboundedNotFooled, zeroGradients, type CellOutcome } from './red-flags';

const cell = (over: Partial<CellOutcome>): CellOutcome => ({
  kind: 'minimization', distance: 'l2', gradientMode: 'exact', foolRate: 1,
  success: [1, 1, 1], skipped: [0, 0, 0], l2: [1, 1, 1], linf: [1, 1, 1], rhoL2: [0.1, 0.1, 0.1], rhoLinf: [0.1, 0.1, 0.1], ...over,
});

describe('red flags', () => {
  it("name cells in the table's words, not by internal key", () => {
    expect(cellLabel('deepfool-l2+straight-through')).toBe('DeepFool L2, straight-through gradients');
    expect(cellLabel('square-linf')).toBe('Square L∞ (no gradients)');
    expect(notConverged({ attack: 'fmn-l2+exact', factor: 5, rho: 0.3, rhoLonger: 0.2, foolRate: 1, foolRateLonger: 1 }).explanation).toMatch(/^FMN L2, exact gradients with 5× the iterations/);
  });

  it('an unbounded minimum-norm attack that fools < 100% is flagged; a fixed-ε attack is not', () => {
    const f = unboundedNotFooled({ 'deepfool-l2+exact': cell({ foolRate: 0.97 }), 'square-linf': cell({ kind: 'fixed-epsilon', foolRate: 0.2, gradientMode: null }) });
    expect(f.flagged).toBe(true);
    expect(f.value).toEqual({ 'deepfool-l2+exact': 0.97 });
    expect(f.explanation).toMatch(/DeepFool L2, exact gradients fooled only 97\.0%/);
    expect(f.explanation).not.toMatch(/\+exact/);
    expect(unboundedNotFooled({ a: cell({}) }).flagged).toBe(false);
  });

  it('counts images where the same attack with straight-through gradients, or a gradient-free one of the norm, beat the exact one', () => {
    const exact = cell({ success: [1, 0, 1], l2: [1, 9, 1] });
    const st = cell({ gradientMode: 'straight-through', success: [1, 1, 1], l2: [0.5, 3, 0.999] }); // 0.999: a tie
    const otherAttack = cell({ gradientMode: 'straight-through', l2: [0, 0, 0] }); // a stronger attack is no red flag
    const otherNorm = cell({ gradientMode: null, distance: 'linf', linf: [0, 0, 0] });
    const f = beatsExactGradients({ 'df+exact': exact, 'df+straight-through': st, 'fmn+straight-through': otherAttack, square: otherNorm });
    expect(f.value.pairs).toEqual({ 'df+straight-through < df+exact': 2 });
    expect(f.value.share).toBeCloseTo(2 / 3, 12);
    expect(f.flagged).toBe(true);
    expect(beatsExactGradients({ 'df+exact': exact, 'df+smoothed': cell({ gradientMode: 'smoothed', l2: [0, 0, 0] }) }).flagged).toBe(false);
  });

  it('more iterations that lower ρ or fool more images mean the attack had not converged', () => {
    const base = { attack: 'df', factor: 5, rho: 0.3, rhoLonger: 0.3, foolRate: 0.97, foolRateLonger: 0.97 };
    expect(notConverged(base).flagged).toBe(false);
    expect(notConverged({ ...base, rhoLonger: 0.25 }).flagged).toBe(true);
    expect(notConverged({ ...base, foolRateLonger: 1 }).flagged).toBe(true);
  });
});

describe('zero input gradients', () => {
  beforeAll(() => useBackend('cpu'));

  it('flags a network whose jump silences every hidden unit (κ above every pre-activation), not one at κ = 0', async () => {
    const x = tf.randomUniform([6, 4, 4, 1], -1, 1, 'float32', 2) as tf.Tensor4D;
    for (const [kappa, flagged] of [[0, false], [1e6, true]] as const) {
      const net = tinyJumpNetwork([4, 4, 1], 16, 5, kappa, 3);
      const labels = await predict(net, x);
      const before = tf.memory().numTensors;
      const f = await zeroGradients(net, x, labels);
      expect(tf.memory().numTensors).toBe(before);
      expect(f.flagged, `κ = ${kappa}`).toBe(flagged);
      expect(f.value.images).toBe(flagged ? 1 : 0);
      net.dispose();
    }
    x.dispose();
  });
});
