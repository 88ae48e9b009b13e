/** Builds each analysis's worker request from the store, through its contract (worker/jobs/<analysis>.ts). Pure. */
import { CONTRACT, type AnalysisKind, type AnalysisRequest } from '../worker/jobs';
import { tradeoffKappas, transferKappas } from '../worker/jobs/kappa-grids';
import type { AppState } from './app-state';

export { PAPER_GRID } from '../worker/jobs/kappa-grids';

export function tradeoffGrid(s: Pick<AppState, 'card' | 'analysisParams'>): number[] {
  return s.card ? tradeoffKappas(s.card, s.analysisParams.tradeoffMax, s.analysisParams.tradeoffStep) : [];
}

export function transferGrid(s: Pick<AppState, 'card' | 'analysisParams'>): number[] {
  return s.card ? transferKappas(s.card, s.analysisParams.tradeoffMax) : [];
}

export function analysisRequest(kind: AnalysisKind, s: AppState): AnalysisRequest | null {
  if (!s.modelId || !s.card) return null;
  const app = { modelId: s.modelId, card: s.card, kappa: s.kappa, randomized: s.randomized, seed: s.seed };
  return (CONTRACT[kind].request as (app: unknown, p: AppState['analysisParams']) => AnalysisRequest)(app, s.analysisParams);
}
