/** attack: one attack on one image, on the unprotected model and at κ (white-box, or gray-box from κ = 0). */
import type { ParamValue } from '../../core/attacks/params';
import type { GradientMode } from '../../core/op/gradient-mode';
import { job, type KappaChoice } from './contract';
import type { Prediction } from './own';

export type ThreatModel = 'white-box' | 'gray-box';

export interface AttackRequest extends KappaChoice {
  modelId: string;
  imageIndex: number;
  attackId: string;
  params: Record<string, ParamValue>;
  threat: ThreatModel;
  /** JumpReLU's backward rule for the attacker's gradients (the forward pass never changes). */
  gradientMode: GradientMode;
  /** Width τ of the smoothed backward (> 0; read in 'smoothed' mode only). */
  smoothingTau: number;
  /**
   * The student's own image (uint8 HWC of the data set's shape) instead of test image `imageIndex`. It
   * has no label: the label is what the unprotected model reads in it.
   */
  ownPixels?: Uint8Array;
  /** Targeted attack: the class the image should become; null or absent: any wrong class. */
  target?: number | null;
}

export interface AttackSide {
  /** κ of the model this side is evaluated on (0 = unprotected ReLU). */
  kappa: number;
  randomized: boolean;
  clean: Prediction;
  adversarial: Prediction;
  /** The adversarial image in pixel space [0, 1], HWC float. */
  advPixels: Float32Array;
  /** |Δx| per pixel in pixel units (max over channels), h·w. */
  deltaAbs: Float32Array;
  /** Norms of Δ in the normalised input space, as the paper measures them. */
  l2: number;
  linf: number;
  /** ‖Δ‖ / ‖x‖ in the attack's norm (paper eq. 12, one image). */
  rho: number;
  /**
   * ρ after boundary refinement (the smallest scale of Δ that still fools); null where it does not apply:
   * a fixed-ε attack, or an adversarial that does not fool (nothing to shrink).
   */
  rhoRefined: number | null;
  iterations: number;
  /** The adversarial image is misclassified by this side's model. */
  success: boolean;
  /** The clean image was already misclassified, so it was not attacked (zero perturbation). */
  skipped: boolean;
  /** Where the adversarial was crafted: on this model, or transferred from κ = 0 (gray-box). */
  craftedOn: 'self' | 'kappa-0';
}

/** One side's numbers under another gradient mode (the stronger attacker beside the requested one). */
export interface SideNumbers {
  rho: number;
  rhoRefined: number | null;
  success: boolean;
  iterations: number;
}

/**
 * The same minimization attack under a second gradient mode, on both sides: straight-through beside the
 * requested mode (exact beside a straight-through request). At κ = 0 exact and straight-through are the
 * same rule (1[z > 0]), so that side's numbers are the requested run's, not a rerun.
 */
export interface Companion {
  gradientMode: GradientMode;
  unprotected: SideNumbers;
  protected: SideNumbers;
}

export interface AttackPairResult {
  request: AttackRequest;
  label: number;
  cleanPixels: Float32Array;
  unprotected: AttackSide;
  protected: AttackSide;
  norm: 'l2' | 'linf';
  /** Null with `companionNote` saying why (fixed-ε or gradient-free attack, gray-box). */
  companion: Companion | null;
  companionNote: string | null;
  ms: number;
}

export const attack = job<AttackRequest, AttackPairResult>()({ kind: 'attack', supersedes: 'own', onModel: true });
