/**
 * The paper's "κ is tuned during the validation stage" as a rule: walk the κ grid upwards from κ = 0 and
 * keep the largest κ whose clean accuracy is within `budget` percentage points of κ = 0, stopping at the
 * first κ that breaks the budget. Stopping there (rather than taking any κ that happens to fit further
 * up) keeps the proposal on the stable side of the cliff where accuracy starts to fall. Pure: no TF.js.
 */

export interface AccuracyAtKappa {
  kappa: number;
  accuracy: number;
}

/** κ values from min to max in steps of `step`, rounded so that grid points compare and print cleanly. */
export function kappaGrid(min: number, max: number, step: number): number[] {
  if (!(step > 0) || !Number.isFinite(min) || !Number.isFinite(max) || max < min) return [Math.max(0, min || 0)];
  const n = Math.floor((max - min) / step + 1e-9);
  return Array.from({ length: n + 1 }, (_, i) => Number((min + i * step).toFixed(6)));
}

/**
 * The largest κ within budget, or null when even the smallest grid κ breaks it. `points` need not be
 * sorted; the κ = 0 point (or `baseline`) is the reference accuracy.
 */
export function proposeKappa(points: AccuracyAtKappa[], budgetPoints: number, baseline?: number): number | null {
  const sorted = [...points].filter((p) => Number.isFinite(p.accuracy)).sort((a, b) => a.kappa - b.kappa);
  const ref = baseline ?? sorted.find((p) => p.kappa === 0)?.accuracy;
  if (ref === undefined || !sorted.length) return null;
  // A tiny tolerance so that "exactly on budget" counts as within it despite float rounding.
  const floor = ref - Math.max(0, budgetPoints) / 100 - 1e-12;
  let best: number | null = null;
  for (const p of sorted) {
    if (p.accuracy < floor) break;
    best = p.kappa;
  }
  return best;
}
