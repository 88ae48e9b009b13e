import { describe, expect, it } from 'vitest';
import { ANALYSES, ANALYSIS_DEFAULTS, ANALYSIS_KINDS, CONTRACTS, SUPERSEDES } from './index';
import { checkAnalysisRequest } from './contract';
import { tradeoff } from './tradeoff';
import { adaptive } from './adaptive';

const ON_THE_MODEL = ['evaluate', 'attack', 'own', 'histogram', 'tradeoff', 'table', 'transfer', 'iterations', 'tuner', 'adaptive', 'detection'];

describe('job contracts', () => {
  it('give the supersede table the scheduler enforced before the contracts (written out by hand here)', () => {
    expect(SUPERSEDES).toEqual({
      start: ['start'],
      backend: ['backend', 'load', 'loadOwn', ...ON_THE_MODEL],
      load: ['load', 'loadOwn', ...ON_THE_MODEL],
      loadOwn: ['load', 'loadOwn', ...ON_THE_MODEL],
      evaluate: ['evaluate'], attack: ['attack'], own: ['own'], histogram: ['histogram'],
      tradeoff: ['tradeoff'], table: ['table'], transfer: ['transfer'], iterations: ['iterations'], tuner: ['tuner'], adaptive: ['adaptive'], detection: ['detection'],
      reference: ['reference'],
    });
  });

  it('list each kind once, and the analyses in their panel order', () => {
    const kinds = CONTRACTS.map((c) => c.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(ANALYSIS_KINDS).toEqual(['tradeoff', 'table', 'transfer', 'iterations', 'tuner', 'adaptive', 'detection']);
  });

  it('declare every analysis setting once: a link key each (no two alike), a range holding its default', () => {
    const urls = ANALYSES.flatMap((c) => c.settings.map((s) => s.url));
    expect(new Set(urls).size).toBe(urls.length);
    expect(urls.every((u) => typeof u === 'string' && /^[a-z]+$/.test(u))).toBe(true);
    for (const s of ANALYSES.flatMap((c) => c.settings)) {
      if (s.default === null) expect(s.nullable).toBe(true);
      else {
        expect(s.default as number).toBeGreaterThanOrEqual(s.min!);
        expect(s.default as number).toBeLessThanOrEqual(s.max!);
      }
    }
    expect(ANALYSIS_DEFAULTS).toEqual({
      tradeoffRhoN: 100, tradeoffCleanN: 1000, tradeoffMax: null, tradeoffStep: null,
      tableN: 100, tableTrSteps: 0, transferN: 100, transferSteps: 200, iterN: 100, iterSteps: 100,
      tuneBudget: 0.5, tuneRhoN: 100, tuneCandidates: 3, adaptiveN: 50, adaptiveQueries: 1000,
      adaptiveApgdSteps: 10, adaptiveApgdTargets: 3, adaptiveEnsembleQueries: 100,
      detN: 200, detBatch: 100, detSigma: null, detTrSteps: 0, detAwareSteps: 10,
    });
  });

  it("have the worker refuse a request whose setting is outside its spec, naming it; accept one inside", () => {
    const ok = { kind: 'tradeoff', modelId: 'm', kappas: [0], rhoSample: 10, cleanSample: 8000 } as const;
    expect(() => checkAnalysisRequest(tradeoff, ok)).not.toThrow();
    expect(() => checkAnalysisRequest(tradeoff, { ...ok, rhoSample: 5000 })).toThrow('tradeoff: rhoSample = 5000 is outside 10–1000.');
    expect(() => checkAnalysisRequest(tradeoff, { ...ok, cleanSample: 100.5 })).toThrow(/cleanSample = 100.5 is not a whole number/);
    expect(() => checkAnalysisRequest(tradeoff, { ...ok, cleanSample: Number.NaN })).toThrow(/cleanSample = NaN is not a finite number/);
    // Square's 0 queries passes the range (the link keeps it) so that the adaptive body can say why it refuses it.
    const ad = { kind: 'adaptive', modelId: 'm', kappa: 1, sample: 2, queries: 0, apgdSteps: 0, apgdTargets: 3, ensembleQueries: 100 } as const;
    expect(() => checkAnalysisRequest(adaptive, ad)).not.toThrow();
    expect(() => checkAnalysisRequest(adaptive, { ...ad, apgdTargets: 10 })).toThrow('adaptive: apgdTargets = 10 is outside 1–9.');
  });
});
