/**
 * Input gradients through any Classifier. Gradients flow through the JumpReLU op's registered gradient
 * (dy·1[x > κ]), so the same code attacks base, retrofitted and randomized models.
 */
import * as tf from '@tensorflow/tfjs';
import type { CandidatePass, Classifier } from '../models/classifier';
import { gatherRows, repeatRows } from './batch';

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

/**
 * Σ_i CE(logits_i, y_i): the loss FGSM-type attacks ascend, with its logit gradient softmax(z) − onehot(y)
 * written out stably. tf.losses.softmaxCrossEntropy's gradient computes p_y − 1 in float32, which is 0 for
 * a confident image (p_y rounds to 1), so the input gradient loses its largest term and its direction.
 * Here the true class gets −Σ_{k≠y} p_k, every p_k from exp(z − max z): accurate to float32 rounding.
 */
export function crossEntropySum(labels: tf.Tensor1D, numClasses: number) {
  const ce = tf.customGrad((logits, onehot, save) => {
    const z = logits as tf.Tensor2D;
    const shifted = tf.sub(z, tf.max(z, 1, true));
    const value = tf.sum(tf.sub(tf.log(tf.sum(tf.exp(shifted), 1)), tf.sum(tf.mul(shifted, onehot as tf.Tensor2D), 1)));
    (save as tf.GradSaveFunc)([z, onehot as tf.Tensor2D]);
    return {
      value,
      gradFunc: (dy, [saved, y]) => {
        const p = tf.softmax(saved);
        const others = tf.mul(p, tf.sub(1, y));
        const g = tf.sub(others, tf.mul(y, tf.sum(others, 1, true)));
        return [tf.mul(dy, g), tf.zerosLike(y)];
      },
    };
  });
  return (logits: tf.Tensor2D): tf.Scalar => ce(logits, tf.oneHot(labels, numClasses).toFloat()) as tf.Scalar;
}

/** Σ_i (logit_{k_i} − logit_{y_i}): its gradient is each image's ∇f_k − ∇f_y (DeepFool, Trust Region). */
export function logitDifferenceSum(target: tf.Tensor1D, labels: tf.Tensor1D, numClasses: number) {
  return (logits: tf.Tensor2D): tf.Scalar =>
    tf.sum(tf.mul(tf.sub(tf.oneHot(target, numClasses), tf.oneHot(labels, numClasses)), logits));
}

/**
 * The classifier's candidate pass (one forward now, backwards for any subset of the images later), or
 * the same through tf.grad: the logits from one forward, each backward one tf.grad pass over the chosen
 * images tiled K times (row i·K + r a copy of image i with objective Σ_c weights[i·K + r, c]·f_c; its
 * own forward, so under randomized κ another draw than the logits).
 * Either way one backward pass instead of K keeps the op count per step small, which is what batching
 * needs on GPU backends and what one-image runs pay for everywhere.
 */
export function candidatePass(classifier: Classifier, x: tf.Tensor4D): CandidatePass {
  if (classifier.candidatePass) return classifier.candidatePass(x);
  const logits = classifier.logits(x);
  return {
    logits,
    gradients: (weights, k, images) => tf.tidy(() => {
      const tiled = repeatRows(images ? gatherRows(x, images) : x, k);
      const { logits: l, gradient } = logitsAndGradient(classifier, tiled, (out) => tf.sum(tf.mul(out, weights)));
      l.dispose();
      return gradient;
    }),
    dispose: () => logits.dispose(),
  };
}

/** weights [n·K, C] with row i·K + r = onehot(targets[i, r]) − onehot(labels[i]): its backward is ∇f_k − ∇f_y. */
export function candidateWeights(labels: tf.Tensor1D, targets: tf.Tensor2D, numClasses: number): tf.Tensor2D {
  const [n, k] = targets.shape;
  return tf.tidy(() =>
    tf.sub(
      tf.oneHot(tf.reshape(targets, [n * k]), numClasses),
      tf.oneHot(tf.reshape(tf.tile(tf.reshape(labels, [n, 1]), [1, k]), [n * k]), numClasses),
    ) as tf.Tensor2D,
  );
}

/**
 * For each image i and each candidate class targets[i, r]: ∇f_k − ∇f_y at x_i (row i·K + r of
 * `gradients` [n·K, …input]), plus each image's logits [n, C] from the same forward pass (`candidatePass`).
 */
export function candidateGradients(
  classifier: Classifier,
  x: tf.Tensor4D,
  labels: tf.Tensor1D,
  targets: tf.Tensor2D,
): { logits: tf.Tensor2D; gradients: tf.Tensor4D } {
  const pass = candidatePass(classifier, x);
  const weights = candidateWeights(labels, targets, classifier.numClasses);
  try {
    return { logits: tf.clone(pass.logits), gradients: pass.gradients(weights, targets.shape[1]) };
  } finally {
    weights.dispose();
    pass.dispose();
  }
}
