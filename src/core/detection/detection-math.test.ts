import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../op/randomized';
import { evaluateDetector, gaussian, matchedSigma } from './detector';
import { mleLid } from './lid';
import { DEFAULT_CS, decision, fitLogistic, fitLogisticCv, stratifiedFolds } from './logistic-regression';
import { mannWhitneyAuc, rocAuc, rocCurve } from './roc';

/** `count` points uniform on a `d`-dimensional unit cube embedded in `ambient` dimensions by a fixed random rotation. */
function manifold(d: number, ambient: number, count: number, seed: number, offset = 0): Float64Array {
  const draw = gaussian(seed);
  // An orthonormal basis of d + 1 directions (Gram–Schmidt): d span the manifold, the last is normal to it.
  const basis: Float64Array[] = [];
  const rng = gaussian(7);
  while (basis.length < d + 1) {
    const v = Float64Array.from({ length: ambient }, rng);
    for (const b of basis) {
      const dot = v.reduce((s, x, i) => s + x * b[i], 0);
      v.forEach((_, i) => (v[i] -= dot * b[i]));
    }
    const norm = Math.hypot(...v);
    basis.push(v.map((x) => x / norm));
  }
  const rand = mulberry32(seed + 1);
  const out = new Float64Array(count * ambient);
  for (let p = 0; p < count; p++) {
    for (let j = 0; j < d; j++) {
      const c = rand();
      for (let i = 0; i < ambient; i++) out[p * ambient + i] += c * basis[j][i];
    }
    // Off the manifold: a Gaussian step of size `offset` along the normal and in random directions.
    if (offset) for (let i = 0; i < ambient; i++) out[p * ambient + i] += offset * (basis[d][i] * Math.abs(draw()) + 0.2 * draw());
  }
  return out;
}

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;

describe('maximum-likelihood LID', () => {
  it('matches a hand computation, dropping rank 0 as the authors do', () => {
    // Query at 0; references at 0, 1, 2, 4 on a line. Ranks 1..3: r = 1, 2, 4 → −3 / (log ¼ + log ½) = 3 / log 8.
    const lid = mleLid({ data: [0, 1, 2, 4], count: 4 }, { data: [0], count: 1 }, 3);
    expect(lid[0]).toBeCloseTo(3 / Math.log(8), 12);
    // Without dropping: r = 0, 1, 2 → a neighbour at distance 0 gives 0.
    expect(mleLid({ data: [0, 1, 2, 4], count: 4 }, { data: [0], count: 1 }, 3, { dropNearest: false })[0]).toBe(0);
    // k is capped at references − 1, like the authors' `min(k, len(data) − 1)`.
    expect(mleLid({ data: [0, 1, 2, 4], count: 4 }, { data: [0], count: 1 }, 20)[0]).toBeCloseTo(3 / Math.log(8), 12);
  });

  it.each([2, 5])('is ≈ d on a d = %i-dimensional cube in 50-D, and higher for points off it', (d) => {
    const ref = manifold(d, 50, 2000, 11);
    const on = manifold(d, 50, 100, 12);
    const off = manifold(d, 50, 100, 12, 0.3);
    const lidOn = mean(mleLid({ data: ref, count: 2000 }, { data: on, count: 100 }, 20, { dropNearest: false }));
    const lidOff = mean(mleLid({ data: ref, count: 2000 }, { data: off, count: 100 }, 20, { dropNearest: false }));
    // The MLE with k in the numerator is biased up by k/(k − 1); boundary effects of the cube pull it down.
    expect(lidOn).toBeGreaterThan(0.8 * d);
    expect(lidOn).toBeLessThan(1.25 * d);
    expect(lidOff).toBeGreaterThan(2 * lidOn);
  });

  it('refuses inputs that do not fit', () => {
    expect(() => mleLid({ data: [0, 1], count: 2 }, { data: [0, 1, 2], count: 1 })).toThrow(/values per point/);
    expect(() => mleLid({ data: [0], count: 1 }, { data: [0], count: 1 })).toThrow(/at least 2 reference/);
    expect(() => mleLid({ data: [0, 1], count: 2 }, { data: [0], count: 1 }, 0)).toThrow(/k must be/);
  });
});

describe('ROC and AUC', () => {
  it('gives 1 on a separable set, 0 reversed, ½ on ties', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.9])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.3, 0.9])).toBe(0);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
    expect(rocCurve([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.9]).map((p) => [p.fpr, p.tpr])).toEqual([[0, 0], [0, 0.5], [0, 1], [0.5, 1], [1, 1]]);
  });

  it('equals the Mann–Whitney statistic with ties, and is ≈ ½ for shuffled labels', () => {
    const rand = mulberry32(3);
    const labels = Array.from({ length: 400 }, () => (rand() < 0.4 ? 1 : 0));
    const scores = Array.from({ length: 400 }, () => Math.round(rand() * 20) / 20); // many ties
    expect(rocAuc(labels, scores)).toBeCloseTo(mannWhitneyAuc(labels, scores), 12);
    const bigLabels = Array.from({ length: 4000 }, () => (rand() < 0.5 ? 1 : 0));
    const bigScores = Array.from({ length: 4000 }, () => rand());
    expect(Math.abs(rocAuc(bigLabels, bigScores) - 0.5)).toBeLessThan(0.03);
  });

  it('refuses one-class labels and non-finite scores', () => {
    expect(() => rocAuc([1, 1], [0, 1])).toThrow(/both classes/);
    expect(() => rocAuc([0, 1], [0, NaN])).toThrow(/finite/);
  });
});

