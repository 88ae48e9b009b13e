/** Panel ids shared by the URL schema, the store and the layouts. Short and stable: links depend on them. */
import type { ParamSpec } from '../core/attacks/params';
import { ANALYSES, ANALYSIS_DEFAULTS, ANALYSIS_KINDS, type AnalysisJob, type AnalysisParams } from '../worker/jobs';

export { ANALYSIS_DEFAULTS };
export type { AnalysisParams };

/** The analyses' panels, in the order of the job list (worker/jobs/index.ts). */
export const ANALYSIS_PANELS: readonly AnalysisJob[] = ANALYSIS_KINDS;
export type AnalysisPanelId = AnalysisJob;

/** What an embed may show: the interactive app's panels and the analysis panels. */
export const EMBED_PANELS = ['model', 'slider', 'gallery', 'attack', ...ANALYSIS_PANELS] as const;
export type EmbedPanelId = 'model' | 'slider' | 'gallery' | 'attack' | AnalysisPanelId;

export const PANEL_TITLES: Record<EmbedPanelId, string> = {
  model: 'Model picker and card',
  slider: 'κ slider and clean accuracy',
  gallery: 'Test-image gallery',
  attack: 'Attack view',
  ...(Object.fromEntries(ANALYSES.map((c) => [c.kind, c.title])) as Record<AnalysisPanelId, string>),
};

/** Every analysis setting's spec (its contract's), by its name in `AnalysisParams`. */
export const ANALYSIS_SETTINGS: Readonly<Record<keyof AnalysisParams, ParamSpec>> =
  Object.fromEntries(ANALYSES.flatMap((c) => c.settings.map((s) => [s.key, s]))) as never;
