/**
 * Small classifiers with known geometry for the attack tests (test-only; not imported by app code).
 *  - `affineClassifier`: logits = W·vec(x) + b, so the minimal adversarial distance has a closed form.
 *  - `tinyJumpNetwork`: dense → JumpReLU(κ) → dense, to check gradients through the custom op.
 */
import * as tf from '@tensorflow/tfjs';
import type { Normalization } from '../data/normalization';
import type { Classifier } from '../models/classifier';
import { EXACT_BACKWARD, type JumpReluBackward } from '../op/gradient-mode';
import { jumpRelu } from '../op/jump-relu';

export interface AffineClassifier extends Classifier {
  weights: tf.Tensor2D;
  bias: tf.Tensor1D;
  dispose(): void;
}

/** Pixel range of this normalisation is [−2, 2]: generous room for small perturbations. */
export const TEST_NORMALIZATION: Normalization = { mean: [0.5], std: [0.25] };

export function affineClassifier(inputShape: [number, number, number], numClasses: number, seed: number): AffineClassifier {
  const d = inputShape[0] * inputShape[1] * inputShape[2];
  const weights = tf.randomNormal([d, numClasses], 0, 1, 'float32', seed) as tf.Tensor2D;
  const bias = tf.randomNormal([numClasses], 0, 0.5, 'float32', seed + 1) as tf.Tensor1D;
  return {
    weights,
    bias,
    numClasses,
    inputShape,
    normalization: TEST_NORMALIZATION,
    logits: (x) => tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0], d]), weights), bias) as tf.Tensor2D),
    dispose: () => {
      weights.dispose();
      bias.dispose();
    },
  };
}

/** Closed-form minimal distance to misclassification of an affine classifier: min_k gap_k / ‖w_k − w_y‖_q. */
export async function closedForm(w: tf.Tensor2D, b: tf.Tensor1D, x: tf.Tensor4D, q: 1 | 2): Promise<Float64Array> {
  const [d, c] = w.shape;
  const W = await w.data();
  const f = await tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0], d]), w), b)).data();
  const out = new Float64Array(x.shape[0]);
  for (let i = 0; i < x.shape[0]; i++) {
    let y = 0;
    for (let k = 1; k < c; k++) if (f[i * c + k] > f[i * c + y]) y = k;
    let best = Infinity;
    for (let k = 0; k < c; k++) {
      if (k === y) continue;
      let norm = 0;
      for (let j = 0; j < d; j++) {
        const diff = W[j * c + k] - W[j * c + y];
        norm += q === 2 ? diff * diff : Math.abs(diff);
      }
      best = Math.min(best, (f[i * c + y] - f[i * c + k]) / (q === 2 ? Math.sqrt(norm) : norm));
    }
    out[i] = best;
  }
  return out;
}

export interface TinyJumpNetwork extends Classifier {
  kappa: number;
  /** Hidden pre-activations, to tell whether a finite-difference probe crossed a kink. */
  hidden(x: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

export function tinyJumpNetwork(inputShape: [number, number, number], hiddenUnits: number, numClasses: number, kappa: number, seed: number): TinyJumpNetwork {
  const d = inputShape[0] * inputShape[1] * inputShape[2];
  const weights = {
    w1: tf.randomNormal([d, hiddenUnits], 0, 1 / Math.sqrt(d), 'float32', seed),
    b1: tf.randomNormal([hiddenUnits], 0, 0.5, 'float32', seed + 1),
    w2: tf.randomNormal([hiddenUnits, numClasses], 0, 1, 'float32', seed + 2),
  };
  return jumpNetwork(inputShape, numClasses, kappa, weights, EXACT_BACKWARD);
}

/** A view of the same weights with a backward rule; every view's `dispose` frees the shared weights. */
function jumpNetwork(inputShape: [number, number, number], numClasses: number, kappa: number,
  weights: { w1: tf.Tensor; b1: tf.Tensor; w2: tf.Tensor }, backward: JumpReluBackward): TinyJumpNetwork {
  const d = inputShape[0] * inputShape[1] * inputShape[2];
  const { w1, b1, w2 } = weights;
  const net: TinyJumpNetwork = {
    kappa,
    numClasses,
    inputShape,
    normalization: TEST_NORMALIZATION,
    hidden: (x) => tf.tidy(() => tf.add(tf.matMul(tf.reshape(x, [x.shape[0], d]), w1), b1) as tf.Tensor2D),
    logits: (x) => tf.tidy(() => tf.matMul(jumpRelu(net.hidden(x), net.kappa, backward), w2) as tf.Tensor2D),
    withBackward: (b) => jumpNetwork(inputShape, numClasses, net.kappa, weights, b),
    dispose: () => tf.dispose([w1, b1, w2]),
  };
  return net;
}
