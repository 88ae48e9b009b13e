/**
 * The one preprocessing function shared by the app, the attacks, the reproduction command and (mirrored
 * in training/train.py) the trainer: x ∈ [0, 1] → (x − mean) / std per channel. Attacks, ε, clipping and
 * ρ all live in this normalised space, as in the paper.
 */
import * as tf from '@tensorflow/tfjs';
import type { DatasetName } from './manifest';

export interface Normalization {
  mean: number[];
  std: number[];
}

export const NORMALIZATION: Record<DatasetName, Normalization> = {
  mnist: { mean: [0.1307], std: [0.3081] },
  cifar10: { mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] },
};

/** uint8 NHWC pixels (0–255) → normalised float32 tensor. */
export function normalizePixels(pixels: Uint8Array, shape: [number, number, number, number], n: Normalization): tf.Tensor4D {
  return tf.tidy(() => {
    const x = tf.div(tf.tensor4d(pixels, shape, 'int32').toFloat(), 255);
    return tf.div(tf.sub(x, n.mean), n.std) as tf.Tensor4D;
  });
}

/** Normalised tensor → pixel space [0, 1] (no clipping). */
export function denormalize(x: tf.Tensor, n: Normalization): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(x, n.std), n.mean));
}

/** The valid pixel range [0, 1] mapped into normalised space, per channel. */
export function pixelRange(n: Normalization): { lo: number[]; hi: number[] } {
  return { lo: n.mean.map((m, i) => -m / n.std[i]), hi: n.mean.map((m, i) => (1 - m) / n.std[i]) };
}
