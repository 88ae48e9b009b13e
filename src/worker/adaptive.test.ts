import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ADAPTIVE_PROTOCOL } from '../core/metrics/adaptive-protocol';
import { shippedMnistContext } from '../testing/shipped-mnist-context';
import { adaptiveProtocolFor } from './adaptive';
import { adaptive } from './analysis';
import type { AdaptiveRequest, Progress } from './jobs';

// analysis.ts reaches session.ts, whose wasm asset URLs need a page (self.location); Node's wasm backend needs none.
vi.mock('../lib/wasm-assets', () => ({ WASM_PATHS: {} }));

describe('the adaptive protocol the panel runs', () => {
  it('sets Square\'s query budget and nothing else', () => {
    const p = adaptiveProtocolFor('mnist', 37);
    const base = ADAPTIVE_PROTOCOL.mnist;
    expect(p.cells.map((c) => c.attack)).toEqual(base.cells.map((c) => c.attack));
    p.cells.forEach((c, i) => {
      if (c.attack.startsWith('square')) expect(c.options.queries).toBe(37);
      else expect(c.options).toEqual(base.cells[i].options);
    });
  });

  it('adds the fixed-ε ensemble with the request\'s budgets (the pixel grid, the paper\'s ε, exact and straight-through); none when off', () => {
    expect(adaptiveProtocolFor('mnist', 37).ensemble).toBeUndefined();
    const p = adaptiveProtocolFor('cifar10', 37, { steps: 7, targetClasses: 2, queries: 30 });
    expect(p.ensemble!.settings).toEqual({ steps: 7, targetClasses: 2, queries: 30, restarts: 1 }); // APGD_RESTARTS
    expect(p.ensemble!.modes).toEqual(['exact', 'straight-through']);
    expect(p.ensemble!.epsilons.map((e) => e.label)).toEqual(['2/255', '4/255', '8/255', 'paper: 7 × 0.01 = 0.07 normalised']);
    expect(() => adaptiveProtocolFor('mnist', 37, { steps: 7, targetClasses: 0, queries: 30 })).toThrow(/targetClasses/);
  });

  it('refuses a zero or fractional budget before anything runs, saying why', () => {
    expect(() => adaptiveProtocolFor('mnist', 0)).toThrow(/query budget of at least 1 .*got 0/);
    expect(() => adaptiveProtocolFor('cifar10', 2.5)).toThrow(/got 2\.5/);
  });
});

describe('the adaptive analysis body on the shipped MNIST model (wasm)', () => {
  const mnist = shippedMnistContext();
  beforeAll(() => mnist.load());
  const context = (signal: AbortSignal, onProgress: (p: Progress) => void) => mnist.context(signal, onProgress);
  const req: AdaptiveRequest = { kind: 'adaptive', modelId: 'mnist-lenetlike-base', kappa: 1, sample: 2, queries: 10, apgdSteps: 2, apgdTargets: 1, ensembleQueries: 5 };

  it('κ = 0 and κ: every cell with raw and refined ρ, best of, both robust curves, five flags; no leak', async () => {
    const before = tf.memory().numTensors;
    const seen: Progress[] = [];
    const r = await adaptive(context(new AbortController().signal, (p) => seen.push(p)), req);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.sections.map((s) => s.kappa)).toEqual([0, 1]);
    expect(r).toMatchObject({ count: 2, queries: 10 });
    for (const s of r.sections) {
      expect(Object.keys(s.cells)).toEqual(ADAPTIVE_PROTOCOL.mnist.cells.map((c) => (c.gradientMode ? `${c.attack}+${c.gradientMode}` : c.attack)));
      for (const c of Object.values(s.cells)) if (c.foolRate === 1) expect(c.rhoRefined).toBeLessThanOrEqual(c.rho * (1 + 1e-6));
      expect(s.bestOf.robustAccuracy.l2.accuracy[0]).toBe(1);
      expect(s.bestOf.robustAccuracy.linf.epsilons.length).toBeGreaterThan(1);
      expect(Object.keys(s.redFlags).sort()).toEqual(['beatsExact', 'notConverged', 'silencedUnits', 'unboundedNotFooled', 'zeroGradients']);
      expect(s.robustAccuracy!.settings).toEqual({ steps: 2, targetClasses: 1, queries: 5, restarts: 1 });
      expect(s.robustAccuracy!.rows).toHaveLength(8);
      for (const row of s.robustAccuracy!.rows) expect(row.robustAccuracy).toBeLessThanOrEqual(row.cleanAccuracy);
    }
    // Progress moves monotonically over both κ on one bar.
    const done = seen.map((p) => p.done / p.total);
    expect(done.at(-1)!).toBeGreaterThan(0.5);
    for (let i = 1; i < done.length; i++) expect(done[i]).toBeGreaterThanOrEqual(done[i - 1] - 1e-9);
  }, 240_000);

  it('randomized κ: the ensemble also attacks κ ~ U[0.6b, b] with EOT and judges it over several draws; none when fixed', async () => {
    const before = tf.memory().numTensors;
    const ctx = context(new AbortController().signal, () => undefined);
    const r = await adaptive(ctx, { ...req, randomized: true, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.randomized).toMatchObject({ b: 1, seed: 3, eotSamples: 5, draws: 5 });
    expect(r.randomized!.rows).toHaveLength(8);
    for (const row of r.randomized!.rows) {
      expect(row.drawAccuracies).toHaveLength(5);
      expect(row.robustAccuracy).toBeCloseTo(row.drawAccuracies!.reduce((a, v) => a + v, 0) / 5, 12);
      expect(row.attacks).toContain('EOT 5');
    }
    expect((await adaptive(ctx, { ...req, kappa: 0, randomized: true, apgdSteps: 0 })).randomized).toBeUndefined();
  }, 240_000);

  it('cancelled mid-way: rejects as aborted and leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const ctl = new AbortController();
    let calls = 0;
    const run = adaptive(context(ctl.signal, () => { if (++calls === 3) ctl.abort(); }), { ...req, sample: 4 });
    await expect(run).rejects.toThrow(/abort/i);
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(tf.memory().numTensors).toBe(before);
  });
});