describe('logistic regression', () => {
  it('solves the symmetric two-point case: w = 2C(1 − σ(w)), b = 0', () => {
    const C = 0.7;
    const m = fitLogistic([[-1], [1]], [0, 1], C);
    // The root of w − 2C(1 − σ(w)) by bisection.
    let lo = 0;
    let hi = 10;
    for (let i = 0; i < 200; i++) {
      const w = (lo + hi) / 2;
      if (w - 2 * C * (1 - 1 / (1 + Math.exp(-w))) > 0) hi = w;
      else lo = w;
    }
    expect(m.weights[0]).toBeCloseTo(lo, 9);
    expect(m.intercept).toBeCloseTo(0, 9);
  });

  it('recovers the closed-form unregularised fit of one binary feature: the two groups\' log-odds', () => {
    // x = 0: 3 of 10 positive; x = 1: 8 of 10 positive. MLE: b = logit(0.3), w = logit(0.8) − logit(0.3).
    const x: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 10; i++) { x.push([0]); y.push(i < 3 ? 1 : 0); }
    for (let i = 0; i < 10; i++) { x.push([1]); y.push(i < 8 ? 1 : 0); }
    const logit = (p: number) => Math.log(p / (1 - p));
    const m = fitLogistic(x, y, 1e9);
    expect(m.intercept).toBeCloseTo(logit(0.3), 6);
    expect(m.weights[0]).toBeCloseTo(logit(0.8) - logit(0.3), 6);
  });

  it('deals stratified folds as sklearn\'s StratifiedKFold(shuffle=False) does', () => {
    // Expected values printed by sklearn 1.2 for these label vectors.
    expect(Array.from(stratifiedFolds([0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0], 5)))
      .toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4, 3, 4, 4]);
    expect(Array.from(stratifiedFolds([1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1], 3))).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  });

  it('cross-validates C over sklearn\'s default grid and separates a separable set', () => {
    expect(DEFAULT_CS[0]).toBeCloseTo(1e-4, 12);
    expect(DEFAULT_CS[9]).toBeCloseTo(1e4, 8);
    const rand = mulberry32(5);
    const x = Array.from({ length: 60 }, (_, i) => [i < 30 ? rand() : 2 + rand(), rand()]);
    const y = x.map((_, i) => (i < 30 ? 0 : 1));
    const cv = fitLogisticCv(x, y);
    expect(Math.max(...cv.scores)).toBe(1);
    expect(x.every((row, i) => (decision(cv.model, row) > 0 ? 1 : 0) === y[i])).toBe(true);
    expect(() => fitLogistic([[0], [1]], [1, 1], 1)).toThrow(/one class/);
    expect(() => fitLogistic([[0], [NaN]], [0, 1], 1)).toThrow(/finite/);
  });
});

describe('detector protocol', () => {
  const rows = (count: number, shift: number, seed: number) => {
    const g = gaussian(seed);
    return Array.from({ length: count }, () => Float64Array.from({ length: 3 }, () => g() + shift));
  };

  it('gives AUC 1 when adversarial features are far away, ≈ ½ when they are not, on held-out blocks', () => {
    const far = evaluateDetector({ clean: rows(300, 0, 1), noisy: rows(300, 0, 2), adversarial: rows(300, 10, 3) });
    expect(far.auc).toBe(1);
    expect(far.trainPerSet).toBe(200);
    expect(far.testPerSet).toBe(100);
    const same = evaluateDetector({ clean: rows(300, 0, 4), noisy: rows(300, 0, 5), adversarial: rows(300, 0, 6) });
    expect(Math.abs(same.auc - 0.5)).toBeLessThan(0.1);
  });

  it('explains too few images and non-finite features', () => {
    expect(() => evaluateDetector({ clean: rows(100, 0, 1), noisy: rows(100, 0, 2), adversarial: rows(100, 1, 3) })).toThrow(/at least 125/);
    const bad = rows(300, 0, 1);
    bad[5][1] = Infinity;
    expect(() => evaluateDetector({ clean: bad, noisy: rows(300, 0, 2), adversarial: rows(300, 1, 3) })).toThrow(/feature 1 of clean image 5/);
  });

  it('matches σ to the adversarial L2: σ√D = mean ‖δ‖₂', () => {
    expect(matchedSigma([1, 3], 16)).toBeCloseTo(0.5, 12);
    const g = gaussian(9);
    const v = Array.from({ length: 20000 }, g);
    expect(mean(v)).toBeCloseTo(0, 1);
    expect(mean(v.map((x) => x * x))).toBeCloseTo(1, 1);
  });
});
