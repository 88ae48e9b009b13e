/** tradeoff (Figure 4): clean accuracy and mean minimal DeepFool-L2 ρ over a κ grid, beside the stronger attacker's ρ. */
import { analysis, setting, type SplitInfo, kappaList } from './contract';
import { tradeoffKappas } from './kappa-grids';

export interface TradeoffRequest { kind: 'tradeoff'; modelId: string; kappas: number[]; rhoSample: number; cleanSample: number }

export interface TradeoffPoint {
  kappa: number;
  /** Clean accuracy on `cleanCount` evaluation images. */
  clean: number;
  /** Mean minimal DeepFool-L2 ρ on `rhoCount` evaluation images (paper eq. 12). */
  rho: number;
  /** Fraction of the attacked images DeepFool fooled (ρ is only meaningful when this is ≈ 1). */
  foolRate: number;
  /**
   * The stronger attacker: DeepFool-L2 with straight-through gradients, refined to the boundary (mean ρ on
   * the same images), and its fool rate.
   */
  rhoStraightThrough: number;
  foolRateStraightThrough: number;
}

export interface TradeoffResult { kind: 'tradeoff'; request: TradeoffRequest; points: TradeoffPoint[]; cleanCount: number; rhoCount: number; split: SplitInfo; ms: number }

export interface TradeoffSettings {
  tradeoffRhoN: number;
  tradeoffCleanN: number;
  /** The κ grid; null = the data set's paper grid (MNIST 0–1.5 by 0.25, CIFAR-10 0–0.8 by 0.1). */
  tradeoffMax: number | null;
  tradeoffStep: number | null;
}

export const tradeoff = analysis<TradeoffRequest, TradeoffResult, TradeoffSettings>()({
  kind: 'tradeoff',
  title: 'Trade-off curve (Figure 4)',
  caption: (r) => `DeepFool L2 (exact and straight-through) at κ = ${kappaList(r.request.kappas)}; clean n = ${r.cleanCount}, ρ n = ${r.rhoCount}`,
  embedHeight: { open: 462, grows: 320 },
  defaults: { tradeoffRhoN: 100, tradeoffCleanN: 1000, tradeoffMax: null, tradeoffStep: null },
  metas: {
    tradeoffRhoN: setting('ton', 'images for ρ', 'integer', 10, 1000, 1, 'Evaluation images DeepFool attacks at every κ.'),
    tradeoffCleanN: setting('tcn', 'images for accuracy', 'integer', 100, 8000, 1, 'Evaluation images for clean accuracy at every κ.'),
    tradeoffMax: setting('tmax', 'κ max', 'number', 0.01, 100, 0.05, 'Largest κ of the grid (within the card\'s range); empty: the paper\'s.', true),
    tradeoffStep: setting('tstep', 'κ step', 'number', 0.01, 10, 0.05, 'Step of the grid (at most 41 points); empty: the paper\'s.', true),
  },
  fields: { rhoSample: 'tradeoffRhoN', cleanSample: 'tradeoffCleanN' },
  request: (app, p) => ({
    kind: 'tradeoff', modelId: app.modelId, kappas: tradeoffKappas(app.card, p.tradeoffMax, p.tradeoffStep),
    rhoSample: p.tradeoffRhoN, cleanSample: p.tradeoffCleanN,
  }),
});
