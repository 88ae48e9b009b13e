/**
 * Input gradients through any Classifier. Gradients flow through the JumpReLU op's registered gradient
 * (dy·1[x > κ]), so the same code attacks base, retrofitted and randomized models.
 */
import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';

export interface LogitsAndGradient {
  /** Logits of the same forward pass the gradient came from (matters for randomized κ). */
  logits: tf.Tensor2D;
  gradient: tf.Tensor4D;
}

/**
 * One forward and backward pass: ∇x of objective(logits(x)) with the logits kept. The objective must
 * be a sum over images, so each image's gradient is its own (inference mode: images are independent).
 */
export function logitsAndGradient(
  classifier: Classifier,
  x: tf.Tensor4D,
  objective: (logits: tf.Tensor2D) => tf.Scalar,
): LogitsAndGradient {
  // tf.keep lets the logits outlive the gradient's internal tidy scope.
  const kept: { logits?: tf.Tensor2D } = {};
  const gradient = tf.tidy(() =>
    tf.grad((input: tf.Tensor) => {
      const l = classifier.logits(input as tf.Tensor4D);
      kept.logits = tf.keep(l);
      return objective(l);
    })(x),
  ) as tf.Tensor4D;
  if (!kept.logits) throw new Error('classifier produced no logits');
  return { logits: kept.logits, gradient };
}

/** Σ_i CE(logits_i, y_i): the loss FGSM-type attacks ascend. */
export function crossEntropySum(labels: tf.Tensor1D, numClasses: number) {
  return (logits: tf.Tensor2D): tf.Scalar =>
    tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numClasses), logits, undefined, 0, tf.Reduction.SUM) as tf.Scalar;
}

/** Σ_i (logit_{k_i} − logit_{y_i}): its gradient is each image's ∇f_k − ∇f_y (DeepFool, Trust Region). */
export function logitDifferenceSum(target: tf.Tensor1D, labels: tf.Tensor1D, numClasses: number) {
  return (logits: tf.Tensor2D): tf.Scalar =>
    tf.sum(tf.mul(tf.sub(tf.oneHot(target, numClasses), tf.oneHot(labels, numClasses)), logits));
}
