import { describe, expect, it } from 'vitest';
import type { ModelCard } from '../core/models/card';
import { tradeoffGrid, transferGrid } from './analysis-requests';
import type { AppState } from './app-state';

const state = (dataset: ModelCard['dataset'], max: number, params: Partial<AppState['analysisParams']> = {}) =>
  ({ card: { dataset, kappa: { default: 0, paper: 0, min: 0, max, step: 0.005 } }, analysisParams: { tradeoffMax: null, tradeoffStep: null, ...params } }) as unknown as AppState;

describe('analysis κ grids', () => {
  it("are the paper's Figure 4 grids for cards whose range covers them", () => {
    expect(tradeoffGrid(state('mnist', 2))).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25, 1.5]);
    expect(tradeoffGrid(state('cifar10', 1))).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    expect(transferGrid(state('cifar10', 1))).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
  });

  it("shrink in proportion to a narrower card range (the ResNet's 0–0.2), keeping the number of points", () => {
    expect(tradeoffGrid(state('cifar10', 0.2))).toEqual([0, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2]);
    expect(transferGrid(state('cifar10', 0.2))).toEqual([0, 0.05, 0.1, 0.15, 0.2]);
  });

  it("follow the user's κ max and step, within the card's range", () => {
    expect(tradeoffGrid(state('cifar10', 0.2, { tradeoffMax: 0.1, tradeoffStep: 0.05 }))).toEqual([0, 0.05, 0.1]);
    expect(tradeoffGrid(state('cifar10', 0.2, { tradeoffMax: 0.8 })).at(-1)).toBe(0.2);
  });
});
