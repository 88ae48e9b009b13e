import { describe, expect, it } from 'vitest';
import { kappaGrid, proposeKappa } from './kappa-tuner';

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
