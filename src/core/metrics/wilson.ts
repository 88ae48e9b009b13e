/**
 * The Wilson score interval for a binomial proportion (Wilson 1927): the 95% interval the κ slider shows
 * beside an accuracy estimated on the images seen so far. Unlike the normal approximation p ± z·√(p(1−p)/n)
 * it stays inside [0, 1] and is not zero-width at p = 0 or 1 — the usual case for a first batch of 20
 * images at 95% accuracy.
 */
export interface Interval {
  lo: number;
  hi: number;
}

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export function wilsonInterval(successes: number, n: number, z = Z95): Interval {
  if (!(n > 0) || successes < 0 || successes > n) return { lo: 0, hi: 1 };
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}
