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
   * Optional fast path for many input gradients per image: one forward on x [n, …] and one backward for
   * `weights` [n·k, classes] (k cotangents per image, row i·k + r) → the logits [n, classes] and the
   * gradients [n·k, …] of Σ_c weights[row, c]·f_c at each row's image. Without it callers use tf.grad.
   */
  candidateGradients?(x: tf.Tensor4D, weights: tf.Tensor2D, k: number): { logits: tf.Tensor2D; gradients: tf.Tensor4D };
  /**
   * The same classifier (same forward outputs) whose JumpReLU gradients follow another backward rule
   * (gradient-mode.ts). Absent on classifiers without JumpReLU units, where every rule is the same.
   */
  withBackward?(backward: JumpReluBackward): Classifier;
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
