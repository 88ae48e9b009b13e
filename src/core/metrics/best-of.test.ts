import { describe, expect, it } from 'vitest';
import { bestOf, robustAccuracyCurve } from './best-of';

describe('best of attacks', () => {
  const a = { success: [1, 1, 0, 1], l2: [0, 2, 9, 5], linf: [0, 1, 9, 0.5], rhoL2: [0, 0.2, 0.9, 0.5], rhoLinf: [0, 0.1, 0.9, 0.05] };
  const b = { success: [1, 1, 0, 0], l2: [0, 3, 1, 1], linf: [0, 0.4, 1, 1], rhoL2: [0, 0.3, 0.1, 0.1], rhoLinf: [0, 0.04, 0.1, 0.1] };

  it('takes per image the smallest fooling perturbation of any attack, per norm; failures never count', () => {
    const r = bestOf([a, b], 4);
    expect(Array.from(r.l2)).toEqual([0, 2, Infinity, 5]);
    expect(Array.from(r.linf)).toEqual([0, 0.4, Infinity, 0.5]);
    expect(r.foolRate).toBe(0.75);
    expect(bestOf([a, b], 4, [1, 0, 0, 0]).foolRate).toBeCloseTo(2 / 3, 12);
    expect(r.meanRhoL2).toBeCloseTo((0 + 0.2 + 0.5) / 3, 12);
    expect(r.meanRhoLinf).toBeCloseTo((0 + 0.04 + 0.05) / 3, 12);
    expect(() => bestOf([a], 5)).toThrow(/reported 4 images, expected 5/);
  });

  it('robust accuracy vs ε from the minima: clean accuracy at 0, never-fooled images robust everywhere', () => {
    const c = robustAccuracyCurve([0, 2, Infinity, 5], [0, 1, 2, 4, 5, 100]);
    expect(c.accuracy).toEqual([0.75, 0.75, 0.5, 0.5, 0.25, 0.25]);
    const auto = robustAccuracyCurve([0, 2, Infinity, 5], undefined, 3);
    expect(auto.epsilons).toEqual([0, 2.5, 5]);
  });
});
