/**
 * Top-1 accuracy on clean inputs, batched so large sets fit, with progress (and the running count of
 * correct images, which the app shows while it works) and abort. The one batched accuracy loop: the
 * experiments run it over an EvalSet, the worker's κ slider over shard images, `npm run bench` both ways.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Normalization } from '../data/normalization';
import type { Shard } from '../data/shard';
import type { Classifier } from '../models/classifier';
import { shardBatch, shardImages } from '../data/shard-batch';
import { yieldAndCheck } from '../attacks/abort';
import { predict } from '../attacks/run-attack';
import type { EvalSet } from './eval-set';
import { sliceSet } from './eval-set';

export interface BatchOptions {
  /** Images per forward/attack batch (memory vs. speed). */
  batchSize?: number;
  signal?: AbortSignal;
  /** Images finished so far out of the total. */
  onProgress?: (p: { done: number; total: number }) => void;
}

export interface AccuracyOptions extends Omit<BatchOptions, 'onProgress'> {
  /** Images finished so far, and how many of them were classified correctly. */
  onProgress?: (p: { done: number; total: number; correct: number }) => void;
  /**
   * Size of the first batch; each next one doubles up to `batchSize`. The κ slider's first estimate comes
   * from a batch small enough to land within 200 ms (worker/evaluate.ts), the rest at full batch speed.
   */
  firstBatch?: number;
}

export const DEFAULT_BATCH_SIZE = 250;

export interface AccuracyResult {
  accuracy: number;
  predictions: Int32Array;
  correct: Uint8Array;
}

/** Where a batched loop gets images [start, end) (a new tensor the loop disposes) and their labels. */
export interface BatchSource {
  readonly count: number;
  batch(start: number, end: number): tf.Tensor4D;
  label(i: number): number;
}

/** Shard images in the given order (e.g. data/stratified-order.ts), normalised batch by batch. */
export function orderedShardSource(shard: Shard, normalization: Normalization, order: Int32Array): BatchSource {
  return {
    count: order.length,
    batch: (s, e) => shardImages(shard, Array.from(order.subarray(s, e)), normalization),
    label: (i) => shard.labels[order[i]],
  };
}

/** The first `count` images of a shard, normalised batch by batch (no whole-set tensor). */
export function shardSource(shard: Shard, normalization: Normalization, count = shard.manifest.count): BatchSource {
  return {
    count: Math.min(count, shard.manifest.count),
    batch: (s, e) => shardBatch(shard, s, e, normalization),
    label: (i) => shard.labels[i],
  };
}

export function evalSetSource(set: EvalSet): BatchSource {
  return { count: set.labels.length, batch: (s, e) => sliceSet(set, s, e).x, label: (i) => set.labels[i] };
}

export async function accuracyOver(classifier: Classifier, source: BatchSource, options: AccuracyOptions = {}): Promise<AccuracyResult> {
  const n = source.count;
  const full = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const predictions = new Int32Array(n);
  const correct = new Uint8Array(n);
  let right = 0;
  let batch = Math.max(1, Math.min(full, options.firstBatch ?? full));
  for (let start = 0; start < n; start += batch, batch = Math.min(full, 2 * batch)) {
    await yieldAndCheck(options.signal);
    const end = Math.min(n, start + batch);
    const x = source.batch(start, end);
    try {
      predictions.set(await predict(classifier, x), start);
    } finally {
      x.dispose();
    }
    for (let i = start; i < end; i++) if ((correct[i] = predictions[i] === source.label(i) ? 1 : 0)) right++;
    options.onProgress?.({ done: end, total: n, correct: right });
  }
  return { accuracy: n ? right / n : NaN, predictions, correct };
}

export function accuracy(classifier: Classifier, set: EvalSet, options: AccuracyOptions = {}): Promise<AccuracyResult> {
  return accuracyOver(classifier, evalSetSource(set), options);
}
