/**
 * The backward rule of JumpReLU, chosen per forward pass; the forward output never depends on it.
 *  - 'exact': dJ/dz = 1[z > κ], the derivative almost everywhere (paper §3). It ignores the jump of height
 *    κ at z = κ, so a linearisation mispredicts what a step that pushes units across κ does.
 *  - 'straight-through' (BPDA, Athalye et al. 2018, arXiv:1802.00420): ReLU's backward, 1[z > 0], as if
 *    the retrofit were not there.
 *  - 'smoothed': the derivative of the surrogate s(z) = z·σ((z − κ)/τ), which spreads the jump over a
 *    width of about τ, so the gradient sees it.
 * This module alone decides the rule: every JumpReluGrad kernel (cpu, wasm, webgl, webgpu) implements only
 * the two kernel rules below, and both the registered gradient and plain-forward.ts's many-cotangent
 * backward reach them through `jumpReluGrad`.
 */

export type GradientMode = 'exact' | 'straight-through' | 'smoothed';

export const GRADIENT_MODES: readonly GradientMode[] = ['exact', 'straight-through', 'smoothed'];

export interface JumpReluBackward {
  mode: GradientMode;
  /**
   * Width τ of the smoothed surrogate, in pre-activation units (> 0; used by 'smoothed' only). Default
   * 0.1: a tenth of MNIST's paper κ = 1, so the surrogate is close to J away from κ and its derivative
   * still rises over a few τ around κ.
   */
  tau: number;
}

export const DEFAULT_SMOOTHING_TAU = 0.1;

export const EXACT_BACKWARD: JumpReluBackward = { mode: 'exact', tau: DEFAULT_SMOOTHING_TAU };

/** A checked backward rule (values come from URLs, sliders and the command line). */
export function jumpReluBackward(mode: GradientMode = 'exact', tau: number = DEFAULT_SMOOTHING_TAU): JumpReluBackward {
  if (!GRADIENT_MODES.includes(mode)) throw new Error(`gradient mode must be one of ${GRADIENT_MODES.join(', ')}, got "${String(mode)}"`);
  if (typeof tau !== 'number' || !Number.isFinite(tau) || tau <= 0) throw new Error(`smoothing τ must be a finite number > 0, got ${String(tau)}`);
  return { mode, tau };
}

/**
 * What a JumpReluGrad kernel computes: 'step' is dy where x > threshold, else 0; 'smoothed' is
 * dy·s′(x) with s as above (κ = threshold).
 */
export interface KernelRule {
  rule: 'step' | 'smoothed';
  threshold: number;
  tau: number;
}

export function kernelRule(kappa: number, backward: JumpReluBackward): KernelRule {
  switch (backward.mode) {
    case 'exact':
      return { rule: 'step', threshold: kappa, tau: backward.tau };
    case 'straight-through':
      return { rule: 'step', threshold: 0, tau: backward.tau };
    case 'smoothed':
      return { rule: 'smoothed', threshold: kappa, tau: backward.tau };
  }
}

/**
 * |u| beyond which σ(u) is 0 or 1 for the smoothed rule: there s′ is 0 or 1 exactly (the bump term is below
 * 1e-11·(30 + κ/τ)), which also keeps ±∞ and NaN inputs out of the arithmetic (NaN gives 0).
 */
export const SMOOTH_CUTOFF = 30;

/**
 * s′(x) for s(z) = z·σ((z − κ)/τ): σ(u) + (x/τ)·σ(u)·(1 − σ(u)), u = (x − κ)/τ, in float32 steps. The JS
 * reference and the cpu/wasm loop; the GPU kernels write the same formula in their shader language.
 */
export function smoothedDerivative(x: number, k: number, tau: number): number {
  const u = Math.fround(Math.fround(x - k) / tau);
  if (!(u > -SMOOTH_CUTOFF)) return 0;
  if (u > SMOOTH_CUTOFF) return 1;
  const s = Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-u))));
  return Math.fround(s + Math.fround(Math.fround(x / tau) * Math.fround(s * Math.fround(1 - s))));
}
