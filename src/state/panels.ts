/** Panel ids shared by the URL schema, the store and the layouts. Short and stable: links depend on them. */
import type { AnalysisKind } from '../worker/protocol';

export const ANALYSIS_PANELS = ['tradeoff', 'table', 'transfer', 'iterations', 'tuner', 'adaptive'] as const satisfies readonly AnalysisKind[];
export type AnalysisPanelId = (typeof ANALYSIS_PANELS)[number];

/** What an embed may show: the interactive app's panels and the analysis panels. */
export const EMBED_PANELS = ['model', 'slider', 'gallery', 'attack', ...ANALYSIS_PANELS] as const;
export type EmbedPanelId = (typeof EMBED_PANELS)[number];

export const PANEL_TITLES: Record<EmbedPanelId, string> = {
  model: 'Model picker and card',
  slider: 'κ slider and clean accuracy',
  gallery: 'Test-image gallery',
  attack: 'Attack view',
  tradeoff: 'Trade-off curve (Figure 4)',
  table: 'Robustness table (Tables 1 and 2)',
  transfer: 'Transfer matrix (Figure 7)',
  iterations: 'Accuracy vs IFGSM iterations (Figure 8)',
  tuner: 'κ tuner',
  adaptive: 'Is the defence real? (adaptive attacks)',
};

/** Settings of the analysis panels; every one is a URL field (url-schema.ts). */
export interface AnalysisParams {
  /** Trade-off: images for the DeepFool ρ, and for clean accuracy. */
  tradeoffRhoN: number;
  tradeoffCleanN: number;
  /** Trade-off grid; null = the dataset's paper grid (MNIST 0–1.5 by 0.25, CIFAR-10 0–0.8 by 0.1). */
  tradeoffMax: number | null;
  tradeoffStep: number | null;
  tableN: number;
  /** Trust Region steps in the table; 0 skips the column (paper: 1000 — minutes on wasm). */
  tableTrSteps: number;
  transferN: number;
  transferSteps: number;
  iterN: number;
  iterSteps: number;
  /** Clean-accuracy loss allowed vs κ = 0, in percentage points. */
  tuneBudget: number;
  tuneRhoN: number;
  /** "Is the defence real?": evaluation images, and Square Attack's query budget per image (0 is refused with a message). */
  adaptiveN: number;
  adaptiveQueries: number;
}

export const ANALYSIS_DEFAULTS: AnalysisParams = {
  tradeoffRhoN: 100, tradeoffCleanN: 1000, tradeoffMax: null, tradeoffStep: null,
  tableN: 100, tableTrSteps: 0, transferN: 100, transferSteps: 200, iterN: 100, iterSteps: 100,
  tuneBudget: 0.5, tuneRhoN: 100, adaptiveN: 50, adaptiveQueries: 1000,
};
