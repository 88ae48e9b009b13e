import type * as tf from '@tensorflow/tfjs';
import type { Normalization } from '../data/normalization';

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
}
