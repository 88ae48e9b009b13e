/**
 * Clean accuracy on the first `sampleSize` shard images, progressively: the images are visited in a
 * class-stratified order (core/data/stratified-order.ts), so every prefix is a fair sample, and the first
 * batch is sized from the model's measured speed to land within ~120 ms; each next batch doubles up to the
 * core's batch size. Every batch streams its running count (the interim estimate, shown with a Wilson
 * interval), and a cancel or a newer κ is honoured at the next batch boundary. The gallery is predicted
 * right after the first batch: the student sees a first figure before anything else.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfAborted } from '../core/attacks';
import { stratifiedOrder } from '../core/data/stratified-order';
import type { Shard } from '../core/data/shard';
import { shardImages } from '../core/data/shard-batch';
import type { Classifier } from '../core/models/classifier';
import { accuracyOver, DEFAULT_BATCH_SIZE, orderedShardSource } from '../core/metrics/accuracy';
import type { EvalRequest, EvalResult, GalleryPrediction, ProgressFn } from './jobs';

/** The core's batch size, so `npm run bench`'s κ → accuracy rows (core `accuracy`) match what runs here. */
export const EVAL_BATCH = DEFAULT_BATCH_SIZE;

/** What the first batch may take: with the message and a render it lands within the 200 ms budget. */
const FIRST_BATCH_MS = 120;
/** The first batch holds whole rounds of the ten classes, at least one. */
const ROUND = 10;
/** Before any measurement: ~5 ms per image, the slowest shipped networks' small batches on 2-core wasm. */
const UNMEASURED_MS_PER_IMAGE = 6;

/** Milliseconds per image of each model, from its last sweep's later batches (the first includes warm-up). */
const speed = new Map<string, number>();
/**
 * Each model's fixed cost of a batch in ms, once warm: its last first batch's time beyond its images at the bulk
 * rate. Per-op dispatch does not shrink with the batch, so a deep network's small batch costs more than its
 * images (the MobileNetV2's 30-image first estimate took ~195 ms at 3.3 ms per image); sizing by rate alone overran
 * the budget.
 */
const overhead = new Map<string, number>();

/**
 * First-batch size for a model: as many whole class rounds as fit FIRST_BATCH_MS, at least one, with `overheadMs`
 * of it going to the batch's fixed cost and the rest to `msPerImage` per image.
 */
export function firstBatchSize(msPerImage: number, total: number, overheadMs = 0): number {
  const rounds = Math.max(1, Math.floor((FIRST_BATCH_MS - overheadMs) / (ROUND * Math.max(msPerImage, 1e-3))));
  return Math.min(total, EVAL_BATCH, rounds * ROUND);
}

async function predict(classifier: Classifier, x: tf.Tensor4D): Promise<{ pred: Int32Array; conf: Float32Array }> {
  const [p, c] = tf.tidy(() => {
    const probs = tf.softmax(classifier.logits(x));
    return [tf.argMax(probs, 1), tf.max(probs, 1)];
  });
  try {
    return { pred: (await p.data()) as Int32Array, conf: (await c.data()) as Float32Array };
  } finally {
    tf.dispose([p, c]);
  }
}

async function galleryPredictions(classifier: Classifier, shard: Shard, indices: number[]): Promise<GalleryPrediction[]> {
  if (!indices.length) return [];
  const x = shardImages(shard, indices, classifier.normalization);
  try {
    const { pred, conf } = await predict(classifier, x);
    return indices.map((index, i) => ({ index, predicted: pred[i], confidence: conf[i], correct: pred[i] === shard.labels[index] }));
  } finally {
    x.dispose();
  }
}

export async function evaluateAccuracy(classifier: Classifier, shard: Shard, req: EvalRequest,
  signal: AbortSignal, onProgress: ProgressFn): Promise<EvalResult> {
  const t0 = performance.now();
  const total = Math.max(1, Math.min(req.sampleSize, shard.manifest.count));
  const galleryIdx = req.galleryIndices.filter((i) => i >= 0 && i < shard.manifest.count);
  const order = stratifiedOrder(shard.labels, total);
  const bulkRate = speed.get(req.modelId);
  const firstBatch = req.firstBatch !== undefined && Number.isInteger(req.firstBatch) && req.firstBatch > 0
    ? Math.min(total, EVAL_BATCH, req.firstBatch) : firstBatchSize(bulkRate ?? UNMEASURED_MS_PER_IMAGE, total, overhead.get(req.modelId));
  const norm = classifier.normalization;

  // The first estimate, then the gallery (with the estimate's progress), then the rest in doubling batches.
  const head = await accuracyOver(classifier, orderedShardSource(shard, norm, order.subarray(0, firstBatch)), { batchSize: firstBatch, signal });
  let right = head.correct.reduce((a, v) => a + v, 0);
  const firstMs = performance.now() - t0;
  if (bulkRate !== undefined) overhead.set(req.modelId, Math.max(0, firstMs - bulkRate * firstBatch));
  onProgress({ done: firstBatch, total, correct: right });
  throwIfAborted(signal);
  const gallery = await galleryPredictions(classifier, shard, galleryIdx);
  onProgress({ done: firstBatch, total, correct: right, gallery });

  let last = { at: performance.now(), done: 0 };
  const tail = await accuracyOver(classifier, orderedShardSource(shard, norm, order.subarray(firstBatch)), {
    batchSize: EVAL_BATCH, firstBatch: 2 * firstBatch, signal,
    onProgress: (p) => {
      const now = performance.now();
      // A model's speed for its next first batch, from batches past the warm-up and large enough to time.
      if (p.done - last.done >= 4 * ROUND) speed.set(req.modelId, (now - last.at) / (p.done - last.done));
      last = { at: now, done: p.done };
      onProgress({ done: firstBatch + p.done, total, correct: right + p.correct, gallery });
    },
  });
  right += tail.correct.reduce((a, v) => a + v, 0);
  return { request: req, correct: right, total, accuracy: right / total, gallery, ms: performance.now() - t0, firstMs, firstImages: firstBatch };
}
