/**
 * The one attack interface (foolbox-style split into fixed-ε and minimization attacks). An attack
 * implements only `run` — its step logic on the images that are still correctly classified; the shared
 * `runAttack` (run-attack.ts) owns every chore: option checking, skipping already-misclassified images,
 * clipping, norms, success, progress and abort.
 *
 * Everything is in the classifier's normalised input space, as in the paper (ε, clip range, ‖Δ‖, ρ).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';
import type { GradientMode } from '../op/gradient-mode';
import type { Goal } from './goal';
import type { ParamSpec } from './params';

/**
 * Where adversarial inputs are clipped:
 *  - 'paper': [min, max] of the normalised batch handed to `runAttack`, one global range (the authors'
 *    evaluation code does this);
 *  - 'pixel': the valid pixel range [0, 1] mapped into normalised space, per channel.
 */
export type ClipMode = 'paper' | 'pixel';

/** The norm an attack minimises or bounds. */
export type Distance = 'l2' | 'linf';

export interface AttackProgress {
  /** Iterations completed so far (0-based count). */
  iteration: number;
  maxIterations: number;
  /** Images still being attacked. */
  active: number;
  /** Images finished (fooled or out of budget), including the skipped ones. */
  done: number;
}

/** Options common to every attack run (not part of an attack's own defaults). */
export interface RunOptions {
  /** Default 'paper'. */
  clip?: ClipMode;
  signal?: AbortSignal;
  onProgress?: (p: AttackProgress) => void;
  /**
   * The backward rule of the classifier's JumpReLU units for a gradient-based attack (gradient-mode.ts):
   * 'exact' (default), 'straight-through' (BPDA) or 'smoothed'. The forward pass never changes. Refused
   * by gradient-free attacks unless 'exact'.
   */
  gradientMode?: GradientMode;
  /** τ of the 'smoothed' rule (> 0); default DEFAULT_SMOOTHING_TAU. */
  smoothingTau?: number;
  /**
   * Targeted run: per image, the class it should become (≠ its label). Success then means "classified
   * as the target"; images already classified as their target are skipped. Only for attacks that
   * declare `targeted: true`.
   */
  targets?: ArrayLike<number>;
  /** The classifier's top-1 predictions on the batch, when the caller already has them: spares one pass. */
  clean?: ArrayLike<number>;
}

/** What the step logic of an attack sees: the classifier and the run's chores, already set up. */
export interface AttackContext {
  readonly classifier: Classifier;
  /** Leave the label or reach the target (goal.ts), for the rows given to `run`. */
  readonly goal: Goal;
  /** Clips into the run's valid input range (the range is fixed once per `runAttack` call). */
  clip(x: tf.Tensor4D): tf.Tensor4D;
  /**
   * Call once per iteration, outside any tf.tidy: reports progress, yields to the event loop so an
   * abort can land, and throws `AttackAbortedError` when the signal has fired.
   */
  tick(iteration: number, maxIterations: number, active: number): Promise<void>;
}

/**
 * What a run recorded per attacked row, for the attack-failure indicators (metrics/attack-failure.ts).
 * APGD's shape (apgd-core.ts `ApgdOutcome` less its tensor), written out here to keep types.ts a leaf.
 */
export interface RunRecord {
  everAdversarial: Uint8Array;
  iterations: Int32Array;
  bestLoss: Float64Array;
  runs: {
    rows: number[];
    targetRank?: number;
    run: { bestLoss: Float64Array; trace: Float64Array[]; everAdversarial: Uint8Array; halvings: Int32Array; finalStepSize: Float64Array; zeroGradients: Int32Array };
  }[];
}

/** What an attack's `run` returns for the images it was given. */
export interface AttackRunOutput {
  /** Adversarial inputs, same shape as the input; ownership passes to the caller. */
  adversarial: tf.Tensor4D;
  /** Iterations (gradient steps) used per image. */
  iterations: Int32Array;
  /** Optional per-row record of the run (APGD), rows of the `x` given to `run`. */
  record?: RunRecord;
}

/** What every attack declares; `kind` tells fixed-ε from minimization attacks. */
export interface AttackDefinition<O extends object> {
  readonly kind: 'fixed-epsilon' | 'minimization';
  /** Stable short id (registry key, URL value). */
  readonly id: string;
  readonly name: string;
  readonly distance: Distance;
  /** One sentence for the attack picker: what a step does. */
  readonly summary: string;
  readonly defaults: Readonly<O>;
  /** Has a targeted mode: its steps and stopping rule read `ctx.goal`. */
  readonly targeted?: boolean;
  /** How each option is shown and bounded (params.ts): built from `defaults` by `paramSpecs`. */
  readonly params: readonly ParamSpec[];
  /**
   * What a gradient-free attack reads from the classifier: 'scores' (logits, e.g. Square) or 'labels'
   * (the top class only, e.g. HopSkipJump). Absent: the attack uses input gradients.
   */
  readonly queries?: 'scores' | 'labels';
  /**
   * Step logic only. `x` holds images that the classifier currently labels correctly, `labels` their
   * labels (int32). Must dispose everything it creates except the returned tensor, also when aborted.
   */
  run(ctx: AttackContext, x: tf.Tensor4D, labels: tf.Tensor1D, options: Readonly<O>): Promise<AttackRunOutput>;
}

/** An attack with a perturbation budget ε (FGSM, Madry PGD): run once per ε. */
export interface FixedEpsilonAttack<O extends { epsilon: number }> extends AttackDefinition<O> {
  readonly kind: 'fixed-epsilon';
}

/**
 * An attack that searches for a small perturbation that fools the classifier (DeepFool, Trust Region,
 * the paper's IFGSM): one run gives per-image norms, so every ε of a robustness curve at once.
 */
export interface MinimizationAttack<O extends object> extends AttackDefinition<O> {
  readonly kind: 'minimization';
}

/** Per-batch result of `runAttack`. Arrays are per image, in batch order. */
export interface AttackResult {
  /** Adversarial inputs (clipped); the caller disposes it. Skipped images are returned unchanged. */
  adversarial: tf.Tensor4D;
  iterations: Int32Array;
  /**
   * Misclassified at the end (true for skipped images too). Adversarial accuracy = mean(!success).
   * Targeted runs: classified as the target.
   */
  success: Uint8Array;
  /** Already misclassified (targeted: already the target) at the start: not attacked, zero perturbation. */
  skipped: Uint8Array;
  /** Prediction on the adversarial input. */
  predictions: Int32Array;
  /** ‖x_adv − x‖₂ and ‖x_adv − x‖∞ in normalised space. */
  l2: Float32Array;
  linf: Float32Array;
  /** ‖Δ‖₂/‖x‖₂ and ‖Δ‖∞/‖x‖∞ (the paper's ρ, eq. 12, before averaging). */
  rhoL2: Float32Array;
  rhoLinf: Float32Array;
  /** The attack's own record (APGD), its row j being image `rows[j]` of this call (the attacked ones). */
  record?: { rows: number[]; data: RunRecord };
}
