/**
 * κ, declared once. The page chooses and a request carries a `KappaChoice` (κ, randomized, seed); the core
 * runs and reference files record its resolved `KappaSetting` (a number, or the randomized range's upper
 * bound b and seed); `kappaSetting` is the one mapping between them, `kappaLabel` the one way to write it.
 */
import { RANDOMIZED_LOWER_FRACTION } from '../op/randomized';

export interface KappaChoice {
  kappa: number;
  /** Randomized JumpReLU: each layer and pass draws κ ~ U[0.6·κ, κ] from `seed`. */
  randomized: boolean;
  seed: number;
}

/** A fixed κ, or randomized JumpReLU (paper appendix C): κ ~ U[0.6·b, b] per layer and forward pass. */
export type KappaSetting = number | { randomized: { b: number; seed: number } };

/** The choice as the core runs it: randomized mode at κ > 0 draws κ ~ U[0.6κ, κ] from `seed`. */
export function kappaSetting(k: KappaChoice): KappaSetting {
  return k.randomized && k.kappa > 0 ? { randomized: { b: k.kappa, seed: k.seed } } : k.kappa;
}

export function kappaLabel(k: KappaSetting): string {
  return typeof k === 'number' ? String(k) : `U[${Number((RANDOMIZED_LOWER_FRACTION * k.randomized.b).toPrecision(6))}, ${k.randomized.b}]`;
}
