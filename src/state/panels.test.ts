import { describe, expect, it } from 'vitest';
import type { AnalysisResult } from '../worker/jobs';
import { ANALYSIS_PANELS, ANALYSIS_SETTINGS, EMBED_HEIGHTS, EMBED_PANELS, SETTINGS_OF, figureCaption } from './panels';

describe('per-analysis records read from the contracts', () => {
  it('give every embeddable panel a height, the analyses theirs from the contract', () => {
    for (const id of EMBED_PANELS) expect(EMBED_HEIGHTS[id].open, id).toBeGreaterThan(100);
    expect(EMBED_HEIGHTS.adaptive).toEqual({ open: 648, grows: 520 });
  });

  it("list each panel's number boxes in its contract's order, every setting in exactly one panel", () => {
    expect(SETTINGS_OF.adaptive).toEqual(['adaptiveN', 'adaptiveQueries', 'adaptiveApgdSteps', 'adaptiveApgdTargets', 'adaptiveEnsembleQueries']);
    const all = ANALYSIS_PANELS.flatMap((k) => SETTINGS_OF[k]);
    expect([...all].sort()).toEqual(Object.keys(ANALYSIS_SETTINGS).sort());
    expect(new Set(all).size).toBe(all.length);
  });

  it("caption a figure from what ran (the result's request), not from the settings on screen", () => {
    const r = { kind: 'transfer', request: { kind: 'transfer', modelId: 'm', steps: 200 }, kappas: [0, 0.5, 1, 1.5, 2], count: 87 };
    expect(figureCaption(r as unknown as AnalysisResult)).toBe('IFGSM (200 steps) crafted at source κ, evaluated at target κ = 0…2; n = 87');
    const t = { kind: 'table', request: { kind: 'table', kappa: 0.4, trSteps: 0, randomized: true }, count: 100 };
    expect(figureCaption(t as unknown as AnalysisResult)).toBe('IFGSM, DeepFool L∞/L2 at κ = 0 and randomized b = 0.4; n = 100');
  });
});
