import { EXACT_BACKWARD, jumpReluBackward, type JumpReluBackward } from '../op/gradient-mode';
import { randomKappaSampler } from '../op/randomized';

/**
 * The one κ shared by every JumpReLU layer of a retrofitted model, and the backward rule their gradients
 * use (gradient-mode.ts). Changing either changes the next forward pass: no rebuild, no recompile (the
 * kernels take κ and τ as uniforms).
 */
export class KappaControl {
  private fixed: number;
  private rule: JumpReluBackward = EXACT_BACKWARD;
  private sampler: (() => number) | null = null;
  private randomB = 0;

  constructor(kappa = 0) {
    this.fixed = checkKappa(kappa);
  }

  get kappa(): number {
    return this.fixed;
  }

  /** Fixed κ for every layer and pass; leaves randomized mode. */
  setKappa(kappa: number): void {
    this.fixed = checkKappa(kappa);
    this.sampler = null;
  }

  /** Randomized JumpReLU: each layer and forward pass draws κ ~ U[0.6·b, b] from a seeded stream. */
  setRandomized(b: number, seed: number): void {
    this.randomB = checkKappa(b);
    this.sampler = randomKappaSampler(this.randomB, seed);
  }

  get randomized(): { b: number } | null {
    return this.sampler ? { b: this.randomB } : null;
  }

  /** The backward rule of every JumpReLU layer's next forward pass; the forward output does not depend on it. */
  get backward(): JumpReluBackward {
    return this.rule;
  }

  setBackward(backward: JumpReluBackward): void {
    this.rule = jumpReluBackward(backward.mode, backward.tau);
  }

  /** κ for one layer's forward pass. */
  draw(): number {
    return this.sampler ? this.sampler() : this.fixed;
  }
}

function checkKappa(k: number): number {
  if (typeof k !== 'number' || !Number.isFinite(k) || k < 0) {
    throw new Error(`κ must be a finite number ≥ 0, got ${String(k)}`);
  }
  return k;
}
