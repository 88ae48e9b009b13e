/**
 * Randomized JumpReLU (paper appendix C): every layer, every forward pass draws κ ~ U[a, b], a = 0.6·b.
 * Seedable so a permalink or a test reproduces the same draws.
 */

/** mulberry32: small, fast, good enough for drawing thresholds; state is one uint32. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const RANDOMIZED_LOWER_FRACTION = 0.6;

export function randomKappaSampler(b: number, seed: number): () => number {
  const rand = mulberry32(seed);
  const a = RANDOMIZED_LOWER_FRACTION * b;
  return () => a + (b - a) * rand();
}
