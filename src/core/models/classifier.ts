import type * as tf from '@tensorflow/tfjs';
import type { Normalization } from '../data/normalization';
import type { JumpReluBackward } from '../op/gradient-mode';

/**
 * The single choke point every attack and metric calls. Inputs are normalised NHWC tensors; a classifier
 * may be the base model, a retrofitted one at some κ, or a randomized one.
 */
export interface Classifier {
  /** Logits [n, numClasses]; differentiable w.r.t. x; the caller disposes the result. */
  logits(x: tf.Tensor4D): tf.Tensor2D;
  numClasses: number;
  /** Per-image shape [h, w, c]. */
  inputShape: [number, number, number];
  /** The normalisation the inputs are in (to map the [0, 1] pixel range into this space). */
  normalization: Normalization;
  /**
   * Optional fast path for many input gradients per image (retrofitted models through the plain-op
   * forward): a forward on x whose backward runs later, for many cotangents per image and any subset of
   * the images. Without it callers use tf.grad (gradients.ts's `candidatePass`).
   */
  candidatePass?(x: tf.Tensor4D): CandidatePass;
  /**
   * The same classifier (same forward outputs) whose JumpReLU gradients follow another backward rule
   * (gradient-mode.ts). Absent on classifiers without JumpReLU units, where every rule is the same.
   */
  withBackward?(backward: JumpReluBackward): Classifier;
}

/**
 * One forward pass on x [n, …] whose backward runs later, for K cotangents per image of any subset of the
 * n images: DeepFool reads the logits (who is fooled, which candidates), then asks for the gradients of
 * the images still to attack, without a second forward. Owns the forward's tensors until `dispose`.
 */
export interface CandidatePass {
  /** The forward's logits [n, classes]. */
  readonly logits: tf.Tensor2D;
  /**
   * `weights` [m·K, classes] for the images `images` (indices into x, m of them; all n when omitted), row i·K + r the r-th cotangent on the i-th of them → gradients [m·K, …x], row i·K + r the
   * gradient of Σ_c weights[i·K + r, c]·f_c at that image.
   */
  gradients(weights: tf.Tensor2D, k: number, images?: readonly number[]): tf.Tensor4D;
  dispose(): void;
}

/**
 * A LayersModel as loaded (its own `apply`, inference mode): how model cards measure a model, independently
 * of the plain-op forward pass the attacks use. The model's last layer must output logits (or any
 * monotone map of them: only the arg-max is read).
 */
export function layersClassifier(model: tf.LayersModel, normalization: Normalization): Classifier {
  const out = model.outputs[0].shape;
  const input = model.inputs[0].shape;
  return {
    logits: (x) => model.apply(x, { training: false }) as tf.Tensor2D,
    numClasses: out[out.length - 1] ?? 0,
    inputShape: input.slice(1) as [number, number, number],
    normalization,
  };
}
