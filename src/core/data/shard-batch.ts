/** Normalised tensors of shard images: a contiguous range (metrics, benches) or chosen indices (the app). */
import type * as tf from '@tensorflow/tfjs';
import { normalizePixels, type Normalization } from './normalization';
import type { Shard } from './shard';

/** Shard images [start, end) as one normalised batch (a view of the pixels, no copy). */
export function shardBatch(shard: Shard, start: number, end: number, n: Normalization): tf.Tensor4D {
  const [h, w, c] = shard.manifest.shape;
  const size = h * w * c;
  return normalizePixels(shard.images.subarray(start * size, end * size), [end - start, h, w, c], n);
}

/** The shard images at `indices`, in that order, as one normalised batch. */
export function shardImages(shard: Shard, indices: readonly number[], n: Normalization): tf.Tensor4D {
  const [h, w, c] = shard.manifest.shape;
  const size = h * w * c;
  const pixels = new Uint8Array(indices.length * size);
  indices.forEach((idx, i) => pixels.set(shard.images.subarray(idx * size, (idx + 1) * size), i * size));
  return normalizePixels(pixels, [indices.length, h, w, c], n);
}
