/**
 * The images an experiment runs on: normalised inputs and labels, held as one tensor (1000 MNIST or
 * CIFAR images are a few MB). A seed picks a reproducible subset; seed 0 takes the first n in order.
 */
import * as tf from '@tensorflow/tfjs';
import { normalizePixels } from '../data/normalization';
import type { Normalization } from '../data/normalization';
import { mulberry32 } from '../op/randomized';

export interface EvalSet {
  /** Normalised NHWC inputs; owned by the set. */
  x: tf.Tensor4D;
  labels: Int32Array;
  /** Index of each image in the source shard. */
  indices: Int32Array;
}

export interface PixelSource {
  images: Uint8Array;
  labels: Uint8Array;
  /** Per-image [h, w, c]. */
  shape: [number, number, number];
}

export function pickIndices(count: number, n: number, seed: number): Int32Array {
  const all = Int32Array.from({ length: count }, (_, i) => i);
  if (seed !== 0) {
    const rand = mulberry32(seed);
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [all[i], all[j]] = [all[j], all[i]];
    }
  }
  return all.slice(0, Math.min(n, count));
}

export function makeEvalSet(source: PixelSource, normalization: Normalization, n: number, seed = 0): EvalSet {
  const [h, w, c] = source.shape;
  const size = h * w * c;
  const count = source.labels.length;
  const indices = pickIndices(count, n, seed);
  const pixels = new Uint8Array(indices.length * size);
  indices.forEach((src, i) => pixels.set(source.images.subarray(src * size, (src + 1) * size), i * size));
  return {
    x: normalizePixels(pixels, [indices.length, h, w, c], normalization),
    labels: Int32Array.from(indices, (i) => source.labels[i]),
    indices,
  };
}

/** Rows [start, end) of a set, as a new tensor (caller disposes) and a label view. */
export function sliceSet(set: EvalSet, start: number, end: number): { x: tf.Tensor4D; labels: Int32Array } {
  return { x: tf.slice(set.x, [start, 0, 0, 0], [end - start, -1, -1, -1]), labels: set.labels.subarray(start, end) };
}
