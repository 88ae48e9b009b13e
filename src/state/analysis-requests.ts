/** Builds each analysis's worker request from the store: the one place panel settings turn into work. Pure. */
import { kappaGrid } from '../core/metrics/kappa-tuner';
import type { AnalysisKind, AnalysisRequest, DatasetName } from '../worker/protocol';
import type { AppState } from './app-state';

/** The paper's Figure 4 grids: MNIST κ 0–1.5 (its points 0, 0.5, 1, 1.5 and the quarters between), AlexLike 0–0.8. */
export const PAPER_GRID: Record<DatasetName, { max: number; step: number; transferStep: number }> = {
  mnist: { max: 1.5, step: 0.25, transferStep: 0.5 },
  cifar10: { max: 0.8, step: 0.1, transferStep: 0.2 },
};

/** At most this many grid points: each costs a DeepFool run. */
const MAX_POINTS = 41;

/**
 * The paper's grid for the card's data set, shrunk in proportion when the card's κ range is narrower (the
 * ResNet's 0–0.2 on CIFAR-10: steps 0.025 and 0.05, as many points as AlexLike's 0–0.8), so a network
 * with a small κ scale is not left with a three-point curve.
 */
function paperGrid(card: NonNullable<AppState['card']>): (typeof PAPER_GRID)[DatasetName] {
  const paper = PAPER_GRID[card.dataset];
  const f = Math.min(1, card.kappa.max / paper.max);
  return { max: paper.max * f, step: paper.step * f, transferStep: paper.transferStep * f };
}

export function tradeoffGrid(s: Pick<AppState, 'card' | 'analysisParams'>): number[] {
  if (!s.card) return [];
  const paper = paperGrid(s.card);
  const max = Math.min(s.card.kappa.max, s.analysisParams.tradeoffMax ?? paper.max);
  const step = Math.max(s.analysisParams.tradeoffStep ?? paper.step, max / (MAX_POINTS - 1));
  return kappaGrid(0, max, step);
}

export function transferGrid(s: Pick<AppState, 'card' | 'analysisParams'>): number[] {
  if (!s.card) return [];
  const paper = paperGrid(s.card);
  const max = Math.min(s.card.kappa.max, s.analysisParams.tradeoffMax ?? paper.max);
  // A matrix wider than six κ is unreadable and slow (one attack run per source κ).
  return kappaGrid(0, max, Math.max(paper.transferStep, max / 5));
}

export function analysisRequest(kind: AnalysisKind, s: AppState): AnalysisRequest | null {
  if (!s.modelId || !s.card) return null;
  const p = s.analysisParams;
  const modelId = s.modelId;
  switch (kind) {
    case 'tradeoff': return { kind, modelId, kappas: tradeoffGrid(s), rhoSample: p.tradeoffRhoN, cleanSample: p.tradeoffCleanN };
    case 'table': return { kind, modelId, kappa: s.kappa, randomized: s.randomized, seed: s.seed, sample: p.tableN, trSteps: p.tableTrSteps };
    case 'transfer': return { kind, modelId, kappas: transferGrid(s), sample: p.transferN, steps: p.transferSteps };
    case 'iterations': return { kind, modelId, kappas: s.kappa === 0 ? [0] : [0, s.kappa], sample: p.iterN, steps: p.iterSteps };
    case 'tuner': return { kind, modelId, budget: p.tuneBudget, rhoSample: p.tuneRhoN };
    case 'adaptive': return { kind, modelId, kappa: s.kappa, sample: p.adaptiveN, queries: p.adaptiveQueries };
  }
}
