/**
 * The margin f_y − max_{j≠y} f_j of each image's logits: > 0 while the label wins, < 0 once fooled. The
 * loss of the min-norm and score-based attacks (FMN, Square), which need no probabilities.
 */
import * as tf from '@tensorflow/tfjs';

/** Per image [n]. */
export function margins(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const isLabel = tf.oneHot(labels, logits.shape[1]);
    const label = tf.sum(tf.mul(logits, isLabel), 1);
    const other = tf.max(tf.where(isLabel.toBool(), tf.fill(logits.shape, -Infinity), logits), 1);
    return tf.sub(label, other) as tf.Tensor1D;
  });
}

/** Σ_i margin_i: its gradient is each image's ∇(f_y − f_k*) (k* the strongest other class). */
export const marginSum = (labels: tf.Tensor1D) => (logits: tf.Tensor2D): tf.Scalar => tf.sum(margins(logits, labels));
