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

/**
 * At most `count` κ from `pool` (ascending, all > 0 and within budget), evenly spread and always including
 * the largest: the candidates the stronger attacker is run at (each costs two DeepFool runs).
 */
export function thinCandidates(pool: number[], count: number): number[] {
  const sorted = [...new Set(pool)].sort((a, b) => a - b);
  if (count < 1 || sorted.length === 0) return [];
  if (sorted.length <= count) return sorted;
  const picked = new Set<number>();
  for (let i = 1; i <= count; i++) picked.add(sorted[Math.round((i * sorted.length) / count) - 1]);
  return [...picked].sort((a, b) => a - b);
}

export interface RhoAtKappa {
  kappa: number;
  /** ρ of the stronger attacker (straight-through DeepFool, refined to the boundary): what the ranking uses. */
  rhoStrong: number;
}

/**
 * The κ to propose: the largest stronger-attacker ρ (ties: the smaller κ, which costs less accuracy); κ = 0
 * when no κ beats it — an accuracy budget alone never justifies a κ, only a ρ the stronger attacker measured.
 */
export function rankByStrongerRho<T extends RhoAtKappa>(points: T[]): T[] {
  return points.filter((p) => Number.isFinite(p.rhoStrong)).sort((a, b) => b.rhoStrong - a.rhoStrong || a.kappa - b.kappa);
}

/**
 * The tuner's proposal from its measurements: the κ the stronger attacker ranks first (`rankByStrongerRho`
 * on the straight-through ρ), if it beats κ = 0; else 0. The exact-gradient ρ is carried, never used.
 */
export function proposeByStrongerAttacker(candidates: { kappa: number; rhoStraightThrough: number; rhoExact: number }[]): number {
  const zero = candidates.find((c) => c.kappa === 0);
  if (!zero) throw new Error('κ tuner: the candidates must include κ = 0 (the baseline)');
  const best = rankByStrongerRho(candidates.map((c) => ({ kappa: c.kappa, rhoStrong: c.rhoStraightThrough })))[0];
  return best && best.rhoStrong > zero.rhoStraightThrough ? best.kappa : 0;
}
