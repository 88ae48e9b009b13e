/** Panel ids shared by the URL schema, the store and the layouts. Short and stable: links depend on them. */
import type { ParamSpec } from '../core/attacks/params';
import { ANALYSES, ANALYSIS_DEFAULTS, ANALYSIS_KINDS, CONTRACT, type AnalysisJob, type AnalysisParams, type AnalysisResult } from '../worker/jobs';
import type { AnalysisContract } from '../worker/jobs/contract';

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

/** Each analysis's settings in its contract's order: the inputs its panel shows (AnalysisFrame draws them). */
export const SETTINGS_OF: Readonly<Record<AnalysisPanelId, readonly (keyof AnalysisParams)[]>> =
  Object.fromEntries(ANALYSES.map((c) => [c.kind, c.settings.map((s) => s.key)])) as never;

/** An exported figure's subtitle, written by the analysis's contract from the result (what ran, not the settings on screen). */
export function figureCaption(r: AnalysisResult): string {
  return (CONTRACT[r.kind] as unknown as AnalysisContract<string, never, AnalysisResult>).caption(r);
}

/**
 * Height of each panel in an embed 720 px wide as it opens (measured in Chromium on the built app, 2026-12-06), less the
 * embed's footer, plus room for what a Run adds (the attack's result, an analysis's chart), which a fixed
 * frame must hold; each analysis's contract gives its own.
 */
export const EMBED_HEIGHTS: Readonly<Record<EmbedPanelId, { open: number; grows: number }>> = {
  // The model card starts closed (152 px); opening it adds its 228.
  model: { open: 152, grows: 228 }, slider: { open: 417, grows: 0 }, gallery: { open: 600, grows: 0 }, attack: { open: 119, grows: 720 },
  ...(Object.fromEntries(ANALYSES.map((c) => [c.kind, c.embedHeight])) as Record<AnalysisPanelId, { open: number; grows: number }>),
};
