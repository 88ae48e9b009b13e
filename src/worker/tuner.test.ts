import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { shippedMnistContext } from '../testing/shipped-mnist-context';
import { tune } from './analysis';

// analysis.ts reaches session.ts, whose wasm asset URLs need a page (self.location); Node's wasm backend needs none.
vi.mock('../lib/wasm-assets', () => ({ WASM_PATHS: {} }));

describe('the κ tuner body on the shipped MNIST model (wasm)', () => {
  const mnist = shippedMnistContext();
  beforeAll(() => mnist.load());

  it('ranks the within-budget κ by straight-through DeepFool ρ, the exact-gradient ρ beside it; no leak', async () => {
    const ctx = mnist.context();
    const before = tf.memory().numTensors;
    const r = await tune(ctx, { kind: 'tuner', modelId: 'mnist-lenetlike-base', budget: 0.5, rhoSample: 10, candidates: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.candidates[0].kappa).toBe(0);
    expect(r.candidates.length).toBeGreaterThanOrEqual(2);
    expect(r.candidates.length).toBeLessThanOrEqual(3);
    expect(r.candidates.at(-1)!.kappa).toBe(r.largestWithinBudget);
    // The proposal is the straight-through argmax (κ = 0 when nothing beats it), whatever the exact gradients say.
    const bestSt = Math.max(...r.candidates.map((c) => c.rhoStraightThrough));
    const at = r.candidates.find((c) => c.kappa === r.proposed)!;
    if (r.proposed > 0) expect(at.rhoStraightThrough).toBe(bestSt);
    else expect(bestSt).toBe(r.candidates[0].rhoStraightThrough);
    expect(r.rho).toEqual({ baseline: r.candidates[0].rhoStraightThrough, proposed: at.rhoStraightThrough });
    expect(r.rhoExact).toEqual({ baseline: r.candidates[0].rhoExact, proposed: at.rhoExact });
    // The finding: at the largest κ the exact gradients claim more than the straight-through attacker finds.
    const top = r.candidates.at(-1)!;
    expect(top.rhoExact / r.candidates[0].rhoExact).toBeGreaterThan(top.rhoStraightThrough / r.candidates[0].rhoStraightThrough);
  }, 300_000);
});
