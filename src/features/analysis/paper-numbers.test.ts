import { describe, expect, it } from 'vitest';
import { PAPER_NUMBERS } from './paper-numbers';

describe("the paper's numbers as transcribed", () => {
  it('Table 4 (R): b at or above the deterministic κ, fractions in [0, 1], TR needing more than (D) — the paper\'s own reading', () => {
    for (const [key, m] of Object.entries(PAPER_NUMBERS)) {
      const r = m.randomized;
      const d = m.whiteBox[1];
      expect(r.kappa, key).toBeGreaterThanOrEqual(d.kappa);
      for (const v of [r.clean, ...Object.values(r.cells), ...Object.values(r.unfooled)]) expect(v, key).toBeGreaterThanOrEqual(0);
      for (const v of [r.clean, r.cells.pgd, ...Object.values(r.unfooled)]) expect(v, key).toBeLessThanOrEqual(1);
      // "the average minimal perturbations are increased in all situations, especially those for the TR attack"
      expect(r.cells['trust-region'], key).toBeGreaterThan(d.cells['trust-region']);
      expect(r.cells.pgd, key).toBeGreaterThanOrEqual(d.cells.pgd);
    }
  });

  it('quotes the paper\'s worked example: TR on the robust WideResNet, 6.1% → 18.1% with a fool rate of 70.73%', () => {
    const w = PAPER_NUMBERS['PreActResNet-robust'];
    expect(w.whiteBox[1].cells['trust-region']).toBe(0.061);
    expect(w.randomized.cells['trust-region']).toBe(0.181);
    expect(1 - w.randomized.unfooled['trust-region']).toBeCloseTo(0.7073, 6);
  });
});
