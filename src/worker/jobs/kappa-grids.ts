/** The κ grids the trade-off and transfer analyses run over, from the card and the trade-off's κ max and step. Pure. */
import { kappaGrid } from '../../core/metrics/kappa-tuner';
import type { DatasetName } from '../../core/data/manifest';
import type { AnalysisApp } from './contract';

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
function paperGrid(card: AnalysisApp['card']): (typeof PAPER_GRID)[DatasetName] {
  const paper = PAPER_GRID[card.dataset];
  const f = Math.min(1, card.kappa.max / paper.max);
  return { max: paper.max * f, step: paper.step * f, transferStep: paper.transferStep * f };
}

/** The trade-off's grid: the user's max and step (null: the paper's), within the card's range, at most MAX_POINTS. */
export function tradeoffKappas(card: AnalysisApp['card'], userMax: number | null, userStep: number | null): number[] {
  const paper = paperGrid(card);
  const max = Math.min(card.kappa.max, userMax ?? paper.max);
  const step = Math.max(userStep ?? paper.step, max / (MAX_POINTS - 1));
  return kappaGrid(0, max, step);
}

/** The transfer matrix's κ: up to the trade-off's max, at most six (one attack run per source κ; wider is unreadable). */
export function transferKappas(card: AnalysisApp['card'], userMax: number | null): number[] {
  const paper = paperGrid(card);
  const max = Math.min(card.kappa.max, userMax ?? paper.max);
  return kappaGrid(0, max, Math.max(paper.transferStep, max / 5));
}
