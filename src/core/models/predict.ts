import * as tf from '@tensorflow/tfjs';
import { normalizePixels, type Normalization } from '../data/normalization';
import type { Shard } from '../data/shard';

/** Normalised batch of shard images [start, end) as a tensor. */
export function shardBatch(shard: Shard, start: number, end: number, n: Normalization): tf.Tensor4D {
  const [h, w, c] = shard.manifest.shape;
  const size = h * w * c;
  return normalizePixels(shard.images.subarray(start * size, end * size), [end - start, h, w, c], n);
}
