import { describe, expect, it } from 'vitest';
import { kappaGrid, proposeByStrongerAttacker, proposeKappa, rankByStrongerRho, thinCandidates } from './kappa-tuner';

describe('κ tuner search', () => {
  const curve = [
    { kappa: 0, accuracy: 0.99 }, { kappa: 0.5, accuracy: 0.991 }, { kappa: 1, accuracy: 0.986 },
    { kappa: 1.5, accuracy: 0.97 }, { kappa: 2, accuracy: 0.989 },
  ];

  it('proposes the largest κ before the first one that breaks the budget', () => {
    expect(proposeKappa(curve, 0.5)).toBe(1);
    // κ = 2 fits the budget again but lies past the cliff at 1.5: not proposed.
    expect(proposeKappa(curve, 1)).toBe(1);
    expect(proposeKappa(curve, 3)).toBe(2);
    expect(proposeKappa(curve, 0.1)).toBe(0.5);
  });

  it('counts a loss exactly on budget as within it, and handles order and edge cases', () => {
    expect(proposeKappa([{ kappa: 1, accuracy: 0.985 }, { kappa: 0, accuracy: 0.99 }], 0.5)).toBe(1);
    expect(proposeKappa([], 0.5)).toBeNull();
    expect(proposeKappa([{ kappa: 0.5, accuracy: 0.5 }], 0.5)).toBeNull(); // no κ = 0 reference
    expect(proposeKappa([{ kappa: 0.5, accuracy: 0.5 }], 0.5, 0.99)).toBeNull();
    expect(proposeKappa([{ kappa: 0, accuracy: 0.9 }], -1)).toBe(0);
  });

  it('builds clean κ grids', () => {
    expect(kappaGrid(0, 1.5, 0.25)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5]);
    expect(kappaGrid(0, 0.8, 0.1)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    expect(kappaGrid(0, 1, 0)).toEqual([0]);
  });
});

describe('κ tuner ranking by the stronger attacker', () => {
  it('thins the within-budget κ to a few, evenly spread, the largest always in', () => {
    expect(thinCandidates([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], 3)).toEqual([0.2, 0.4, 0.6]);
    expect(thinCandidates([0.5, 0.1], 3)).toEqual([0.1, 0.5]);
    expect(thinCandidates([0.1, 0.2, 0.3, 0.4, 0.5], 1)).toEqual([0.5]);
    expect(thinCandidates([], 3)).toEqual([]);
    expect(thinCandidates([0.1], 0)).toEqual([]);
  });

  it('ranks by the stronger attacker\'s ρ, not the exact gradients\' (the issue\'s 2.05× vs 1.06×); ties go to the smaller κ', () => {
    const pts = [
      { kappa: 0, rhoStrong: 0.200, rhoExact: 0.211 },
      { kappa: 1, rhoStrong: 0.212, rhoExact: 0.300 },
      { kappa: 2, rhoStrong: 0.205, rhoExact: 0.432 },
      { kappa: 3, rhoStrong: 0.212, rhoExact: 0.5 },
      { kappa: 4, rhoStrong: Number.NaN, rhoExact: 0.6 },
    ];
    expect(rankByStrongerRho(pts).map((p) => p.kappa)).toEqual([1, 3, 2, 0]);
    // When nothing beats κ = 0, κ = 0 comes first: no κ is proposed.
    expect(rankByStrongerRho([{ kappa: 0, rhoStrong: 0.2 }, { kappa: 2, rhoStrong: 0.19 }])[0].kappa).toBe(0);
  });

  it('proposes the straight-through argmax even where the exact gradients favour another κ; 0 when nothing beats κ = 0; needs κ = 0', () => {
    const c = (kappa: number, rhoStraightThrough: number, rhoExact: number) => ({ kappa, rhoStraightThrough, rhoExact });
    expect(proposeByStrongerAttacker([c(0, 0.2, 0.21), c(1, 0.212, 0.3), c(2, 0.205, 0.432)])).toBe(1);
    expect(proposeByStrongerAttacker([c(0, 0.2, 0.21), c(2, 0.19, 0.432)])).toBe(0);
    expect(() => proposeByStrongerAttacker([c(1, 0.2, 0.2)])).toThrow(/include κ = 0/);
  });
});

