import * as tf from '@tensorflow/tfjs';
import { normalizePixels, type Normalization } from '../data/normalization';
import type { Shard } from '../data/shard';

/** Normalised batch of shard images [start, end) as a tensor. */
export function shardBatch(shard: Shard, start: number, end: number, n: Normalization): tf.Tensor4D {
  const [h, w, c] = shard.manifest.shape;
  const size = h * w * c;
  return normalizePixels(shard.images.subarray(start * size, end * size), [end - start, h, w, c], n);
}

/**
 * Top-1 predictions of `model` on shard images [0, count), in batches so memory stays flat and a caller can
 * report progress. Inference mode (dropout off).
 */
export async function predictShard(model: tf.LayersModel, shard: Shard, n: Normalization,
  opts: { count?: number; batchSize?: number; onBatch?: (done: number, total: number) => void } = {}): Promise<Int32Array> {
  const total = Math.min(opts.count ?? shard.manifest.count, shard.manifest.count);
  const bs = opts.batchSize ?? 500;
  const out = new Int32Array(total);
  for (let s = 0; s < total; s += bs) {
    const e = Math.min(total, s + bs);
    const pred = tf.tidy(() => tf.argMax(model.apply(shardBatch(shard, s, e, n), { training: false }) as tf.Tensor, -1));
    out.set(await pred.data() as Int32Array, s);
    pred.dispose();
    opts.onBatch?.(e, total);
  }
  return out;
}

export function accuracyOf(pred: Int32Array, labels: Uint8Array): number {
  let ok = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === labels[i]) ok++;
  return ok / pred.length;
}
