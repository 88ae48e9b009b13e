/**
 * Timing statistics shared by every benchmark (`npm run bench`: kernel, model and app rows).
 */

/** The q-quantile of xs (nearest rank from below). */
export const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
export const median = (xs: number[]): number => quantile(xs, 0.5);

/**
 * Baseline vs candidate, each timed `rounds` times in back-to-back pairs whose order alternates, so drift
 * in machine load hits both alike. The ratio is the median of per-pair ratios, which drift and allocator
 * effects disturb far less than a ratio of two medians. Each timer returns milliseconds.
 */
export async function pairedRatio(base: () => Promise<number>, ours: () => Promise<number>, rounds: number): Promise<{ baseMs: number; oursMs: number; ratio: number }> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2) { a.push(await base()); b.push(await ours()); } else { b.push(await ours()); a.push(await base()); }
  }
  return { baseMs: median(a), oursMs: median(b), ratio: median(b.map((v, i) => v / a[i])) };
}
