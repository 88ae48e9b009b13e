/**
 * Clean accuracy on the first `sampleSize` shard images, in batches so progress streams and a cancel is
 * honoured within one batch. The gallery is predicted first: it is what the student is looking at.
 */
import * as tf from '@tensorflow/tfjs';
import { throwIfAborted } from '../core/attacks';
import type { Shard } from '../core/data/shard';
import { shardImages } from '../core/data/shard-batch';
import type { Classifier } from '../core/models/classifier';
import { accuracyOver, DEFAULT_BATCH_SIZE, shardSource } from '../core/metrics/accuracy';
import type { EvalRequest, EvalResult, GalleryPrediction, ProgressFn } from './protocol';

/** The core's batch size, so `npm run bench`'s κ → accuracy rows (core `accuracy`) match what runs here. */
export const EVAL_BATCH = DEFAULT_BATCH_SIZE;

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

export async function evaluateAccuracy(classifier: Classifier, shard: Shard, req: EvalRequest,
  signal: AbortSignal, onProgress: ProgressFn): Promise<EvalResult> {
  const t0 = performance.now();
  const total = Math.max(1, Math.min(req.sampleSize, shard.manifest.count));
  const galleryIdx = req.galleryIndices.filter((i) => i >= 0 && i < shard.manifest.count);

  let gallery: GalleryPrediction[] = [];
  if (galleryIdx.length) {
    const x = shardImages(shard, galleryIdx, classifier.normalization);
    try {
      const { pred, conf } = await predict(classifier, x);
      gallery = galleryIdx.map((index, i) => ({
        index, predicted: pred[i], confidence: conf[i], correct: pred[i] === shard.labels[index],
      }));
    } finally {
      x.dispose();
    }
  }
  throwIfAborted(signal);

  const source = shardSource(shard, classifier.normalization, total);
  const correct = (await accuracyOver(classifier, source, { batchSize: EVAL_BATCH, signal, onProgress })).correct.reduce((a, v) => a + v, 0);
  return { request: req, correct, total, accuracy: correct / total, gallery, ms: performance.now() - t0 };
}
