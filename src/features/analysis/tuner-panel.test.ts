import { describe, expect, it } from 'vitest';
import { tunerSentence } from './tuner-panel';

const c = (kappa: number, st: number, exact: number) => ({ kappa, validationAccuracy: 0.99, rhoStraightThrough: st, foolRateStraightThrough: 1, rhoExact: exact, clean: 0.99 });

describe('κ tuner sentence', () => {
  it('proposes from the straight-through ρ and puts the exact-gradient figure beside it', () => {
    const candidates = [c(0, 0.2, 0.211), c(1, 0.212, 0.3), c(2, 0.205, 0.432)];
    const s = tunerSentence({ proposed: 1, largestWithinBudget: 2, candidates, rho: { baseline: 0.2, proposed: 0.212 }, rhoExact: { baseline: 0.211, proposed: 0.3 } });
    expect(s).toBe('Proposed κ = 1: straight-through DeepFool needs 1.06× the perturbation of κ = 0 there (exact-gradient DeepFool: 1.42×; the attacker who knows about the jump is the one that counts).');
  });

  it('proposes nothing when no κ beats κ = 0 for the stronger attacker, and says what the exact gradients would claim', () => {
    const candidates = [c(0, 0.2, 0.211), c(2, 0.19, 0.432)];
    const s = tunerSentence({ proposed: 0, largestWithinBudget: 2, candidates, rho: { baseline: 0.2, proposed: 0.2 }, rhoExact: { baseline: 0.211, proposed: 0.211 } });
    expect(s).toMatch(/^No κ within the accuracy budget makes straight-through DeepFool need a larger perturbation/);
    expect(s).toMatch(/would claim 2\.05× at κ = 2: gradient masking/);
  });
});
